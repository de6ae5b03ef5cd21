"""``zonekit consolidate``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import (
    OUT,
    STUDY,
    config_option,
    guard_out,
    lang_option,
    quiet_option,
    read,
    show,
    write_report,
)


@click.command(cls=Command)
@click.argument("study", type=STUDY)
@click.option(
    "--out",
    required=True,
    type=OUT,
    callback=guard_out,
    help="Output: .xlsx, .csv (groups; candidates beside it), .gpkg (group geometries for maps), .parquet.",
)
@config_option("consolidate")
@lang_option
@quiet_option
def consolidate(study: Path, out: Path, config: Path | None, lang: str) -> None:
    """Consolidation candidates (整合优化) of STUDY, grouped, with evidence and a suggested action.

    \b
    Rules (thresholds in the config):
      one_county_one_zone  plates not in the catalogue, in a county with a catalogued zone → absorb
      adjacent             zones within 2 km sharing lead industries (Jaccard) → merge, or entrust (托管)
                           to the higher-level zone
      scattered            parks far from their zone's main park, or very small → consolidate or exit
      low_intensity        parks in the bottom 20 % of intensity scores → shrink (核减) or redevelop
      redline              parks overlapping protected areas → adjust the boundary
    Candidates that link zones form groups (connected components); each group gets a priority.
    """
    from zonekit import api
    from zonekit.reports.tables import localised

    st = read(study, ("zones", "parks"), ("landuse", "protected", "admin"), stream=("landuse",))
    g = st.get
    report = api.consolidate(
        st["zones"],
        st["parks"],
        parcels=g("landuse"),
        protected=g("protected"),
        admin=g("admin"),
        config=config,
    )
    write_report(report, out, lang=lang, metadata={"study": study.name}, study=study, config=config)
    groups = report["groups"]
    table = groups[["group_id", "zone_names", "rules", "suggested_action", "priority"]]
    show(localised(table, lang).to_string(index=False, float_format=lambda v: f"{v:g}"))  # 10, not 10.0
