"""Ellipsoidal (CGCS2000/GRS80) areas, vectorised for millions of polygons.

China's land surveys report areas on the ellipsoid (图斑椭球面积), never on a projection plane. zonekit
projects every polygon into a Lambert azimuthal *equal-area* projection on GRS80 centred on that polygon
itself, and takes the planar area there. An equal-area projection preserves area exactly, and with the
centre on the polygon the straight edges of the projection stay within millimetres of the geodesic edges
:func:`pyproj.Geod.geometry_area_perimeter` integrates, so the two agree to far better than 1e-6 relative
(tested across China, zone edges included). The projection (Snyder 1987, §24, ellipsoidal form) is
evaluated in numpy with a centre per vertex: no Python loop per polygon.

Edges: between two vertices an edge is the geodesic (as in Geod). For polygons up to 1 km across in a
projected CRS the edges are taken straight in that projection instead (the areal-scale route); the two
readings differ by less than 1e-8 at that size.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import pyproj
import shapely

from zonekit.geo.parallel import map_chunks, map_groups
from zonekit.geo.parallel import threads as thread_count
from zonekit.geo.rings import Rings, polygon_rings, ring_bounds, rings

CGCS2000 = pyproj.CRS.from_epsg(4490)
AREA_METHOD = "ellipsoidal (CGCS2000/GRS80): Lambert azimuthal equal-area centred on each polygon"


_A = 6378137.0
_F = 1 / 298.257222101
_E2 = _F * (2 - _F)
_E = np.sqrt(_E2)


def _q(sin_phi: np.ndarray) -> np.ndarray:
    es = _E * sin_phi
    return (1 - _E2) * (sin_phi / (1 - es * es) - np.log((1 - es) / (1 + es)) / (2 * _E))


_QP = float(_q(np.array(1.0)))
_RQ = _A * np.sqrt(_QP / 2)


def _centre_terms(lon0: np.ndarray, lat0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sin_phi0 = np.sin(np.radians(lat0))
    sin_b0 = np.clip(_q(sin_phi0) / _QP, -1, 1)
    cos_b0 = np.sqrt(1 - sin_b0 * sin_b0)
    m0 = np.cos(np.radians(lat0)) / np.sqrt(1 - _E2 * sin_phi0 * sin_phi0)
    return sin_b0, cos_b0, _A * m0 / (_RQ * cos_b0)


LAEA_BLOCK = 32_768  # points projected at once: the temporaries of a block stay in the CPU's cache


def _laea(lon, lat, lon0, sin_b0, cos_b0, d) -> tuple[np.ndarray, np.ndarray]:
    parts = (lon, lat, lon0, sin_b0, cos_b0, d)
    n = len(lon) if np.ndim(lon) else 0
    if n > LAEA_BLOCK and all(np.shape(p) == (n,) for p in parts):  # block by block, the same arithmetic
        x, y = np.empty(n), np.empty(n)
        for lo in range(0, n, LAEA_BLOCK):
            at = slice(lo, lo + LAEA_BLOCK)
            x[at], y[at] = _laea_block(*(p[at] for p in parts))
        return x, y
    return _laea_block(*parts)


def _laea_block(lon, lat, lon0, sin_b0, cos_b0, d) -> tuple[np.ndarray, np.ndarray]:
    lam = np.radians(lon - lon0)
    sin_b = np.clip(_q(np.sin(np.radians(lat))) / _QP, -1, 1)
    cos_b = np.sqrt(1 - sin_b * sin_b)
    cos_lam = np.cos(lam)
    b = _RQ * np.sqrt(2 / (1 + sin_b0 * sin_b + cos_b0 * cos_b * cos_lam))
    return b * d * cos_b * np.sin(lam), (b / d) * (cos_b0 * sin_b - sin_b0 * cos_b * cos_lam)


def laea_xy(
    lon: np.ndarray, lat: np.ndarray, lon0: np.ndarray, lat0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Ellipsoidal Lambert azimuthal equal-area coordinates (metres, GRS80) with a centre per point.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees.
    lon0, lat0 : numpy.ndarray
        Projection centre of each point, degrees (broadcast against ``lon``/``lat``).

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        Ellipsoidal Lambert azimuthal equal-area coordinates (metres, GRS80) with a centre per point.
    """
    return _laea(lon, lat, lon0, *_centre_terms(lon0, lat0))


