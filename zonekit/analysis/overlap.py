"""Overlap reports between study layers (``zonekit overlap``).

Two tables:

- **pairs**: every intersecting pair of an A feature and a B feature with the overlap area (m², 公顷, 亩)
  and its share of each — when A and B are the same layer, each pair once and never a feature with itself;
- **coverage**: per A feature, the area covered by each B layer and B class with **B dissolved first**, so
  that B features overlapping one another are not counted twice. ArcGIS's Tabulate Intersection and a
  plain sum over the pairs both count such areas twice and can report more than 100 %.

``buffer_m`` grows B by a distance in metres (measured in the CGCS2000 3° Gauss-Krüger zone of the data)
before intersecting, e.g. industrial parcels within 500 m of a water-source area.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.overlay import intersection_areas
from zonekit.geo.units import M2_PER_HA, M2_PER_MU
from zonekit.layers.schema import SCHEMAS

PAIR_COLUMNS = [
    "a_layer",
    "a_id",
    "a_name",
    "b_layer",
    "b_id",
    "b_name",
    "overlap_m2",
    "overlap_ha",
    "overlap_mu",
    "pct_of_a",
    "pct_of_b",
]
CLASS_COLUMN = {
    "landuse": "analysis_class",
    "protected": "kind",
    "parks": "kind",
    "zones": "level",
    "admin": "level",
}


def _ids(gdf: gpd.GeoDataFrame, layer: str) -> np.ndarray:
    col = SCHEMAS[layer].id_column if layer in SCHEMAS else None
    if col and col in gdf:
        return gdf[col].astype(str).to_numpy()
    return gdf.index.astype(str).to_numpy()


def _names(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return gdf["name"].astype(object).to_numpy() if "name" in gdf else np.full(len(gdf), None, dtype=object)


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """The CGCS2000 3° Gauss-Krüger zone (central meridian without prefix) holding the layer's centre."""
    lon = float(np.mean(gdf.to_crs(4490).total_bounds[[0, 2]]))
    cm = round(lon / 3.0) * 3
    return pyproj.CRS.from_epsg(4534 + cm // 3 - 25)


def buffered(gdf: gpd.GeoDataFrame, metres: float) -> gpd.GeoDataFrame:
    """The layer grown by ``metres`` (in its Gauss-Krüger zone), back in its own CRS."""
    if not metres:
        return gdf
    local = gdf.to_crs(metric_crs(gdf))
    grown = local.geometry.buffer(metres, quad_segs=16)
    return gdf.set_geometry(grown.to_crs(gdf.crs).values)


def overlap_pairs(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    *,
    a_layer: str,
    b_layer: str,
    buffer_m: float = 0.0,
    threads: int | None = None,
) -> gpd.GeoDataFrame:
    """Every intersecting pair of A and B features, with areas and shares (percent).

    Parameters
    ----------
    a, b : GeoDataFrame
        In the same CRS. When ``a_layer == b_layer`` (and no buffer), each pair is reported once.
    buffer_m : float
        Grow B by this many metres first; shares of B are then of the grown feature.

    Returns
    -------
    GeoDataFrame
        :data:`PAIR_COLUMNS` and the overlap geometry.
    """
    if a.crs is not None and b.crs is not None and not a.crs.equals(b.crs):
        b = b.to_crs(a.crs)
    bb = buffered(b, buffer_m)
    ag, bg = a.geometry.values, bb.geometry.values
    pairs = intersection_areas(ag, bg, a.crs, threads=threads)
    if a_layer == b_layer and not buffer_m:
        pairs = pairs[pairs["a"] < pairs["b"]]  # each pair once, never a feature with itself
    ai, bi = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    area_a = ellipsoidal_area(ag, a.crs)
    area_b = ellipsoidal_area(bg, a.crs)
    m2 = pairs["area_m2"].to_numpy()
    geom = np.where(
        pairs["inside"].to_numpy(),
        np.asarray(bg, dtype=object)[bi],
        shapely.intersection(np.asarray(ag, dtype=object)[ai], np.asarray(bg, dtype=object)[bi]),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "a_layer": a_layer,
                "a_id": _ids(a, a_layer)[ai],
                "a_name": _names(a)[ai],
                "b_layer": b_layer,
                "b_id": _ids(b, b_layer)[bi],
                "b_name": _names(b)[bi],
                "overlap_m2": m2,
                "overlap_ha": m2 / M2_PER_HA,
                "overlap_mu": m2 / M2_PER_MU,
                "pct_of_a": 100.0 * m2 / area_a[ai],
                "pct_of_b": 100.0 * m2 / area_b[bi],
            }
        )
    return gpd.GeoDataFrame(out, geometry=list(geom), crs=a.crs).reset_index(drop=True)


def coverage(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    *,
    a_layer: str,
    b_layer: str,
    buffer_m: float = 0.0,
    class_column: str | None = None,
) -> pd.DataFrame:
    """Per A feature, the area covered by B (per B class), with B dissolved first.

    Returns
    -------
    DataFrame
        a_layer, a_id, a_name, a_area_ha, b_layer, b_class, covered_m2, covered_ha, covered_mu, pct_of_a.
    """
    if a.crs is not None and b.crs is not None and not a.crs.equals(b.crs):
        b = b.to_crs(a.crs)
    bb = buffered(b, buffer_m)
    cls_col = class_column or CLASS_COLUMN.get(b_layer)
    classes = (
        bb[cls_col].astype(str).fillna("(none)")
        if cls_col and cls_col in bb
        else pd.Series("(all)", index=bb.index)
    )
    names, dissolved = [], []
    for cls, grp in bb.groupby(classes.to_numpy(), sort=True):
        names.append(cls)
        dissolved.append(shapely.union_all(grp.geometry.values))  # overlapping B features count once
    pairs = intersection_areas(a.geometry.values, np.asarray(dissolved, dtype=object), a.crs)
    area_a = ellipsoidal_area(a.geometry.values, a.crs)
    ai, bi, m2 = pairs["a"].to_numpy(), pairs["b"].to_numpy(), pairs["area_m2"].to_numpy()
    return pd.DataFrame(
        {
            "a_layer": a_layer,
            "a_id": _ids(a, a_layer)[ai],
            "a_name": _names(a)[ai],
            "a_area_ha": area_a[ai] / M2_PER_HA,
            "b_layer": b_layer,
            "b_class": np.asarray(names, dtype=object)[bi],
            "covered_m2": m2,
            "covered_ha": m2 / M2_PER_HA,
            "covered_mu": m2 / M2_PER_MU,
            "pct_of_a": 100.0 * m2 / area_a[ai],
        }
    )
