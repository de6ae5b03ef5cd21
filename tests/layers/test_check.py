"""check_study on hand-built studies with known answers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from zonekit import import_layer
from zonekit.errors import SchemaError, UnknownCodeWarning
from zonekit.layers.check import check_study
from zonekit.layers.study import read_study, write_tables

GEOD = pyproj.Geod(ellps="GRS80")
CM120 = "EPSG:4549"  # build in metres, import reprojects to the study's EPSG:4490


def ha(geom_metric) -> float:
    g = gpd.GeoSeries([geom_metric], crs=CM120).to_crs(4490).iloc[0]
    return abs(GEOD.geometry_area_perimeter(shapely.segmentize(g, 1e-4))[0]) / 1e4


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "s.gpkg"
    x, y = 500_000, 3_550_000
    a = shapely.box(x, y, x + 1000, y + 1000)
    b = shapely.box(x + 600, y, x + 1600, y + 1000)  # overlaps a by 400 m x 1000 m, other zone
    c = shapely.box(x + 5000, y, x + 6000, y + 1000)
    theme = shapely.box(x + 5800, y + 100, x + 6300, y + 400)  # 200 m of its 500 m stick out of c
    parks = gpd.GeoDataFrame(
        {
            "park_id": ["A", "B", "C", "T"],
            "zone_id": ["Z1", "Z2", "Z1", "Z1"],
            "name": ["甲", "乙", "丙", "丁"],
            "kind": ["main", "main", "sub", "theme"],
            "parent_park_id": [None, None, None, "C"],
            "host_adcode": ["320612", "320612", "320612", "320612"],
        },
        geometry=[a, b, c, theme],
        crs=CM120,
    )
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z1", "Z2"], "name": ["一区", "二区"]},
        geometry=[shapely.box(x - 10, y - 10, x + 1010, y + 1010), None],
        crs=CM120,
    )
    admin = gpd.GeoDataFrame(
        {"adcode": ["320612", "320613"], "name": ["通州区", "崇川区"], "level": "county"},
        geometry=[
            shapely.box(x - 100, y - 100, x + 5300, y + 2000),
            shapely.box(x + 5300, y - 100, x + 9000, y + 2000),
        ],
        crs=CM120,
    )
    lu = gpd.GeoDataFrame(
        {"parcel_id": ["L1", "L2", "L3"], "DLBM": ["0601", "201", "201"]},
        geometry=[
            shapely.box(x, y, x + 100, y + 100),
            shapely.box(x + 100, y, x + 200, y + 100),
            shapely.box(x + 200, y, x + 300, y + 150),
        ],
        crs=CM120,
    )
    import_layer(admin, path, as_="admin")
    import_layer(zones, path, as_="zones")
    import_layer(parks, path, as_="parks")
    report = import_layer(ENCLAVES, path, as_="enclaves")
    assert report.rejected == 2  # the gdp shares add up to 0.9; the second tax period overlaps the first
    with pytest.warns(UnknownCodeWarning, match="201"):
        import_layer(lu, path, as_="landuse", code_system="sandiao")
    return path, {"a": a, "b": b, "c": c, "theme": theme, "x": x, "y": y}


ENCLAVES = pd.DataFrame(
    {
        "park_id": ["C", "C", "C", "A"],
        "home_adcode": ["320500", "320500", "320500", "320612"],
        "host_adcode": ["320613", "320613", "320613", "320612"],
        "metric": ["tax", "tax", "gdp", "tax"],
        "home_share": [0.6, 0.5, 0.7, 0.5],
        "host_share": [0.4, 0.5, 0.2, 0.5],
        "valid_from": ["2019-01-01", "2023-06-01", "2019-01-01", "2020-01-01"],
        "valid_to": ["2023-12-31", None, None, None],
    }
)


def by_check(findings: pd.DataFrame, check: str) -> pd.DataFrame:
    return findings[findings["check"] == check]


def test_overlap_between_zones_is_an_error_with_the_area(study):
    path, _g = study
    f = by_check(check_study(path), "park_overlap")
    assert len(f) == 1
    row = f.iloc[0]
    assert row["severity"] == "error" and row["ids"] == "A,B" and row["unit"] == "ha"
    parks = read_study(path)["parks"].set_index("park_id").geometry
    stored = parks["A"].intersection(parks["B"])  # independent: shapely on the stored lon/lat, then Geod
    assert row["quantity"] == pytest.approx(abs(GEOD.geometry_area_perimeter(stored)[0]) / 1e4, rel=1e-6)
    assert row["quantity"] == pytest.approx(40.0, rel=2e-3)  # 400 m x 1000 m


def test_theme_park_outside_its_parent(study):
    path, g = study
    f = by_check(check_study(path), "theme_outside_parent")
    assert len(f) == 1 and f.iloc[0]["ids"] == "T,C"
    parks = read_study(path)["parks"].set_index("park_id").geometry
    stored = parks["T"].difference(parks["C"])
    assert f.iloc[0]["quantity"] == pytest.approx(
        abs(GEOD.geometry_area_perimeter(stored)[0]) / 1e4, rel=1e-6
    )
    assert f.iloc[0]["quantity"] == pytest.approx(ha(g["theme"].difference(g["c"])), rel=1e-4)
    # the theme park overlapping its own parent is nesting, not an overlap finding
    assert "T" not in ",".join(by_check(check_study(path), "park_overlap")["ids"])


def test_park_outside_its_zone_boundary(study):
    path, _g = study
    f = by_check(check_study(path), "park_outside_zone")
    assert set(f["ids"]) == {"C,Z1", "T,Z1"}


def test_share_rules(study):
    path, _ = study
    # import refused the two bad rows; a study edited elsewhere (in QGIS, say) can still come to hold them
    edited = ENCLAVES.assign(
        valid_from=pd.to_datetime(ENCLAVES["valid_from"]), valid_to=pd.to_datetime(ENCLAVES["valid_to"])
    )
    write_tables(path, {"enclaves": edited})
    findings = check_study(path)
    sums = by_check(findings, "share_sum")
    assert len(sums) == 1 and sums.iloc[0]["quantity"] == pytest.approx(0.9)
    over = by_check(findings, "share_overlap")
    assert len(over) == 1 and over.iloc[0]["ids"] == "C/tax"
    same = by_check(findings, "enclave_host_is_home")
    assert len(same) == 1 and same.iloc[0]["ids"].startswith("A/")


def test_host_adcode_disagreeing_with_admin(study):
    path, _ = study
    f = by_check(check_study(path), "host_adcode_mismatch")
    # park C and its theme park lie in 320613 but say 320612
    assert set(f["ids"]) == {"C", "T"}


def test_unknown_codes_reported_with_area(study):
    path, _g = study
    f = by_check(check_study(path), "unknown_land_use_code")
    assert len(f) == 1 and "201" in f.iloc[0]["message"] and f.iloc[0]["ids"] == "L2,L3"
    lu = read_study(path)["landuse"].set_index("parcel_id").geometry
    want = sum(abs(GEOD.geometry_area_perimeter(lu[k])[0]) for k in ("L2", "L3")) / 1e4
    assert f.iloc[0]["quantity"] == pytest.approx(want, rel=1e-6)
    assert want == pytest.approx(2.5, rel=1e-3)  # 100 m x 100 m + 100 m x 150 m


def test_crs_mismatch_and_invalid_geometry_are_found(study):
    path, _g = study
    bad = gpd.GeoDataFrame(
        {"area_id": ["R"], "name": ["x"], "kind": ["other"]},
        geometry=[shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])],
        crs=CM120,
    )
    pyogrio.write_dataframe(bad, path, layer="protected")  # written behind zonekit's back
    findings = check_study(path)
    assert len(by_check(findings, "crs_mismatch")) == 1
    assert len(by_check(findings, "invalid_geometry")) == 1
    with pytest.raises(SchemaError, match="protected"):
        read_study(path)


def test_severity_order(study):
    path, _ = study
    sev = check_study(path)["severity"].tolist()
    assert sev == sorted(sev, key=["error", "warning", "info"].index)
