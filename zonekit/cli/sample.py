"""``zonekit sample``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.layers.sample import write_sample


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def sample(directory: Path) -> None:
    """Write the bundled sample study (study.gpkg, landcover.tif) to DIRECTORY.

    The sample covers real Nantong and Suzhou county boundaries with illustrative zones, parks, an enclave
    park, protected areas and about 30,000 parcels. Every illustrative feature has source = 'illustrative'.
    """
    for p in write_sample(directory):
        click.echo(f"wrote {p}")
