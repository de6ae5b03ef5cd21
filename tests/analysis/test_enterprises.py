"""亩均 classes on a known ranking, and control-indicator violations with hand-checked values."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from zonekit.analysis.enterprises import control_violations, mujun
from zonekit.layers.study import Study

X, Y, CRS = 500_000.0, 3_550_000.0, "EPSG:4549"


def hectare(i: int, j: int = 0) -> shapely.Polygon:
    return shapely.box(X + i * 100, Y + j * 100, X + (i + 1) * 100, Y + (j + 1) * 100)


def study_of(landuse: gpd.GeoDataFrame, parks: gpd.GeoDataFrame) -> Study:
    return Study(Path("mem.gpkg"), pyproj.CRS.from_user_input(CRS), {"landuse": landuse, "parks": parks})


@pytest.fixture
def ranked():
    # 20 one-hectare (15 亩) enterprises: tax per 亩 = i, revenue per 亩 = 10·i; one 2-亩 enterprise
    n = 20
    geoms = [hectare(i) for i in range(n)] + [shapely.box(X, Y + 200, X + 40, Y + 200 + 2 * 666.6667 / 40)]
    lu = gpd.GeoDataFrame(
        {
            "enterprise_id": [f"E{i + 1:02d}" for i in range(n)] + ["SMALL"],
            "tax_wan": [15.0 * (i + 1) for i in range(n)] + [1000.0],
            "revenue_wan": [150.0 * (i + 1) for i in range(n)] + [1.0],
        },
        geometry=geoms,
        crs=CRS,
    )
    parks = gpd.GeoDataFrame(
        {"park_id": ["P"], "kind": ["main"]}, geometry=[shapely.box(X, Y, X + 2000, Y + 400)], crs=CRS
    )
    return study_of(lu, parks)


def test_mujun_classes_on_a_known_ranking(ranked):
    ent, parks = mujun(ranked)
    e = ent.set_index("enterprise_id")
    assert e.loc["E07", "tax_per_mu"] == pytest.approx(7.0, rel=1e-6)
    # benchmarks: 2 × land-weighted mean (10.5 and 105); energy missing → weights 0.45/0.35 re-normalised
    assert e.loc["E07", "benchmark_tax_per_mu"] == pytest.approx(21.0, rel=1e-6)
    assert e.loc["E20", "mujun_score"] == pytest.approx(100 * 20 / 21, rel=1e-6)
    expected = {
        **{f"E{i:02d}": "A" for i in range(17, 21)},
        **{f"E{i:02d}": "B" for i in range(9, 17)},
        **{f"E{i:02d}": "C" for i in range(2, 9)},
        "E01": "D",
    }
    assert e["mujun_class"].drop("SMALL").to_dict() == expected
    assert e.loc["SMALL", "mujun_class"] == "T"  # under 3 亩: not evaluated
    p = parks.set_index("group").loc["P"]
    assert p["share_A"] == pytest.approx(4 * 15 / p["land_mu"], rel=1e-6)


def test_mujun_fixed_benchmark_from_config(ranked):
    ent, _ = mujun(
        ranked,
        config={
            "mujun": {
                "benchmarks": {"tax_per_mu": 10.0},
                "weights": {"tax_per_mu": 1.0, "revenue_per_mu": 0.0, "tax_per_energy": 0.0},
            }
        },
    )
    assert ent.set_index("enterprise_id").loc["E05", "mujun_score"] == pytest.approx(50.0, rel=1e-6)


def test_control_violations():
    lu = gpd.GeoDataFrame(
        {
            "enterprise_id": ["OK", "BAD", "TALL"],
            "industry_code": ["C35", "C26", "C26"],
            "investment_wan": [5000.0, 1000.0, 5000.0],
            "gfa_m2": [9000.0, 5000.0, 3000.0],
            "gfa_over8m_m2": [np.nan, np.nan, 3000.0],  # storeys over 8 m count double
            "footprint_m2": [4000.0, 2000.0, 3500.0],
            "yard_m2": [0.0, 500.0, 0.0],
            "admin_living_m2": [300.0, 800.0, 300.0],
            "green_m2": [1000.0, 2500.0, 1000.0],
        },
        geometry=[hectare(0), hectare(1), hectare(2)],
        crs=CRS,
    )
    parks = gpd.GeoDataFrame(
        {"park_id": ["P"], "kind": ["main"]}, geometry=[shapely.box(X, Y, X + 300, Y + 100)], crs=CRS
    )
    v = control_violations(study_of(lu, parks))
    got = {(r.enterprise_id, r.indicator) for r in v.itertuples()}
    assert got == {
        ("BAD", "investment_intensity"),
        ("BAD", "far"),
        ("BAD", "building_coefficient"),
        ("BAD", "admin_share"),
        ("BAD", "green_ratio"),
    }
    far = v[(v["enterprise_id"] == "BAD") & (v["indicator"] == "far")].iloc[0]
    assert far["value"] == pytest.approx(0.5, rel=1e-6) and far["threshold"] == 0.6  # C26 chemicals
    inv = v[(v["enterprise_id"] == "BAD") & (v["indicator"] == "investment_intensity")].iloc[0]
    assert inv["value"] == pytest.approx(1000.0, rel=1e-6) and inv["unit"] == "10k CNY/ha"


def test_sample_mujun_and_control(sample_study):
    from zonekit import read_study

    st = read_study(sample_study)
    ent, parks = mujun(st)
    assert set(ent["mujun_class"]) <= {"A", "B", "C", "D", "T"}
    assert {"NT01-1", "NT08-1"} <= set(parks["group"])
    v = control_violations(st)
    assert len(v) > 0 and set(v["indicator"]) <= {"investment_intensity", "far", "building_coefficient"}
    # every listed row really breaks its rule
    lower = v["rule"] == ">="
    assert (v.loc[lower, "value"] < v.loc[lower, "threshold"]).all()
    assert (v.loc[~lower, "value"] > v.loc[~lower, "threshold"]).all()
    # the planted chemical plant (FAR 0.8, coefficient 0.4, 7000 万元/公顷) meets every control indicator
    assert "91320600MA0CHEM01X" not in set(v["enterprise_id"])


def test_enterprises_from_chunks_equal_the_whole_layer(sample_study):
    """Parcels taken a few at a time (as a province's are) give the enterprise table of the whole layer."""
    from zonekit import read_study
    from zonekit.analysis.enterprises import enterprise_part, enterprise_table, enterprise_totals
    from zonekit.geo.overlay import intersection_areas
    from zonekit.layers.stream import LayerStream

    st = read_study(sample_study)
    whole = enterprise_table(st)
    stream = LayerStream.from_frame(st["landuse"], "landuse", chunk_rows=7)
    parts = [enterprise_part(chunk, st["parks"]) for chunk in stream.chunks()]
    assert len(parts) > 3
    chunked = enterprise_totals(parts, st.get("enterprises"))
    assert whole["park_id"].notna().sum() > 0 and whole["industry_code"].notna().sum() > 0
    assert list(chunked.columns) == list(whole.columns)
    pd.testing.assert_frame_equal(chunked, whole, check_exact=False, rtol=1e-12)
    # handed the chunk's overlay with the parks, a parcel inside a park takes its land from it: the same
    # land, and each parcel's the geodesic area of its polygon
    geod, reused = pyproj.Geod(ellps="GRS80"), 0
    for chunk in LayerStream.from_frame(st["landuse"], "landuse", chunk_rows=400).chunks():
        pairs = intersection_areas(st["parks"].geometry.values, chunk.geometry.values, chunk.crs)
        held = chunk["enterprise_id"].notna().to_numpy()
        reused += int((pairs["inside"] & held[pairs["b"]]).sum())
        land = enterprise_part(chunk, st["parks"], pairs)[0]["land_m2"]
        pd.testing.assert_series_equal(land, enterprise_part(chunk, st["parks"])[0]["land_m2"], rtol=1e-12)
        firms = chunk[held].to_crs(4490)
        own = np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in firms.geometry])
        assert land.sum() == pytest.approx(own.sum(), rel=1e-6)
    assert reused > 10
    # a sum with no value at all stays missing
    lu = st["landuse"]
    firms = lu[lu["enterprise_id"].notna()]
    no_tax = firms.groupby("enterprise_id")["tax_wan"].count() == 0
    assert whole.set_index("enterprise_id")["tax_wan"].isna().eq(no_tax).all()


