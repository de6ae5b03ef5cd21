"""``zonekit atlas``: the main job, every report of a study in one folder with an index page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import echo, lang_option, quiet_option, show


@click.command(cls=Command)
@click.argument("study", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option(
    "--year",
    type=int,
    default=date.today().year,
    show_default="this year",
    help="Year for the enclave benefit split and the statistical scope of boundary versions.",
)
@lang_option
@quiet_option
def atlas(study: Path | None, out: Path, lang: str, year: int) -> None:
    """Run the main job on STUDY (default: the bundled sample) and write everything into --out.

    \b
    Open OUT/index.html: it links every file, shows the headline numbers and charts.
      map.html                     the interactive map, every asset inlined (opens without internet)
      study.gpkg                   the checked study (a copy; open it in QGIS)
      imports.xlsx/.csv            every import: encoding, CRS and how decided, read = loaded + rejected
      check.xlsx/.csv              every finding of zonekit check
      intensity.xlsx/.csv/.gpkg    land-use intensity per park; 亩均; control indicators
      intensity_zones.xlsx/.csv    the same per zone, with the regional ranking
      overlap.xlsx/.csv/.gpkg      parks against protected areas, each other and the admin units; findings
      consolidate.xlsx/.csv/.gpkg  consolidation candidate groups with evidence and actions
      enclaves.xlsx/.csv           each enclave's benefits split between home and host for --year
      versions.xlsx/.csv           the boundary version whose statistics count for --year, and what changed
    """
    from zonekit.atlas_job import atlas as run_atlas
    from zonekit.layers.check import summarise

    done = run_atlas(study, out, lang=lang, year=year)
    echo("cli.study", study=done.study.path, layers=", ".join(f"{k} {len(v)}" for k, v in done.study.items()))
    show(summarise(done.findings))
    echo("cli.atlas_wrote", out=done.out)
