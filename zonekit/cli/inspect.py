"""``zonekit inspect``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.choices import LAYER_NAMES
from zonekit.cli.help import Command
from zonekit.cli.options import echo, lang_option, quiet_option, show, source_options


@click.command("inspect", cls=Command)
@click.argument("src", type=click.Path(path_type=Path))
@click.option(
    "--as", "as_", required=True, type=click.Choice(LAYER_NAMES), help="The study layer it would fill."
)
@click.option(
    "--into",
    "study",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The study it would go into (only read: its position guides the Gauss-Krüger zone).",
)
@source_options
@click.option("--rows", type=int, default=5, show_default=True, help="How many rows to show.")
@lang_option
@quiet_option
def inspect_command(src: Path, as_: str, study: Path | None, rows: int, lang: str, **source) -> None:
    """What `zonekit import SRC` would decide and load, writing nothing (a dry run).

    The source goes through the very import — encoding and why, CRS and why (with the candidates when
    it is inferred), field and value mapping, code system, repairs, rejections with their reasons —
    into a throw-away study; the first rows are shown as they would be stored.

    \b
    Examples:
      zonekit inspect 园区边界.zip --as parks
      zonekit inspect DLTB.shp --as landuse --code-system sandiao --into study.gpkg
      zonekit inspect 企业.csv --as enterprises --from gcj02 --rows 10
    """
    from zonekit.layers.inspect import inspect
    from zonekit.reports.tables import localised

    found = inspect(src, as_=as_, into=study, rows=rows, **source)
    show(found.summary())

    def table(df) -> str:
        return localised(df, lang).to_string(
            index=False, float_format=lambda v: f"{v:.4f}", na_rep="", max_colwidth=60
        )

    if len(found.sample):
        echo("inspect.sample")
        show(table(found.sample))
    if len(found.rejected):
        echo("inspect.rejected")
        rejected = found.rejected.drop(columns=["import_id", "original_wkt"], errors="ignore")
        show(table(rejected))
