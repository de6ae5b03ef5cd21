"""Geometry repair: valid polygons only, with an account of every change.

Steps, per feature, all vectorised: Z/M dropped; collections reduced to their polygon parts; invalid
polygons repaired with ``make_valid(method="structure", keep_collapsed=False)`` (which keeps polygons,
unlike the default that can return stray lines); rings oriented (exterior counter-clockwise). A feature
that has no polygon left (null, empty, a line or point, collapsed on repair) is rejected with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from zonekit.geo.area import ellipsoidal_area

_POLY = {"Polygon", "MultiPolygon"}


@dataclass
class RepairResult:
    """Repaired geometries and the account of what changed."""

    geometry: np.ndarray
    """Repaired geometries (None where rejected), aligned with the input."""
    rejected: pd.Series
    """Reason per rejected feature (index = input position)."""
    changes: pd.DataFrame
    """One row per changed feature: position, what, area_before_m2, area_after_m2, area_change_m2."""
    oriented: int = 0
    """Features whose rings were turned to the GeoPackage's order (no shape or area changes: counted, not
    recorded per feature — a shapefile's exteriors run clockwise by its specification, so every one turns)."""


def _polygon_parts(g: shapely.Geometry) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(g) if p.geom_type in _POLY]
    polys: list[shapely.Geometry] = []
    for p in parts:
        polys.extend(shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


_TYPE_NAMES = np.array(
    [
        "Point",
        "LineString",
        "LinearRing",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        None,
    ],
    dtype=object,
)


def repair_polygons(geoms, crs) -> RepairResult:
    """Repair geometries so that each is a valid Polygon or MultiPolygon.

    Parameters
    ----------
    geoms : array-like of shapely geometries
    crs : CRS of ``geoms``, for the ellipsoidal area change

    Returns
    -------
    RepairResult
    """
    g = np.asarray(geoms, dtype=object).copy()
    n = len(g)
    what: dict[int, list[str]] = {}  # only the features something was done to
    rejected: dict[int, str] = {}

    missing = shapely.is_missing(g)
    for i in np.flatnonzero(missing):
        rejected[int(i)] = "no geometry (null or unreadable record)"
    live = ~missing
    empty = live & shapely.is_empty(g)
    for i in np.flatnonzero(empty):
        rejected[int(i)] = "empty geometry"
    live &= ~empty

    zm = live & (shapely.has_z(g) | shapely.has_m(g))
    if zm.any():
        g[zm] = shapely.force_2d(g[zm])
        for i in np.flatnonzero(zm):
            what.setdefault(int(i), []).append("dropped Z/M")

    types = _TYPE_NAMES[shapely.get_type_id(g)]  # -1 (missing) takes the last, None
    coll = live & (types == "GeometryCollection")
    for i in np.flatnonzero(coll):
        parts = _polygon_parts(g[i])
        if parts is None:
            rejected[int(i)] = "geometry collection with no polygon part"
        else:
            dropped = len(shapely.get_parts(g[i])) - len(shapely.get_parts(parts))
            what.setdefault(int(i), []).append(
                f"kept the polygon parts of a collection (dropped {dropped} other parts)"
            )
            g[i] = parts
            types[i] = parts.geom_type
    live &= ~np.isin(np.arange(n), list(rejected))
    not_poly = live & ~np.isin(types, list(_POLY))
    for i in np.flatnonzero(not_poly):
        rejected[int(i)] = f"not a polygon ({types[i]})"
    live &= ~not_poly

    n_oriented = 0
    area_before = np.full(n, np.nan)
    area_after = np.full(n, np.nan)
    invalid = live & ~shapely.is_valid(np.where(live, g, np.array(None, dtype=object)))
    if invalid.any():
        idx = np.flatnonzero(invalid)
        reasons = shapely.is_valid_reason(g[idx])
        area_before[idx] = ellipsoidal_area(g[idx], crs)
        fixed = shapely.make_valid(g[idx], method="structure", keep_collapsed=False)
        for j, i in enumerate(idx):
            f = fixed[j]
            if f is not None and f.geom_type not in _POLY:
                f = _polygon_parts(f) if not f.is_empty else None
            if f is None or f.is_empty:
                rejected[int(i)] = f"invalid polygon ({reasons[j]}) collapsed to nothing on repair"
                live[i] = False
                continue
            g[i] = f
            what.setdefault(int(i), []).append(f"made valid ({reasons[j]})")
        ok = idx[live[idx]]
        area_after[ok] = ellipsoidal_area(g[ok], crs)

    if live.any():
        idx = np.flatnonzero(live)
        oriented = shapely.orient_polygons(g[idx])
        n_oriented = int((~shapely.equals_exact(oriented, g[idx], tolerance=0.0)).sum())
        g[idx] = oriented

    g[~live] = None
    rows = [
        {
            "position": i,
            "what": "; ".join(what[i]),
            "area_before_m2": area_before[i],
            "area_after_m2": area_after[i],
            "area_change_m2": area_after[i] - area_before[i],
        }
        for i in sorted(what)
        if live[i]
    ]
    changes = pd.DataFrame(
        rows, columns=["position", "what", "area_before_m2", "area_after_m2", "area_change_m2"]
    )
    return RepairResult(g, pd.Series(rejected, dtype=object).sort_index(), changes, n_oriented)
