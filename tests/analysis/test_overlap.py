"""Overlap reports: known answers and geopandas.overlay as the independent computation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from zonekit.analysis.overlap import coverage, overlap_pairs
from zonekit.geo.area import ellipsoidal_area

GEOD = pyproj.Geod(ellps="GRS80")
X, Y, CRS = 500_000.0, 3_550_000.0, "EPSG:4549"


def layer(ids, geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": ids, **cols}, geometry=geoms, crs=CRS).to_crs(4490)


def sq(x0, y0, x1, y1):
    return shapely.segmentize(shapely.box(X + x0, Y + y0, X + x1, Y + y1), 100.0)


def test_two_squares_overlapping_by_a_known_area():
    a = layer(["A"], [sq(0, 0, 1000, 1000)], park_id=["A"], name=["甲园"])
    b = layer(["B"], [sq(600, 0, 1600, 1000)], area_id=["B"], name=["红线"], kind=["eco_redline"])
    r = overlap_pairs(a, b, a_layer="parks", b_layer="protected").iloc[0]
    assert (r["a_id"], r["b_id"], r["a_name"], r["b_name"]) == ("A", "B", "甲园", "红线")
    assert r["overlap_ha"] == pytest.approx(40.0, rel=1e-6)  # 400 m x 1000 m on the central meridian
    assert r["overlap_mu"] == pytest.approx(600.0, rel=1e-6)
    assert r["pct_of_a"] == pytest.approx(40.0, rel=1e-6) and r["pct_of_b"] == pytest.approx(40.0, rel=1e-6)
    assert abs(GEOD.geometry_area_perimeter(r.geometry)[0]) == pytest.approx(r["overlap_m2"], rel=1e-9)


@pytest.mark.parametrize("parcels_first", [False, True])
def test_pairs_agree_with_geopandas_overlay(parcels_first):
    """Parks × parcels, and parcels × parks (more features first: the kernel runs the other way round)."""
    rng = np.random.default_rng(4)
    a = layer(
        [f"P{i}" for i in range(6)],
        [
            shapely.Point(X + x, Y + y).buffer(r)
            for x, y, r in rng.uniform([0, 0, 200], [3000, 3000, 900], (6, 3))
        ],
        park_id=range(6),
    )
    b = layer(
        [f"L{i}" for i in range(40)],
        [
            sq(x, y, x + w, y + h)
            for x, y, w, h in rng.uniform([0, 0, 50, 50], [3000, 3000, 600, 600], (40, 4))
        ],
    )
    if parcels_first:
        a, b = b, a
    names = ("landuse", "parks") if parcels_first else ("parks", "landuse")
    got = overlap_pairs(a, b, a_layer=names[0], b_layer=names[1])
    ga, gb = a.assign(ia=np.arange(len(a))), b.assign(ib=np.arange(len(b)))
    ov = gpd.overlay(ga[["ia", "geometry"]], gb[["ib", "geometry"]], how="intersection", keep_geom_type=True)
    want = dict(
        zip(zip(ov["ia"], ov["ib"], strict=True), ellipsoidal_area(ov.geometry.values, 4490), strict=True)
    )
    want = {k: v for k, v in want.items() if v > 0}
    ids = [x["park_id"].astype(str) if "park_id" in x else x.index.astype(str) for x in (a, b)]
    a_pos, b_pos = ({v: i for i, v in enumerate(i_)} for i_ in ids)
    got_d = {(a_pos[r.a_id], b_pos[r.b_id]): r.overlap_m2 for r in got.itertuples()}
    assert set(got_d) == set(want)
    for k, v in want.items():
        assert got_d[k] == pytest.approx(v, rel=1e-9)
    assert list(zip(got["a_id"].map(a_pos), got["b_id"].map(b_pos), strict=True)) == sorted(
        got_d
    )  # A, B order
    shapes = ellipsoidal_area(got.geometry.values, 4490)  # each pair's shape is its overlap
    np.testing.assert_allclose(shapes, got["overlap_m2"].to_numpy(), rtol=1e-9)


def test_self_overlap_reports_each_pair_once():
    parks = layer(
        ["A", "B", "C"],
        [sq(0, 0, 1000, 1000), sq(500, 0, 1500, 1000), sq(5000, 0, 6000, 1000)],
        park_id=["A", "B", "C"],
    )
    r = overlap_pairs(parks, parks, a_layer="parks", b_layer="parks")
    assert list(zip(r["a_id"], r["b_id"], strict=True)) == [("A", "B")]
    assert r["overlap_ha"].iloc[0] == pytest.approx(50.0, rel=1e-6)


def test_a_layer_with_itself_covers_each_feature_by_itself_and_its_overlaps():
    """Parcels with itself: one alone, two overlapping by 50 ha, one inside another; the coverage of each
    feature by each class is its own area in its own class, joined with what others of a class cover."""
    parcels = layer(
        ["L1", "L2", "L3", "L4", "L5"],
        [
            sq(10_000, 0, 11_000, 1000),  # alone
            sq(0, 0, 1000, 1000),
            sq(500, 0, 1500, 1000),  # over L2 by 500 m x 1000 m
            sq(3000, 0, 4000, 1000),
            sq(3200, 200, 3400, 400),  # inside L4: 4 ha
        ],
        parcel_id=["L1", "L2", "L3", "L4", "L5"],
        analysis_class=["industrial", "industrial", "residential", "industrial", "industrial"],
    )
    pairs = overlap_pairs(parcels, parcels, a_layer="landuse", b_layer="landuse")
    assert sorted(zip(pairs["a_id"], pairs["b_id"], strict=True)) == [("L2", "L3"), ("L4", "L5")]
    cov = coverage(parcels, parcels, a_layer="landuse", b_layer="landuse").set_index(["a_id", "b_class"])
    got = cov["covered_ha"].to_dict()
    assert set(got) == {
        ("L1", "industrial"), ("L2", "industrial"), ("L2", "residential"), ("L3", "industrial"),
        ("L3", "residential"), ("L4", "industrial"), ("L5", "industrial"),
    }  # fmt: skip
    areas = ellipsoidal_area(parcels.geometry.values, 4490) / 1e4
    own = dict(zip(parcels["parcel_id"], areas, strict=True))
    assert got[("L1", "industrial")] == pytest.approx(own["L1"], rel=1e-12) == pytest.approx(100.0, rel=1e-5)
    assert got[("L2", "residential")] == pytest.approx(50.0, rel=1e-6)  # L3 over it
    assert got[("L3", "industrial")] == pytest.approx(50.0, rel=1e-6)
    assert got[("L2", "industrial")] == pytest.approx(own["L2"], rel=1e-9)  # itself
    assert got[("L4", "industrial")] == pytest.approx(own["L4"], rel=1e-9)  # itself and L5 inside: once
    assert got[("L5", "industrial")] == pytest.approx(own["L5"], rel=1e-9) == pytest.approx(4.0, rel=1e-6)


def test_coverage_dissolves_b_first():
    # two protected areas overlapping each other inside one park: 60 ha + 60 ha with 20 ha in common
    park = layer(["P"], [sq(0, 0, 2000, 1000)], park_id=["P"])
    prot = layer(
        ["R1", "R2"],
        [sq(0, 0, 600, 1000), sq(400, 0, 1000, 1000)],
        area_id=["R1", "R2"],
        kind=["eco_redline", "eco_redline"],
    )
    pairs = overlap_pairs(park, prot, a_layer="parks", b_layer="protected")
    assert pairs["overlap_ha"].sum() == pytest.approx(120.0, rel=1e-6)  # the double count of a plain sum
    cov = coverage(park, prot, a_layer="parks", b_layer="protected").iloc[0]
    assert cov["covered_ha"] == pytest.approx(100.0, rel=1e-6) and cov["pct_of_a"] == pytest.approx(
        50.0, rel=1e-6
    )
    assert cov["b_class"] == "eco_redline"


def test_buffer_in_metres():
    # a parcel 300 m from a water-source area: inside a 500 m buffer, outside a 200 m one
    parcel = layer(["L"], [sq(0, 0, 100, 100)], parcel_id=["L"])
    water = layer(["W"], [sq(400, 0, 1400, 100)], area_id=["W"], kind=["water_source"])
    assert overlap_pairs(parcel, water, a_layer="landuse", b_layer="protected", buffer_m=200).empty
    r = overlap_pairs(parcel, water, a_layer="landuse", b_layer="protected", buffer_m=500)
    assert r["pct_of_a"].iloc[0] == pytest.approx(100.0, rel=1e-6)


def test_findings_on_the_sample(sample_study):
    from zonekit import read_study
    from zonekit.analysis.overlap import findings

    f = findings(read_study(sample_study))
    assert set(zip(f["parks_in_redlines"]["a_id"], f["parks_in_redlines"]["b_id"], strict=True)) == {
        ("NT01-1", "ECO-01"),
        ("NT03-1", "BF-01"),
    }
    chem = f["chemical_near_protected"]
    assert chem["inside"].any() and chem["b_id"].tolist() == ["ECO-01"]
    across = f["parks_across_counties"]
    nt01 = across[across["a_id"] == "NT01-1"].set_index("county")
    # the area in each county adds up, but for ~80 m² in a sliver gap between the generalised real counties
    assert nt01["pct_of_a"].sum() == pytest.approx(100.0, abs=0.01)
    assert set(f["parks_outside_zone"]["park_id"]) == {"NT01-3", "NT06-1"}
    assert f["cross_zone_overlaps"].empty


def test_findings_cross_zone_and_chemical_near():
    from pathlib import Path

    from zonekit.analysis.overlap import findings
    from zonekit.layers.study import Study

    parks = layer(
        ["A", "B"],
        [sq(0, 0, 1000, 1000), sq(900, 0, 1900, 1000)],
        park_id=["A", "B"],
        zone_id=["Z1", "Z2"],
        name=["甲", "乙"],
        kind=["main", "main"],
    )
    prot = layer(["W"], [sq(3000, 0, 4000, 1000)], area_id=["W"], name=["水源地"], kind=["water_source"])
    lu = layer(
        ["c"],
        [sq(2200, 0, 2400, 200)],
        parcel_id=["c"],
        analysis_class=["industrial"],
        industry_code=["C2614"],
    )  # 600 m from the water source
    st = Study(Path("m.gpkg"), pyproj.CRS.from_epsg(4490), {"parks": parks, "protected": prot, "landuse": lu})
    assert findings(st, near_m=500)["chemical_near_protected"].empty
    near = findings(st, near_m=700)["chemical_near_protected"]
    assert near["a_id"].tolist() == ["c"] and not near["inside"].iloc[0]
    cross = findings(st)["cross_zone_overlaps"]
    assert list(zip(cross["a_id"], cross["b_id"], strict=True)) == [("A", "B")]
    assert cross["overlap_ha"].iloc[0] == pytest.approx(10.0, rel=1e-6)
