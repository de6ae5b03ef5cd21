"""``zonekit partition``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import STUDY, lang_option, quiet_option, rows_option, show


@click.command(cls=Command)
@click.argument("study", type=STUDY)
@click.option("--layer", default="landuse", show_default=True, help="The layer to partition.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="The store's folder, e.g. landuse.parquet (replaced whole, or left as it was on failure).",
)
@click.option(
    "--by",
    type=click.Choice(["hilbert", "county"]),
    default="hilbert",
    show_default=True,
    help="hilbert: parcels near each other together, equal partitions; county: one partition per county "
    "of the admin layer (a large county in pieces).",
)
@rows_option("Most parcels in a partition.")
@click.option(
    "--remove",
    is_flag=True,
    help="Read the layer from the study itself again (the store's folder is left where it is).",
)
@lang_option
@quiet_option
def partition(study, layer: str, out: Path | None, by: str, rows: int, remove: bool, lang: str) -> None:
    """Cut a study layer into a partitioned GeoParquet store that every command then reads in its place.

    For a province or a country: the parcels are read partition by partition, and with --cluster each
    partition is one task on a dask.distributed cluster (the parks sent whole to every worker, each
    park-parcel pair computed once, in its parcel's partition). The study records the store; zonekit
    import keeps it current (zonekit import --partitions fills it file by file), while a change made
    elsewhere (parcels edited in QGIS) makes it refused until it is cut again.

    \b
    Examples:
      zonekit partition study.gpkg --out landuse.parquet
      zonekit partition study.gpkg --out landuse.parquet --by county --rows 200000
      zonekit intensity study.gpkg --out 强度.xlsx --cluster local:2
      zonekit partition study.gpkg --remove
    """
    from zonekit.layers.partitions import forget
    from zonekit.layers.partitions import partition as run
    from zonekit.vocabulary.messages import say

    if remove:
        show(say("partitions.removed" if forget(study, layer) else "partitions.none", layer=layer))
        return
    if out is None:
        raise click.UsageError(say("usage.partition_out"))

    store = run(study, out, layer=layer, by=by, rows=rows)
    show(
        say(
            "partitions.made",
            layer=layer,
            rows=f"{len(store):,}",
            parts=len(store.files),
            by=say(f"partitions.by_{by}"),
            folder=out,
        )
    )
