"""``zonekit potential``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import (
    OUT,
    STUDY,
    cluster_option,
    config_option,
    day_checked,
    guard_out,
    lang_option,
    potential_inputs,
    quiet_option,
    show,
    write_report,
)


@click.command(cls=Command)
@click.argument("study", type=STUDY)
@click.option(
    "--date",
    "day",
    required=True,
    callback=day_checked("usage.statistics_date"),
    help="The statistics date (统计时点), YYYY-MM-DD: what was approved, agreed or built by then.",
)
@click.option(
    "--out",
    required=True,
    type=OUT,
    callback=guard_out,
    help="Output: .xlsx (plots, parks, zones), .csv (plots; the others beside it), .gpkg, .parquet.",
)
@config_option("potential")
@cluster_option
@lang_option
@quiet_option
def potential(study: Path, day: str, out: Path, config: Path | None, cluster, lang: str) -> None:
    """Where land can be freed in STUDY on a statistics date.

    The five kinds of low-efficiency land, plot by plot with the evidence, and each park's and zone's
    potential.

    \b
    The five kinds (from the approvals, supply contracts, parcels and enterprises):
      批而未供 approved_not_supplied     approved > 2 years before the date, no contract covers it
      供而未用 supplied_not_used         agreed start > 1 year past, not started, nothing built (≥ 2 years:
                                        liable to be taken back)
      用而未尽 used_not_fully            built FAR below the contract's minimum, or building coefficient < 30 %
      建而未投 built_not_producing       completed > 1 year before, no revenue on it
      投而未达标 producing_below_standard investment or tax per 亩 below the contract's 标准地 terms
    Potential per park and zone: 扩展 (land allowed for construction, not supplied), 强度 (floor area lacking
    against the target FAR, and the land it equals), 管理 (idle land and 供而未用); in 公顷 and 亩.

    \b
    Examples:
      zonekit import 供地合同.xlsx --into study.gpkg --as supply
      zonekit import 农转用批文.shp --into study.gpkg --as approvals
      zonekit potential study.gpkg --date 2025-12-31 --out 潜力.xlsx
    """
    from zonekit import api
    from zonekit.reports.tables import localised

    inputs = potential_inputs(study)
    report = api.potential(inputs.pop("parks"), date=day, config=config, cluster=cluster, **inputs)
    totals = report["plots"].groupby("kind")[["area_ha", "area_mu"]].sum().reset_index()
    show(localised(totals, lang).to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    write_report(report, out, lang=lang, metadata={"study": study.name}, study=study, config=config)
