"""Intersection areas of polygon pairs in numpy, without a GEOS overlay per pair.

The area of A ∩ B is a sum over its boundary (Green's theorem), and that boundary is made of the parts of
A's edges that lie inside B and the parts of B's edges that lie inside A. So for a pair it is enough to

1. find where the edges of A near B cross the edges of B (one vectorised segment test per edge pair, the
   candidate edges of A coming from an :class:`shapely.STRtree` of A's edges queried with B's extent);
2. know, for each edge, whether it starts inside the other polygon: a ray-crossing count against B's
   edges for A's edges; one prepared point-in-polygon test (``shapely.contains_xy``) per ring of B, then
   parity along the ring, for B's edges;
3. keep the inside pieces between consecutive crossings and measure them with
   :func:`zonekit.geo.area.boundary_area` — the same ellipsoidal measure as for polygons.

Crossing points are computed in the data's own coordinates, as GEOS computes them, so the pieces are the
ones ``shapely.intersection`` would return. Every orientation test is checked against an error bound: a
pair with a vertex on (or within rounding of) the other's boundary — shared edges, touching corners —
is not decided here but reported, and the caller hands it to GEOS. So are pairs whose B has more than
``MAX_EDGES`` edges (the work per pair grows with A's nearby edges times B's edges).

Inputs must be valid polygons (the importer makes them so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyproj
import shapely

from zonekit.geo.area import boundary_area
from zonekit.geo.parallel import map_groups
from zonekit.geo.rings import rings

MAX_EDGES = 256  # B polygons with more edges go to GEOS
REL_TOL = 1e-11  # orientation tests closer to zero than this (relative) are undecided
PAIR_CHUNK = 5_000  # pairs per work chunk
TRIPLE_BUDGET = 300_000  # edge pairs tested at once (about 100 MB of temporary arrays)
CHAIN = 8  # consecutive edges of A per box of the search tree


@dataclass(frozen=True)
class Edges:
    """Every edge of a set of polygons, oriented so that the polygon lies to its left."""

    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    ring: np.ndarray  # ring of each edge
    geom: np.ndarray  # geometry of each edge
    first: np.ndarray  # first edge of each geometry (edges are grouped by geometry, then ring)
    count: np.ndarray  # number of edges of each geometry
    bounds: np.ndarray  # (n, 4) bounds of each geometry


def edges(geoms: np.ndarray) -> Edges:
    """Edges of non-empty Polygons/MultiPolygons; rings are re-oriented (exteriors counter-clockwise).

    Parameters
    ----------
    geoms : np.ndarray
        Geometries.

    Returns
    -------
    Edges
        Edges of non-empty Polygons/MultiPolygons; rings are re-oriented (exteriors counter-clockwise).
    """
    r = rings(geoms)
    e = r.edges
    x0, y0, x1, y1 = r.xy[e, 0], r.xy[e, 1], r.xy[e + 1, 0], r.xy[e + 1, 1]
    ring = r.ring_of[e]
    # signed area of each ring, relative to its first vertex; rings the wrong way round are reversed
    start = np.searchsorted(ring, np.arange(len(r.ring_geom)))
    ox, oy = x0[start][ring], y0[start][ring]
    signed = np.bincount(ring, weights=(x0 - ox) * (y1 - oy) - (x1 - ox) * (y0 - oy), minlength=len(start))
    flip = ((signed > 0) != r.is_ext)[ring]
    x0, x1 = np.where(flip, x1, x0), np.where(flip, x0, x1)
    y0, y1 = np.where(flip, y1, y0), np.where(flip, y0, y1)
    # and their edges listed in the new order, so that each edge starts where the one before it ends
    end = np.r_[start[1:], len(ring)]
    k = np.arange(len(ring))
    order = np.where(flip, start[ring] + end[ring] - 1 - k, k)
    x0, y0, x1, y1 = x0[order], y0[order], x1[order], y1[order]
    geom = r.ring_geom[ring]
    count = np.bincount(geom, minlength=r.n_geoms)
    return Edges(x0, y0, x1, y1, ring, geom, np.cumsum(count) - count, count, shapely.bounds(geoms))


def _ragged_arange(n: np.ndarray) -> np.ndarray:
    """``concatenate([arange(k) for k in n])`` without the loop."""
    return np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)


def _orient(dx, dy, length, rx, ry, eps):
    """Orientation of a point against a segment (> 0: left), and whether it is too close to zero to trust.

    ``dx``, ``dy``: the segment's direction; ``length``: its L1 length; ``rx``, ``ry``: the point relative
    to the segment's start; ``eps``: rounding of the shift to the local origin, per unit of length.
    """
    p, q = dx * ry, dy * rx
    d = p - q
    return d, np.abs(d) <= REL_TOL * (np.abs(p) + np.abs(q)) + eps * (length + np.abs(rx) + np.abs(ry))


def _near(undecided, c_x, c_y, ax, ay, bx, by, eps) -> np.ndarray:
    """Positions where c may lie on segment a–b: an undecided orientation and c within the segment's box.

    Only the undecided positions (few) are tested.
    """
    i = np.flatnonzero(undecided)
    c_x, c_y, ax, ay, bx, by, eps = c_x[i], c_y[i], ax[i], ay[i], bx[i], by[i], eps[i]
    m = 1e-9 * (np.abs(bx - ax) + np.abs(by - ay)) + eps
    return i[
        (c_x >= np.minimum(ax, bx) - m)
        & (c_x <= np.maximum(ax, bx) + m)
        & (c_y >= np.minimum(ay, by) - m)
        & (c_y <= np.maximum(ay, by) + m)
    ]


def _inside_pieces(status, x0, y0, x1, y1, n_cross, ev_row, ev_t, ev_x, ev_y):
    """Pieces of edges (rows) that lie inside the other polygon.

    ``status`` says whether each edge starts inside; it flips at each crossing (``ev_*``: the row, the
    parameter along the edge and the point).
    """
    whole = np.flatnonzero((n_cross == 0) & status)
    cut = np.flatnonzero(n_cross > 0)
    # start, crossings, end: the stable sort keeps that order should a crossing fall at t = 0 or t = 1
    row = np.concatenate([cut, ev_row, cut])
    t = np.concatenate([np.zeros(len(cut)), ev_t, np.ones(len(cut))])
    px = np.concatenate([x0[cut], ev_x, x1[cut]])
    py = np.concatenate([y0[cut], ev_y, y1[cut]])
    order = np.lexsort((t, row))
    row, px, py = row[order], px[order], py[order]
    k = np.arange(len(row))
    first = np.maximum.accumulate(np.where(np.r_[True, row[1:] != row[:-1]], k, 0))
    seg = np.flatnonzero(row[:-1] == row[1:])
    keep = seg[status[row[seg]] ^ ((seg - first[seg]) % 2 == 1)]
    return (
        np.concatenate([whole, row[keep]]),
        np.concatenate([x0[whole], px[keep]]),
        np.concatenate([y0[whole], py[keep]]),
        np.concatenate([x1[whole], px[keep + 1]]),
        np.concatenate([y1[whole], py[keep + 1]]),
    )


def clipped_areas(
    a: np.ndarray, b: np.ndarray, ai: np.ndarray, bi: np.ndarray, crs: pyproj.CRS, n_threads: int = 1
) -> np.ndarray:
    """Ellipsoidal area of ``a[ai[k]] ∩ b[bi[k]]`` for every pair k; NaN where the pair is left to GEOS.

    Parameters
    ----------
    a, b : numpy.ndarray of shapely geometries
        ``a`` prepared (:func:`shapely.prepare`) for fast point-in-polygon tests.
    ai, bi : numpy.ndarray of int
        The pairs, positions in ``a`` and ``b``.
    crs : CRS of both
    n_threads : int
        Threads for the chunks of pairs.

    Returns
    -------
    np.ndarray
        Ellipsoidal area of ``a[ai[k]] ∩ b[bi[k]]`` for every pair k; NaN where the pair is left to GEOS.
    """
    out = np.full(len(ai), np.nan)
    if not len(ai):
        return out
    ua, pa = np.unique(ai, return_inverse=True)
    ub, pb = np.unique(bi, return_inverse=True)
    ga, gb = a[ua], b[ub]
    ok_a = np.isin(shapely.get_type_id(ga), (3, 6)) & ~shapely.is_empty(ga)
    ok_b = np.isin(shapely.get_type_id(gb), (3, 6)) & ~shapely.is_empty(gb)
    # geometries that cannot take this route are swapped for a placeholder and their pairs skipped
    dummy = shapely.box(0.0, 0.0, 1.0, 1.0)
    ea = edges(np.where(ok_a, ga, dummy))
    eb = edges(np.where(ok_b, gb, dummy))
    todo = np.flatnonzero(ok_a[pa] & ok_b[pb] & (eb.count[pb] <= MAX_EDGES))
    if not len(todo):
        return out
    todo = todo[np.argsort(pa[todo], kind="stable")]  # by A: each prepared A stays on one thread
    pa, pb = pa[todo], pb[todo]
    tree = _chain_tree(ea)
    tree.query(shapely.Point(0, 0))  # the tree is complete before threads share it

    def chunk(lo: int, hi: int) -> np.ndarray:
        return _clip_pairs(ea, eb, tree, ga, gb, pa[lo:hi], pb[lo:hi], crs)

    out[todo] = np.concatenate(map_groups(chunk, pa, n_threads, chunk=PAIR_CHUNK))
    return out


def _chain_tree(ea: Edges) -> shapely.STRtree:
    """STRtree of A's edges in runs of ``CHAIN`` (a box per edge would cost more than the search saves)."""
    starts = np.arange(0, len(ea.x0), CHAIN)
    return shapely.STRtree(
        shapely.box(
            np.minimum.reduceat(np.minimum(ea.x0, ea.x1), starts),
            np.minimum.reduceat(np.minimum(ea.y0, ea.y1), starts),
            np.maximum.reduceat(np.maximum(ea.x0, ea.x1), starts),
            np.maximum.reduceat(np.maximum(ea.y0, ea.y1), starts),
        )
    )


