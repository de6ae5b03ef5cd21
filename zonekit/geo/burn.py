"""Polygons burnt into a raster by scanlines in numpy: every parcel of a province at once, no Python loop.

``rasterio.features.rasterize`` asks each geometry for its ``__geo_interface__`` (a Python dict of
coordinate tuples per polygon): at a million parcels that conversion alone takes half a minute. Here every
edge of every polygon is one row of a numpy array; each edge is cut by the pixel-row centres it spans,
the crossings are sorted by (polygon, row, x), and consecutive pairs bound the runs of pixels whose
centres lie inside (the even-odd rule, so holes and multi-part polygons need nothing more). The rule is
GDAL's default: a pixel is burnt when its centre is inside the polygon.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely

from zonekit.geo.rings import rings


@dataclass(frozen=True)
class Grid:
    """A north-up raster: left edge ``x0``, top edge ``y1``, square pixels of side ``res``, ``w`` × ``h``."""

    x0: float
    y1: float
    res: float
    w: int
    h: int

    @classmethod
    def covering(cls, bounds: tuple[float, float, float, float], max_side: int, min_res: float) -> Grid:
        """The grid over ``bounds`` whose longer side has at most ``max_side`` pixels of at least ``min_res``.

        Parameters
        ----------
        bounds : tuple of float
            (x0, y0, x1, y1).
        max_side : int
            Largest side, pixels.
        min_res : float
            Smallest pixel side, in the bounds' units.

        Returns
        -------
        Grid
            The grid, its top-left corner at (x0, y1).

        Examples
        --------
        >>> Grid.covering((0, 0, 100, 50), 10, 1.0)
        Grid(x0=0.0, y1=50.0, res=10.0, w=10, h=5)
        """
        x0, y0, x1, y1 = (float(v) for v in bounds)
        res = max((x1 - x0) / max_side, (y1 - y0) / max_side, float(min_res))
        w, h = max(1, int(np.ceil((x1 - x0) / res))), max(1, int(np.ceil((y1 - y0) / res)))
        return cls(x0, y1, res, w, h)


def burn(
    out: np.ndarray,
    grid: Grid,
    geoms: np.ndarray,
    values: np.ndarray,
    project: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> np.ndarray:
    """Write ``values[i]`` into every pixel of ``out`` whose centre lies inside ``geoms[i]``.

    Parameters
    ----------
    out : numpy.ndarray
        The (h, w) raster, written in place (where polygons overlap, one of their values wins).
    grid : Grid
        Where ``out`` lies, in the coordinates ``project`` gives.
    geoms : numpy.ndarray of shapely Polygon or MultiPolygon
        Missing and empty geometries are skipped.
    values : numpy.ndarray
        One value per geometry, of ``out``'s type.
    project : callable, optional
        ``(x, y) -> (x, y)`` from the geometries' coordinates into the grid's (e.g. a pyproj transform).

    Returns
    -------
    numpy.ndarray
        ``out``.

    Examples
    --------
    >>> grid = Grid(0.0, 4.0, 1.0, 4, 4)
    >>> square_with_hole = shapely.box(0, 0, 4, 4).difference(shapely.box(1, 1, 3, 3))
    >>> burn(np.zeros((4, 4), "uint8"), grid, np.array([square_with_hole]), np.array([7])).tolist()
    [[7, 7, 7, 7], [7, 0, 0, 7], [7, 0, 0, 7], [7, 7, 7, 7]]
    """
    geoms = np.asarray(geoms, dtype=object)
    keep = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    if not len(keep):
        return out
    r = rings(geoms[keep])
    x, y = r.xy[:, 0], r.xy[:, 1]
    if project is not None:
        x, y = project(x, y)
    fx = (np.asarray(x) - grid.x0) / grid.res - 0.5  # column space: the centre of column j is at j
    fy = (grid.y1 - np.asarray(y)) / grid.res - 0.5  # row space: the centre of row i is at i
    e = r.edges
    ya, yb = fy[e], fy[e + 1]
    lo = np.clip(np.ceil(np.minimum(ya, yb)), 0, grid.h).astype(np.int64)
    hi = np.clip(np.ceil(np.maximum(ya, yb)), 0, grid.h).astype(np.int64)
    n = hi - lo  # the row centres each edge crosses (half-open: a vertex on a centre counts once)
    if not n.sum():
        return out
    edge = np.repeat(np.arange(len(e)), n)
    row = lo[edge] + np.arange(len(edge)) - np.repeat(np.cumsum(n) - n, n)
    a, b = e[edge], e[edge] + 1
    t = (row - fy[a]) / (fy[b] - fy[a])
    cx = fx[a] + t * (fx[b] - fx[a])
    owner = r.ring_geom[r.ring_of[a]]
    order = np.lexsort((cx, row, owner))
    cx, row, owner = cx[order], row[order], owner[order]
    # every (polygon, row) has an even number of crossings: consecutive pairs bound the inside runs
    start = np.clip(np.ceil(cx[0::2]), 0, grid.w).astype(np.int64)
    stop = np.clip(np.ceil(cx[1::2]), 0, grid.w).astype(np.int64)
    length = np.maximum(stop - start, 0)
    run = np.repeat(np.arange(len(start)), length)
    col = start[run] + np.arange(len(run)) - np.repeat(np.cumsum(length) - length, length)
    out.reshape(-1)[row[0::2][run] * grid.w + col] = np.asarray(values)[keep][owner[0::2][run]]
    return out
