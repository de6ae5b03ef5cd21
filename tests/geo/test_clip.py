"""The numpy clipper against GEOS: shapely.intersection, measured the same ellipsoidal way."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from zonekit.geo.area import boundary_area, ellipsoidal_area, planar_moments
from zonekit.geo.clip import MAX_EDGES, clipped_areas, edges


def blob(rng, cx, cy, r, k):
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    q = rng.uniform(0.3, 1.0, k)
    g = shapely.Polygon(np.column_stack([cx + r * q * np.cos(ang), cy + r * q * np.sin(ang)]))
    return shapely.make_valid(g, method="structure", keep_collapsed=False)


def random_pairs(rng, n, x0, y0, size, crs):
    """n random pairs of polygons (some with holes, some multipolygons, some clockwise) that overlap."""
    a, b = [], []
    while len(a) < n:
        ga = blob(
            rng, x0 + rng.uniform(0, size), y0 + rng.uniform(0, size), size * 0.4, int(rng.integers(3, 40))
        )
        gb = blob(
            rng, x0 + rng.uniform(0, size), y0 + rng.uniform(0, size), size * 0.2, int(rng.integers(3, 12))
        )
        if rng.random() < 0.3:
            ga = ga.difference(ga.centroid.buffer(size * 0.05))
        if rng.random() < 0.2:
            gb = gb.union(shapely.affinity.translate(gb, size * 0.5, 0))
        if rng.random() < 0.3:
            gb = shapely.reverse(gb)
        if ga.is_valid and gb.is_valid and ga.intersection(gb).area > 0:
            a.append(ga)
            b.append(gb)
    return np.array(a, dtype=object), np.array(b, dtype=object)


def geos(a, b, crs):
    return ellipsoidal_area(shapely.intersection(a, b), crs)


@pytest.mark.parametrize(
    ("x0", "y0", "size", "crs"),
    [(120.0, 32.0, 0.02, 4490), (500_000.0, 3_400_000.0, 600.0, "EPSG:4549"), (87.0, 44.0, 0.2, 4490)],
)
def test_random_pairs_agree_with_geos(x0, y0, size, crs):
    rng = np.random.default_rng(3)
    a, b = random_pairs(rng, 300, x0, y0, size, crs)
    shapely.prepare(a)
    idx = np.arange(len(a))
    got = clipped_areas(a, b, idx, idx, crs)
    decided = ~np.isnan(got)
    assert decided.mean() > 0.95  # random coordinates: almost never a vertex on the other boundary
    want = geos(a, b, crs)
    np.testing.assert_allclose(got[decided], want[decided], rtol=1e-9, atol=1e-6)


def test_pieces_larger_than_a_kilometre_in_a_projected_crs():
    a = np.array([shapely.Point(500_000, 3_400_000).buffer(3000, 16)], dtype=object)
    b = np.array([shapely.box(497_000.5, 3_399_000.5, 503_100.5, 3_404_000.5)], dtype=object)
    shapely.prepare(a)
    got = clipped_areas(a, b, np.array([0]), np.array([0]), "EPSG:4549")
    np.testing.assert_allclose(got, geos(a, b, "EPSG:4549"), rtol=1e-9)


def test_degenerate_pairs_are_left_to_geos():
    a = np.array([shapely.box(120, 32, 120.01, 32.01)], dtype=object)
    b = np.array(
        [
            shapely.box(120.005, 32.0, 120.02, 32.005),  # shares part of a's bottom edge
            shapely.box(120.0, 32.0, 120.005, 32.005),  # shares a's corner
            shapely.Polygon([(120.005, 32.01), (120.006, 32.005), (120.007, 32.02)]),  # vertex on a's edge
            shapely.box(120.002, 32.002, 120.02, 32.004),  # generic
        ],
        dtype=object,
    )
    shapely.prepare(a)
    got = clipped_areas(a, b, np.zeros(4, dtype=int), np.arange(4), 4490)
    assert np.isnan(got[:3]).all()
    assert got[3] == pytest.approx(geos(a[[0]], b[[3]], 4490)[0], rel=1e-9)


def test_polygons_with_many_edges_are_left_to_geos():
    a = np.array([shapely.box(120, 32, 120.01, 32.01)], dtype=object)
    b = np.array([shapely.Point(120.01, 32.005).buffer(0.002, quad_segs=MAX_EDGES)], dtype=object)
    shapely.prepare(a)
    assert np.isnan(clipped_areas(a, b, np.array([0]), np.array([0]), 4490)).all()


def test_a_inside_b_and_b_inside_a():
    big = shapely.Point(120.01, 32.01).buffer(0.005, 8)
    small = shapely.box(120.008, 32.008, 120.0125, 32.011)
    for a, b in ((big, small.union(shapely.box(120.0, 32.0, 120.001, 32.0201))), (small, big)):
        a_, b_ = np.array([a], dtype=object), np.array([b], dtype=object)
        shapely.prepare(a_)
        got = clipped_areas(a_, b_, np.array([0]), np.array([0]), 4490)
        assert got[0] == pytest.approx(geos(a_, b_, 4490)[0], rel=1e-9)


def test_edges_run_counter_clockwise_around_exteriors():
    g = np.array([shapely.reverse(shapely.box(0, 0, 2, 1).difference(shapely.box(0.5, 0.25, 1, 0.75)))])
    e = edges(g)
    # each edge starts where the one before it ends, and the region is on the left: positive area
    ring_start = np.r_[True, e.ring[1:] != e.ring[:-1]]
    assert np.array_equal(e.x0[~ring_start], e.x1[np.flatnonzero(~ring_start) - 1])
    got = boundary_area(e.x0, e.y0, e.x1, e.y1, np.zeros(len(e.x0), dtype=int), np.zeros((1, 2)), "EPSG:3857")
    assert got[0] == pytest.approx(shapely.area(g[0]), rel=1e-9)  # Web Mercator: areal scale 1 at 0°


def test_planar_moments_match_shapely():
    g = np.array(
        [
            shapely.box(500_000, 3_400_000, 500_050, 3_400_040),
            shapely.reverse(shapely.box(0, 0, 10, 10).difference(shapely.box(2, 2, 4, 4))),
            shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 7)]),
        ],
        dtype=object,
    )
    area, cx, cy = planar_moments(g)
    c = shapely.centroid(g)
    np.testing.assert_allclose(area, shapely.area(g), rtol=1e-12)
    np.testing.assert_allclose(cx, shapely.get_x(c), rtol=1e-12)
    np.testing.assert_allclose(cy, shapely.get_y(c), rtol=1e-12)


def test_work_is_split_to_bound_memory(monkeypatch):
    import zonekit.geo.clip as clip

    rng = np.random.default_rng(11)
    a, b = random_pairs(rng, 60, 120.0, 32.0, 0.02, 4490)
    shapely.prepare(a)
    idx = np.arange(len(a))
    whole = clipped_areas(a, b, idx, idx, 4490)
    monkeypatch.setattr(clip, "TRIPLE_BUDGET", 50)  # forces halving down to single pairs
    split = clipped_areas(a, b, idx, idx, 4490)
    big = ~np.isnan(whole) & np.isnan(split)  # single pairs over the budget are left to GEOS
    assert big.any() and np.array_equal(whole[~big], split[~big], equal_nan=True)
