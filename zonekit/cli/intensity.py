"""``zonekit intensity``."""

from __future__ import annotations

from pathlib import Path

import click

from zonekit.cli.help import Command
from zonekit.cli.options import (
    OUT,
    STUDY,
    cluster_option,
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
@cluster_option
@lang_option
@quiet_option
def intensity(
    study: Path, out: Path, by: str, raster: Path | None, config: Path | None, cluster, lang: str
) -> None:
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
    from zonekit import api
    from zonekit.reports.tables import localised

    st = read(study, ("parks", "landuse"), ("zones", "enterprises"), stream=("landuse",))
    g = st.get
    report = api.intensity(
        st["parks"],
        st["landuse"],
        zones=g("zones"),
        enterprises=g("enterprises"),
        by=by,
        config=config,
        raster=raster,
        cluster=cluster,
    )
    ind = report["indicators"]
    cols = ["name", "area_ha", "score", "grade"]
    show(localised(ind[cols].reset_index(), lang).to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    write_report(
        report,
        out,
        lang=lang,
        metadata={"study": study.name, "storage CRS": st.crs.to_string()},
        study=study,
        config=config,
    )
