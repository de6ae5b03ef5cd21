"""The ``zonekit`` command group and the one place that turns errors into messages and exit codes.

Exit codes: 0 success; 1 a user error (one paragraph naming the file, the problem and the fix — the
traceback only with ``--debug``); 2 bad usage. Commands are loaded only when they run (or when ``--help``
lists them), and their modules import the heavy libraries inside the command, so ``zonekit --help`` and
``zonekit import --help`` start without pandas, geopandas or folium.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
import textwrap
import warnings

import click

from zonekit._version import __version__
from zonekit.cli.help import Localised, usage_error_text
from zonekit.cli.options import group_lang_option, show
from zonekit.errors import ZonekitError, ZonekitWarning
from zonekit.vocabulary.messages import language_code, say, set_language

EPILOG = """\b
Examples:
  zonekit sample demo/                               write the bundled sample study
  zonekit import 园区.shp --into s.gpkg --as parks      import a shapefile (GBK, no .prj: handled)
  zonekit import admin.geojson --into s.gpkg --as admin --from gcj02
  zonekit inspect 园区.zip --as parks                 what import would decide; writes nothing
  zonekit import 县/*.shp --into s.gpkg --as landuse   a folder's county files into one layer
  zonekit info s.gpkg                                the layers, their counts and the latest imports
  zonekit export s.gpkg parks 园区.shp --encoding gbk  a layer for a colleague (.shp .zip .gpkg .geojson .csv .xlsx)
  zonekit check s.gpkg --out check.xlsx              validity, topology, cross-layer checks
  zonekit intensity s.gpkg --out intensity.xlsx      land-use intensity per park (--by zone per zone)
  zonekit overlap s.gpkg --a parks --b protected --out o.xlsx   parks in red lines and farmland
  zonekit consolidate s.gpkg --out c.xlsx            consolidation candidates, grouped
  zonekit potential s.gpkg --date 2025-12-31 --out p.xlsx   the five kinds of low-efficiency land, potential
  zonekit snapshot s.gpkg --date 2024-12-31          keep this year's parcels and enterprises for monitoring
  zonekit monitor s.gpkg --dates 2024-12-31,2025-12-31 --out m.xlsx   each park on each date, and the change
  zonekit partition s.gpkg --out landuse.parquet     parcels in partitions, for a province or a cluster
  zonekit map s.gpkg --out map.html --offline        an interactive map that needs no internet
  zonekit atlas --out atlas/                         the main job on the bundled sample
"""

# command name → "module:function", in the order --help lists them
COMMANDS = {
    "sample": "zonekit.cli.sample:sample",
    "import": "zonekit.cli.importing:import_command",
    "inspect": "zonekit.cli.inspect:inspect_command",
    "info": "zonekit.cli.info:info",
    "export": "zonekit.cli.export:export_command",
    "check": "zonekit.cli.check:check",
    "intensity": "zonekit.cli.intensity:intensity",
    "overlap": "zonekit.cli.overlap:overlap",
    "consolidate": "zonekit.cli.consolidate:consolidate",
    "potential": "zonekit.cli.potential:potential",
    "monitor": "zonekit.cli.monitor:monitor",
    "snapshot": "zonekit.cli.snapshot:snapshot",
    "partition": "zonekit.cli.partition:partition",
    "map": "zonekit.cli.map:map_command",
    "atlas": "zonekit.cli.atlas:atlas",
}


class UserError(click.ClickException):
    """A :class:`~zonekit.errors.ZonekitError` (or an error of the operating system) as click shows it."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: D102 — click's API
        show(textwrap.fill(f"{say('error')}: {self.message}", width=110), err=True, file=file)


def os_error_message(err: OSError) -> str:
    """One paragraph for an error of the operating system: the file, what went wrong, the fix."""
    where = f"{err.filename}: " if err.filename else ""
    what = err.strerror or str(err)
    if err.errno == errno.ENAMETOOLONG:
        return f"{where}{say('os.name_too_long')}"
    if err.errno == errno.ENOSPC:
        fix = say("os.disk_full")
    elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = say("os.not_allowed")
    else:
        fix = say("os.other")
    return f"{where}{what}. {fix}"


class ZonekitGroup(Localised, click.Group):
    """Loads each command on first use and turns zonekit's errors into :class:`UserError` (exit code 1)."""

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: D102
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:  # noqa: D102
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):  # noqa: D102
        debug = ctx.params.get("debug", False)
        try:
            return super().invoke(ctx)
        except ZonekitError as err:
            if debug:
                raise
            raise UserError(err.message) from None
        except OSError as err:
            if debug or isinstance(err, BrokenPipeError):
                raise
            raise UserError(os_error_message(err)) from None


@click.group(
    cls=ZonekitGroup,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
)
@click.version_option(__version__, prog_name="zonekit")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@group_lang_option
def main(debug: bool) -> None:
    """Zonekit — plan China's development zones (开发区).

    Import the files you are handed (any encoding, CRS or web-map offset), check a study, and analyse and
    map its zones, parks, enclaves and parcels. A study is one GeoPackage (.gpkg) that QGIS opens.
    """


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    prefix = say("warning") + ("" if issubclass(category, ZonekitWarning) else f" ({category.__name__})")
    show(textwrap.fill(f"{prefix}: {message}", width=110, subsequent_indent="  "), err=True)


def _remember_command_line() -> None:
    """Hand the command line to the report writers (their metadata), without importing them for --help."""
    if not any(a in ("-h", "--help", "--version") for a in sys.argv[1:]):
        from zonekit.reports.tables import set_command_line

        set_command_line(["zonekit", *sys.argv[1:]])


def cli() -> None:
    """Entry point of the ``zonekit`` console script."""
    debug = "--debug" in sys.argv[1:]
    warnings.showwarning = _show_warning
    # a ZONEKIT_LANG zonekit cannot read is a usage error of --lang, said once, in Chinese
    set_language(language_code(os.environ.get("ZONEKIT_LANG", "")) or "zh")
    _remember_command_line()
    try:
        main.main(standalone_mode=False, prog_name="zonekit")
    except click.exceptions.Abort:
        show(say("aborted"), err=True)
        sys.exit(1)
    except click.UsageError as err:  # in the language in force, as the command's --help
        show(usage_error_text(err), err=True)
        sys.exit(err.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except ZonekitError as err:  # raised while click parses (e.g. an --out callback)
        if debug:
            raise
        UserError(err.message).show()
        sys.exit(1)
    except KeyboardInterrupt:
        show(say("interrupted"), err=True)
        sys.exit(130)
    except BrokenPipeError:  # the reader went away (`zonekit check s.gpkg | head`): nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except Exception as err:
        if debug:
            raise
        show(
            textwrap.fill(f"{say('error')}: {say('bug', err=f'{type(err).__name__}: {err}')}", width=110),
            err=True,
        )
        sys.exit(1)
    sys.exit(0)
