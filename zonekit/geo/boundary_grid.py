"""Which boxes lie clear of a polygon's boundary: a grid of cells per polygon, read in O(1) per box.

Most parcels lie deep inside a park or far outside it. A parcel whose box meets no point of the park's
boundary is on one side of it entirely — inside if any point of the box is — and needs neither its own
geometry nor a GEOS predicate: one point-in-polygon test of its box's centre decides it exactly. The
grid answers "may this box meet the boundary?" conservatively: every cell the boundary passes through is
marked (sample points along each edge, half a cell apart) together with its eight neighbours, and a box
is looked up with ``MARGIN`` more cells on each side; a box is called clear only if none of its cells is marked,
so rounding in the cell arithmetic can only send a box to the exact route, never decide one wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from zonekit.geo.rings import rings

GRID_CELLS = 256
"""Cells along the longer side of a polygon's box: finer grids decide more parcels near the boundary."""
GRID_BUDGET = 16_000_000
"""Cells of all the polygons' grids together (64 MB of counts): a province's thousands of parks get
coarser grids, never more memory."""
MARGIN = 2
"""Cells added on each side of a box looked up. A boundary point lies within a quarter cell of a sample,
so in the sample's cell or the next; the cell arithmetic may round either cell number by one more. The
sample's cell is marked with its neighbours and the box widened by two: a marked cell always falls under
a box that holds a boundary point."""


