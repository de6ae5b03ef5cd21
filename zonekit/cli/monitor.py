"""``zonekit monitor``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import (
    OUT,
    STUDY,
    config_option,
    day_checked,
    guard_out,
    lang_option,
    quiet_option,
    read,
    show,
    write_report,
)
from zonekit.vocabulary.messages import say


def _days(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    days = [
        d.strip() for d in day_checked("usage.dates", several=True)(ctx, param, value).split(",") if d.strip()
    ]
    if len(days) < 2:
        raise click.BadParameter(say("usage.two_dates"))
    return days


@click.command(cls=Command)
@click.argument("study", type=STUDY)
@click.option(
    "--dates", "days", required=True, callback=_days, help="Statistics dates, e.g. 2024-12-31,2025-12-31."
)
@click.option(
    "--out",
    required=True,
    type=OUT,
    callback=guard_out,
    help="Output: .xlsx (the change, then park × date), .csv, .gpkg, .parquet, or a PostGIS table.",
)
@config_option("potential")
@lang_option
@quiet_option
def monitor(study: Path, days: list[str], out: Path, config: Path | None, lang: str) -> None:
    """Yearly monitoring (监测统计): each park on every statistics date, and what changed.

    For every date: the intensity indicators, score and grade, the five kinds of low-efficiency land and
    the potential. The parcels and enterprises are the snapshot serving the date (the latest on or before
    it: keep one with zonekit snapshot, or import with --stat-date); without snapshots, the study's own
    on every date. The approvals and supply contracts carry their own dates, so 批而未供, 供而未用 and the
    others move with the date. Parks whose grade dropped, or whose idle land, 批而未供, 供而未用 or
    management potential grew, are flagged.

    \b
    Examples:
      zonekit snapshot study.gpkg --date 2024-12-31
      zonekit import 2025/DLTB.shp --into study.gpkg --as landuse --replace --stat-date 2025-12-31
      zonekit monitor study.gpkg --dates 2024-12-31,2025-12-31 --out 监测.xlsx
    """
    import pandas as pd

    from zonekit import api
    from zonekit.layers.snapshots import serving, snapshot_dates
    from zonekit.layers.study import list_tables
    from zonekit.reports.tables import localised

    dated = snapshot_dates(list_tables(study))
    for (
        layer,
        layer_days,
    ) in dated.items():  # a date no snapshot serves: said, naming the study, before any work
        for day in days:
            serving(layer_days, pd.Timestamp(day), layer=layer, study=str(study))
    own = () if dated else ("landuse", "enterprises")  # with snapshots, they stand in for the current layers
    st = read(study, ("parks",), ("supply", "approvals", "zones", *own), stream=("landuse",))
    snapshots = {}
    for key in sorted({d for layer_days in dated.values() for d in layer_days}):
        got = read(study, (), ("landuse", "enterprises"), stream=("landuse",), on=key)  # read lazily
        snapshots[key] = {"parcels": got.get("landuse"), "enterprises": got.get("enterprises")}
    report = api.monitor(
        st["parks"],
        dates=days,
        parcels=st.get("landuse"),
        enterprises=st.get("enterprises"),
        supply=st.get("supply"),
        approvals=st.get("approvals"),
        zones=st.get("zones"),
        snapshots=snapshots or None,
        config=config,
    )
    flagged = report["change"][report["change"]["flags"] != ""][["park_id", "flags"]]
    if len(flagged):
        show(localised(flagged, lang).to_string(index=False))
    write_report(report, out, lang=lang, metadata={"study": study.name}, study=study, config=config)
