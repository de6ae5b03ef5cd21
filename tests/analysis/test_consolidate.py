"""Consolidation rules on hand-built fixtures with known answers, and the sample's planted cases."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely

from zonekit import read_study
from zonekit.analysis.consolidate import consolidation_candidates, industry_terms, jaccard
from zonekit.analysis.intensity import land_intensity
from zonekit.layers.study import Study

CRS = "EPSG:4549"
X, Y = 500_000.0, 3_550_000.0


def sq(x, y, side=1000.0):
    return shapely.box(X + x, Y + y, X + x + side, Y + y + side)


def make_study(zones: list[dict], parks: list[dict], protected=None) -> Study:
    z = pd.DataFrame(zones)
    p = gpd.GeoDataFrame(
        [{k: v for k, v in d.items() if k != "geometry"} for d in parks],
        geometry=[d["geometry"] for d in parks],
        crs=CRS,
    )
    layers = {"zones": z, "parks": p}
    if protected is not None:
        layers["protected"] = protected
    return Study(Path("mem.gpkg"), pyproj.CRS.from_user_input(CRS), layers)


def test_three_plates_in_one_county():
    zones = [
        {
            "zone_id": "Z1",
            "name": "县开发区",
            "level": "provincial",
            "in_catalogue": True,
            "county_adcode": "320623",
        },
        {
            "zone_id": "P1",
            "name": "甲工业集中区",
            "level": "other",
            "in_catalogue": False,
            "county_adcode": "320623",
        },
        {
            "zone_id": "P2",
            "name": "乙工业小区",
            "level": "other",
            "in_catalogue": False,
            "county_adcode": "320623",
        },
    ]
    parks = [
        {"park_id": "Z1-1", "zone_id": "Z1", "kind": "main", "name": "主园", "geometry": sq(0, 0)},
        {"park_id": "P1-1", "zone_id": "P1", "kind": "main", "name": "甲", "geometry": sq(8000, 0, 300)},
        {"park_id": "P2-1", "zone_id": "P2", "kind": "main", "name": "乙", "geometry": sq(0, 9000, 300)},
    ]
    cand, groups = consolidation_candidates(make_study(zones, parks))
    absorb = cand[cand["rule"] == "one_county_one_zone"].set_index("zone_id")
    assert set(absorb.index) == {"P1", "P2"} and set(absorb["other_zone_id"]) == {"Z1"}
    assert absorb.loc["P1", "distance_m"] == pytest.approx(7000.0, rel=1e-9)
    assert len(groups) == 1 and groups.iloc[0]["zones"] == "P1,P2,Z1"
    assert groups.iloc[0]["suggested_action"] == "absorb"


def test_two_zones_1_5_km_apart_sharing_two_of_three_industries():
    zones = [
        {"zone_id": "N", "name": "国家级", "level": "national", "lead_industries": "纺织、装备制造、新材料"},
        {
            "zone_id": "S",
            "name": "省级",
            "level": "provincial",
            "lead_industries": "装备制造、新材料、电子信息",
        },
    ]
    parks = [
        {"park_id": "N1", "zone_id": "N", "kind": "main", "name": "n", "geometry": sq(0, 0)},
        {"park_id": "S1", "zone_id": "S", "kind": "main", "name": "s", "geometry": sq(2500, 0)},
    ]
    cand, groups = consolidation_candidates(make_study(zones, parks))
    assert groups.iloc[0]["zones"] == "N,S" and groups.iloc[0]["suggested_action"] == "entrust"
    adj = cand[cand["rule"] == "adjacent"].iloc[0]
    assert adj["similarity"] == pytest.approx(0.5)  # 2 shared of 4 distinct
    assert adj["distance_m"] == pytest.approx(1500.0, rel=1e-9)
    assert (adj["zone_id"], adj["other_zone_id"], adj["action"]) == (
        "S",
        "N",
        "entrust",
    )  # national takes over
    # 2.5 km apart: beyond the default 2 km, no candidate
    far = [dict(p, geometry=sq(3500, 0)) if p["park_id"] == "S1" else p for p in parks]
    assert consolidation_candidates(make_study(zones, far))[0].empty


def test_scattered_and_redline():
    zones = [{"zone_id": "Z", "name": "区", "level": "national"}]
    parks = [
        {"park_id": "M", "zone_id": "Z", "kind": "main", "name": "主", "geometry": sq(0, 0, 2000)},
        {"park_id": "F", "zone_id": "Z", "kind": "sub", "name": "远", "geometry": sq(20_000, 0, 1000)},
        {"park_id": "T", "zone_id": "Z", "kind": "sub", "name": "小", "geometry": sq(3000, 0, 500)},
    ]
    prot = gpd.GeoDataFrame(
        {"area_id": ["R"], "name": ["红线"], "kind": ["eco_redline"]}, geometry=[sq(1800, 0, 500)], crs=CRS
    )
    cand, groups = consolidation_candidates(make_study(zones, parks, prot))
    assert len(groups) == 1
    scat = cand[cand["rule"] == "scattered"].set_index("park_id")
    assert set(scat.index) == {"F", "T"}  # 18 km away; 25 ha < 50 ha
    assert scat.loc["F", "distance_m"] == pytest.approx(18_000.0, rel=1e-9)
    red = cand[cand["rule"] == "redline"].iloc[0]
    assert red["park_id"] == "M" and red["overlap_ha"] == pytest.approx(10.0, rel=1e-3)  # 200 m x 500 m
    assert groups.iloc[0]["suggested_action"] == "adjust_boundary"


def test_industry_terms():
    syn = {"高端装备": "装备制造"}
    assert industry_terms("高端装备、新材料, 电子信息", syn) == {"装备制造", "新材料", "电子信息"}
    assert jaccard({"a", "b", "c"}, {"b", "c", "d"}) == 0.5 and jaccard(set(), set()) == 0


def test_sample_planted_cases_and_nothing_else(sample_study):
    study = read_study(sample_study)
    cand, groups = consolidation_candidates(study)
    fired = set(
        zip(
            cand["rule"],
            cand["zone_id"],
            cand["other_zone_id"].fillna(""),
            cand["park_id"].fillna(""),
            strict=True,
        )
    )
    planted = {  # what data/generate_sample.py builds into the sample, one case per rule
        ("one_county_one_zone", "NT08", "NT07", ""),
        ("one_county_one_zone", "NT09", "NT07", ""),
        ("adjacent", "NT05", "NT04", ""),
        ("scattered", "NT01", "", "NT01-3"),
        ("redline", "NT01", "", "NT01-1"),
        ("redline", "NT03", "", "NT03-1"),
        ("outside_zone", "NT01", "", "NT01-3"),  # the far sub-park lies wholly outside the zone line
        ("outside_zone", "NT06", "", "NT06-1"),  # a main park reaching 133 ha past it
    }
    # the low-intensity rule, worked out here from the intensity table: grades C and D, and the bottom
    # 20 % of scored parks unless of grade A
    ind = land_intensity(study, by="park").indicators
    scored = ind[ind["kind"] != "theme"].dropna(subset=["score"])
    bottom = scored["score"] <= scored["score"].quantile(0.2)
    low = scored[scored["grade"].isin(["C", "D"]) | (bottom & (scored["grade"] != "A"))]
    assert {"NT08-1", "NT09-1"} <= set(low["park_id"])  # the two planted low-intensity plates
    expected = planted | {
        ("low_intensity", z, "", p) for z, p in zip(low["zone_id"], low["park_id"], strict=True)
    }
    assert fired == expected and len(cand) == len(expected)  # nothing else fires above the thresholds
    # groups: zones joined by a rule that names two zones, every other zone with a candidate on its own
    linked = [{"NT07", "NT08", "NT09"}, {"NT04", "NT05"}]
    alone = {z for _, z, _, _ in expected} - set().union(*linked)
    assert sorted(groups["zones"]) == sorted([",".join(sorted(g)) for g in linked] + sorted(alone))
    g = groups.set_index("zones")
    assert g.loc["NT07,NT08,NT09", "suggested_action"] == "absorb"
    assert g.loc["NT04,NT05", "suggested_action"] == "entrust"
    assert g.loc["NT01", "suggested_action"] == "adjust_boundary"  # a red line outranks scattering


def test_evidence_in_both_languages_with_the_numbers(sample_study):
    cand, _ = consolidation_candidates(read_study(sample_study))
    row = cand[(cand["rule"] == "one_county_one_zone") & (cand["zone_id"] == "NT08")].iloc[0]
    km = row["distance_m"] / 1000
    assert f"{km:.1f} km away" in row["evidence"] and f"相距 {km:.1f} 公里" in row["evidence_zh"]
    red = cand[cand["rule"] == "redline"].iloc[0]
    assert (
        f"{red['overlap_ha']:.1f} ha" in red["evidence"]
        and f"{red['overlap_ha']:.1f} 公顷" in red["evidence_zh"]
    )


def _geod_ha(geom, crs=CRS) -> float:
    lonlat = gpd.GeoSeries([geom], crs=crs).to_crs(4490).iloc[0]
    return abs(pyproj.Geod(ellps="GRS80").geometry_area_perimeter(lonlat)[0]) / 1e4


def test_low_intensity_is_absolute_by_grade_and_relative_only_below_grade_a():
    ind = pd.DataFrame(
        {
            "park_id": ["A1", "A2", "B1", "B2", "C1"],
            "zone_id": "Z",
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "kind": "main",
            "score": [95.0, 90.0, 80.0, 75.0, 65.0],
            "grade": ["A", "A", "B", "B", "C"],
            "area_ha": 1.0,
            "development_rate": 0.9,
        }
    )
    from zonekit.analysis.config import load_config
    from zonekit.analysis.consolidate import low_intensity_parks

    cfg = load_config("consolidate", {"low_intensity": {"quantile": 0.4}})
    low = low_intensity_parks(ind, cfg).set_index("park_id")
    assert list(low.index) == ["B2", "C1"]  # C1 by its grade; B2 in the bottom 40 % (cut 75 + 0.6·5 = 78)
    assert "grade C, a low grade" in low.loc["C1", "evidence"]
    assert "in the bottom 40% of the parks (at most 78.0)" in low.loc["B2", "evidence"]
    only_a = ind[ind["grade"] == "A"]  # a study of grade-A parks has no low-intensity park
    assert len(low_intensity_parks(only_a, cfg)) == 0


def test_outside_the_zone_over_the_approved_area_and_the_priority_formula():
    zone_line = sq(0, 0, 2000)  # the zone's approved boundary: 2 km × 2 km
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z"], "name": ["开发区"], "level": ["provincial"], "approved_area_ha": [200.0]},
        geometry=[zone_line],
        crs=CRS,
    )
    main = sq(0, 0, 1500)
    sub = shapely.box(X + 1800, Y, X + 2600, Y + 500)  # 200 m of its 800 inside, 600 outside
    parks = gpd.GeoDataFrame(
        {"park_id": ["Z-1", "Z-2"], "zone_id": "Z", "name": ["主园", "分园"], "kind": ["main", "sub"]},
        geometry=[main, sub],
        crs=CRS,
    )
    st = Study(Path("mem.gpkg"), pyproj.CRS.from_user_input(CRS), {"zones": zones, "parks": parks})
    cand, groups = consolidation_candidates(st)
    out = cand[cand["rule"] == "outside_zone"].set_index("park_id")
    assert list(out.index) == ["Z-2"]
    assert out.loc["Z-2", "area_ha"] == pytest.approx(_geod_ha(sub.difference(zone_line)), rel=1e-6)
    assert "(75 % of the park)" in out.loc["Z-2", "evidence"]
    over = cand[cand["rule"] == "over_approved"].iloc[0]
    measured = _geod_ha(shapely.union_all([main, sub]))
    assert over["area_ha"] == pytest.approx(measured, rel=1e-6)
    assert f"{100 * (measured / 200 - 1):.0f} % over its approved 200 ha" in over["evidence"]
    g = groups.iloc[0]
    # the 40-ha sub-park is also small (under 50 ha): scattered fires with it
    assert (
        g["priority"] == 8.0 and g["priority_formula"] == "outside_zone 4 + over_approved 3 + scattered 1 = 8"
    )
    assert g["priority_formula_zh"] == "超出开发区边界 4 + 超出核准面积 3 + 园区分散或过小 1 = 8"


def test_county_summary_and_before_after_on_known_plates():
    from zonekit.analysis.consolidate import before_after, county_summary

    zones = [
        {
            "zone_id": "Z1",
            "name": "县开发区",
            "level": "provincial",
            "in_catalogue": True,
            "county_adcode": "1",
        },
        {"zone_id": "P1", "name": "甲集中区", "level": "other", "in_catalogue": False, "county_adcode": "1"},
        {
            "zone_id": "Z2",
            "name": "邻县开发区",
            "level": "provincial",
            "in_catalogue": True,
            "county_adcode": "2",
        },
    ]
    parks = [
        {"park_id": "Z1-1", "zone_id": "Z1", "kind": "main", "name": "主园", "geometry": sq(0, 0)},
        {"park_id": "Z1-2", "zone_id": "Z1", "kind": "sub", "name": "远园", "geometry": sq(20_000, 0, 500)},
        {"park_id": "P1-1", "zone_id": "P1", "kind": "main", "name": "甲", "geometry": sq(5000, 0, 400)},
        {"park_id": "Z2-1", "zone_id": "Z2", "kind": "main", "name": "邻", "geometry": sq(0, 50_000)},
    ]
    st = make_study(zones, parks)
    cand, _ = consolidation_candidates(st)
    counties = county_summary(st, cand).set_index("county_adcode")
    assert counties.loc["1", ["zone_count", "catalogued", "not_catalogued", "zones_after"]].tolist() == [
        2,
        1,
        1,
        1,
    ]
    assert counties.loc["1", "merges"] == "甲集中区 → 县开发区"
    area = {p["park_id"]: _geod_ha(p["geometry"]) for p in parks}
    assert counties.loc["1", "area_ha"] == pytest.approx(area["Z1-1"] + area["Z1-2"] + area["P1-1"], rel=1e-6)
    assert counties.loc["1", "catalogued_ha"] == pytest.approx(area["Z1-1"] + area["Z1-2"], rel=1e-6)
    scores = pd.DataFrame({"park_id": ["Z1-1", "Z1-2", "P1-1", "Z2-1"], "score": [90.0, 50.0, 70.0, 80.0]})
    ba = before_after(st, cand, scores).set_index("measure")
    # P1 is absorbed into Z1; the far, small sub-park Z1-2 is proposed to consolidate or exit
    assert ba.loc["zones", ["before", "after"]].tolist() == [3, 2]
    assert ba.loc["parks", ["before", "after"]].tolist() == [4, 3]
    assert ba.loc["area_ha", "after"] == pytest.approx(sum(area.values()) - area["Z1-2"], rel=1e-9)
    kept = {k: v for k, v in area.items() if k != "Z1-2"}
    want = sum(kept[k] * s for k, s in zip(["Z1-1", "P1-1", "Z2-1"], [90.0, 70.0, 80.0], strict=True))
    assert ba.loc["mean_score", "after"] == pytest.approx(want / sum(kept.values()), rel=1e-9)