@dataclass(frozen=True)
class BoundaryGrid:
    """Marked cells near each polygon's boundary, as one summed-area table per polygon.

    Attributes
    ----------
    origin : numpy.ndarray
        (m, 2) lower-left corner of each polygon's grid.
    cell : numpy.ndarray
        Cell size of each grid (0: a polygon no box is ever clear of).
    shape : numpy.ndarray
        (m, 2) columns and rows of each grid.
    start : numpy.ndarray
        Where each grid's summed-area table begins in ``table``.
    table : numpy.ndarray
        The tables, flat: ``(rows + 1) × (columns + 1)`` counts of marked cells each.
    """

    origin: np.ndarray
    cell: np.ndarray
    shape: np.ndarray
    start: np.ndarray
    table: np.ndarray

    def __len__(self) -> int:
        return len(self.cell)

    def clear(self, ai: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """Whether each box ``boxes[k]`` surely meets no point of polygon ``ai[k]``'s boundary.

        Parameters
        ----------
        ai : numpy.ndarray of int
            Polygon of each box.
        boxes : numpy.ndarray
            (k, 4) boxes (minx, miny, maxx, maxy).

        Returns
        -------
        numpy.ndarray of bool
            True where no marked cell lies under the box (a box beyond the grid is clear); False where
            it may meet the boundary, or cannot be told (NaN box, a polygon without a grid).
        """
        ai = np.asarray(ai, dtype=np.int64)
        if not len(ai):
            return np.zeros(0, dtype=bool)
        cell = self.cell[ai]
        ok = (cell > 0) & np.isfinite(boxes).all(axis=1)
        safe = np.where(ok, cell, 1.0)
        ox, oy = self.origin[ai, 0], self.origin[ai, 1]
        nx, ny = self.shape[ai, 0], self.shape[ai, 1]
        with np.errstate(invalid="ignore"):
            c0 = _index((boxes[:, 0] - ox) / safe) - MARGIN
            c1 = _index((boxes[:, 2] - ox) / safe) + MARGIN
            r0 = _index((boxes[:, 1] - oy) / safe) - MARGIN
            r1 = _index((boxes[:, 3] - oy) / safe) + MARGIN
        c0, c1 = np.maximum(c0, 0), np.minimum(c1, nx - 1)
        r0, r1 = np.maximum(r0, 0), np.minimum(r1, ny - 1)
        beyond = (c0 > c1) | (r0 > r1)  # the box misses the grid, and so the polygon's box
        c0, c1 = np.where(beyond, 0, c0), np.where(beyond, 0, c1)
        r0, r1 = np.where(beyond, 0, r0), np.where(beyond, 0, r1)
        width = nx + 1
        base = self.start[ai]
        t = self.table
        marked = (
            t[base + (r1 + 1) * width + (c1 + 1)]
            - t[base + r0 * width + (c1 + 1)]
            - t[base + (r1 + 1) * width + c0]
            + t[base + r0 * width + c0]
        )
        return ok & (beyond | (marked == 0))


def _index(v: np.ndarray) -> np.ndarray:
    """Cell numbers of cell coordinates, kept within int64 (a box far away stays far away)."""
    return np.floor(np.clip(np.nan_to_num(v, nan=0.0), -(2.0**40), 2.0**40)).astype(np.int64)


def boundary_grid(polygons: np.ndarray, cells: int = GRID_CELLS) -> BoundaryGrid:
    """The boundary grid of each polygon (a loop over the polygons: parks or zones, never parcels).

    Parameters
    ----------
    polygons : numpy.ndarray of shapely Polygons
        Single polygons (the parts of the units).
    cells : int, default GRID_CELLS
        Cells along the longer side of each polygon's box (fewer when the polygons are so many that
        their grids would pass ``GRID_BUDGET`` cells).

    Returns
    -------
    BoundaryGrid
        One grid per polygon.

    Examples
    --------
    >>> park = shapely.box(0, 0, 100, 100)
    >>> g = boundary_grid(np.array([park]))
    >>> boxes = np.array([[40.0, 40, 60, 60], [99.0, 40, 101, 60], [200.0, 0, 210, 10]])
    >>> g.clear(np.zeros(3, dtype=int), boxes).tolist()  # deep inside, across the edge, far outside
    [True, False, True]
    """
    polygons = np.asarray(polygons, dtype=object)
    m = len(polygons)
    origin, cell = np.zeros((m, 2)), np.zeros(m)
    shape, start = np.zeros((m, 2), dtype=np.int64), np.zeros(m, dtype=np.int64)
    tables: list[np.ndarray] = []
    used = 0
    ok = np.isin(shapely.get_type_id(polygons), (3, 6)) & ~shapely.is_empty(polygons)
    bounds = shapely.bounds(polygons)
    cells = max(8, min(cells, int(np.sqrt(GRID_BUDGET / max(int(ok.sum()), 1))) - 3))
    for i in np.flatnonzero(ok):  # one polygon at a time: the units, a few hundred or thousand
        x0, y0, x1, y1 = bounds[i]
        side = max(x1 - x0, y1 - y0)
        if not np.isfinite(side) or side <= 0:
            continue
        h = side / cells
        nx, ny = int(np.ceil((x1 - x0) / h)) + 3, int(np.ceil((y1 - y0) / h)) + 3
        ox, oy = x0 - h, y0 - h
        marked = np.zeros((ny, nx), dtype=bool)
        r = rings(polygons[i : i + 1])
        e = r.edges
        ax, ay, bx, by = r.xy[e, 0], r.xy[e, 1], r.xy[e + 1, 0], r.xy[e + 1, 1]
        steps = (
            np.maximum(np.ceil(np.hypot(bx - ax, by - ay) / (h / 2)), 1).astype(np.int64) + 1
        )  # ≤ h/2 apart
        seg = np.repeat(np.arange(len(e)), steps)
        t = (np.arange(len(seg)) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(steps - 1, steps)
        sx, sy = ax[seg] + t * (bx - ax)[seg], ay[seg] + t * (by - ay)[seg]
        cx = np.clip(np.floor((sx - ox) / h).astype(np.int64), 0, nx - 1)
        cy = np.clip(np.floor((sy - oy) / h).astype(np.int64), 0, ny - 1)
        marked[cy, cx] = True
        grown = marked.copy()  # with the eight neighbours of every marked cell
        grown[1:, :] |= marked[:-1, :]
        grown[:-1, :] |= marked[1:, :]
        wide = grown.copy()
        wide[:, 1:] |= grown[:, :-1]
        wide[:, :-1] |= grown[:, 1:]
        table = np.zeros((ny + 1, nx + 1), dtype=np.int32)
        table[1:, 1:] = np.cumsum(np.cumsum(wide, axis=0, dtype=np.int32), axis=1, dtype=np.int32)
        origin[i], cell[i], shape[i], start[i] = (ox, oy), h, (nx, ny), used
        tables.append(table.ravel())
        used += table.size
    flat = np.concatenate(tables) if tables else np.zeros(1, dtype=np.int32)
    return BoundaryGrid(origin, cell, shape, start, flat)


def box_pairs(a_bounds: np.ndarray, b_bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of an ``a`` box and a ``b`` box that meet (touching counts), sorted by ``a`` then ``b``.

    ``a`` is the small side (the units: a loop over them), ``b`` the large one (parcels, searched by their
    sorted left edges); the few ``b`` boxes far wider than the rest are tested against every ``a``.

    Parameters
    ----------
    a_bounds, b_bounds : numpy.ndarray
        (n, 4) boxes; a NaN box meets nothing.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Positions in ``a`` and in ``b``.

    Examples
    --------
    >>> a = np.array([[0.0, 0, 10, 10], [20.0, 0, 30, 10]])
    >>> b = np.array([[5.0, 5, 6, 6], [10.0, 0, 20, 1], [40.0, 0, 41, 1], [np.nan] * 4])
    >>> [x.tolist() for x in box_pairs(a, b)]
    [[0, 0, 1], [0, 1, 1]]
    """
    a_bounds, b_bounds = np.asarray(a_bounds, dtype=float), np.asarray(b_bounds, dtype=float)
    good = np.flatnonzero(np.isfinite(b_bounds).all(axis=1))
    width = b_bounds[good, 2] - b_bounds[good, 0]
    limit = 4 * np.quantile(width, 0.99) if len(good) else 0.0
    wide = good[width > limit]
    narrow = good[width <= limit]
    order = narrow[np.argsort(b_bounds[narrow, 0], kind="stable")]
    # the sides in that order, each contiguous: a unit's slab is a slice of each, no gather
    left, bottom, right, top = np.ascontiguousarray(b_bounds[order].T)
    reach = float(width[width <= limit].max()) if len(narrow) else 0.0
    ais, bis = [], []
    for i in np.flatnonzero(np.isfinite(a_bounds).all(axis=1)):  # one unit at a time
        x0, y0, x1, y1 = a_bounds[i]
        lo, hi = np.searchsorted(left, x0 - reach, "left"), np.searchsorted(left, x1, "right")
        cand = order[lo:hi][(right[lo:hi] >= x0) & (bottom[lo:hi] <= y1) & (top[lo:hi] >= y0)]
        if len(wide):
            wb = b_bounds[wide]
            cand = np.concatenate(
                [cand, wide[(wb[:, 0] <= x1) & (wb[:, 2] >= x0) & (wb[:, 1] <= y1) & (wb[:, 3] >= y0)]]
            )
        if len(cand):
            ais.append(np.full(len(cand), i, dtype=np.int64))
            bis.append(np.sort(cand))
    if not ais:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(ais), np.concatenate(bis).astype(np.int64)
