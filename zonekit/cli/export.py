"""``zonekit export``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import STUDY, echo, lang_option
from zonekit.vocabulary.messages import say


@click.command("export", cls=Command)
@click.argument("study", type=STUDY)
@click.argument("layer")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--encoding", help="Text encoding of a shapefile: utf-8 (default) or gbk for older software.")
@lang_option
def export_command(study: Path, layer: str, out: Path, encoding: str | None, lang: str) -> None:
    """Write LAYER of STUDY to OUT for a colleague, in the format OUT's extension names.

    \b
    .shp      with .cpg (UTF-8, or --encoding gbk) and .prj; names cut to the .dbf's 10 bytes, and a
              <name>.fields.toml that zonekit import --fields takes to get them back
    .zip      the same shapefile set zipped, ready to send
    .gpkg     one GeoPackage layer (QGIS, ArcGIS)
    .geojson  longitude/latitude (RFC 7946)
    .csv      the attributes, areas (m², 公顷, 亩) and the geometry as WKT
    .xlsx     the attributes and areas, headers in --lang

    \b
    LAYER `all` copies a whole study held in PostgreSQL into a new study GeoPackage (every table, one
    file): `zonekit export 'postgresql://gis@db/land?schema=nantong' all 南通.gpkg`.

    \b
    Examples:
      zonekit export study.gpkg parks 园区.shp --encoding gbk
      zonekit export study.gpkg landuse_rejected 拒收地块.xlsx
      zonekit export study.gpkg zones zones.geojson
    """
    from zonekit.layers import postgis
    from zonekit.reports.export import export

    if layer == "all" and postgis.is_url(study):
        if out.suffix.lower() != ".gpkg":
            raise click.BadParameter(say("usage.whole_study_gpkg"))
        postgis.copy_study_out(study, out)
        echo("cli.wrote", file=out)
        return
    for path in export(study, layer, out, encoding=encoding, lang=lang):
        echo("cli.wrote", file=path)
