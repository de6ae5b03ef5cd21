"""``zonekit check``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.options import guard_out, lang_option
from zonekit.geo.area import AREA_METHOD
from zonekit.layers.check import check_study, summarise
from zonekit.reports.tables import write_tables


@click.command()
@click.argument("study", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=guard_out,
    help="Write the findings: .xlsx (with a metadata sheet), .csv (utf-8-sig), .gpkg or .parquet.",
)
@lang_option
def check(study: Path, out: Path | None, lang: str) -> None:
    """Check STUDY: geometry, topology and cross-layer consistency.

    \b
    Finds invalid geometry; parks overlapping each other (within and across zones); theme parks not inside
    their parent; parks outside their zone's boundary; enclave parks whose host equals their home; share
    rules that do not sum to 1 or overlap in time; host_adcode disagreeing with the admin layer; unknown
    land-use codes; layers in another CRS; schema problems. Each finding has a severity, the ids and the
    measured quantity (e.g. the overlap in ha).
    """
    findings = check_study(study)
    click.echo(summarise(findings))
    if out is not None:
        for p in write_tables(
            {"findings": findings},
            out,
            main="findings",
            lang=lang,
            metadata={"study": study.name, "area method": AREA_METHOD},
        ):
            click.echo(f"wrote {p}")
