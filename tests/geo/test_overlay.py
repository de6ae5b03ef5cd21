"""The overlay engine against geopandas.overlay, an independent computation."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.overlay import apportion, hair_bands, intersection_areas
from zonekit.geo.packed import PackedPolygons


def reference(a, b, crs) -> dict[tuple[int, int], float]:
    """geopandas.overlay(how='intersection'), areas measured the same (ellipsoidal) way.

    Where one polygon covers the other the intersection is exactly the covered one, and the oracle takes
    its area: GEOS, noding shared vertices of nearly parallel edges, can return a slightly different polygon
    there (hypothesis found one 0.3 m² larger than the polygon it lies in). So it does where GEOS's pieces
    of the pair have the covered polygon's planar area to 1e-9 (a piece of a parcel cut along the park line
    lies inside it up to rounding, and GEOS's copy has the park's vertices on its edge too: the ellipsoidal
    measure, whose edges are not straight in longitude/latitude, puts that copy 2e-6 off the parcel's own).
    """
    ga = gpd.GeoDataFrame({"ia": np.arange(len(a))}, geometry=list(a), crs=crs)
    gb = gpd.GeoDataFrame({"ib": np.arange(len(b))}, geometry=list(b), crs=crs)
    ov = gpd.overlay(ga, gb, how="intersection", keep_geom_type=True)
    areas = ellipsoidal_area(ov.geometry.values, crs)
    out: dict[tuple[int, int], float] = {}
    planar: dict[tuple[int, int], float] = {}
    for ia, ib, ar, flat in zip(ov["ia"], ov["ib"], areas, shapely.area(ov.geometry.values), strict=True):
        if ar > 0:
            out[(int(ia), int(ib))] = out.get((int(ia), int(ib)), 0.0) + ar
            planar[(int(ia), int(ib))] = planar.get((int(ia), int(ib)), 0.0) + flat
    for ia, ib in out:
        if shapely.covers(a[ia], b[ib]) or abs(planar[(ia, ib)] - b[ib].area) <= 1e-9 * b[ib].area:
            out[(ia, ib)] = float(ellipsoidal_area([b[ib]], crs)[0])
        elif shapely.covers(b[ib], a[ia]) or abs(planar[(ia, ib)] - a[ia].area) <= 1e-9 * a[ia].area:
            out[(ia, ib)] = float(ellipsoidal_area([a[ia]], crs)[0])
    return out


SLIVER_M2 = 1e-6
"""An overlay piece smaller than this is rounding along an edge both polygons share, not an overlap: GEOS
returns some (a parcel cut along the park line, outside it, meets the park in 1e-8 m²), the kernel none."""


def assert_matches(a, b, crs=4490, threads=None, rel=1e-9):
    got = intersection_areas(a, b, crs, threads=threads)
    # the parcels packed (as a study file's chunk gives them): the same pairs, areas and flags to the bit
    packed = intersection_areas(
        a, PackedPolygons.from_wkb(shapely.to_wkb(np.asarray(b))), crs, threads=threads
    )
    pd.testing.assert_frame_equal(packed, got)
    want = reference(a, b, crs)
    got_d = {(int(x), int(y)): v for x, y, v in zip(got["a"], got["b"], got["area_m2"], strict=True)}
    slivers = {k: v for k, v in want.items() if k not in got_d}
    assert all(v < SLIVER_M2 for v in slivers.values()), slivers  # every pair of any size is found
    assert set(got_d) <= set(want), set(got_d) - set(want)  # and no other
    want = {k: v for k, v in want.items() if k in got_d}
    for k, v in want.items():
        assert got_d[k] == pytest.approx(v, rel=rel, abs=1e-6), k
    return got


def grid(nx, ny, x0=120.0, y0=32.0, step=0.002):
    return np.array(
        [
            shapely.box(x0 + i * step, y0 + j * step, x0 + (i + 1) * step, y0 + (j + 1) * step)
            for i in range(nx)
            for j in range(ny)
        ],
        dtype=object,
    )


def test_parks_against_a_parcel_grid():
    parks = np.array([shapely.Point(120.01, 32.01).buffer(0.0071), shapely.box(120.025, 32.0, 120.05, 32.03)])
    res = assert_matches(parks, grid(30, 20))
    assert res["inside"].any() and (~res["inside"]).any()  # both paths used


def test_holes_multipolygons_and_edge_touching():
    park = shapely.box(120, 32, 120.02, 32.02).difference(shapely.box(120.006, 32.006, 120.014, 32.014))
    multi = shapely.MultiPolygon(
        [shapely.box(120.03, 32, 120.04, 32.01), shapely.box(120.05, 32, 120.06, 32.01)]
    )
    parcels = np.array(
        [
            shapely.box(120.02, 32.0, 120.03, 32.01),  # touches park only along an edge: no pair
            shapely.box(120.005, 32.005, 120.015, 32.015),  # straddles the hole
            shapely.box(120.035, 32.0, 120.055, 32.005),  # spans both parts of the multipolygon
            shapely.box(120.0, 32.0, 120.001, 32.001),  # inside, sharing the park's corner edges
            shapely.Point(120.01, 32.017).buffer(0.002),
        ],
        dtype=object,
    )
    res = assert_matches(np.array([park, multi], dtype=object), parcels)
    got = {(int(a), int(b)): v for a, b, v in zip(res["a"], res["b"], res["area_m2"], strict=True)}
    # parcel 0 touches the park and the multipolygon only along edges: no pair; the rest, worked out by hand
    assert set(got) == {(0, 1), (1, 2), (0, 3), (0, 4)}

    def area(*boxes):
        return float(ellipsoidal_area([shapely.box(*bx) for bx in boxes], 4490).sum())

    hole = (120.006, 32.006, 120.014, 32.014)
    assert got[(0, 1)] == pytest.approx(area((120.005, 32.005, 120.015, 32.015)) - area(hole), rel=1e-9)
    assert got[(1, 2)] == pytest.approx(
        area((120.035, 32, 120.04, 32.005), (120.05, 32, 120.055, 32.005)), rel=1e-9
    )
    assert got[(0, 3)] == pytest.approx(area((120.0, 32.0, 120.001, 32.001)), rel=1e-9)
    assert got[(0, 4)] == pytest.approx(
        float(ellipsoidal_area([parcels[4]], 4490)[0]), rel=1e-9
    )  # wholly inside


def test_threads_give_the_same_answer():
    parks = np.array([shapely.Point(120.02, 32.02).buffer(0.015)], dtype=object)
    parcels = grid(40, 40)
    one = intersection_areas(parks, parcels, 4490, threads=1)
    four = intersection_areas(parks, parcels, 4490, threads=4)
    pd_equal = (one[["a", "b"]].to_numpy() == four[["a", "b"]].to_numpy()).all()
    assert pd_equal and np.allclose(one["area_m2"], four["area_m2"], rtol=0, atol=0)


def test_projected_input():
    parks = np.array([shapely.box(500_000, 3_500_000, 501_000, 3_501_500)], dtype=object)
    parcels = np.array(
        [
            shapely.box(
                500_000 + i * 130, 3_500_000 + j * 110, 500_000 + i * 130 + 120, 3_500_000 + j * 110 + 100
            )
            for i in range(10)
            for j in range(16)
        ],
        dtype=object,
    )
    assert_matches(parks, parcels, crs="EPSG:4549")


def test_apportion_by_area_share():
    parks = np.array([shapely.box(120, 32, 120.01, 32.01)], dtype=object)
    parcels = np.array([shapely.box(120.005, 32, 120.015, 32.01)], dtype=object)  # half inside
    pairs = intersection_areas(parks, parcels, 4490)
    import pandas as pd

    vals = apportion(pairs, pd.DataFrame({"tax_wan": [100.0], "gfa_m2": [np.nan]}))
    assert vals["tax_wan"].iloc[0] == pytest.approx(100 * pairs["b_share"].iloc[0])
    assert pairs["b_share"].iloc[0] == pytest.approx(0.5, rel=1e-3)
    assert np.isnan(vals["gfa_m2"].iloc[0])


def test_no_candidates():
    r = intersection_areas([shapely.box(0, 0, 1, 1)], [shapely.box(5, 5, 6, 6)], 4490)
    assert r.empty and list(r.columns) == ["a", "b", "area_m2", "b_share", "inside"]


coord = st.floats(0, 0.02, allow_nan=False)


@st.composite
def polygon(draw):
    k = draw(st.integers(3, 8))
    cx, cy = draw(coord), draw(coord)
    r = draw(st.floats(0.001, 0.01))
    ang = sorted(draw(st.lists(st.floats(0, 2 * np.pi), min_size=k, max_size=k, unique=True)))
    rad = draw(st.lists(st.floats(0.3, 1.0), min_size=k, max_size=k))
    pts = [(120 + cx + r * q * np.cos(t), 32 + cy + r * q * np.sin(t)) for t, q in zip(ang, rad, strict=True)]
    g = shapely.make_valid(shapely.Polygon(pts), method="structure", keep_collapsed=False)
    if draw(st.booleans()) and g.area > 0:
        g = g.difference(g.centroid.buffer(r * 0.2))  # a hole, sometimes
    return g


@settings(max_examples=40, deadline=None)
@given(st.lists(polygon(), min_size=1, max_size=3), st.lists(polygon(), min_size=1, max_size=12))
def test_random_polygons_agree_with_geopandas_overlay(a, b):
    a = np.array([g for g in a if g.area > 0 and g.geom_type in ("Polygon", "MultiPolygon")], dtype=object)
    b = np.array([g for g in b if g.area > 0 and g.geom_type in ("Polygon", "MultiPolygon")], dtype=object)
    if len(a) and len(b):
        # adversarial polygons: edges through shared vertices at near-zero angles make every intersection
        # ill-conditioned, and GEOS itself moves with the origin by ~2e-7 of the area there; realistic data
        # above is held to 1e-9
        assert_matches(a, b, rel=1e-6)


def test_work_on_one_geometry_stays_on_one_thread():
    """GEOS prepared geometries are not thread-safe: map_groups never splits a run of equal keys."""
    from zonekit.geo.parallel import map_groups

    keys = np.repeat(np.arange(50), np.random.default_rng(1).integers(1, 400, 50))
    spans = map_groups(lambda lo, hi: (lo, hi), keys, n_threads=4, chunk=100)
    assert spans[0][0] == 0 and spans[-1][1] == len(keys)
    assert all(hi == lo2 for (_, hi), (lo2, _) in itertools.pairwise(spans))
    assert all(keys[hi - 1] != keys[hi] for _, hi in spans[:-1])  # cuts only where the key changes
    assert len(spans) > 4


def test_many_threads_on_few_parks_give_the_same_answer():
    parks = np.array([shapely.Point(120.02, 32.02).buffer(0.015, 64)], dtype=object)
    parcels = grid(80, 80, step=0.0005)
    one = intersection_areas(parks, parcels, 4490, threads=1)
    for _ in range(3):
        many = intersection_areas(parks, parcels, 4490, threads=4)
        assert np.array_equal(one["b"], many["b"]) and np.array_equal(one["area_m2"], many["area_m2"])


def test_parcels_cut_along_the_park_line():
    """Parcels split exactly at the park boundary (as surveys deliver them): shared edges everywhere."""
    park = shapely.Point(120.02, 32.02).buffer(0.012, 16)
    pieces, within = [], []
    for c in grid(20, 20):
        for g, w in ((c.intersection(park), True), (c.difference(park), False)):
            if g.area > 0 and g.geom_type in ("Polygon", "MultiPolygon"):
                pieces.append(g)
                within.append(w)
    parcels, within = np.array(pieces, dtype=object), np.array(within)
    res = assert_matches(np.array([park], dtype=object), parcels)
    share = np.zeros(len(parcels))
    share[res["b"].to_numpy()] = res["b_share"].to_numpy()
    # an inner piece's overlap has an extra vertex where the park's edge meets it; with geodesic edges
    # (as pyproj.Geod has them) that moves its area by ~2e-6, so the shares are compared at 1e-5
    assert np.allclose(share[within], 1.0, atol=1e-5) and np.allclose(share[~within], 0.0, atol=1e-5)
    inside = np.zeros(len(parcels), dtype=bool)
    inside[res["b"].to_numpy()] = res["inside"].to_numpy()
    assert inside[shapely.covers(park, parcels)].all()  # covered parcels count as inside


def test_parcels_cut_along_the_park_line_in_gauss_kruger():
    """Irregular parcels cut along a park line in metres (EPSG:4549): pieces inside count whole, outside not."""
    park = shapely.Point(500_000, 3_550_000).buffer(1200, 16)
    seeds = np.random.default_rng(3).uniform([498_500, 3_548_500], [501_500, 3_551_500], (300, 2))
    frame = shapely.box(498_000, 3_548_000, 502_000, 3_552_000)
    cells = np.array(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame).geoms, dtype=object
    )
    inner, outer = shapely.intersection(cells, park), shapely.difference(cells, park)
    inner, outer = inner[shapely.area(inner) > 0], outer[shapely.area(outer) > 0]
    parcels = np.concatenate([inner, outer])
    res = assert_matches(np.array([park], dtype=object), parcels, crs=4549)
    share = np.zeros(len(parcels))
    share[res["b"].to_numpy()] = res["b_share"].to_numpy()
    assert np.allclose(share[: len(inner)], 1.0, rtol=0, atol=1e-9)
    assert np.allclose(share[len(inner) :], 0.0, rtol=0, atol=1e-9)
    grown, shrunken, _ = hair_bands(inner, np.arange(len(inner)))
    assert shapely.contains_properly(grown, inner).all() and shapely.contains_properly(inner, shrunken).all()
    assert (shapely.area(shrunken) < shapely.area(inner)).all()
    empty = hair_bands(np.array([shapely.Polygon()], dtype=object), np.array([0]))
    assert shapely.is_empty(empty[0][0]) and shapely.is_empty(empty[1][0])  # empty stays empty


def test_a_zone_of_scattered_parks_against_a_grid():
    """A multi-part unit (a zone: the union of parks far apart) is overlaid part by part, then added up."""
    parts = [
        shapely.box(120.001, 32.001, 120.009, 32.007),
        shapely.Point(120.045, 32.03).buffer(0.006),
        shapely.box(120.02, 32.0, 120.03, 32.004),
        shapely.box(120.03, 32.0, 120.031, 32.004),  # touches the part before along an edge
    ]
    zone = shapely.union_all(parts)
    park = shapely.box(120.0, 32.02, 120.01, 32.03)
    parcels = grid(30, 20)
    res = assert_matches(np.array([zone, park], dtype=object), parcels)
    assert shapely.get_num_geometries(zone) == 3
    assert res["inside"].any() and (~res["inside"]).any()
    assert (np.diff(res["a"].to_numpy()) >= 0).all()  # sorted by a, then b
    cells = ellipsoidal_area(parcels[res["b"].to_numpy()], 4490)
    np.testing.assert_allclose(res["b_share"], np.minimum(res["area_m2"] / cells, 1.0), rtol=1e-12)
    total = float(ellipsoidal_area([zone], 4490)[0])
    got = float(res.loc[res["a"] == 0, "area_m2"].sum())
    assert got == pytest.approx(total, rel=1e-9)  # the grid covers the zone: every square metre counted once


def test_a_layer_with_itself_overlays_only_where_it_may_overlap():
    """Parcels that tile the land (irregular, with shared vertices), plus overlapping, nested, duplicated and
    merely touching ones, validated in many small batches: the candidates hold every pair the whole
    overlay of the layer with itself finds, and the overlay of the candidates finds the same areas."""
    from zonekit.analysis.overlap import overlap_pairs
    from zonekit.geo.overlay import maybe_overlapping

    rng = np.random.default_rng(5)
    pts = shapely.MultiPoint(rng.uniform([120.0, 32.0], [120.05, 32.05], (1500, 2)))
    frame = shapely.box(120.0, 32.0, 120.05, 32.05)
    cells = shapely.intersection(np.array(shapely.get_parts(shapely.voronoi_polygons(pts))), frame)
    cells = cells[shapely.area(cells) > 0]
    extra = [
        shapely.buffer(shapely.centroid(cells[10]), 0.002),  # over a few cells
        shapely.buffer(shapely.centroid(cells[200]), 0.00005),  # inside one cell
        cells[700],  # a duplicate
        shapely.box(120.05, 32.0, 120.06, 32.01),  # outside the tiling, touching its edge
    ]
    layer = np.array([*cells, *extra], dtype=object)
    layer = layer[rng.permutation(len(layer))]
    near = maybe_overlapping(layer, threads=2, batch=1)  # no two polygons validated in one batch but by halo
    whole = intersection_areas(layer, layer, 4490)
    whole = whole[whole["a"] < whole["b"]]
    assert len(whole) >= 8  # the overlaps above
    assert near[whole["a"]].all() and near[whole["b"]].all()
    assert near.sum() < len(layer) / 10  # the tiling itself is left out
    got = overlap_pairs(
        gpd.GeoDataFrame({"parcel_id": np.arange(len(layer)).astype(str)}, geometry=list(layer), crs=4490),
        gpd.GeoDataFrame({"parcel_id": np.arange(len(layer)).astype(str)}, geometry=list(layer), crs=4490),
        a_layer="landuse",
        b_layer="landuse",
    )
    want = {(str(a), str(b)): m2 for a, b, m2 in zip(whole["a"], whole["b"], whole["area_m2"], strict=True)}
    have = {(a, b): m2 for a, b, m2 in zip(got["a_id"], got["b_id"], got["overlap_m2"], strict=True)}
    assert set(have) == set(want)
    for key, m2 in want.items():
        assert have[key] == pytest.approx(m2, rel=1e-12), key


def test_members_validated_with_their_surroundings_flag_as_the_whole_layer_does():
    """Each tile's own polygons validated among every polygon around them, tile after tile: together the
    candidates of the whole layer, every tile by one k-d cut of the boxes (each polygon in one tile)."""
    from zonekit.geo.overlay import maybe_overlapping
    from zonekit.geo.tiles import balanced_tiles

    rng = np.random.default_rng(8)
    pts = shapely.MultiPoint(rng.uniform([120.0, 32.0], [120.05, 32.05], (1200, 2)))
    frame = shapely.box(120.0, 32.0, 120.05, 32.05)
    cells = shapely.intersection(np.array(shapely.get_parts(shapely.voronoi_polygons(pts))), frame)
    over = [shapely.buffer(shapely.centroid(cells[k]), 0.0015) for k in (3, 400, 800)]  # across tiles
    layer = np.array([*cells[shapely.area(cells) > 0], *over], dtype=object)
    whole = maybe_overlapping(layer)
    boxes = shapely.bounds(layer)
    tiles = balanced_tiles(boxes, 100)
    assert sorted(np.concatenate(tiles)) == list(range(len(layer))) and max(map(len, tiles)) <= 100
    tree, got = shapely.STRtree(layer), np.zeros(len(layer), dtype=bool)
    for tile in tiles:
        box = shapely.box(*boxes[tile, :2].min(axis=0), *boxes[tile, 2:].max(axis=0))
        around = np.setdiff1d(tree.query(box), tile)
        at = np.concatenate([tile, around])
        got[at[maybe_overlapping(layer[at], members=np.arange(len(tile)))]] = True
    assert whole.sum() > 10 and (got == whole).all()


def test_duplicate_parks_share_their_bands_and_keep_them_on_one_thread():
    """Two features of one shape (a duplicate, as a layer with itself has) get one band, used by one
    thread at a time: the work is grouped by band (a prepared geometry on two threads crashed a run)."""
    park = shapely.Point(120.02, 32.02).buffer(0.012, 16)
    parks = np.array([park, shapely.Polygon(park.exterior.coords), park.buffer(0.001)], dtype=object)
    grown, _, band = hair_bands(parks, np.arange(3))
    assert band[0] == band[1] != band[2] and grown[0] is grown[1]
    pieces = []
    for c in grid(40, 40, step=0.0008):
        pieces.extend(g for g in (c.intersection(park), c.difference(park)) if g.area > 0)
    parcels = np.array(pieces, dtype=object)
    one = intersection_areas(parks, parcels, 4490, threads=1)
    for _ in range(3):
        pd.testing.assert_frame_equal(intersection_areas(parks, parcels, 4490, threads=4), one)


def test_two_threads_never_share_a_kept_band():
    """Bands are kept per calling thread: two overlays of one park running side by side (a dask worker of
    several threads) each prepare their own."""
    import threading

    park = np.array([shapely.Point(120.02, 32.02).buffer(0.012, 16)], dtype=object)
    mine = hair_bands(park, np.array([0]))[0][0]
    assert hair_bands(park, np.array([0]))[0][0] is mine  # kept for this thread's next call
    theirs = []
    worker = threading.Thread(target=lambda: theirs.append(hair_bands(park, np.array([0]))[0][0]))
    worker.start()
    worker.join()
    assert theirs[0] is not mine and theirs[0].equals(mine)