def _clip_pairs(ea: Edges, eb: Edges, tree, ga, gb, qa, qb, crs) -> np.ndarray:
    n = len(qa)
    ox, oy = eb.bounds[qb, 0], eb.bounds[qb, 1]
    eps_o = 4e-16 * np.maximum(np.abs(ox), np.abs(oy))  # rounding of the shift to the local origin
    # A's edges whose box meets the box of the pair's B
    qi, ch = tree.query(gb[qb])
    ne = np.minimum(CHAIN, len(ea.x0) - ch * CHAIN)
    qi, ei = np.repeat(qi, ne), np.repeat(ch * CHAIN, ne) + _ragged_arange(ne)
    bb = eb.bounds[qb[qi]]
    keep = (
        (ea.geom[ei] == qa[qi])
        & (np.minimum(ea.x0[ei], ea.x1[ei]) <= bb[:, 2])
        & (np.maximum(ea.x0[ei], ea.x1[ei]) >= bb[:, 0])
        & (np.minimum(ea.y0[ei], ea.y1[ei]) <= bb[:, 3])
        & (np.maximum(ea.y0[ei], ea.y1[ei]) >= bb[:, 1])
    )
    qi, ei = qi[keep], ei[keep]
    ax0, ay0, ax1, ay1 = ea.x0[ei] - ox[qi], ea.y0[ei] - oy[qi], ea.x1[ei] - ox[qi], ea.y1[ei] - oy[qi]
    # every such A edge against every edge of B: in pieces of at most TRIPLE_BUDGET edge pairs (memory)
    nf = eb.count[qb[qi]]
    if nf.sum() > TRIPLE_BUDGET:
        if n == 1:
            return np.full(1, np.nan)  # one pair with that much boundary in common: GEOS does it
        h = n // 2
        return np.concatenate(
            [
                _clip_pairs(ea, eb, tree, ga, gb, q_a, q_b, crs)
                for q_a, q_b in ((qa[:h], qb[:h]), (qa[h:], qb[h:]))
            ]
        )
    rep = np.repeat(np.arange(len(qi)), nf)
    f = np.repeat(eb.first[qb[qi]], nf) + _ragged_arange(nf)
    tq = qi[rep]
    eps = eps_o[tq]
    bx0, by0, bx1, by1 = eb.x0[f] - ox[tq], eb.y0[f] - oy[tq], eb.x1[f] - ox[tq], eb.y1[f] - oy[tq]
    sx0, sy0, sx1, sy1 = ax0[rep], ay0[rep], ax1[rep], ay1[rep]
    fdx, fdy, edx, edy = bx1 - bx0, by1 - by0, sx1 - sx0, sy1 - sy0
    flen, elen = np.abs(fdx) + np.abs(fdy), np.abs(edx) + np.abs(edy)
    gx, gy = sx0 - bx0, sy0 - by0
    d1, u1 = _orient(fdx, fdy, flen, gx, gy, eps)  # A's start against B's edge
    d2, u2 = _orient(fdx, fdy, flen, sx1 - bx0, sy1 - by0, eps)  # A's end against B's edge
    d3, u3 = _orient(edx, edy, elen, -gx, -gy, eps)  # B's start against A's edge
    d4, u4 = _orient(edx, edy, elen, bx1 - sx0, by1 - sy0, eps)  # B's end against A's edge
    undecided = np.zeros(len(tq), dtype=bool)
    undecided[_near(u1, sx0, sy0, bx0, by0, bx1, by1, eps)] = True
    undecided[_near(u2, sx1, sy1, bx0, by0, bx1, by1, eps)] = True
    undecided[_near(u3, bx0, by0, sx0, sy0, sx1, sy1, eps)] = True
    undecided[_near(u4, bx1, by1, sx0, sy0, sx1, sy1, eps)] = True
    flagged = np.bincount(tq[undecided], minlength=n) > 0
    cross = ~undecided & ((d1 > 0) != (d2 > 0)) & ((d3 > 0) != (d4 > 0))
    c = np.flatnonzero(cross)
    te = d1[c] / (d1[c] - d2[c])
    tf = d3[c] / (d3[c] - d4[c])
    cx = sx0[c] + te * (sx1[c] - sx0[c])
    cy = sy0[c] + te * (sy1[c] - sy0[c])
    # does each A edge start inside B? count B's edges crossed by a ray from its start towards +x
    ray = ((by0 <= sy0) & (by1 > sy0) & (d1 > 0)) | ((by1 <= sy0) & (by0 > sy0) & (d1 < 0))
    a_in = np.bincount(rep, weights=ray, minlength=len(qi)) % 2 == 1
    a_cross = np.bincount(rep[c], minlength=len(qi))
    pieces_a = _inside_pieces(a_in, ax0, ay0, ax1, ay1, a_cross, rep[c], te, cx, cy)
    owner_a = qi[pieces_a[0]]

    # every edge of each pair's B: does it start inside A? one point-in-polygon test per ring, then parity
    nb = eb.count[qb]
    row_pair = np.repeat(np.arange(n), nb)
    rf = np.repeat(eb.first[qb], nb) + _ragged_arange(nb)
    row_of_triple = (np.cumsum(nb) - nb)[tq] + (f - eb.first[qb[tq]])
    b_cross = np.bincount(row_of_triple[c], minlength=len(rf))
    ring = eb.ring[rf]
    starts = np.r_[True, (ring[1:] != ring[:-1]) | (row_pair[1:] != row_pair[:-1])]
    group = np.cumsum(starts) - 1
    s = np.flatnonzero(starts)
    ring_in = shapely.contains_xy(ga[qa[row_pair[s]]], eb.x0[rf[s]], eb.y0[rf[s]])
    before = np.cumsum(b_cross) - b_cross
    b_in = ring_in[group] ^ ((before - before[s][group]) % 2 == 1)
    odd = np.bincount(group, weights=b_cross) % 2 == 1  # a closed ring crosses the other boundary evenly
    flagged[row_pair[s[odd]]] = True
    bx0r, by0r = eb.x0[rf] - ox[row_pair], eb.y0[rf] - oy[row_pair]
    bx1r, by1r = eb.x1[rf] - ox[row_pair], eb.y1[rf] - oy[row_pair]
    pieces_b = _inside_pieces(b_in, bx0r, by0r, bx1r, by1r, b_cross, row_of_triple[c], tf, cx, cy)
    owner_b = row_pair[pieces_b[0]]

    owner = np.concatenate([owner_a, owner_b])
    x0, y0, x1, y1 = (np.concatenate([pa_, pb_]) for pa_, pb_ in zip(pieces_a[1:], pieces_b[1:], strict=True))
    area = boundary_area(x0, y0, x1, y1, owner, np.column_stack([ox, oy]), crs)
    area[flagged] = np.nan
    return area
