"""The bundled sample study holds every case the issues plant in it."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import rasterio
import shapely

from zonekit import read_study
from zonekit.geo.area import ellipsoidal_area
from zonekit.layers.check import check_study
from zonekit.layers.study import read_table

GEOD = pyproj.Geod(ellps="GRS80")


@pytest.fixture(scope="module")
def st(sample_study):
    return read_study(sample_study)  # validates every layer against its schema


def test_layers_and_provenance(st):
    from zonekit.choices import LAYER_NAMES

    assert set(st) == set(LAYER_NAMES) - {"enterprises"}  # the sample has no enterprises layer
    for name in sorted(set(st) - {"admin"}):
        assert (st[name]["source"] == "illustrative").all(), name
    assert st["admin"]["source"].str.contains("cnmaps").all()
    assert 20_000 <= len(st["landuse"]) <= 60_000
    assert st.crs.to_epsg() == 4490


def test_admin_came_through_the_gcj02_import(sample_study):
    imports = read_table(sample_study, "zonekit_imports")
    admin = imports[imports["layer"] == "admin"].iloc[0]
    assert admin["offset"] == "gcj02" and admin["read"] == admin["loaded"] == 19


def test_read_equals_loaded_plus_rejected_for_every_import(sample_study):
    imp = read_table(sample_study, "zonekit_imports")
    assert (imp["read"] == imp["loaded"] + imp["rejected"]).all()


def test_national_zone_with_three_parks_one_far_away(st):
    z = st["zones"].set_index("zone_id")
    parks = st["parks"]
    national = z.index[z["level"] == "national"]
    found = False
    for zid in national:
        p = parks[(parks["zone_id"] == zid) & (parks["kind"] != "theme")]
        if len(p) >= 3:
            main = p[p["kind"] == "main"].geometry.iloc[0].centroid
            far = max(GEOD.inv(main.x, main.y, g.centroid.x, g.centroid.y)[2] for g in p.geometry)
            found = found or far > 20_000
    assert found


def test_theme_park_inside_its_parent(st):
    p = st["parks"].set_index("park_id")
    theme = p[p["kind"] == "theme"]
    assert len(theme) >= 1
    for _, t in theme.iterrows():
        assert p.loc[t["parent_park_id"]].geometry.contains(t.geometry)


def test_one_county_one_zone_case(st):
    z = st["zones"]
    for _county, grp in z.groupby("county_adcode"):
        if (~grp["in_catalogue"]).sum() >= 2 and grp["in_catalogue"].sum() >= 1:
            return
    pytest.fail("no county with a catalogued zone and two uncatalogued plates")


def test_adjacent_zones_with_similar_industries(st):
    z = st["zones"].set_index("zone_id")
    p = st["parks"]
    geoms = {zid: shapely.union_all(p.loc[p["zone_id"] == zid].geometry.values) for zid in z.index}
    metric = {
        k: g
        for k, g in zip(
            geoms,
            __import__("geopandas").GeoSeries(list(geoms.values()), crs=4490).to_crs("EPSG:4549"),
            strict=True,
        )
    }
    pairs = []
    for a in z.index:
        for b in z.index:
            if a < b and metric[a].distance(metric[b]) < 2000:
                ia, ib = (
                    set(z.loc[a, "lead_industries"].split("、")),
                    set(z.loc[b, "lead_industries"].split("、")),
                )
                pairs.append(len(ia & ib) / len(ia | ib))
    assert pairs and max(pairs) >= 0.5


def test_enclave_hosted_in_nantong_home_suzhou(st):
    e = st["enclaves"]
    parks = st["parks"].set_index("park_id")
    assert set(e["home_adcode"]) == {"320500"}
    assert e["host_adcode"].str.startswith("3206").all()
    pid = e["park_id"].iloc[0]
    assert parks.loc[pid, "kind"] == "enclave"
    tax = e[e["metric"] == "tax"].sort_values("valid_from")
    assert len(tax) == 2 and tax["home_share"].tolist() == [0.6, 0.5]  # a step schedule


def test_zone_version_adjustment(st):
    v = st["zone_versions"].sort_values("version")
    assert v["adjusted_on"].notna().any()
    old, new = v.geometry.iloc[0], v.geometry.iloc[1]
    assert new.area > old.area and new.contains(old.buffer(-1e-6))


def test_protected_overlaps_a_park_and_a_chemical_parcel_inside(st):
    prot, parks, lu = st["protected"], st["parks"], st["landuse"]
    assert {"eco_redline", "basic_farmland"} <= set(prot["kind"])
    inter = [
        ellipsoidal_area([shapely.intersection(a, b)], 4490)[0] for a in prot.geometry for b in parks.geometry
    ]
    assert max(inter) > 10 * 1e4  # at least 10 ha of a park inside a protected area
    chem = lu[(lu["industry_code"] == "C26") & (lu["analysis_class"] == "industrial")]
    assert any(g.within(p) for g in chem.geometry for p in prot.geometry)


def test_parcels_realistic(st):
    lu = st["landuse"]
    assert (lu["code_system"] == "sandiao").all()
    assert lu["analysis_class"].value_counts()["industrial"] > 3000
    built = lu[(lu["build_status"] == "built") & (lu["analysis_class"] == "industrial")]
    area_ha = ellipsoidal_area(built.geometry.values, 4490) / 1e4
    invest = built["investment_wan"].sum() / area_ha.sum()
    assert 4000 < invest < 20000  # around the national 8984 万元/ha
    # TBMJ (stated area) agrees with the ellipsoidal area of the stored geometry
    sample = lu.iloc[:500]
    np.testing.assert_allclose(
        ellipsoidal_area(sample.geometry.values, 4490), sample["source_area_m2"], rtol=1e-4, atol=0.02
    )
    # parcels cut by park boundaries exist
    park = st["parks"].geometry.iloc[0]
    assert (
        shapely.crosses(lu.geometry.values, park.boundary).any()
        or shapely.overlaps(lu.geometry.values, park).any()
    )
    # codes that must stay text
    assert lu["enterprise_id"].dropna().str.len().eq(18).all()


def test_landcover_raster_consistent_with_parcels(st, sample_study):
    tif = sample_study.with_name("landcover.tif")
    with rasterio.open(tif) as src:
        assert 10 <= src.res[0] <= 30
        arr = src.read(1)
        built = st["landuse"]
        row = built[(built["build_status"] == "built") & (built["analysis_class"] == "industrial")].iloc[0]
        c = (
            __import__("geopandas")
            .GeoSeries([row.geometry.representative_point()], crs=4490)
            .to_crs(src.crs)
            .iloc[0]
        )
        r, col = src.index(c.x, c.y)
        assert arr[r, col] == 50  # built-up
    assert (arr == 40).sum() > 0 and (arr == 50).sum() > 0


def test_check_on_sample_finds_the_planted_cases_only(st):
    f = check_study(st)
    assert (f["severity"] != "error").all()
    assert set(f["check"]) == {"park_outside_zone", "unknown_land_use_code"}


def test_each_planted_protected_overlap_exists(st):
    from zonekit.analysis.overlap import overlap_pairs

    pairs = overlap_pairs(st["parks"], st["protected"], a_layer="parks", b_layer="protected")
    found = set(zip(pairs["a_id"], pairs["b_id"], strict=True))
    assert {("NT01-1", "ECO-01"), ("NT03-1", "BF-01")} <= found  # as data/README.md says
    assert not any(b == "WS-01" for _, b in found)  # the water source touches no park
