"""Whether coordinates can be where they claim to be: degrees in range, finite, and inside China.

A declared CRS can be wrong (metres declared as degrees, latitude stored first), and single features can
hold garbage (1e300, 501/95). :func:`degree_problems` finds the features whose coordinates are not
degrees at all, :func:`axes_swapped` a layer stored latitude first, :func:`outside_china` the features
that land outside the country once placed.
"""

from __future__ import annotations

import numpy as np
import shapely

CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


def _live_bounds(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each geometry's box (NaN for missing and empty ones) and which geometries are there at all."""
    return shapely.bounds(geoms), ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def degree_problems(geoms: np.ndarray) -> dict[int, tuple[str, str]]:
    """The features whose coordinates are not longitude/latitude: (x, y) of the first offending corner.

    Parameters
    ----------
    geoms : numpy.ndarray
        Geometries (None allowed) in a geographic CRS, x = longitude.

    Returns
    -------
    dict[int, tuple[str, str]]
        Position → (x, y) as text, for features outside −180…180 / −90…90 or not finite.

    Examples
    --------
    >>> import shapely
    >>> degree_problems(np.array([shapely.Point(120, 31), shapely.Point(501, 95), None]))
    {1: ('501', '95')}
    """
    b, present = _live_bounds(geoms)
    finite = np.isfinite(b).all(axis=1)
    ok = finite & (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)
    bad = np.flatnonzero(present & ~ok)
    worst_x = np.where(np.abs(b[bad, 0]) >= np.abs(b[bad, 2]), b[bad, 0], b[bad, 2])
    worst_y = np.where(np.abs(b[bad, 1]) >= np.abs(b[bad, 3]), b[bad, 1], b[bad, 3])
    return {int(i): (_fmt(x), _fmt(y)) for i, x, y in zip(bad, worst_x, worst_y, strict=True)}


def axes_swapped(geoms: np.ndarray) -> bool:
    """Whether a layer's degrees are stored latitude first: not degrees as given, in China if swapped.

    Parameters
    ----------
    geoms : numpy.ndarray
        Geometries in a geographic CRS.

    Returns
    -------
    bool
        True when most features are outside China as (x, y) and inside it as (y, x).

    Examples
    --------
    >>> import shapely
    >>> axes_swapped(np.array([shapely.Point(31.3, 120.7), shapely.Point(31.4, 120.8)]))
    True
    >>> axes_swapped(np.array([shapely.Point(120.7, 31.3)]))
    False
    """
    b = shapely.bounds(geoms)
    b = b[np.isfinite(b).all(axis=1)]
    if not len(b):
        return False
    x, y = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    return bool(_in_china(x, y).mean() < 0.5 and _in_china(y, x).mean() > 0.5)


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1]) & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])


def outside_china(geoms: np.ndarray) -> np.ndarray:
    """Positions of the features (CGCS2000 / WGS 84 degrees) whose box lies wholly outside China's.

    Parameters
    ----------
    geoms : numpy.ndarray
        Geometries in longitude/latitude.

    Returns
    -------
    numpy.ndarray
        Their positions.

    Examples
    --------
    >>> import shapely
    >>> outside_china(np.array([shapely.Point(120, 31), shapely.Point(2.3, 48.9), None])).tolist()
    [1]
    """
    b = shapely.bounds(geoms)
    present = np.isfinite(b).all(axis=1)
    meets = (
        (b[:, 2] >= CHINA_LON[0])
        & (b[:, 0] <= CHINA_LON[1])
        & (b[:, 3] >= CHINA_LAT[0])
        & (b[:, 1] <= CHINA_LAT[1])
    )
    return np.flatnonzero(present & ~meets)


def not_finite(geoms: np.ndarray) -> np.ndarray:
    """Positions of the features with a coordinate that is infinite or not a number.

    Parameters
    ----------
    geoms : numpy.ndarray
        Geometries.

    Returns
    -------
    numpy.ndarray
        Their positions.

    Examples
    --------
    >>> import shapely
    >>> not_finite(np.array([shapely.Point(1, 2), shapely.Point(float("inf"), 0)])).tolist()
    [1]
    """
    b, present = _live_bounds(geoms)
    return np.flatnonzero(present & ~np.isfinite(b).all(axis=1))
