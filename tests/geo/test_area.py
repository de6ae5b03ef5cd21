import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from zonekit.geo.area import ellipsoidal_area, to_geographic
from zonekit.geo.units import M2_PER_HA, M2_PER_MU, MU_PER_HA

GEOD = pyproj.Geod(ellps="GRS80")


def geod_area(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def ring(lon, lat, radius_deg, k, rng):
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    r = radius_deg * rng.uniform(0.5, 1.0, k)
    return shapely.Polygon(np.column_stack([lon + r * np.cos(ang), lat + r * np.sin(ang) * 0.9]))


def test_agrees_with_geod_across_china_to_1e_6():
    rng = np.random.default_rng(1)
    polys = []
    # parcel- to park-sized polygons anywhere in China, including 3° (121.5E) and 6° (120E, 126E) zone edges
    lons = np.concatenate([rng.uniform(74, 134, 200), [121.5, 121.5, 120.0, 126.0, 118.5]])
    lats = np.concatenate([rng.uniform(19, 53, 200), [31.9, 40.0, 32.0, 45.0, 24.0]])
    for lon, lat in zip(lons, lats, strict=True):
        poly = ring(lon, lat, rng.choice([0.0005, 0.005, 0.05]), int(rng.integers(4, 20)), rng)
        polys.append(poly if poly.is_valid else poly.convex_hull)
    # a park with a hole, and a multipolygon straddling a zone edge
    polys.append(shapely.box(121.45, 31.9, 121.55, 32.0).difference(shapely.box(121.48, 31.93, 121.5, 31.95)))
    polys.append(
        shapely.MultiPolygon([shapely.box(119.98, 30, 119.99, 30.01), shapely.box(120.01, 30, 120.02, 30.01)])
    )
    got = ellipsoidal_area(polys, 4490)
    want = np.array([geod_area(p) for p in polys])
    rel = np.abs(got - want) / want
    assert rel.max() < 1e-6, rel.max()


def test_county_sized_polygon_agrees_with_geod():
    # a 1° x 0.8° county-sized polygon with 1 km vertex spacing
    poly = shapely.segmentize(shapely.box(120.4, 32.1, 121.4, 32.9), 0.01)
    got = ellipsoidal_area([poly], 4490)[0]
    assert abs(got - geod_area(poly)) / geod_area(poly) < 1e-6


def test_projected_input_is_turned_back_into_lon_lat():
    # a 1 km square in CGCS2000 3° zone 39 (prefixed), 1.4° from the CM: the plane area is inflated,
    # the ellipsoidal one is what Geod gives on the inverse-projected vertices
    sq = shapely.box(39_640_000, 3_500_000, 39_641_000, 3_501_000)
    got = ellipsoidal_area([sq], "EPSG:4527")[0]
    lonlat = to_geographic([shapely.segmentize(sq, 10.0)], "EPSG:4527")[0]
    assert got == pytest.approx(geod_area(lonlat), rel=1e-6)
    assert sq.area / got - 1 == pytest.approx(0.00044, abs=0.0001)  # GK plane overstates by ~0.04 %


def test_empty_and_missing_have_zero_area():
    got = ellipsoidal_area([None, shapely.Polygon(), shapely.box(120, 30, 120.01, 30.01)], 4490)
    assert got[0] == 0 and got[1] == 0 and got[2] > 1e6


def test_units():
    assert pytest.approx(666.6666667) == M2_PER_MU
    assert 25_000.0 / M2_PER_HA == 2.5 and MU_PER_HA == 15.0
    assert pytest.approx(15.0) == 10_000.0 / M2_PER_MU


@settings(max_examples=60, deadline=None)
@given(
    lon=st.floats(74, 134),
    lat=st.floats(19, 53),
    w=st.floats(1e-4, 0.05),
    h=st.floats(1e-4, 0.05),
    skew=st.floats(-0.5, 0.5),
)
def test_random_quadrilaterals_agree_with_geod(lon, lat, w, h, skew):
    quad = shapely.Polygon(
        [(lon, lat), (lon + w, lat + skew * h), (lon + w, lat + h), (lon, lat + h * (1 - skew / 2))]
    )
    if not quad.is_valid or quad.area == 0:
        return
    got = ellipsoidal_area([quad], 4490)[0]
    assert got == pytest.approx(geod_area(quad), rel=1e-6)


def test_laea_formulas_match_proj():
    from zonekit.geo.area import laea_xy

    rng = np.random.default_rng(3)
    lon0, lat0 = 118.3, 36.7
    lon, lat = lon0 + rng.uniform(-2, 2, 500), lat0 + rng.uniform(-2, 2, 500)
    tr = pyproj.Transformer.from_crs(
        4490, f"+proj=laea +lat_0={lat0} +lon_0={lon0} +ellps=GRS80", always_xy=True
    )
    px, py = tr.transform(lon, lat)
    x, y = laea_xy(lon, lat, np.full(500, lon0), np.full(500, lat0))
    assert np.abs(x - px).max() < 1e-6 and np.abs(y - py).max() < 1e-6


def test_collections_count_their_polygon_parts():
    poly = shapely.box(120, 32, 120.01, 32.01)
    coll = shapely.GeometryCollection([poly, shapely.LineString([(120, 32), (121, 33)]), shapely.Point(0, 0)])
    got = ellipsoidal_area([coll, shapely.GeometryCollection([shapely.Point(0, 0)])], 4490)
    assert got[0] == pytest.approx(geod_area(poly), rel=1e-9) and got[1] == 0


def test_projected_small_polygons_use_the_areal_scale_and_agree_with_geod():
    # parcels 1.5° off the central meridian of EPSG:4549, where the Gauss-Krüger scale is largest
    rng = np.random.default_rng(9)
    x, y = rng.uniform(340_000, 660_000, 300), rng.uniform(3_300_000, 3_800_000, 300)
    boxes = shapely.box(x, y, x + rng.uniform(30, 900, 300), y + rng.uniform(30, 900, 300))
    got = ellipsoidal_area(boxes, "EPSG:4549")
    lonlat = to_geographic([shapely.segmentize(b, 5.0) for b in boxes], "EPSG:4549")
    want = np.array([geod_area(g) for g in lonlat])
    np.testing.assert_allclose(got, want, rtol=1e-8)
    # a 60 km polygon takes the full route: its edges are geodesics between its vertices, as in Geod
    big = shapely.box(400_000, 3_400_000, 460_000, 3_450_000)
    lonlat = to_geographic([big], "EPSG:4549")[0]
    assert ellipsoidal_area([big], "EPSG:4549")[0] == pytest.approx(geod_area(lonlat), rel=1e-8)


def test_areal_scale_interpolation_matches_pyproj():
    """Many points: the scale is interpolated per 2 km cell; it must match pyproj's own factors."""
    import pyproj

    from zonekit.geo.area import _areal_scale

    crs = pyproj.CRS("EPSG:4549")
    rng = np.random.default_rng(5)
    x, y = 380_000 + rng.uniform(0, 30_000, 60_000), 3_400_000 + rng.uniform(0, 30_000, 60_000)
    lon, lat = pyproj.Transformer.from_crs(crs, 4490, always_xy=True).transform(x, y)
    want = np.asarray(pyproj.Proj(crs).get_factors(lon, lat).areal_scale)
    got = _areal_scale(x, y, crs)
    assert np.abs(got / want - 1).max() < 1e-10
    assert np.abs(want - want.mean()).max() > 1e-6  # the scale does vary across the sample


def test_areas_do_not_depend_on_how_the_polygons_are_batched():
    """A cluster cuts the parcels into partitions: every area must be the same bit for bit whatever the cut."""
    rng = np.random.default_rng(11)
    x, y = 380_000 + rng.uniform(0, 40_000, 30_000), 3_400_000 + rng.uniform(0, 40_000, 30_000)
    boxes = shapely.box(x, y, x + rng.uniform(20, 400, len(x)), y + rng.uniform(20, 400, len(x)))
    whole = ellipsoidal_area(boxes, "EPSG:4549")
    for cut in (1, 7, 9_999, 10_001, 20_000):
        parts = np.concatenate(
            [ellipsoidal_area(boxes[i : i + cut], "EPSG:4549") for i in range(0, len(boxes), cut)]
        )
        assert np.array_equal(parts, whole), cut
    lonlat = to_geographic(boxes[:2_000], "EPSG:4549")
    one_by_one = np.array([ellipsoidal_area(lonlat[i : i + 1], 4490)[0] for i in range(len(lonlat))])
    assert np.array_equal(one_by_one, ellipsoidal_area(lonlat, 4490))


def test_one_part_multipolygons_as_geopackages_hold_them():
    """A GeoPackage's MultiPolygon layer wraps every parcel in a one-part MultiPolygon: same areas."""
    holed = shapely.box(120, 32, 120.01, 32.01).difference(shapely.box(120.002, 32.002, 120.004, 32.004))
    plain = shapely.box(120.02, 32, 120.03, 32.01)
    two = shapely.MultiPolygon([shapely.box(121, 32, 121.01, 32.01), shapely.box(121.02, 32, 121.03, 32.01)])
    polys = [holed, plain, two]
    wrapped = [shapely.MultiPolygon([holed]), shapely.MultiPolygon([plain]), two]
    geod = pyproj.Geod(ellps="GRS80")
    want = [abs(geod.geometry_area_perimeter(g)[0]) for g in polys]
    np.testing.assert_allclose(ellipsoidal_area(wrapped, 4490), want, rtol=1e-9)
    np.testing.assert_allclose(ellipsoidal_area(wrapped, 4490), ellipsoidal_area(polys, 4490), rtol=1e-12)


def test_union_area_by_group_counts_an_area_covered_twice_once():
    """Against the union of each group measured directly: pieces side by side, overlapping, one inside
    another (GEOS flags only the inner one), duplicates, a collection, and groups apart."""
    from zonekit.geo.area import union_area_by_group

    rng = np.random.default_rng(7)
    x0, y0, d = 120.0, 31.0, 0.001
    grid = [
        shapely.box(x0 + i * d, y0 + j * d, x0 + (i + 1) * d, y0 + (j + 1) * d)
        for i in range(8)
        for j in range(8)
    ]
    geoms = [*grid]
    groups = [k % 3 for k in range(len(grid))]  # side by side: three groups sharing edges
    for _ in range(20):  # overlapping boxes in group 3
        cx, cy = x0 + rng.uniform(0, 8 * d), y0 + rng.uniform(0, 8 * d)
        geoms.append(shapely.box(cx, cy, cx + rng.uniform(0.2, 2) * d, cy + rng.uniform(0.2, 2) * d))
        groups.append(3)
    big = shapely.box(x0 + 20 * d, y0, x0 + 30 * d, y0 + 10 * d)
    geoms += [big, shapely.box(x0 + 22 * d, y0 + 2 * d, x0 + 23 * d, y0 + 3 * d)]  # one inside another
    groups += [4, 4]
    geoms += [grid[0], grid[0]]  # a duplicate pair
    groups += [5, 5]
    geoms += [shapely.GeometryCollection([grid[5], shapely.LineString([(x0, y0), (x0 + d, y0 + d)])])]
    groups += [6]
    geoms_a, groups_a = np.array(geoms, dtype=object), np.array(groups)
    got = union_area_by_group(geoms_a, groups_a, 8, 4490)
    want = np.array(
        [
            ellipsoidal_area([shapely.union_all(geoms_a[groups_a == g])], 4490)[0]
            if (groups_a == g).any()
            else 0
            for g in range(8)
        ]
    )
    np.testing.assert_allclose(got, want, rtol=1e-9)
    assert got[4] == pytest.approx(ellipsoidal_area([big], 4490)[0], rel=1e-12)  # the inner one not added
    assert got[7] == 0


def test_union_area_by_group_checks_groups_on_threads_and_takes_the_areas_given():
    """Thousands of pieces in many groups (validated in several batches on two threads): each group's
    union as shapely measures it; the areas a caller gives stand for the pieces that overlap nothing."""
    from zonekit.geo.area import union_area_by_group

    rng = np.random.default_rng(11)
    x0, y0, d = 118.0, 30.0, 0.0005
    ij = np.array([(i, j) for i in range(90) for j in range(90)])
    geoms = list(
        shapely.box(x0 + ij[:, 0] * d, y0 + ij[:, 1] * d, x0 + (ij[:, 0] + 1) * d, y0 + (ij[:, 1] + 1) * d)
    )
    groups = list(ij[:, 0] // 3)  # 30 groups of 270 boxes side by side
    for g in (2, 17, 29):  # a few pieces overlapping their group's boxes
        for _ in range(5):
            i, j = rng.uniform(3 * g + 1.05, 3 * g + 1.25), rng.uniform(0, 88)  # in the group's middle column
            geoms.append(shapely.box(x0 + i * d, y0 + j * d, x0 + (i + 0.7) * d, y0 + (j + 1.3) * d))
            groups.append(g)
    geoms_a, groups_a = np.array(geoms, dtype=object), np.array(groups)
    perm = rng.permutation(len(geoms_a))  # groups in no order
    geoms_a, groups_a = geoms_a[perm], groups_a[perm]
    want = np.array(
        [ellipsoidal_area([shapely.union_all(geoms_a[groups_a == g])], 4490)[0] for g in range(30)]
    )
    one = union_area_by_group(geoms_a, groups_a, 30, 4490, threads=1)
    two = union_area_by_group(geoms_a, groups_a, 30, 4490, threads=2)
    np.testing.assert_allclose(one, want, rtol=1e-9)
    np.testing.assert_array_equal(one, two)
    doubled = 2 * ellipsoidal_area(geoms_a, 4490)  # stands for every piece that is not joined
    given = union_area_by_group(geoms_a, groups_a, 30, 4490, areas=doubled, threads=2)
    plain = [g for g in range(30) if g not in (2, 17, 29)]
    np.testing.assert_allclose(given[plain], 2 * want[plain], rtol=1e-9)
    assert (given[[2, 17, 29]] < 2 * want[[2, 17, 29]]).all()  # the overlapping pieces were joined, not given


def test_union_by_group_is_the_union_of_each_group():
    """Groups of 1 to 40 overlapping boxes, in shuffled order: each union as ``union_all`` of the group alone."""
    from zonekit.geo.area import union_by_group

    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 41, 60)
    groups = np.repeat(rng.permutation(200)[:60] * 7, sizes)
    x = rng.uniform(0, 10, len(groups))
    geoms = shapely.box(x, 0, x + rng.uniform(0.5, 3, len(groups)), 1)
    shuffle = rng.permutation(len(groups))
    keys, unions = union_by_group(geoms[shuffle], groups[shuffle])
    assert keys.tolist() == sorted(set(groups.tolist()))
    for key, union in zip(keys, unions, strict=True):
        alone = shapely.union_all(geoms[shuffle][groups[shuffle] == key])
        assert shapely.equals_exact(union, alone, 0.0), key


def test_areas_measured_on_threads_are_the_same_to_the_last_bit():
    rng = np.random.default_rng(4)
    x, y = rng.uniform(100, 120, 120_001), rng.uniform(20, 40, 120_001)
    geoms = shapely.buffer(shapely.points(x, y), rng.uniform(1e-4, 1e-2, len(x)), quad_segs=4)
    geoms[::7] = None
    one = ellipsoidal_area(geoms, 4490)
    assert np.array_equal(ellipsoidal_area(geoms, 4490, threads=3), one)
    assert np.isfinite(one).all() and (one[::7] == 0).all() and (one[1::7] > 0).all()