def test_the_enterprises_own_records_feed_mujun_and_the_control_thresholds(ranked):
    from zonekit.analysis.enterprises import enterprise_part, enterprise_totals, unmatched_enterprises

    lu, parks = ranked["landuse"], ranked["parks"]
    # the enterprises layer: E05 pays no tax this year, E06 has no tax figure (its parcels' 90 stand),
    # E07 is a chemical plant by its record; one enterprise has no parcels; ids written in lower case
    layer = pd.DataFrame(
        {
            "enterprise_id": ["e05", "E06", "E07", "GHOST"],
            "name": ["五", "六", "七", "无地企业"],
            "tax_wan": [0.0, np.nan, 105.0, 50.0],
            "industry_code": [None, None, "C26", "C13"],
        }
    )
    firms = enterprise_totals([enterprise_part(lu, parks)], layer).set_index("enterprise_id")
    assert firms.loc["E05", "tax_wan"] == 0.0 and firms.loc["E05", "figures_from"] == "enterprise_record"
    assert firms.loc["E06", "tax_wan"] == pytest.approx(90.0) and firms.loc["E06", "name"] == "六"
    assert firms.loc["E08", "figures_from"] == "parcels"
    ent, _ = mujun(ranked, firms=firms.reset_index())
    e = ent.set_index("enterprise_id")
    assert e.loc["E05", "tax_per_mu"] == 0.0  # was 5 from the parcels
    assert e.loc["E06", "tax_per_mu"] == pytest.approx(6.0, rel=1e-6)
    # E07 builds at FAR 0 on its hectare: against C26's 0.6 (its record), not the generic 0.7
    v = control_violations(
        ranked, firms=firms.reset_index().assign(gfa_m2=0.0, footprint_m2=0.0, yard_m2=0.0)
    )
    far = v[(v["enterprise_id"] == "E07") & (v["indicator"] == "far")].iloc[0]
    assert far["threshold"] == 0.6
    missing = unmatched_enterprises(firms.reset_index(), layer)
    assert missing[missing["problem"] == "no_parcels"]["enterprise_id"].tolist() == ["GHOST"]
    assert len(missing[missing["problem"] == "no_record"]) == 21 - 3  # the parcels' other enterprises


