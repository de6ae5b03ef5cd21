"""The ``zonekit`` command group and the one place that turns errors into messages and exit codes.

Exit codes: 0 success; 1 a user error (one paragraph naming the file, the problem and the fix — the
traceback only with ``--debug``); 2 bad usage.
"""

from __future__ import annotations

import sys
import textwrap
import warnings

import click

from zonekit import __version__
from zonekit.cli.atlas import atlas
from zonekit.cli.check import check
from zonekit.cli.consolidate import consolidate
from zonekit.cli.importing import import_command
from zonekit.cli.intensity import intensity
from zonekit.cli.map import map_command
from zonekit.cli.overlap import overlap
from zonekit.cli.sample import sample
from zonekit.errors import ZonekitError, ZonekitWarning

EPILOG = """\b
Examples:
  zonekit sample demo/                               write the bundled sample study
  zonekit import 园区.shp --into s.gpkg --as parks      import a shapefile (GBK, no .prj: handled)
  zonekit import admin.geojson --into s.gpkg --as admin --from gcj02
  zonekit check s.gpkg --out check.xlsx              validity, topology, cross-layer checks
  zonekit intensity s.gpkg --out intensity.xlsx      land-use intensity per park (--by zone per zone)
  zonekit overlap s.gpkg --a parks --b protected --out o.xlsx   parks in red lines and farmland
  zonekit consolidate s.gpkg --out c.xlsx            consolidation candidates, grouped
  zonekit map s.gpkg --out map.html --offline        an interactive map that needs no internet
  zonekit atlas --out atlas/                         the main job on the bundled sample
"""


@click.group(
    epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110}
)
@click.version_option(__version__, prog_name="zonekit")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
def main(debug: bool) -> None:
    """Zonekit — plan China's development zones (开发区).

    Import the files you are handed (any encoding, CRS or web-map offset), check a study, and analyse and
    map its zones, parks, enclaves and parcels. A study is one GeoPackage (.gpkg) that QGIS opens.
    """


main.add_command(sample)
main.add_command(import_command)
main.add_command(check)
main.add_command(intensity)
main.add_command(overlap)
main.add_command(consolidate)
main.add_command(map_command)
main.add_command(atlas)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    prefix = "warning" if issubclass(category, ZonekitWarning) else f"warning ({category.__name__})"
    click.echo(textwrap.fill(f"{prefix}: {message}", width=110, subsequent_indent="  "), err=True)


def os_error_message(err: OSError) -> str:
    """One paragraph for an error of the operating system: the file, what went wrong, the fix."""
    import errno

    where = f"{err.filename}: " if err.filename else ""
    what = err.strerror or str(err)
    if err.errno == errno.ENOSPC:
        fix = "The disk is full: free some space and run the command again; nothing was left half-written."
    elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "zonekit may not write there: choose another output path or change the permissions."
    else:
        fix = "Check the path, the permissions and the free disk space, then run the command again."
    return f"{where}{what}. {fix}"


def cli() -> None:
    """Entry point of the ``zonekit`` console script."""
    debug = "--debug" in sys.argv[1:]
    warnings.showwarning = _show_warning
    try:
        main.main(standalone_mode=False, prog_name="zonekit")
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except ZonekitError as err:
        if debug:
            raise
        click.echo(textwrap.fill(f"error: {err.message}", width=110), err=True)
        sys.exit(1)
    except OSError as err:
        if debug:
            raise
        click.echo(textwrap.fill(f"error: {os_error_message(err)}", width=110), err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted; no output was left half-written", err=True)
        sys.exit(130)
    except Exception as err:
        if debug:
            raise
        click.echo(
            textwrap.fill(
                f"error: zonekit failed unexpectedly ({type(err).__name__}: {err}). This is a bug in zonekit, not in "
                "your data: run the same command with --debug and report the traceback.",
                width=110,
            ),
            err=True,
        )
        sys.exit(1)
    sys.exit(0)
