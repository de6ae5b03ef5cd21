"""The ring layout of many polygons against shapely's own parts and rings."""

from __future__ import annotations

import numpy as np
import shapely

from zonekit.geo.rings import rings


def _shapes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Polygons and one-part MultiPolygons, some with holes, some holes touching the exterior's first vertex."""
    out = []
    for k in range(n):
        x, y = rng.uniform(0, 100, 2)
        w = rng.uniform(2, 5)
        outer = [(x, y), (x + w, y), (x + w, y + w), (x, y + w), (x, y)]
        kind = k % 5
        if kind == 0:
            shape = shapely.Polygon(outer)
        elif kind == 1:  # a hole inside
            hole = [(x + 1, y + 1), (x + 1.5, y + 1), (x + 1.5, y + 1.5), (x + 1, y + 1)]
            shape = shapely.Polygon(outer, [hole])
        elif kind == 2:  # a hole touching the exterior at its first vertex, starting there
            hole = [(x, y), (x + 1, y + 0.5), (x + 0.5, y + 1), (x, y)]
            shape = shapely.Polygon(outer, [hole])
        elif kind == 3:  # a hole touching the first vertex, starting elsewhere
            hole = [(x + 1, y + 0.5), (x + 0.5, y + 1), (x, y), (x + 1, y + 0.5)]
            shape = shapely.Polygon(outer, [hole])
        else:  # a repeated first vertex: still one ring
            shape = shapely.Polygon([(x, y), *outer])
        out.append(shapely.MultiPolygon([shape]) if rng.random() < 0.5 else shape)
    return np.array(out, dtype=object)


def test_rings_of_one_part_multipolygons_with_and_without_holes_match_shapely():
    geoms = _shapes(np.random.default_rng(7), 400)
    assert shapely.is_valid(geoms).all()
    r = rings(geoms)
    parts = shapely.get_parts(geoms)
    expected_rings = shapely.get_num_interior_rings(parts) + 1
    assert np.array_equal(np.bincount(r.ring_geom, minlength=len(geoms)), expected_rings)
    assert np.array_equal(r.xy, shapely.get_coordinates(geoms))
    # each ring closed, and its vertices those of shapely's ring of the same place
    want = shapely.get_coordinates(shapely.get_rings(parts))
    assert np.array_equal(want, r.xy)
    firsts = np.flatnonzero(np.r_[True, r.ring_of[1:] != r.ring_of[:-1]])
    lasts = np.r_[firsts[1:] - 1, len(r.ring_of) - 1]
    assert np.array_equal(r.xy[firsts], r.xy[lasts])
    ring_lengths = np.bincount(r.ring_of)
    assert np.array_equal(ring_lengths, shapely.get_num_coordinates(shapely.get_rings(parts)))
    assert int(r.is_ext.sum()) == len(geoms)