def test_mujun_groups_agree_with_a_pandas_groupby():
    """Benchmarks, ranks (ties in table order), classes and class shares against pandas's own groupby."""
    rng = np.random.default_rng(7)
    n = 600
    firms = pd.DataFrame(
        {
            "enterprise_id": [f"E{i:04d}" for i in range(n)],
            "land_m2": rng.choice([1000.0, 3000.0, 8000.0, 20000.0], n),
            "tax_wan": np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 5, n) * 10.0),  # many ties
            "revenue_wan": rng.integers(1, 9, n) * 100.0,
            "park_id": rng.choice(["P2", "P1", None, "P3"], n),
        }
    )
    firms["land_mu"] = firms["land_m2"] / 666.6666666666666
    cfg = {"mujun": {"weights": {"tax_per_mu": 0.6, "revenue_per_mu": 0.4, "tax_per_energy": 0.0}}}
    ent, share = mujun(None, config=cfg, firms=firms)

    e = firms.copy()
    e["tax_per_mu"] = e["tax_wan"] / e["land_mu"]
    e["revenue_per_mu"] = e["revenue_wan"] / e["land_mu"]
    e["group"] = e["park_id"].fillna("(outside parks)")
    ok = e["land_mu"] >= 3.0
    score, wsum = pd.Series(0.0, index=e.index), pd.Series(0.0, index=e.index)
    for ind, w in (("tax_per_mu", 0.6), ("revenue_per_mu", 0.4)):
        g = e[ok].assign(_n=e[ind] * e["land_mu"]).groupby("group")
        bench = e["group"].map(g["_n"].sum(min_count=1) / g["land_mu"].sum()) * 2.0
        r = e[ind] / bench
        score += (w * r).fillna(0.0)
        wsum += w * r.notna()
    e["mujun_score"] = (100 * score / wsum).where(ok & (wsum > 0))
    ranked = e[e["mujun_score"].notna()]
    by = ranked.groupby("group")["mujun_score"]
    e["rank_pct"] = by.rank(ascending=False, method="first") / by.transform("size")
    got = ent.set_index("enterprise_id")
    want = e.set_index("enterprise_id").loc[got.index]
    assert np.allclose(got["mujun_score"], want["mujun_score"], equal_nan=True)
    assert np.allclose(got["rank_pct"], want["rank_pct"], equal_nan=True)
    assert ent.groupby("group", sort=False).ngroup().is_monotonic_increasing  # grouped, groups in order
    assert (ent["group"].tolist() == sorted(ent["group"])) and set(got["mujun_class"]) <= set("ABCDT")
    pivot = got.pivot_table(
        index="group", columns="mujun_class", values="land_mu", aggfunc="sum", fill_value=0
    )
    pivot = pivot.div(pivot.sum(axis=1), axis=0)
    s = share.set_index("group")
    for c in pivot.columns:
        assert np.allclose(s[f"share_{c}"], pivot[c].loc[s.index])
    assert np.allclose(s["land_mu"], got.groupby("group")["land_mu"].sum().loc[s.index])
