"""``zonekit monitor``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from zonekit.cli.options import (
    config_option,
    guard_out,
    lang_option,
    potential_inputs,
    quiet_option,
    show,
    write_report,
)


def _days(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    days = [d.strip() for d in value.split(",") if d.strip()]
    for d in days:
        try:
            datetime.strptime(d, "%Y-%m-%d")
        except ValueError:
            raise click.BadParameter(
                f"{d!r}: write each date as YYYY-MM-DD, e.g. 2024-12-31,2025-12-31"
            ) from None
    if len(days) < 2:
        raise click.BadParameter("give two statistics dates or more, separated by commas")
    return days


@click.command()
@click.argument("study", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--dates", "days", required=True, callback=_days, help="Statistics dates, e.g. 2024-12-31,2025-12-31."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=guard_out,
    help="Output: .xlsx (the change, then park × date), .csv, .gpkg, .parquet.",
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
    from zonekit.layers.study import list_tables, read_study
    from zonekit.reports.tables import localised

    inputs = potential_inputs(study)
    present = list_tables(study)
    keys = sorted({d for days_ in snapshot_dates(present).values() for d in days_})
    wanted = [
        n for n in ("landuse", "enterprises") if n in present or any(k.startswith(n + "_") for k in present)
    ]
    for day in days if keys else ():  # a date no snapshot serves: said with the study's name, before any work
        serving(keys, pd.Timestamp(day), layer="landuse", study=study)
    snapshots = {}
    for key in keys:  # read lazily: the parcels stream through the analysis chunk by chunk
        st = read_study(study, layers=wanted, stream=("landuse",), on=key)
        snapshots[key] = {"parcels": st.get("landuse"), "enterprises": st.get("enterprises")}
    zones = read_study(study, layers=["zones"])["zones"] if "zones" in present else None
    report = api.monitor(
        inputs.pop("parks"), dates=days, config=config, zones=zones, snapshots=snapshots or None, **inputs
    )
    flagged = report["change"][report["change"]["flags"] != ""][["park_id", "flags"]]
    if len(flagged):
        show(localised(flagged, lang).to_string(index=False))
    write_report(report, out, lang=lang, metadata={"study": study.name}, study=study, config=config)
