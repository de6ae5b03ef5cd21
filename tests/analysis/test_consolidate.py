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
    }
    # the low-intensity rule, worked out here from the intensity table: the bottom 20 % of scored parks
    ind = land_intensity(study, by="park").indicators
    scored = ind[ind["kind"] != "theme"].dropna(subset=["score"])
    low = scored[scored["score"] <= scored["score"].quantile(0.2)]
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
