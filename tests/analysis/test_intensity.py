"""Intensity indicators on a hand-computed fixture.

Two parks on the central meridian of EPSG:4549 (where the Gauss-Krüger plane and the ellipsoid agree to
~1e-8, so 100 m × 100 m is 1 ha for hand computation), ten parcels:

P1 (400 m × 200 m = 8 ha)              P2 (200 m × 200 m = 4 ha, no industrial land)
L1 0601 built  1 ha gfa 12000 fp 5000 yard 500 inv 9000 tax 800
L2 0601 built  1 ha gfa  8000 fp 4000          inv 6000 tax 400
L3 05H1 built  1 ha gfa 20000 fp 3000                   tax 100
L4 05H1 serviced, supplied, idle 1 ha
L5 0101 farmland 2 ha (unserviced)
L6 1101 river 1 ha (unbuildable)
L7 0601 built 2 ha, HALF inside P1: gfa 16000 fp 8000 inv 20000 tax 2000 (→ half apportioned)
                                        L8 0701 built 1 ha gfa 15000 fp 3000 tax 50
                                        L9 0810 green built 1 ha
                                        L10 0101 farmland 2 ha
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from zonekit import import_layer, read_study
from zonekit.analysis.intensity import indicator_score, land_intensity, tree_score

X, Y = 500_000.0, 3_550_000.0
CRS = "EPSG:4549"


def box(x0, y0, x1, y1):
    # vertices every 100 m, as where park boundaries are digitised along parcel edges (shared vertices)
    return shapely.segmentize(shapely.box(X + x0, Y + y0, X + x1, Y + y1), 100.0)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    path = tmp_path_factory.mktemp("int") / "s.gpkg"
    parks = gpd.GeoDataFrame(
        {
            "park_id": ["P1", "P2", "T"],
            "zone_id": ["Z1", "Z1", "Z1"],
            "name": ["一园", "二园", "主题园"],
            "kind": ["main", "sub", "theme"],
            "parent_park_id": [None, None, "P1"],
        },
        geometry=[box(0, 0, 400, 200), box(600, 0, 800, 200), box(0, 0, 100, 100)],
        crs=CRS,
    )
    nan = np.nan
    lu = gpd.GeoDataFrame(
        {
            "parcel_id": [f"L{i}" for i in range(1, 11)],
            "DLBM": ["0601", "0601", "05H1", "05H1", "0101", "1101", "0601", "0701", "0810", "0101"],
            "build_status": [
                "built",
                "built",
                "built",
                "serviced",
                "unserviced",
                "unbuildable",
                "built",
                "built",
                "built",
                "unserviced",
            ],
            "supplied": ["是", "是", "是", "是", "否", "否", "是", "是", "是", "否"],
            "idle": ["否", "否", "否", "是", "否", "否", "否", "否", "否", "否"],
            "gfa_m2": [12000, 8000, 20000, nan, nan, nan, 16000, 15000, nan, nan],
            "footprint_m2": [5000, 4000, 3000, nan, nan, nan, 8000, 3000, nan, nan],
            "yard_m2": [500, nan, nan, nan, nan, nan, nan, nan, nan, nan],
            "investment_wan": [9000, 6000, nan, nan, nan, nan, 20000, nan, nan, nan],
            "tax_wan": [800, 400, 100, nan, nan, nan, 2000, 50, nan, nan],
        },
        geometry=[
            box(0, 0, 100, 100),
            box(100, 0, 200, 100),
            box(200, 0, 300, 100),
            box(300, 0, 400, 100),
            box(0, 100, 200, 200),
            box(200, 100, 300, 200),
            box(300, 100, 500, 200),
            box(600, 0, 700, 100),
            box(700, 0, 800, 100),
            box(600, 100, 800, 200),
        ],
        crs=CRS,
    )
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z1"], "name": ["一区"], "type": ["etdz"]}, geometry=[None], crs=CRS
    )
    import_layer(zones, path, as_="zones")
    import_layer(parks, path, as_="parks")
    import_layer(lu, path, as_="landuse", code_system="sandiao")
    return read_study(path)


P1 = {
    "area_ha": 8.0,
    "A_ha": 4.0,
    "A2_ha": 3.0,
    "C_ha": 1.0,
    "D_ha": 5.0,
    "G_ha": 1.0,
    "B21_ha": 1.0,
    "industrial_ha": 3.0,
    "commercial_ha": 2.0,
    "farmland_ha": 2.0,
    "water_ha": 1.0,
    "development_rate": 5 / 7,
    "supply_rate": 1.0,
    "construction_rate": 0.8,
    "industrial_land_ratio": 0.75,
    "composite_far": 48000 / 40000,
    "building_density": 16000 / 40000,
    "industrial_far": 28000 / 30000,
    "industrial_building_coefficient": 13500 / 30000,
    "investment_intensity": 25000 / 3,
    "industrial_tax_per_ha": 2200 / 3,
    "tax_per_ha": 2300 / 4,
    "idle_land_ratio": 0.2,
}
P2 = {
    "area_ha": 4.0,
    "A_ha": 2.0,
    "A2_ha": 0.0,
    "development_rate": 0.5,
    "supply_rate": 1.0,
    "construction_rate": 1.0,
    "industrial_land_ratio": 0.0,
    "composite_far": 0.75,
    "building_density": 0.15,
    "tax_per_ha": 25.0,
    "idle_land_ratio": 0.0,
}


@pytest.fixture(scope="module")
def by_park(study):
    return land_intensity(study, by="park").indicators.set_index("park_id")


@pytest.mark.parametrize(("park", "expected"), [("P1", P1), ("P2", P2)])
def test_indicators_match_hand_computation(by_park, park, expected):
    row = by_park.loc[park]
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, rel=1e-6, abs=1e-9), name
    assert row["area_mu"] == pytest.approx(expected["area_ha"] * 15, rel=1e-6)


def test_zero_denominators_are_missing_with_a_reason(by_park):
    row = by_park.loc["P2"]
    for name in (
        "industrial_far",
        "industrial_building_coefficient",
        "investment_intensity",
        "industrial_tax_per_ha",
    ):
        assert np.isnan(row[name]), name
        assert f"{name}: no built industrial land (A2)" in row["notes"]
    assert row["industrial_land_ratio"] == 0.0  # a real zero: A exists, A2 is empty


def test_zone_types(by_park):
    assert by_park.loc["P1", "zone_type"] == "industrial"
    assert by_park.loc["P2", "zone_type"] == "integrated"  # A2/A = 0, A1/A = 0.5


def test_zone_is_the_union_of_its_parks(study):
    z = land_intensity(study, by="zone").indicators.set_index("zone_id").loc["Z1"]
    assert z["area_ha"] == pytest.approx(12.0, rel=1e-6)  # the theme park inside P1 is not counted twice
    assert z["A_ha"] == pytest.approx(6.0, rel=1e-6)
    assert z["composite_far"] == pytest.approx((48000 + 15000) / 60000, rel=1e-6)
    assert z["name"] == "一区"


def test_scoring_under_a_given_config(study):
    cfg = {
        "ideals": {"industrial": {"supply_rate": 1.0, "composite_far": 1.0, "idle_land_ratio": 0.0}},
        "weights": {
            "industrial": {
                "total": {"a": 0.5, "b": 0.5},
                "a": {"supply_rate": 1.0},
                "b": {"composite_far": 0.5, "idle_land_ratio": 0.5},
            }
        },
    }
    res = land_intensity(study, by="park", config=cfg)
    p1 = res.indicators.set_index("park_id").loc["P1"]
    # S(supply) = 100; S(FAR) = min(100, 120) = 100 (capped); S(idle) = 100·(1 − 0.2) = 80
    assert p1["score"] == pytest.approx(0.5 * 100 + 0.5 * (0.5 * 100 + 0.5 * 80))
    assert p1["grade"] == "A"
    assert res.metadata["config"] == "defaults + given dict"
    # the default tree's other children were replaced, not merged in
    assert np.isnan(res.scores.set_index("park_id").loc["P1", "land_use"])


def test_missing_indicators_renormalise_weights():
    leaf = {"x": 80.0, "y": np.nan, "z": 50.0}
    nodes: dict = {}
    s = tree_score("total", {"total": {"n": 0.6, "z": 0.4}, "n": {"x": 0.25, "y": 0.75}}, leaf, nodes)
    assert nodes["n"] == pytest.approx(80.0)  # y missing: x carries the node
    assert s == pytest.approx(0.6 * 80 + 0.4 * 50)
    assert np.isnan(tree_score("total", {"total": {"y": 1.0}}, leaf, {}))


def test_indicator_score_rules():
    assert indicator_score("composite_far", 0.6, 1.2, 100) == pytest.approx(50)
    assert indicator_score("composite_far", 2.4, 1.2, 100) == 100  # capped
    assert indicator_score("idle_land_ratio", 0.1, 0.0, 100) == pytest.approx(90)
    assert np.isnan(indicator_score("composite_far", np.nan, 1.2, 100))


def test_national_comparison(study):
    nat = land_intensity(study, by="park").national
    row = nat[(nat["park_id"] == "P1") & (nat["indicator"] == "composite_far")].iloc[0]
    assert row["national"] == 0.98 and row["ratio"] == pytest.approx(1.2 / 0.98, rel=1e-6)


def test_sample_runs_by_zone(sample_study):
    res = land_intensity(read_study(sample_study), by="zone")
    ind = res.indicators.set_index("zone_id")
    # the uncatalogued plates were generated with the lowest intensity: they score lowest
    assert set(ind["score"].nsmallest(2).index) == {"NT08", "NT09"}
    assert ind["investment_intensity"].between(3000, 20000).all()
    assert isinstance(res.scores, pd.DataFrame) and "score" in res.scores


def test_regional_ranking():
    from zonekit.analysis.intensity import regional_ranking

    zones = pd.DataFrame(
        {
            "zone_id": ["a", "b", "c", "d"],
            "region": ["east", None, "east", None],
            "county_adcode": ["320612", "420100", "330100", "420200"],
            "score": [80.0, 70.0, 90.0, 75.0],
            "grade": ["B", "B", "A", "B"],
        }
    )
    r = regional_ranking(zones).set_index("zone_id")
    assert r.loc["b", "region"] == "central"  # from Hubei's province code 42
    assert (r.loc["c", "rank_in_region"], r.loc["a", "rank_in_region"]) == (1, 2)
    assert (r.loc["d", "rank_in_region"], r.loc["b", "rank_in_region"]) == (1, 2)
    assert r.loc["a", "zones_in_region"] == 2
