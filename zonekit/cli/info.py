"""``zonekit info``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import StudyArg, echo, lang_option, show


@click.command(cls=Command)
@click.argument("study", type=StudyArg(dir_okay=True))
@click.option(
    "--imports", "n_imports", type=int, default=10, show_default=True, help="How many imports to list."
)
@lang_option
def info(study: Path, n_imports: int, lang: str) -> None:
    """What STUDY holds: each layer's features, geometry and extent, and the latest imports.

    Only the file's metadata and bookkeeping tables are read, so a province's study answers at once.

    \b
    Examples:
      zonekit info study.gpkg
      zonekit info study.gpkg --imports 50 --lang en
    """
    from zonekit.layers.info import info as study_info
    from zonekit.reports.tables import localised
    from zonekit.vocabulary.messages import say

    found = study_info(study, imports=n_imports)
    echo("info.head", study=study.name, crs=found.crs, created=found.created, version=found.zonekit_version)

    def table(df) -> str:
        """Headers and code values (替换, not replace) in ``lang``; layer names as the file has them."""
        shown = localised(df, lang)
        if "layer" in df.columns:  # what `zonekit export STUDY LAYER` and --layer take
            shown[shown.columns[list(df.columns).index("layer")]] = df["layer"].to_numpy()
        return shown.to_string(index=False, float_format=lambda v: f"{v:.4f}", na_rep="")

    layers = found.layers
    echo("info.layers")
    show(table(layers.loc[~layers["bookkeeping"]].drop(columns="bookkeeping")))
    echo("info.bookkeeping")
    show(table(layers.loc[layers["bookkeeping"], ["layer", "features"]]))
    for layer, store in found.partitions.items():
        state = "" if store["current"] else say("info.partitions_stale")
        echo(
            "info.partitions",
            layer=layer,
            folder=store["folder"],
            parts=store["partitions"],
            by=say(f"partitions.by_{store['by']}"),
            rows=f"{store['rows']:,}",
            state=state,
        )
    echo("info.imports")
    show(table(found.imports) if len(found.imports) else "  " + say("info.no_imports"))
