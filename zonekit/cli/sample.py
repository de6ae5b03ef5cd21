"""``zonekit sample``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import echo, lang_option, quiet_option


@click.command(cls=Command)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a study.gpkg / landcover.tif already in DIRECTORY.")
@lang_option
@quiet_option
def sample(directory: Path, force: bool, lang: str) -> None:
    """Write the bundled sample study (study.gpkg, landcover.tif) to DIRECTORY.

    The sample covers real Nantong and Suzhou county boundaries with illustrative zones, parks, an enclave
    park, protected areas and about 30,000 parcels. Every illustrative feature has source = 'illustrative'.
    An existing study.gpkg in DIRECTORY is never overwritten unless --force is given.
    """
    from zonekit.layers.sample import write_sample

    for p in write_sample(directory, force=force):
        echo("cli.wrote", file=p)
