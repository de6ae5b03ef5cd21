from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely

from zonekit import read_study
from zonekit.analysis.enclaves import benefit_split, enclave_distances, rules_in_force
from zonekit.layers.study import Study

CRS = "EPSG:4549"
X, Y = 500_000.0, 3_550_000.0
RULES = pd.DataFrame(
    {
        "park_id": ["E", "E", "E"],
        "home_adcode": ["320500"] * 3,
        "host_adcode": ["320612"] * 3,
        "metric": ["tax", "tax", "gdp"],
        "home_share": [0.6, 0.5, 0.5],
        "host_share": [0.4, 0.5, 0.5],
        "valid_from": ["2019-01-01", "2024-01-01", "2019-01-01"],
        "valid_to": ["2023-12-31", None, None],
    }
)


@pytest.fixture
def study():
    park = gpd.GeoDataFrame(
        {"park_id": ["E"], "kind": ["enclave"]}, geometry=[shapely.box(X, Y, X + 1000, Y + 1000)], crs=CRS
    )
    lu = gpd.GeoDataFrame(
        {"parcel_id": ["a", "b", "c"], "tax_wan": [100.0, 50.0, 80.0]},
        geometry=[
            shapely.box(X + 10, Y + 10, X + 100, Y + 100),
            shapely.box(X + 200, Y + 10, X + 300, Y + 100),
            shapely.box(X + 900, Y + 10, X + 1100, Y + 100),
        ],
        crs=CRS,
    )  # half inside
    return Study(
        Path("mem.gpkg"), pyproj.CRS.from_user_input(CRS), {"parks": park, "landuse": lu, "enclaves": RULES}
    )


def test_rule_changes_in_a_given_year():
    assert rules_in_force(RULES, 2023).set_index("metric").loc["tax", "home_share"] == 0.6
    assert rules_in_force(RULES, 2024).set_index("metric").loc["tax", "home_share"] == 0.5
    assert rules_in_force(RULES, 2018).empty


@pytest.mark.parametrize(("year", "home", "host"), [(2023, 114.0, 76.0), (2024, 95.0, 95.0)])
def test_benefit_split(study, year, home, host):
    per_enclave, per_jur = benefit_split(study, year)
    tax = per_enclave.set_index("metric").loc["tax"]
    assert tax["total_wan"] == pytest.approx(190.0, rel=1e-6)  # 100 + 50 + half of 80
    assert tax["home_wan"] == pytest.approx(home, rel=1e-6) and tax["host_wan"] == pytest.approx(
        host, rel=1e-6
    )
    gdp = per_enclave.set_index("metric").loc["gdp"]
    assert pd.isna(gdp["total_wan"]) and "no gdp_wan" in gdp["notes"]  # missing, never 0
    j = per_jur.set_index(["adcode", "metric"])
    assert j.loc[("320500", "tax"), "value_wan"] == pytest.approx(home, rel=1e-6)


def test_sample_enclave_split_and_distance(sample_study):
    st = read_study(sample_study)
    per_enclave, _ = benefit_split(st, 2024)
    tax = per_enclave.set_index("metric").loc["tax"]
    assert tax["home_share"] == 0.5 and tax["home_wan"] == pytest.approx(tax["total_wan"] / 2)
    d = enclave_distances(st).iloc[0]
    assert (
        d["park_id"] == "NT10-1" and 5 < d["distance_km"] < 50
    )  # across the Yangtze from Suzhou (常熟/张家港)
