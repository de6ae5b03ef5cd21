"""GCJ-02 (Amap, Tencent) and BD-09 (Baidu) web-map offsets, forward and inverse, on arrays.

The forward transforms are the published algorithms (Krasovsky parameters, applied only inside the China
bounding box). They have no closed-form inverse: :func:`gcj02_to_wgs84` and :func:`bd09_to_gcj02` iterate
a fixed-point correction until the forward transform of the answer is within 1e-10° (≈ 0.01 mm) of the
input, so a round trip is exact to far below the 0.01 m the import promises. WGS84 and CGCS2000 are treated
as equal here (they differ by centimetres).
"""

from __future__ import annotations

import numpy as np
import shapely

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_TOL_DEG = 1e-10
_MAX_ITER = 30


def in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether each point is inside the box where GCJ-02 applies an offset.

    Parameters
    ----------
    lon : np.ndarray
        Longitudes, degrees.
    lat : np.ndarray
        Latitudes, degrees.

    Returns
    -------
    np.ndarray
        Whether each point is inside the box where GCJ-02 applies an offset.
    """
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _dlat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    r += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return r


def _dlon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    r += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward GCJ-02 offset (WGS84/CGCS2000 → GCJ-02); points outside China are unchanged.

    Parameters
    ----------
    lon : np.ndarray
        Longitudes, degrees.
    lat : np.ndarray
        Latitudes, degrees.

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        Forward GCJ-02 offset (WGS84/CGCS2000 → GCJ-02); points outside China are unchanged.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlat = _dlat(lon - 105.0, lat - 35.0)
    dlon = _dlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Forward BD-09 offset (GCJ-02 → BD-09).

    Parameters
    ----------
    lon : np.ndarray
        Longitudes, degrees.
    lat : np.ndarray
        Latitudes, degrees.

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        Forward BD-09 offset (GCJ-02 → BD-09).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    x, y = lon.copy(), lat.copy()
    for _ in range(_MAX_ITER):
        fx, fy = forward(x, y)
        dx, dy = fx - lon, fy - lat
        x -= dx
        y -= dy
        if not len(x) or max(np.nanmax(np.abs(dx)), np.nanmax(np.abs(dy))) < _TOL_DEG:
            break
    return x, y


def gcj02_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse GCJ-02 (GCJ-02 → WGS84/CGCS2000), iterated to 1e-10°.

    Parameters
    ----------
    lon : np.ndarray
        Longitudes, degrees.
    lat : np.ndarray
        Latitudes, degrees.

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        Inverse GCJ-02 (GCJ-02 → WGS84/CGCS2000), iterated to 1e-10°.
    """
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse BD-09 (BD-09 → GCJ-02), iterated to 1e-10°.

    Parameters
    ----------
    lon : np.ndarray
        Longitudes, degrees.
    lat : np.ndarray
        Latitudes, degrees.

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        Inverse BD-09 (BD-09 → GCJ-02), iterated to 1e-10°.
    """
    return _invert(gcj02_to_bd09, lon, lat)


def bd09_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → WGS84/CGCS2000 through GCJ-02.

    Parameters
    ----------
    lon : np.ndarray
        Longitudes, degrees.
    lat : np.ndarray
        Latitudes, degrees.

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        BD-09 → WGS84/CGCS2000 through GCJ-02.
    """
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
_FROM_WGS = {"gcj02": wgs84_to_gcj02, "bd09": lambda x, y: gcj02_to_bd09(*wgs84_to_gcj02(x, y))}
OFFSET_SYSTEMS = tuple(_TO_WGS)


def _transform_geoms(geoms, fn) -> np.ndarray:
    def apply(c: np.ndarray) -> np.ndarray:
        x, y = fn(c[:, 0], c[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms, dtype=object), apply)


def remove_offset(geoms, system: str) -> np.ndarray:
    """Convert lon/lat geometries from a web-map system (``"gcj02"`` or ``"bd09"``) to CGCS2000.

    Parameters
    ----------
    geoms : object
        Geometries.
    system : str
        A code or offset system name.

    Returns
    -------
    np.ndarray
        The geometries on CGCS2000.
    """
    return _transform_geoms(geoms, _TO_WGS[system])


def apply_offset(geoms, system: str) -> np.ndarray:
    """Shift CGCS2000 lon/lat geometries into a web-map system, e.g. a display copy for Gaode tiles.

    Parameters
    ----------
    geoms : object
        Geometries.
    system : str
        A code or offset system name.

    Returns
    -------
    np.ndarray
        Shift CGCS2000 lon/lat geometries into a web-map system, e.g. a display copy for Gaode tiles.
    """
    return _transform_geoms(geoms, _FROM_WGS[system])


