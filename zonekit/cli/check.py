"""``zonekit check``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import (
    OUT,
    StudyArg,
    cluster_option,
    guard_out,
    lang_option,
    quiet_option,
    show,
    write_report,
)


@click.command(cls=Command)
@click.argument("study", type=StudyArg(exists=False))
@click.option(
    "--out",
    type=OUT,
    callback=guard_out,
    help="Write the findings: .xlsx (with a metadata sheet), .csv (utf-8-sig), .gpkg, .parquet, or a "
    "table in PostGIS (postgresql://…?schema=S&table=T).",
)
@cluster_option
@lang_option
@quiet_option
def check(study: Path, out: Path | None, cluster, lang: str) -> None:
    """Check STUDY: geometry, topology and cross-layer consistency.

    \b
    Finds invalid geometry; parks overlapping each other (within and across zones); theme parks not inside
    their parent; parks outside their zone's boundary; enclave parks whose host equals their home; share
    rules that do not sum to 1 or overlap in time; host_adcode disagreeing with the admin layer; unknown
    land-use codes; layers in another CRS; schema problems. Each finding has a severity, the ids and the
    measured quantity (e.g. the overlap in ha).
    """
    from zonekit import api
    from zonekit.geo.area import AREA_METHOD
    from zonekit.layers.check import summarise

    findings = api.check(study, cluster=cluster)
    show(summarise(findings))
    if out is not None:
        write_report(
            findings,
            out,
            lang=lang,
            metadata={"main": "findings", "study": study.name, "area method": AREA_METHOD},
            study=study,
        )