@lru_cache(maxsize=64)
def _to_geographic(crs_wkt: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(pyproj.CRS.from_wkt(crs_wkt), CGCS2000, always_xy=True)


def _apply(transformer: pyproj.Transformer, geoms: np.ndarray) -> np.ndarray:
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


def to_geographic(geoms: Sequence | np.ndarray, crs: pyproj.CRS | str | int) -> np.ndarray:
    """Return the geometries as longitude/latitude on CGCS2000 (EPSG:4490, x = lon).

    Parameters
    ----------
    geoms : array-like of shapely geometries
    crs : CRS of ``geoms`` (anything :meth:`pyproj.CRS.from_user_input` accepts)

    Returns
    -------
    np.ndarray
        The geometries as longitude/latitude on CGCS2000 (EPSG:4490, x = lon).
    """
    arr = np.asarray(geoms, dtype=object)
    crs = pyproj.CRS.from_user_input(crs)
    if crs.is_geographic:
        return arr
    return _apply(_to_geographic(crs.to_wkt()), arr)


AREA_CHUNK = 200_000  # geometries measured at once (each is measured alone: the same areas in any pieces)


def ellipsoidal_area(
    geoms: Sequence | np.ndarray, crs: pyproj.CRS | str | int, *, threads: int = 1
) -> np.ndarray:
    """Area of each geometry on the CGCS2000 ellipsoid, in square metres.

    Parameters
    ----------
    geoms : array-like of shapely geometries
        Polygons or multipolygons; anything else (and None or empty) has area 0.
    crs : pyproj.CRS, str or int
        CRS of the coordinates. Projected coordinates (e.g. Gauss-Krüger) are first turned back into
        longitude/latitude, as 三调 does (高斯投影反解), so the area is the ellipsoidal one.
    threads : int, default 1
        Threads to measure pieces on side by side (numpy and GEOS let go of the GIL; each geometry is
        measured alone, so the areas are the same).

    Returns
    -------
    numpy.ndarray of float
        Square metres, aligned with ``geoms``.

    Examples
    --------
    >>> import shapely
    >>> a = ellipsoidal_area([shapely.box(120.0, 32.0, 120.01, 32.01)], 4490)
    >>> round(float(a[0]))
    1047748
    """
    crs = pyproj.CRS.from_user_input(crs)
    if threads > 1 and len(geoms) > 1:
        geoms = np.asarray(geoms, dtype=object)
        pieces = map_chunks(lambda lo, hi: ellipsoidal_area(geoms[lo:hi], crs), len(geoms), threads)
        return np.concatenate(pieces)
    raw = polygonal_parts(np.asarray(geoms, dtype=object))
    if len(raw) > AREA_CHUNK:  # in pieces: the temporaries of a million polygons would take a gigabyte
        return np.concatenate(
            [ellipsoidal_area(raw[i : i + AREA_CHUNK], crs) for i in range(0, len(raw), AREA_CHUNK)]
        )
    return rings_area(polygon_rings(raw), shapely.bounds(raw), crs)


def rings_area(r: Rings, bounds: np.ndarray, crs: pyproj.CRS | str | int) -> np.ndarray:
    """Ellipsoidal area of each geometry of a ring layout, in square metres: :func:`ellipsoidal_area`'s.

    For polygons whose vertices are already laid out (:class:`~zonekit.geo.packed.PackedPolygons` read
    from WKB): the same arithmetic on the same vertices, so the same areas to the last bit.

    Parameters
    ----------
    r : Rings
        The rings (a geometry without rings has area 0).
    bounds : numpy.ndarray
        (n, 4) box of each geometry.
    crs : pyproj.CRS, str or int
        CRS of the coordinates.

    Returns
    -------
    numpy.ndarray of float
        Square metres, one per geometry.

    Examples
    --------
    >>> import shapely
    >>> from zonekit.geo.rings import polygon_rings
    >>> g = np.array([shapely.box(120.0, 32.0, 120.01, 32.01), None])
    >>> a = rings_area(polygon_rings(g), shapely.bounds(g), 4490)
    >>> bool(a[0] == ellipsoidal_area(g[:1], 4490)[0]), float(a[1])
    (True, 0.0)
    """
    crs = pyproj.CRS.from_user_input(crs)
    if not crs.is_geographic and r.n_geoms:
        return _projected_area(r, bounds, crs)
    return _geographic_area(r, bounds)


def polygonal_parts(geoms: np.ndarray) -> np.ndarray:
    """Geometry collections replaced by the (multi)polygon of their polygonal parts; others unchanged.

    An intersection of two polygons can come back as a collection of a polygon and stray lines or points;
    its area is that of the polygon part.

    Parameters
    ----------
    geoms : np.ndarray
        Geometries.

    Returns
    -------
    np.ndarray
        Geometry collections replaced by the (multi)polygon of their polygonal parts; others unchanged.
    """
    coll = np.flatnonzero(shapely.get_type_id(geoms) == 7)
    if not len(coll):
        return geoms
    out = geoms.copy()
    for i in coll:
        polys = [p for p in shapely.get_parts(shapely.get_parts(geoms[i])) if p.geom_type == "Polygon"]
        out[i] = shapely.MultiPolygon(polys) if polys else shapely.Polygon()
    return out


SMALL_M = 1000.0  # polygons up to this size in a projected CRS use the areal-scale route


def _projected_area(r: Rings, bounds: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """Areas of the geometries of a ring layout in a projected CRS; ``bounds`` their boxes.

    A polygon up to ``SMALL_M`` across is its planar area divided by the projection's areal scale at its
    centroid (:meth:`pyproj.Proj.get_factors`): the scale varies smoothly, so the centroid value is exact
    for its linear part and the error is second order, about (size / R)² ≈ 1e-9 for a kilometre — no
    coordinate has to be transformed but the centroid. Larger polygons go back to longitude/latitude.
    """
    out = np.zeros(r.n_geoms, dtype=float)
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else None
    b = bounds
    with np.errstate(invalid="ignore"):
        size = np.fmax(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) * (unit or np.nan)
    has = np.bincount(r.ring_geom, minlength=r.n_geoms) > 0
    small = np.isfinite(size) & (size <= SMALL_M) & has
    if small.any():
        planar, cx, cy = _planar_moments(r.subset(small))
        scale = _areal_scale(cx, cy, crs)
        if scale is None or unit is None:
            small[:] = False
        else:
            out[small] = planar * unit * unit / scale
    rest = has & ~small
    if rest.any():
        sub = r.subset(rest)
        x, y = _to_geographic(crs.to_wkt()).transform(sub.xy[:, 0], sub.xy[:, 1])
        lonlat = Rings(np.column_stack([x, y]), sub.ring_of, sub.ring_geom, sub.is_ext, sub.n_geoms)
        out[rest] = _geographic_area(lonlat, ring_bounds(lonlat))
    return out


def planar_moments(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Planar area and centroid of non-empty (multi)polygons, from their coordinates in numpy.

    The same numbers as :func:`shapely.area` and :func:`shapely.centroid` (to rounding), several times
    faster for many small polygons. Coordinates are taken relative to each polygon's first vertex so that
    large projected coordinates lose no precision.

    Returns
    -------
    tuple of numpy.ndarray
        Area, centroid x, centroid y.

    Parameters
    ----------
    geoms : np.ndarray
        Geometries.
    """
    return _planar_moments(rings(geoms))


def _planar_moments(r: Rings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`planar_moments` of the geometries of a ring layout (each with at least one ring)."""
    n, n_rings = r.n_geoms, len(r.ring_geom)
    per_geom = np.bincount(r.ring_geom[r.ring_of], minlength=n)
    first = np.cumsum(per_geom) - per_geom
    ox, oy = r.xy[first, 0], r.xy[first, 1]
    # consecutive vertices by slicing (no gathers); pairs that straddle two rings are zeroed
    x = r.xy[:, 0] - np.repeat(ox, per_geom)
    y = r.xy[:, 1] - np.repeat(oy, per_geom)
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    cross[r.ring_of[:-1] != r.ring_of[1:]] = 0.0
    ring = r.ring_of[:-1]
    ring_area = 0.5 * np.bincount(ring, weights=cross, minlength=n_rings)
    # exteriors count positive and holes negative, whichever way each ring runs
    sign = np.where(r.is_ext, 1.0, -1.0) * np.sign(ring_area)
    area = np.bincount(r.ring_geom, weights=sign * ring_area, minlength=n)
    mx = np.bincount(
        r.ring_geom, weights=sign * np.bincount(ring, (x[:-1] + x[1:]) * cross, n_rings), minlength=n
    )
    my = np.bincount(
        r.ring_geom, weights=sign * np.bincount(ring, (y[:-1] + y[1:]) * cross, n_rings), minlength=n
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return area, ox + mx / (6 * area), oy + my / (6 * area)


SCALE_CELL_M = 2000.0  # cells of the areal-scale interpolation


def _areal_scale(x: np.ndarray, y: np.ndarray, crs: pyproj.CRS) -> np.ndarray | None:
    """The projection's areal scale at projected points ``x``, ``y``; None where pyproj cannot give it.

    :meth:`pyproj.Proj.get_factors` is called on a 3 × 3 stencil in every occupied ``SCALE_CELL_M``
    cell, and each point gets the biquadratic Lagrange interpolant of its cell: the scale of a map
    projection is smooth, and the interpolation error (third derivatives times the cube of a kilometre)
    is below 1e-12 — far under the 1e-9 of the areal-scale route itself. A point's value depends only on
    the point and its cell, never on the other points of the call, so the areas are the same to the last
    bit however the parcels are batched (chunks, partitions, workers of a cluster).
    """
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    h = SCALE_CELL_M / unit
    gx, gy = np.floor(x / h), np.floor(y / h)
    cell, uniq = pd.factorize(gx * 4_294_967_296.0 + gy)
    try:
        tr = _to_geographic(crs.to_wkt())
        proj = pyproj.Proj(crs)
        cgx, cgy = np.empty(len(uniq)), np.empty(len(uniq))
        cgx[cell], cgy[cell] = gx, gy  # every point of a cell writes the same value
        cx, cy = (cgx + 0.5) * h, (cgy + 0.5) * h
        off = np.array([-0.5, 0.0, 0.5]) * h
        # stencil point (i, j) of a cell: x offset by off[i], y by off[j]
        sx = np.repeat(cx[:, None] + off, 3, axis=1)
        sy = np.tile(cy[:, None] + off, (1, 3))
        grid = np.asarray(proj.get_factors(*tr.transform(sx.ravel(), sy.ravel())).areal_scale, dtype=float)
        grid = grid.reshape(len(cx), 3, 3)[cell]
        u = (x - cx[cell]) / (0.5 * h)
        v = (y - cy[cell]) / (0.5 * h)
        lu = (u * (u - 1) / 2, 1 - u * u, u * (u + 1) / 2)
        lv = (v * (v - 1) / 2, 1 - v * v, v * (v + 1) / 2)
        scale = np.zeros(len(x))
        for i in range(3):  # nine terms, element by element in a fixed order (no reduction across points)
            for j in range(3):
                scale += lu[i] * grid[:, i, j] * lv[j]
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError):
        return None
    return scale if np.isfinite(scale).all() else None


def _geographic_area(r: Rings, bounds: np.ndarray) -> np.ndarray:
    """Areas of the geometries of a ring layout in longitude/latitude; ``bounds`` their boxes."""
    out = np.zeros(r.n_geoms, dtype=float)
    if not len(r.ring_geom):
        return out
    xy, ring_of, ring_geom, n_rings = r.xy, r.ring_of, r.ring_geom, len(r.ring_geom)
    # projection centre: the middle of each geometry's bounds; centre terms per geometry, repeated per vertex
    with_rings = np.unique(ring_geom)
    b = bounds[with_rings]
    lon0 = np.zeros(r.n_geoms)
    lat0 = np.zeros(r.n_geoms)
    lon0[with_rings], lat0[with_rings] = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    terms = _centre_terms(lon0, lat0)
    owner = ring_geom[ring_of]
    vlon0, vlat0 = lon0[owner], lat0[owner]
    px, py = _laea(xy[:, 0], xy[:, 1], vlon0, *(t[owner] for t in terms))
    # shoelace per ring (rings are closed: consecutive pairs inside a ring are its edges), over every pair
    # of consecutive vertices by slicing, no gathers; a pair straddling two rings adds an exact 0
    edge = ring_of[1:] == ring_of[:-1]
    edge_terms = _edge_terms(px[:-1], py[:-1], px[1:], py[1:], xy[:-1], xy[1:], vlon0, vlat0, edge=edge)
    edge_terms[~edge] = 0.0
    signed = np.bincount(ring_of[:-1], weights=edge_terms, minlength=n_rings)
    area = np.where(r.is_ext, np.abs(signed), -np.abs(signed))
    return np.bincount(ring_geom, weights=area, minlength=r.n_geoms)


_GEOD = pyproj.Geod(ellps="GRS80")
LONG_EDGE_M = 300.0


def _edge_terms(
    x1: np.ndarray,
    y1: np.ndarray,
    x2: np.ndarray,
    y2: np.ndarray,
    ll1: np.ndarray,
    ll2: np.ndarray,
    lon0: np.ndarray,
    lat0: np.ndarray,
    *,
    edge: np.ndarray | None = None,
) -> np.ndarray:
    """Signed area term of each edge: its shoelace term in the projection plus the long-edge correction.

    ``x``/``y`` are the ends in the azimuthal projection centred at ``lon0``/``lat0``, ``ll1``/``ll2`` the
    same ends as (lon, lat) rows. Summed over a ring's edges, the terms give its signed area.

    A straight edge of the azimuthal projection is not quite the geodesic that joins its ends; for an
    edge of length L the gap grows as L³ (about 1e-6 of the area for 5 km edges). For every edge longer
    than ``LONG_EDGE_M`` the geodesic midpoint is found (vectorised :meth:`pyproj.Geod.inv`/``fwd``) and
    the parabolic segment between arc and chord — 4/3 of the triangle chord–midpoint, signed like the
    shoelace terms — is added. With ``edge``, only the pairs it marks are edges (the others' terms are
    left as they come, to be dropped by the caller).
    """
    terms = 0.5 * (x1 * y2 - x2 * y1)
    dx, dy = x2 - x1, y2 - y1
    long = dx * dx + dy * dy > LONG_EDGE_M**2
    i = np.flatnonzero(long if edge is None else long & edge)
    if len(i):
        lon1, lat1, lon2, lat2 = ll1[i, 0], ll1[i, 1], ll2[i, 0], ll2[i, 1]
        az, _, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
        mlon, mlat, _ = _GEOD.fwd(lon1, lat1, az, dist / 2)
        mx, my = laea_xy(np.asarray(mlon), np.asarray(mlat), lon0[i], lat0[i])
        a1, b1, a2, b2 = x1[i], y1[i], x2[i], y2[i]
        tri = 0.5 * ((a1 * my - mx * b1) + (mx * b2 - a2 * my) - (a1 * b2 - a2 * b1))
        terms[i] += tri * 4.0 / 3.0
    return terms


def boundary_area(
    x0: np.ndarray,
    y0: np.ndarray,
    x1: np.ndarray,
    y1: np.ndarray,
    owner: np.ndarray,
    origin: np.ndarray,
    crs: pyproj.CRS | str | int,
) -> np.ndarray:
    """Ellipsoidal area of regions given only by their directed boundary segments, in square metres.

    The same measure as :func:`ellipsoidal_area` gives the polygon those segments bound, without building
    it: by Green's theorem an area is a sum over boundary segments, in any order.

    Parameters
    ----------
    x0, y0, x1, y1 : numpy.ndarray
        Segment ends in ``crs`` units, relative to the owner's origin; the region lies to the left of each
        segment (exteriors counter-clockwise, holes clockwise).
    owner : numpy.ndarray of int
        Region of each segment, in ``range(len(origin))``.
    origin : numpy.ndarray
        (n, 2) origin of each region's coordinates (small local numbers keep the sums exact).
    crs : CRS of the coordinates

    Returns
    -------
    numpy.ndarray
        Area of each region (0 for a region without segments).
    """
    crs = pyproj.CRS.from_user_input(crs)
    n = len(origin)
    out = np.zeros(n)
    if not len(owner):
        return out
    lo_x, lo_y, hi_x, hi_y = _owner_bounds(x0, y0, x1, y1, owner, n)
    has = np.isfinite(lo_x)
    rest = has.copy()
    if not crs.is_geographic:
        unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else np.nan
        cross = x0 * y1 - x1 * y0
        planar = 0.5 * np.bincount(owner, weights=cross, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            cx = origin[:, 0] + np.bincount(owner, weights=(x0 + x1) * cross, minlength=n) / (6 * planar)
            cy = origin[:, 1] + np.bincount(owner, weights=(y0 + y1) * cross, minlength=n) / (6 * planar)
            size = np.fmax(hi_x - lo_x, hi_y - lo_y) * unit
        small = has & (size <= SMALL_M) & (planar > 0)
        if small.any():
            scale = _areal_scale(cx[small], cy[small], crs)
            if scale is not None:
                out[small] = planar[small] * unit * unit / scale
                rest &= ~small
        if not rest.any():
            return out
        seg = rest[owner]
        tr = _to_geographic(crs.to_wkt())
        ox, oy = origin[owner[seg], 0], origin[owner[seg], 1]
        lon0, lat0 = tr.transform(x0[seg] + ox, y0[seg] + oy)
        lon1, lat1 = tr.transform(x1[seg] + ox, y1[seg] + oy)
        sub_owner = owner[seg]
        lo_x, lo_y, hi_x, hi_y = _owner_bounds(lon0, lat0, lon1, lat1, sub_owner, n)
    else:
        sub_owner = owner
        ox, oy = origin[owner, 0], origin[owner, 1]
        lon0, lat0, lon1, lat1 = x0 + ox, y0 + oy, x1 + ox, y1 + oy
        lo_x, lo_y, hi_x, hi_y = (
            lo_x + origin[:, 0],
            lo_y + origin[:, 1],
            hi_x + origin[:, 0],
            hi_y + origin[:, 1],
        )
    # the geographic route, as for polygons: LAEA centred on the middle of each region's bounds
    with np.errstate(invalid="ignore"):  # owners without segments have infinite bounds and no terms
        clon, clat = ((lo_x + hi_x) / 2)[sub_owner], ((lo_y + hi_y) / 2)[sub_owner]
    terms = _centre_terms(clon, clat)
    px0, py0 = _laea(lon0, lat0, clon, *terms)
    px1, py1 = _laea(lon1, lat1, clon, *terms)
    ll0, ll1 = np.column_stack([lon0, lat0]), np.column_stack([lon1, lat1])
    t = _edge_terms(px0, py0, px1, py1, ll0, ll1, clon, clat)
    out[rest] = np.bincount(sub_owner, weights=t, minlength=n)[rest]
    return out


def _owner_bounds(x0, y0, x1, y1, owner, n) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bounds (min x, min y, max x, max y) of each owner's segments; +-inf for owners without any."""
    lo_x, lo_y = np.full(n, np.inf), np.full(n, np.inf)
    hi_x, hi_y = np.full(n, -np.inf), np.full(n, -np.inf)
    np.minimum.at(lo_x, owner, np.minimum(x0, x1))
    np.minimum.at(lo_y, owner, np.minimum(y0, y1))
    np.maximum.at(hi_x, owner, np.maximum(x0, x1))
    np.maximum.at(hi_y, owner, np.maximum(y0, y1))
    return lo_x, lo_y, hi_x, hi_y


def union_area_by_group(
    geoms: np.ndarray,
    groups: np.ndarray,
    n: int,
    crs,
    *,
    areas: np.ndarray | None = None,
    threads: int | None = None,
) -> np.ndarray:
    """Ellipsoidal area of the union of each group's polygons, an area covered twice counted once.

    Polygons that overlap no other of their group (GEOS's coverage validation, group by group on
    ``threads`` threads, finds no invalid edge on them, and they meet no polygon where it does) add their
    own areas; only the rest are joined, group by group. Where the polygons are pieces of parcels that do
    not overlap, this is nearly every one, and the sum of their areas is closer to the exact figure than
    the area of their union.

    Parameters
    ----------
    geoms : ndarray of shapely geometries
        The polygons.
    groups : ndarray of int
        Each polygon's group, in ``range(n)``.
    n : int
        How many groups.
    crs : pyproj.CRS
        The geometries' CRS.
    areas : ndarray, optional
        Each polygon's area in m² when the caller has it (an overlay's pieces): not measured again.
    threads : int, optional
        Threads for the validation (default: the cores, up to 4).

    Returns
    -------
    ndarray
        (n,) square metres.

    Examples
    --------
    >>> import shapely
    >>> sq = [shapely.box(120, 30, 120.001, 30.001), shapely.box(120.001, 30, 120.002, 30.001)]
    >>> twice = [sq[0], shapely.box(120.0005, 30, 120.0015, 30.001)]  # overlapping by half
    >>> a = union_area_by_group(np.array([*sq, *twice], dtype=object), np.array([0, 0, 1, 1]), 2, 4490)
    >>> bool(abs(a[0] / a[1] - 2 / 1.5) < 1e-9)
    True
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(n)
    if not len(geoms):
        return out
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    joined = ~polygonal  # collections and the like: joined, never trusted to overlap nothing
    if polygonal.any():
        joined[np.flatnonzero(polygonal)[_overlapping(geoms[polygonal], groups[polygonal], threads)]] = True
    if joined.any():  # a polygon inside another flags only itself: its container is joined too
        _, near = shapely.STRtree(geoms).query(geoms[joined], predicate="intersects")
        joined[near] = True
    alone = ~joined
    own = np.asarray(areas, dtype=float)[alone] if areas is not None else ellipsoidal_area(geoms[alone], crs)
    out += np.bincount(groups[alone], weights=own, minlength=n)
    if joined.any():
        keys, unions = union_by_group(geoms[joined], groups[joined])
        out[keys] += ellipsoidal_area(unions, crs)
    return out


def union_by_group(geoms: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The union of each group's geometries, every group in one vectorised GEOS call per size class.

    Groups of like size (up to the next power of two) are laid out as the rows of one array, padded with
    missing values that the union skips, and joined along the rows (``shapely.union_all(..., axis=1)``):
    no Python call per group.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        The geometries.
    groups : numpy.ndarray of int
        Each geometry's group.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The groups, ascending, and the union of each.

    Examples
    --------
    >>> import shapely
    >>> boxes = [shapely.box(0, 0, 2, 1), shapely.box(5, 5, 6, 6), shapely.box(1, 0, 3, 1)]
    >>> keys, unions = union_by_group(np.array(boxes), np.array([7, 3, 7]))
    >>> keys.tolist(), [u.area for u in unions]
    ([3, 7], [1.0, 3.0])
    """
    order = np.argsort(groups, kind="stable")
    g, ordered = np.asarray(groups)[order], np.asarray(geoms, dtype=object)[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if len(g) else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(g)])
    rank = np.arange(len(g)) - np.repeat(starts, sizes)  # each geometry's place in its group
    width = 1 << np.ceil(np.log2(np.maximum(sizes, 1))).astype(np.int64)  # the size class of each group
    group_of = np.repeat(np.arange(len(starts)), sizes)
    unions = np.empty(len(starts), dtype=object)
    for w in np.unique(width):  # one step per size class (at most ~30), not per group
        chosen = np.flatnonzero(width == w)
        row = np.full(len(starts), -1)
        row[chosen] = np.arange(len(chosen))
        member = np.flatnonzero(row[group_of] >= 0)
        padded = np.full((len(chosen), int(w)), None, dtype=object)
        padded[row[group_of[member]], rank[member]] = ordered[member]
        unions[chosen] = shapely.union_all(padded, axis=1)
    return g[starts], unions


def _overlapping(geoms: np.ndarray, groups: np.ndarray, threads: int | None) -> np.ndarray:
    """Which polygons have an invalid coverage edge among those of their group (or of groups checked with it).

    Whole groups at a time, on threads: GEOS's validation releases the GIL.
    """
    order = np.argsort(groups, kind="stable")

    out = np.zeros(len(geoms), dtype=bool)
    batches = map_groups(
        lambda lo, hi: flagged_in_coverage(geoms[order[lo:hi]]), groups[order], thread_count(threads)
    )
    out[order] = np.concatenate(batches)
    return out


def flagged_in_coverage(geoms: np.ndarray) -> np.ndarray:
    """Which polygons GEOS's coverage validation finds an invalid edge on, among ``geoms``.

    An edge inside another polygon, a shared edge whose vertices do not match the neighbour's, a
    duplicate: a polygon without any overlaps none of the others (but one may lie wholly inside it).

    Parameters
    ----------
    geoms : numpy.ndarray of shapely Polygons and MultiPolygons
        The polygons validated together.

    Returns
    -------
    numpy.ndarray of bool
        True where the polygon has an invalid edge.

    Examples
    --------
    >>> import shapely
    >>> tiles = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(1.5, 0, 3, 1)]  # the last two overlap
    >>> flagged_in_coverage(np.array(tiles)).tolist()
    [False, True, True]
    """
    edges = shapely.coverage_invalid_edges(geoms)
    return ~(shapely.is_empty(edges) | shapely.is_missing(edges))
