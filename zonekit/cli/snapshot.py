"""``zonekit snapshot``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import STUDY, day_checked, lang_option, quiet_option, show
from zonekit.vocabulary.messages import say


@click.command(cls=Command)
@click.argument("study", type=STUDY)
@click.option(
    "--date",
    "day",
    required=True,
    callback=day_checked("usage.date"),
    help="The statistics date the layers describe, YYYY-MM-DD.",
)
@lang_option
@quiet_option
def snapshot(study: Path, day: str, lang: str) -> None:
    """Keep the study's parcels and enterprises as they are now, as their snapshot on a statistics date.

    The copies (landuse_20241231, enterprises_20241231) stay in the study while the current layers are
    replaced by later surveys; zonekit monitor serves each statistics date from the latest snapshot on or
    before it. One transaction: both copies are made, or neither. A snapshot of the same date is replaced.

    \b
    Examples:
      zonekit snapshot study.gpkg --date 2024-12-31
      zonekit snapshot 'postgresql://gis@db.local/zones?schema=zj' --date 2024-12-31
      zonekit import 2025/DLTB.shp --into study.gpkg --as landuse --replace --stat-date 2025-12-31
      zonekit monitor study.gpkg --dates 2024-12-31,2025-12-31 --out 监测.xlsx
    """
    from zonekit.layers.snapshots import take_snapshot

    for name in take_snapshot(study, day):
        show(say("snapshot.made", layer=name, day=day))
