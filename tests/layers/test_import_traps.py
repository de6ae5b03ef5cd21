"""Every trap of the import issue, on real files written at test time with GDAL."""

from __future__ import annotations

import json
import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

import zonekit.geo.io
from tests.conftest import corrupt_shape_record, squares, write_gbk_shapefile_without_cpg
from zonekit import import_layer, read_study
from zonekit.errors import (
    CodeSystemHintWarning,
    CRSError,
    CRSInferredWarning,
    DuplicateIdError,
    EncodingError,
    EncodingGuessWarning,
    InputError,
    SchemaError,
    SourceReadError,
    UnknownCodeWarning,
    UnsafeArchiveError,
)
from zonekit.geo.offsets import wgs84_to_gcj02
from zonekit.layers.study import list_tables, read_table

GEOD = pyproj.Geod(ellps="GRS80")


@pytest.fixture(autouse=True, params=["whole", "in chunks"])
def chunked(request, monkeypatch):
    """Every trap twice: the file read whole, and read in chunks of two features (a province's layer is
    read in chunks; the decisions, counts, repairs and rejects must not depend on it)."""
    if request.param == "in chunks":
        monkeypatch.setattr(zonekit.geo.io, "IMPORT_CHUNK_ROWS", 2)
    return request.param


NAMES = ["苏州工业园区", "南通经济技术开发区", "海门经济技术开发区"]


def parks_frame(crs=4490, **kw) -> gpd.GeoDataFrame:
    g = squares(3, **kw) if kw else squares(3)
    return gpd.GeoDataFrame(
        {
            "园区代码": ["P1", "P2", "P3"],
            "开发区代码": ["Z1", "Z1", "Z2"],
            "园区名称": NAMES,
            "园区类型": ["主园区", "分园", "主园区"],
        },
        geometry=g.geometry.values,
        crs=crs,
    )


def test_gbk_shapefile_without_cpg_and_zero_language_byte(tmp_path, study):
    shp = write_gbk_shapefile_without_cpg(tmp_path / "园区.shp", parks_frame(), ldid=0)
    # the trap itself: GDAL alone returns mojibake
    raw = pyogrio.read_dataframe(shp)
    assert raw.iloc[0, 2] != NAMES[0]
    with pytest.warns(EncodingGuessWarning):
        report = import_layer(shp, study, as_="parks")
    parks = read_study(study)["parks"]
    assert parks["name"].tolist() == NAMES
    assert parks["kind"].tolist() == ["main", "sub", "main"]
    assert report.encoding == "gb18030"
    assert "no .cpg" in str(report.encoding_how) and "0x00" in str(report.encoding_how)
    row = read_table(study, "zonekit_imports").iloc[0]
    assert row["encoding"] == "gb18030" and "GB18030" in row["encoding_how"]


def test_gbk_shapefile_with_latin1_language_byte(tmp_path, study):
    shp = write_gbk_shapefile_without_cpg(tmp_path / "p.shp", parks_frame(), ldid=0x57)
    with pytest.warns(EncodingGuessWarning):
        import_layer(shp, study, as_="parks")
    assert read_study(study)["parks"]["name"].tolist() == NAMES


def test_cpg_and_encoding_override(tmp_path, study):
    shp = tmp_path / "p.shp"
    pyogrio.write_dataframe(parks_frame(), shp, encoding="GBK")  # writes a .cpg
    report = import_layer(shp, study, as_="parks")
    assert read_study(study)["parks"]["name"].tolist() == NAMES
    assert ".cpg" in str(report.encoding_how)
    report = import_layer(shp, study, as_="parks", encoding="gbk", mode="replace")
    assert str(report.encoding_how) == "--encoding"


