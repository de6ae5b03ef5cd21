"""``zonekit intensity``."""

from __future__ import annotations

from pathlib import Path

import click
from tqdm.auto import tqdm

from zonekit.analysis.report import intensity_tables
from zonekit.cli.options import guard_out, lang_option
from zonekit.geo.area import AREA_METHOD
from zonekit.layers.study import read_study
from zonekit.reports.tables import write_tables


@click.command()
@click.argument("study", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    callback=guard_out,
    help="Output: .xlsx (a sheet per table), .csv (indicators; other tables beside it), .gpkg (park "
    "polygons with their indicators, for QGIS) or .parquet.",
)
@click.option(
    "--by",
    type=click.Choice(["park", "zone"]),
    default="park",
    show_default=True,
    help="Evaluate each park, or each zone as the union of its parks.",
)
@click.option(
    "--raster",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A land-cover (or continuous) GeoTIFF summarised per park with exactextract.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="TOML overriding the default ideals, weights, thresholds and cut-offs.",
)
@lang_option
def intensity(study: Path, out: Path, by: str, raster: Path | None, config: Path | None, lang: str) -> None:
    """Land intensive-use evaluation (土地集约利用评价) of STUDY per park or zone.

    \b
    Parcels are cut at park boundaries exactly (ellipsoidal areas); floor area, investment, revenue and
    tax are apportioned by the area share. Per park or zone: area (公顷, 亩), area per land-use class,
    development, supply and construction rates, industrial land ratio, composite and industrial FAR,
    building density and coefficient, investment intensity and tax per 公顷 (万元/公顷), idle land ratio;
    the zone type (工业主导/产城融合), a score with its grade, and a comparison with national values.
    An indicator whose denominator is zero is left empty with the reason in `notes`.

    \b
    Example:
      zonekit intensity study.gpkg --out intensity.xlsx --by zone --config my-province.toml
    """
    steps = tqdm(total=4, desc="intensity", unit="step", disable=None, leave=False)
    st = read_study(study)
    steps.update()
    tables, run_meta = intensity_tables(st, by=by, config=config, raster=raster)
    steps.update(2)
    meta = {
        "study": study.name,
        "storage CRS": st.crs.to_string(),
        "area method": AREA_METHOD,
        **run_meta,
    }
    written = write_tables(tables, out, main="indicators", lang=lang, metadata=meta)
    steps.update()
    steps.close()
    cols = ["park_id" if by == "park" else "zone_id", "name", "area_ha", "score", "grade"]
    click.echo(tables["indicators"][cols].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    for p in written:
        click.echo(f"wrote {p}")
