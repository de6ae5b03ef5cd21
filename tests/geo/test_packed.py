"""Polygons read from their WKB in numpy, and the boundary grid that decides parcels without GEOS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely

from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.boundary_grid import boundary_grid, box_pairs
from zonekit.geo.overlay import intersection_areas
from zonekit.geo.packed import PackedPolygons, rings_from_wkb
from zonekit.geo.rings import polygon_rings, ring_bounds


def varied() -> np.ndarray:
    """Polygons with holes, multipolygons of several parts and holes, empty ones and a missing one."""
    holed = shapely.Polygon(
        [(120.0, 32.0), (120.01, 32.0), (120.01, 32.01), (120.0, 32.01)],
        [
            [(120.002, 32.002), (120.004, 32.002), (120.004, 32.004)],
            [(120.006, 32.006), (120.008, 32.006), (120.008, 32.008)],
        ],
    )
    multi = shapely.MultiPolygon(
        [holed, shapely.box(120.02, 32.0, 120.03, 32.01), shapely.box(121, 31, 121.001, 31.001)]
    )
    rng = np.random.default_rng(5)
    seeds = rng.uniform([120.0, 32.0], [120.05, 32.05], (200, 2))
    cells = list(shapely.voronoi_polygons(shapely.multipoints(seeds)).geoms)
    return np.array(
        [
            shapely.box(120, 32, 120.001, 32.001),
            holed,
            multi,
            shapely.Polygon(),
            shapely.MultiPolygon(),
            None,
            shapely.MultiPolygon([shapely.box(120, 32, 120.001, 32.001)]),
            *cells,
        ],
        dtype=object,
    )


def test_rings_read_from_wkb_are_shapelys():
    g = varied()
    p = PackedPolygons.from_wkb(pa.array(shapely.to_wkb(g), type=pa.binary()))
    want = polygon_rings(g)
    assert p.geoms is None  # read in numpy, nothing decoded
    for got, ref in (
        (p.rings.xy, want.xy),
        (p.rings.ring_of, want.ring_of),
        (p.rings.ring_geom, want.ring_geom),
    ):
        assert np.array_equal(got, ref)
    assert np.array_equal(p.rings.is_ext, want.is_ext)
    assert np.array_equal(p.bounds, shapely.bounds(g), equal_nan=True)
    assert p.missing == 1 and len(p) == len(g)


@pytest.mark.parametrize("crs", [4490, 4549])
def test_areas_are_ellipsoidal_area_to_the_bit(crs):
    g = varied()
    if crs == 4549:  # Gauss-Krüger metres: small parcels by the areal scale, large ones via lon/lat
        g = np.array(
            [
                None
                if x is None
                else shapely.transform(x, lambda c: (c - [120.0, 32.0]) * 1e5 + [500_000, 3_500_000])
                for x in g
            ],
            dtype=object,
        )
        g[2] = shapely.affinity.scale(g[2], 3, 3)  # several kilometres across
    p = PackedPolygons.from_wkb(shapely.to_wkb(g))
    assert np.array_equal(p.areas(crs), ellipsoidal_area(g, crs))
    some = np.array([1, 7, 9])
    fresh = PackedPolygons.from_wkb(shapely.to_wkb(g)).areas(crs, some)
    assert np.array_equal(fresh[some], ellipsoidal_area(g[some], crs)) and np.isnan(fresh[0])


def test_only_the_polygons_asked_for_are_decoded():
    g = varied()
    p = PackedPolygons.from_wkb(shapely.to_wkb(g))
    got = p.geometries(np.array([1, 2]))
    assert got[1].equals(g[1]) and got[2].equals(g[2]) and got[0] is None and got[8] is None


def test_what_numpy_does_not_read_is_decoded_by_shapely():
    g = varied()[:3]
    for other in (
        shapely.to_wkb(g, byte_order=0),  # big-endian
        shapely.to_wkb(shapely.force_3d(g)),  # Z coordinates
        shapely.to_wkb(np.array([*g, shapely.LineString([(0, 0), (1, 1)])], dtype=object)),
    ):
        offsets = np.cumsum([0] + [len(b) for b in other])
        assert rings_from_wkb(offsets, np.frombuffer(b"".join(other), dtype=np.uint8)) is None
        p = PackedPolygons.from_wkb(other)
        assert p.geoms is not None and np.array_equal(p.rings.xy, polygon_rings(shapely.from_wkb(other)).xy)


def test_ring_bounds_and_subset():
    g = varied()
    r = polygon_rings(g)
    assert np.array_equal(ring_bounds(r), shapely.bounds(g), equal_nan=True)
    keep = np.zeros(len(g), dtype=bool)
    keep[[1, 2, 9]] = True
    assert np.array_equal(r.subset(keep).xy, polygon_rings(g[keep]).xy)
    assert np.array_equal(r.subset(keep).ring_geom, polygon_rings(g[keep]).ring_geom)


def test_box_pairs_are_every_pair_of_boxes_that_meet():
    rng = np.random.default_rng(2)
    lo = rng.uniform(0, 100, (3000, 2))
    size = rng.exponential(1.0, (3000, 2))
    size[:5] *= 200  # a few very long parcels (a river, a road)
    b = np.column_stack([lo, lo + size])
    b[7] = np.nan
    a_lo = rng.uniform(0, 90, (40, 2))
    a = np.column_stack([a_lo, a_lo + rng.uniform(1, 20, (40, 2))])
    ai, bi = box_pairs(a, b)
    meet = (
        (a[:, None, 0] <= b[None, :, 2])
        & (a[:, None, 2] >= b[None, :, 0])
        & (a[:, None, 1] <= b[None, :, 3])
        & (a[:, None, 3] >= b[None, :, 1])
    )
    want_a, want_b = np.nonzero(meet)
    assert np.array_equal(ai, want_a) and np.array_equal(bi, want_b)


def test_a_box_called_clear_never_meets_the_boundary():
    """Conservative by construction: boxes on, along and just off the boundary are never called clear."""
    park = shapely.Polygon(
        shapely.Point(120.02, 32.02).buffer(0.012, 16).exterior.coords,
        [shapely.box(120.015, 32.015, 120.02, 32.02).exterior.coords],
    )
    grid = boundary_grid(np.array([park], dtype=object))
    rng = np.random.default_rng(8)
    # boxes of every size, many of them touching or straddling the boundary at a vertex or an edge
    ring = shapely.get_coordinates(park.boundary)
    at = ring[rng.integers(0, len(ring), 4000)] + rng.normal(0, 2e-5, (4000, 2))
    centre = np.concatenate([at, rng.uniform([120.0, 32.0], [120.04, 32.04], (4000, 2))])
    half = rng.exponential(2e-4, (len(centre), 2))
    boxes = np.column_stack([centre - half, centre + half])
    clear = grid.clear(np.zeros(len(boxes), dtype=int), boxes)
    meets = shapely.intersects(shapely.box(*boxes.T), park.boundary)
    assert not (clear & meets).any()
    assert clear.sum() > 0.4 * len(boxes)  # and most boxes away from it are decided
    touching = np.array([[120.032, 32.0, 120.04, 32.02]])  # its left edge on the park's easternmost point
    assert not grid.clear(np.zeros(1, dtype=int), touching)[0]


def test_parcels_of_a_study_chunk_are_decided_without_decoding_most():
    """A park over many small parcels: those near its boundary decoded, the others decided by the grid."""
    park = shapely.Point(120.02, 32.02).buffer(0.012, 32)
    x, y = np.meshgrid(np.arange(120.0, 120.04, 0.0004), np.arange(32.0, 32.04, 0.0004))
    parcels = shapely.box(x.ravel(), y.ravel(), x.ravel() + 0.0004, y.ravel() + 0.0004)
    packed = PackedPolygons.from_wkb(shapely.to_wkb(parcels))
    got = intersection_areas(np.array([park], dtype=object), packed, 4490, threads=1)
    pd.testing.assert_frame_equal(
        got, intersection_areas(np.array([park], dtype=object), parcels, 4490, threads=1)
    )
    decoded = int(packed._decoded["done"].sum())
    assert decoded < 0.25 * len(parcels) and got["inside"].sum() > 0.2 * len(
        parcels
    )  # a park over a quarter of them


def test_many_polygons_share_a_bounded_grid():
    parks = shapely.buffer(shapely.points(np.random.default_rng(1).uniform(0, 1000, (3000, 2))), 5.0)
    grid = boundary_grid(parks)
    assert grid.table.size <= 16_000_000 + 3000 * 2 * 260  # the budget (each table has a row and column more)
    assert (grid.shape.max(axis=1) < 80).all() and (grid.cell > 0).all()
