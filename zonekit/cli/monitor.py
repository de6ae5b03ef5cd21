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
    """Yearly monitoring (监测统计): each park's low-efficiency land and potential on every date, and the change.

    The approvals and supply contracts carry their own dates, so 批而未供, 供而未用 and the others move
    with the statistics date; parks whose 批而未供, 供而未用 or management potential grew are flagged.
    The parcels and enterprises are the study's one snapshot.

    \b
    Examples:
      zonekit monitor study.gpkg --dates 2024-12-31,2025-12-31 --out 监测.xlsx
    """
    from zonekit import api
    from zonekit.reports.tables import localised

    inputs = potential_inputs(study)
    report = api.monitor(inputs.pop("parks"), dates=days, config=config, **inputs)
    flagged = report["change"][report["change"]["flags"] != ""][["park_id", "flags"]]
    if len(flagged):
        show(localised(flagged, lang).to_string(index=False))
    write_report(report, out, lang=lang, metadata={"study": study.name}, study=study, config=config)