def test_zipped_shapefile_with_gbk_member_names(tmp_path, study):
    shp = tmp_path / "src" / "开发区边界.shp"
    shp.parent.mkdir()
    pyogrio.write_dataframe(parks_frame(), shp, encoding="GBK")
    archive = tmp_path / "边界.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in shp.parent.iterdir():
            zf.writestr(WindowsZipInfo(f.name), f.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        assert "开发区边界.shp" not in zf.namelist()  # Python (like GDAL) shows CP437 mojibake
    report = import_layer(archive, study, as_="parks")
    assert "开发区边界.shp" in report.source
    assert report.read == report.loaded == 3


class WindowsZipInfo(zipfile.ZipInfo):
    """A member name as Windows Explorer on Chinese Windows writes it: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_zone_39_gauss_kruger_without_prj(tmp_path, study):
    # 1 km squares in CGCS2000 3° zone 39 with the zone prefix, as a survey hands them over, no .prj
    gdf = gpd.GeoDataFrame(
        {"park_id": ["A", "B"], "zone_id": ["Z", "Z"], "name": ["甲", "乙"], "kind": ["main", "sub"]},
        geometry=[
            shapely.box(39_500_000, 3_500_000, 39_501_000, 3_501_000),
            shapely.box(39_640_000, 3_500_000, 39_641_000, 3_501_000),
        ],
        crs=None,
    )
    shp = tmp_path / "gk.shp"
    pyogrio.write_dataframe(gdf, shp)
    assert not shp.with_suffix(".prj").exists()
    with pytest.warns(CRSInferredWarning, match="zone prefix 39"):
        report = import_layer(shp, study, as_="parks")
    assert report.source_crs == "EPSG:4527"
    parks = read_study(study)["parks"]
    assert parks.crs.to_epsg() == 4490
    lonlat = parks.geometry.values
    assert 116.9 < lonlat[0].centroid.x < 117.1  # zone 39: CM 117E
    # stored geometry has the ellipsoidal area of the surveyed square (checked with Geod, to 1e-6)
    from zonekit.geo.area import ellipsoidal_area

    got = ellipsoidal_area(lonlat, 4490)
    want = [abs(GEOD.geometry_area_perimeter(shapely.segmentize(g, 1e-4))[0]) for g in lonlat]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert got[0] == pytest.approx(1e6, rel=1e-4)  # at the CM, GK plane area ≈ ellipsoidal area
    assert got[1] < 1e6 * (1 - 3e-4)  # 1.4° off the CM the plane overstates by ~0.04 %


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_six_digit_eastings_ask_for_crs(tmp_path, study):
    gdf = gpd.GeoDataFrame(
        {"park_id": ["A"], "zone_id": ["Z"], "name": ["甲"], "kind": ["main"]},
        geometry=[shapely.box(500_000, 3_540_000, 501_000, 3_541_000)],
        crs=None,
    )
    shp = tmp_path / "gk6.shp"
    pyogrio.write_dataframe(gdf, shp)
    with pytest.raises(CRSError, match="EPSG:4549") as err:
        import_layer(shp, study, as_="parks")
    assert "gk6.shp" in str(err.value) and "--crs" in str(err.value)
    report = import_layer(shp, study, as_="parks", crs="EPSG:4549")
    assert report.source_crs == "EPSG:4549"


def test_swapped_xy_degrees_detected(tmp_path, study):
    df = pd.DataFrame(
        {
            "park_id": ["A"],
            "zone_id": ["Z"],
            "name": ["甲"],
            "kind": ["main"],
            "wkt": ["POLYGON ((32 121, 32 121.01, 32.01 121.01, 32.01 121, 32 121))"],
        }
    )
    csv = tmp_path / "swapped.csv"
    df.to_csv(csv, index=False)
    with pytest.warns(CRSInferredWarning, match="swapped"):
        import_layer(csv, study, as_="parks")
    c = read_study(study)["parks"].geometry.iloc[0].centroid
    assert 121 < c.x < 121.01 and 32 < c.y < 32.01


def test_gcj02_geojson_back_to_cgcs2000(tmp_path, study):
    true = shapely.box(120.90, 31.95, 120.95, 31.99)
    coords = np.asarray(true.exterior.coords)
    glon, glat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
    shifted = shapely.Polygon(np.column_stack([glon, glat]))
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": "320613", "name": "崇川区", "level": "county"},
                "geometry": shapely.geometry.mapping(shifted),
            }
        ],
    }
    src = tmp_path / "amap.geojson"
    src.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    report = import_layer(src, study, as_="admin", from_="gcj02")
    got = np.asarray(read_study(study)["admin"].geometry.iloc[0].geoms[0].exterior.coords)
    # stored counter-clockwise; compare as point sets
    want = np.asarray(shapely.orient_polygons(true).exterior.coords)
    d = GEOD.inv(got[:, 0], got[:, 1], want[:, 0], want[:, 1])[2]
    assert d.max() < 0.01
    assert report.offset == "gcj02"


def test_gcj02_refuses_projected_data(tmp_path, study):
    g = squares(1, x0=500_000, y0=3_500_000, size=100, crs="EPSG:4549")
    g["adcode"], g["name"] = "1", "x"
    src = tmp_path / "p.gpkg"
    pyogrio.write_dataframe(g, src)
    with pytest.raises(CRSError, match="--from gcj02 needs longitude/latitude"):
        import_layer(src, study, as_="admin", from_="gcj02")


def test_bow_tie_is_repaired_and_recorded(tmp_path, study):
    bow = shapely.Polygon([(120, 32), (120.01, 32.01), (120.01, 32), (120, 32.01), (120, 32)])
    assert not bow.is_valid and bow.area == 0
    gdf = gpd.GeoDataFrame({"area_id": ["R1"], "kind": ["eco_redline"]}, geometry=[bow], crs=4490)
    src = tmp_path / "bow.gpkg"
    pyogrio.write_dataframe(gdf, src)
    report = import_layer(src, study, as_="protected")
    assert report.repaired == 1 and report.loaded == 1
    geom = read_study(study)["protected"].geometry.iloc[0]
    assert geom.is_valid and geom.area == pytest.approx(0.01 * 0.01 / 2)
    rep = read_table(study, "zonekit_repairs").iloc[0]
    assert "made valid" in rep["what"] and "Self-intersection" in rep["what"]
    assert rep["area_before_m2"] == pytest.approx(0, abs=1e-6)
    assert rep["area_after_m2"] == pytest.approx(abs(GEOD.geometry_area_perimeter(geom)[0]), rel=1e-6)


def test_z_collections_and_non_polygons(tmp_path, study):
    geoms = [
        shapely.Polygon([(120, 32, 5), (120.01, 32, 5), (120.01, 32.01, 5), (120, 32, 5)]),
        shapely.GeometryCollection(
            [shapely.box(120, 32, 120.01, 32.01), shapely.LineString([(0, 0), (1, 1)])]
        ),
        shapely.LineString([(120, 32), (121, 33)]),
        None,
    ]
    gdf = gpd.GeoDataFrame({"area_id": ["A", "B", "C", "D"], "kind": ["other"] * 4}, geometry=geoms, crs=4490)
    report = import_layer(gdf, study, as_="protected")
    assert (report.read, report.loaded, report.rejected, report.repaired) == (4, 2, 2, 2)
    rej = read_table(study, "protected_rejected")
    assert rej["src_area_id"].tolist() == ["C", "D"]
    assert "not a polygon (LineString)" in rej["reason"].iloc[0]
    assert "no geometry" in rej["reason"].iloc[1]
    lay = read_study(study)["protected"]
    assert not lay.geometry.has_z.any()


def test_one_corrupt_record(tmp_path, study):
    shp = tmp_path / "c.shp"
    g = squares(5)
    g["park_id"], g["zone_id"], g["name"], g["kind"] = g["id"], "Z", "园", "main"
    pyogrio.write_dataframe(g.drop(columns="id"), shp, encoding="UTF-8")
    corrupt_shape_record(shp, 3)
    report = import_layer(shp, study, as_="parks")
    assert report.read == 5 and report.loaded == 4 and report.rejected == 1
    assert read_table(study, "parks_rejected")["src_park_id"].tolist() == ["P3"]


def test_truncated_dbf_falls_back_to_feature_by_feature(tmp_path, study):
    shp = tmp_path / "t.shp"
    g = squares(5)
    g["park_id"], g["zone_id"], g["name"], g["kind"] = g["id"], "Z", "园", "main"
    pyogrio.write_dataframe(g.drop(columns="id"), shp, encoding="UTF-8")
    dbf = shp.with_suffix(".dbf")
    data = dbf.read_bytes()
    header_len, record_len = int.from_bytes(data[8:10], "little"), int.from_bytes(data[10:12], "little")
    dbf.write_bytes(data[: header_len + record_len * 3 + 5])  # records 3 and 4 lost
    report = import_layer(shp, study, as_="parks")
    assert (report.read, report.loaded, report.rejected) == (5, 3, 2)
    assert "feature by feature" in "; ".join(report.notes)
    assert read_study(study)["parks"]["park_id"].tolist() == ["P0", "P1", "P2"]
    assert "truncated .dbf" in read_table(study, "parks_rejected")["reason"].iloc[0]


def test_zip_with_parent_member_is_refused(tmp_path, study):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escaped.txt", "x")
        zf.writestr("ok.geojson", "{}")
    with pytest.raises(UnsafeArchiveError, match="outside the extraction folder"):
        import_layer(archive, study, as_="parks")
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not study.exists() or "parks" not in pyogrio.list_layers(study)[:, 0]


def test_zip_with_absolute_member_is_refused(tmp_path, study):
    archive = tmp_path / "abs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("/tmp/abs.txt", "x")
    with pytest.raises(UnsafeArchiveError):
        import_layer(archive, study, as_="parks")


def test_zip_bomb_is_refused(tmp_path, study):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.csv", b"0" * (60 << 20))
    with pytest.raises(UnsafeArchiveError, match="zip bomb"):
        import_layer(archive, study, as_="parks")


def test_duplicate_ids_name_them(tmp_path, study):
    g = parks_frame()
    g["园区代码"] = ["P1", "P1", "P3"]
    with pytest.raises(DuplicateIdError, match="P1"):
        import_layer(g, study, as_="parks")


def test_append_refuses_existing_ids(study):
    import_layer(parks_frame(), study, as_="parks")
    with pytest.raises(DuplicateIdError, match="already in the study"):
        import_layer(parks_frame(), study, as_="parks", mode="append")
    with pytest.raises(InputError, match="--replace"):
        import_layer(parks_frame(), study, as_="parks")
    g = parks_frame()
    g["园区代码"] = ["P7", "P8", "P9"]
    import_layer(g, study, as_="parks", mode="append")
    assert len(read_study(study)["parks"]) == 6


def test_missing_required_columns_named_with_fix(study):
    g = squares(2)
    with pytest.raises(SchemaError, match="park_id, zone_id, name") as err:
        import_layer(g, study, as_="parks")
    assert "--fields" in str(err.value)


def test_fields_toml_and_bad_values_rejected(tmp_path, study):
    g = squares(3)
    g["编号X"] = ["A", "B", "C"]
    g["zone_id"], g["name"] = "Z", "园"
    g["kind"] = ["main", "unknown-kind", "分园"]
    toml = tmp_path / "map.toml"
    toml.write_text('[fields]\n"编号X" = "park_id"\n', encoding="utf-8")
    report = import_layer(g, study, as_="parks", fields=toml)
    assert report.loaded == 2 and report.rejected == 1
    assert "kind 'unknown-kind' is not one of" in read_table(study, "parks_rejected")["reason"].iloc[0]
    assert read_study(study)["parks"]["kind"].tolist() == ["main", "sub"]


def test_sandiao_fields_and_codes(tmp_path, study):
    g = squares(5)
    g["BSM"] = ["1", "2", "3", "4", "5"]
    g["DLBM"] = ["0601", "05H1", "0307K", "201", None]
    g["TBMJ"] = [1.0, 2.0, 3.0, 4.0, 5.0]
    g["QSDWMC"] = "某村"
    with pytest.warns(UnknownCodeWarning, match="201"):
        report = import_layer(g, study, as_="landuse", code_system="sandiao")
    lu = read_study(study)["landuse"]
    assert lu["analysis_class"].tolist() == [
        "industrial",
        "commercial",
        "ecological_unused",
        "unknown",
        "unknown",
    ]
    assert lu["source_area_m2"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert lu["QSDWMC"].iloc[0] == "某村"  # other columns kept
    assert report.unknown_codes == {"201": 1, "(empty)": 1}
    assert report.loaded == 5  # unknown codes are never dropped


def test_code_system_detection_is_a_warned_hint(study):
    g = squares(2)
    g["DLBM"] = ["05H1", "0601"]
    with pytest.warns(CodeSystemHintWarning, match="detected sandiao"):
        report = import_layer(g, study, as_="landuse")
    assert "hint" in str(report.code_system_how)


def test_ambiguous_codes_need_code_system(study):
    g = squares(2)
    g["DLBM"] = ["0601", "0101"]
    with pytest.raises(InputError, match="--code-system"):
        import_layer(g, study, as_="landuse")


def test_same_code_differs_by_system(study, tmp_path):
    g = squares(1)
    g["DLBM"] = ["0601"]
    import_layer(g, study, as_="landuse", code_system="sandiao")
    assert read_study(study)["landuse"]["analysis_class"].iloc[0] == "industrial"
    import_layer(g, study, as_="landuse", code_system="ydyh_2023", mode="replace")
    assert read_study(study)["landuse"]["analysis_class"].iloc[0] == "transport"


def test_csv_lon_lat_and_bad_wkt(tmp_path, study):
    csv = tmp_path / "pts.csv"
    csv.write_bytes(
        'area_id,名称,kind,wkt\nA,红线甲,eco_redline,"POLYGON ((120 32, 120.01 32, 120.01 32.01, 120 32))"\n'
        "B,红线乙,eco_redline,NOT WKT\n".encode("gbk")
    )
    with pytest.warns(EncodingGuessWarning), pytest.warns(CRSInferredWarning):
        report = import_layer(csv, study, as_="protected")
    assert (report.read, report.loaded, report.rejected) == (2, 1, 1)
    assert read_study(study)["protected"]["name"].iloc[0] == "红线甲"
    assert "valid WKT" in read_table(study, "protected_rejected")["reason"].iloc[0]


def test_enclaves_from_xlsx(tmp_path, study):
    df = pd.DataFrame(
        {
            "园区代码": ["E1", "E1"],
            "飞出地代码": ["320500", "320500"],
            "飞入地代码": ["320612"] * 2,
            "指标": ["税收", "地区生产总值"],
            "飞出地比例": [0.6, 0.5],
            "飞入地比例": [0.4, 0.5],
            "起始日期": ["2019-01-01", "2019/1/1"],
            "终止日期": [None, None],
        }
    )
    xlsx = tmp_path / "飞地.xlsx"
    df.to_excel(xlsx, index=False)
    report = import_layer(xlsx, study, as_="enclaves")
    e = read_study(study)["enclaves"]
    assert report.loaded == 2
    assert (
        e["metric"].tolist() == ["tax", "gdp"]
        and e["valid_from"].tolist() == [pd.Timestamp("2019-01-01")] * 2
    )
    assert e["home_adcode"].iloc[0] == "320500"


def test_geopackage_with_several_layers_lists_them(tmp_path, study):
    src = tmp_path / "multi.gpkg"
    pyogrio.write_dataframe(parks_frame(), src, layer="园区")
    pyogrio.write_dataframe(parks_frame(), src, layer="开发区")
    with pytest.raises(SourceReadError, match=r"园区, 开发区|开发区, 园区"):
        import_layer(src, study, as_="parks")
    assert import_layer(src, study, as_="parks", layer="园区").loaded == 3


def test_file_geodatabase_and_zipped_gdb(tmp_path, study):
    gdb = tmp_path / "data.gdb"
    pyogrio.write_dataframe(parks_frame(), gdb, layer="parks", driver="OpenFileGDB")
    assert import_layer(gdb, study, as_="parks").loaded == 3
    archive = tmp_path / "data.gdb.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in gdb.iterdir():
            zf.write(f, f"data.gdb/{f.name}")
    assert import_layer(archive, study, as_="parks", mode="replace").loaded == 3


def test_kml(tmp_path, study):
    g = parks_frame()[["园区名称", "geometry"]].rename(columns={"园区名称": "Name"})
    g["kind"] = "eco_redline"
    kml = tmp_path / "parks.kml"
    pyogrio.write_dataframe(g, kml, driver="KML")
    report = import_layer(kml, study, as_="protected")
    assert report.loaded == 3
    assert read_study(study)["protected"]["name"].tolist() == NAMES


def test_missing_file_message(study, tmp_path):
    with pytest.raises(SourceReadError, match="does not exist"):
        import_layer(tmp_path / "nope.shp", study, as_="parks")


def test_old_three_digit_codes_are_no_evidence_of_ydyh():
    from zonekit.layers.landuse_codes import detect_system

    assert detect_system(["201", "0601"])[0] is None
    assert detect_system(["1301"])[0] == "ydyh_2023"
    assert detect_system(["100101"])[0] == "ydyh_2023"


def test_a_geopackage_attribute_table_imports_as_a_table(tmp_path):
    """A GeoPackage table without geometry (how QGIS saves a spreadsheet) is read, not a KeyError."""
    src = tmp_path / "firms.gpkg"
    pyogrio.write_dataframe(
        pd.DataFrame({"enterprise_id": ["E1", "E2"], "tax_wan": [12.5, 3.0], "name": ["甲厂", "乙厂"]}), src
    )
    report = import_layer(src, tmp_path / "s.gpkg", as_="enterprises")
    assert (report.read, report.loaded, report.rejected) == (2, 2, 0)
    firms = read_table(tmp_path / "s.gpkg", "enterprises")
    assert list(firms["name"]) == ["甲厂", "乙厂"] and list(firms["tax_wan"]) == [12.5, 3.0]


def test_a_shapefiles_clockwise_rings_are_turned_and_said_once_not_called_repairs(tmp_path):
    """A shapefile's exteriors run clockwise by its specification: every ring turns, nothing is repaired."""
    src = tmp_path / "parks.shp"
    g = squares(3)
    g["park_id"], g["zone_id"], g["name"], g["kind"] = ["A", "B", "C"], "Z", "园", "main"
    pyogrio.write_dataframe(g.drop(columns="id"), src, encoding="UTF-8")
    back = pyogrio.read_dataframe(src)
    assert not shapely.is_ccw(shapely.get_exterior_ring(back.geometry.values)).any()  # as written: clockwise
    report = import_layer(src, tmp_path / "s.gpkg", as_="parks")
    assert report.repaired == 0 and report.repairs == {}
    assert any("rings of 3 feature(s) turned" in n for n in report.notes)
    stored = read_study(tmp_path / "s.gpkg")["parks"]
    assert shapely.is_ccw(shapely.get_exterior_ring(shapely.get_geometry(stored.geometry.values, 0))).all()
    tables = list_tables(tmp_path / "s.gpkg")
    assert "zonekit_repairs" not in tables or len(read_table(tmp_path / "s.gpkg", "zonekit_repairs")) == 0


@pytest.mark.parametrize(
    ("write_as", "cpg", "fix"), [("GBK", "UTF-8", "--encoding gbk"), ("UTF-8", "GBK", "--encoding utf-8")]
)
def test_a_cpg_contradicted_by_the_bytes_names_the_real_encoding(tmp_path, study, write_as, cpg, fix):
    src = tmp_path / "园区.shp"
    frame = parks_frame().set_axis(["park_id", "zone_id", "name", "kind", "geometry"], axis=1)
    pyogrio.write_dataframe(frame, src, encoding=write_as)
    src.with_suffix(".cpg").write_text(cpg)
    with pytest.raises(EncodingError, match=f"The .cpg says {cpg}, but the attribute text is in") as err:
        import_layer(src, study, as_="parks")
    assert fix in str(err.value) and "'苏州工业园区'" in str(err.value)
    assert not study.exists()
    report = import_layer(src, study, as_="parks", encoding=fix.split()[1])  # and the fix works
    assert read_table(study, "parks")["name"].tolist() == NAMES and report.loaded == 3


def test_utf8_field_names_cut_by_the_dbf_are_read_and_mapped(tmp_path, study):
    src = tmp_path / "parks.shp"
    frame = parks_frame().rename(columns={"开发区代码": "zone_id"})  # 园区代码 is 12 bytes in UTF-8
    with warnings.catch_warnings():  # GDAL says it is cutting them, as the exporter would
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(frame, src, encoding="UTF-8")
    report = import_layer(src, study, as_="parks")
    got = read_table(study, "parks")
    assert got["park_id"].tolist() == ["P1", "P2", "P3"] and got["name"].tolist() == NAMES
    assert any("cut UTF-8 field names at 10 bytes" in n and "园区代" in n for n in report.notes)


def test_a_shapefile_without_its_dbf_says_so(tmp_path, study):
    src = tmp_path / "parks.shp"
    pyogrio.write_dataframe(parks_frame(), src, encoding="GBK")
    src.with_suffix(".dbf").unlink()
    with pytest.raises(SchemaError, match=r"no \.dbf beside it"):
        import_layer(src, study, as_="parks")