OFFSET_SAMPLE = 2000  # vertices compared: enough for a median, cheap on any layer
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


ON_LINE_M = 2.0
"""A vertex this close to a line lies on it (an offset removed by its inverse lands within a metre)."""
ON_LINE_SHARE = 0.1
"""The share of the compared vertices that must land on the lines once corrected: layers that share
boundaries meet there, while a shift that merely brings a layer near the lines says nothing."""


def _gaps_m(points: np.ndarray, tree: shapely.STRtree, lines: np.ndarray) -> np.ndarray:
    """Distance in metres (local scale) from each point to the nearest of ``lines``."""
    nearest = tree.query_nearest(points, all_matches=False)[1]
    link = shapely.get_coordinates(shapely.shortest_line(points, lines[nearest])).reshape(-1, 2, 2)
    lat = np.radians(link[:, 0, 1])
    dx = (link[:, 1, 0] - link[:, 0, 0]) * _M_PER_DEG_LON_EQUATOR * np.cos(lat)
    dy = (link[:, 1, 1] - link[:, 0, 1]) * _M_PER_DEG_LAT
    return np.hypot(dx, dy)


def _segments(lines: np.ndarray) -> np.ndarray:
    """The lines cut into their segments: the nearest of many short lines is found with few distances."""
    parts = shapely.get_parts(lines[~shapely.is_missing(lines)])
    xy, owner = shapely.get_coordinates(parts, return_index=True)
    same = owner[:-1] == owner[1:]
    return shapely.linestrings(np.stack([xy[:-1][same], xy[1:][same]], axis=1))


def offset_suspected(
    geoms, reference, *, sample: int = OFFSET_SAMPLE
) -> tuple[str, str, float, float] | None:
    """Whether ``geoms`` sit a web-map offset away from the boundaries of ``reference`` (both lon/lat).

    Parks cut along zone lines, parcels cut along park lines: where two layers share boundaries, their
    vertices lie on each other's lines. When they lie hundreds of metres off, and removing (or adding) a
    GCJ-02 or BD-09 offset brings them back onto the lines — a tenth of the compared vertices within
    2 m of a line, not merely nearer — one of the two layers still carries it. Parcels that only lie
    near the lines (none cut along them) give no answer: nothing says an offset moved them.

    Parameters
    ----------
    geoms : array-like of shapely geometries
        The layer just imported, in CGCS2000 lon/lat.
    reference : array-like of shapely geometries
        Polygons of a layer of the study, in CGCS2000 lon/lat.
    sample : int, optional
        Vertices of ``geoms`` compared (evenly spread).

    Returns
    -------
    (system, which, gap_m, after_m) or None
        ``which`` is ``"source"`` when the new layer carries the offset (import it with ``--from
        system``), ``"study"`` when the reference does; the median gap of the vertices the correction
        brings onto the lines, now and once corrected. None when the layers do not share boundaries or
        already meet.

    Examples
    --------
    >>> park = shapely.box(120.80, 32.00, 120.82, 32.02)
    >>> on_amap = apply_offset([park], "gcj02")
    >>> system, which, gap, after = offset_suspected(on_amap, [park])
    >>> system, which, gap > 200, after < 1
    ('gcj02', 'source', True, True)
    >>> offset_suspected([park], [park]) is None
    True
    """
    coords = shapely.get_coordinates(np.asarray(geoms, dtype=object))
    lines = _segments(shapely.boundary(np.asarray(reference, dtype=object)))
    if not len(coords) or not len(lines):
        return None
    pick = np.unique(np.linspace(0, len(coords) - 1, min(sample, len(coords))).astype(np.int64))
    tree = shapely.STRtree(lines)
    before = _gaps_m(shapely.points(coords[pick]), tree, lines)
    if np.mean(before <= ON_LINE_M) >= ON_LINE_SHARE / 2:  # they meet already
        return None
    best, most = None, 0.0
    for system in OFFSET_SYSTEMS:
        for which, fn in (("source", _TO_WGS[system]), ("study", _FROM_WGS[system])):
            x, y = fn(coords[pick, 0], coords[pick, 1])
            gaps = _gaps_m(shapely.points(x, y), tree, lines)
            on = gaps <= ON_LINE_M
            if on.mean() > most:  # the vertices it brings onto the lines: how far off they were, and are
                most = float(on.mean())
                best = (system, which, float(np.median(before[on])), float(np.median(gaps[on])))
    if best is None or most < ON_LINE_SHARE or best[2] < 50:
        return None
    return best
