"""Nothing misread: points where points belong, ids with every digit, coordinates that can be true."""

from __future__ import annotations

import json
import warnings

import fiona
import numpy as np
import pyogrio
import pytest
import shapely

import zonekit.geo.io
from tests.cli.test_cli import run
from tests.conftest import squares
from zonekit import import_layer
from zonekit.errors import CRSError, DatumWarning, PositionWarning
from zonekit.geo.offsets import wgs84_to_gcj02
from zonekit.layers.study import read_table


def test_an_enterprise_csv_of_gcj02_points_loads_every_point(tmp_path, study):
    true = np.array([[120.7312, 31.3105], [120.7420, 31.3201], [120.7533, 31.3011]])
    amap = np.column_stack(wgs84_to_gcj02(true[:, 0], true[:, 1]))
    src = tmp_path / "企业.csv"
    rows = [f"E00{i},企业{i},{x:.7f},{y:.7f},{10 * i}" for i, (x, y) in enumerate(amap, 1)]
    src.write_text("企业编号,企业名称,经度,纬度,税收\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = import_layer(src, study, as_="enterprises", from_="gcj02")
    assert (report.read, report.loaded, report.rejected) == (3, 3, 0)
    got = read_table(study, "enterprises")
    assert set(got.geometry.geom_type) == {"Point"}
    xy = shapely.get_coordinates(got.geometry.values)
    assert np.abs(xy - true).max() < 1e-6  # the offset removed, to a few centimetres
    assert np.abs(amap - true).max() > 1e-3  # (and there was one to remove)


@pytest.mark.parametrize("chunk_rows", [None, 2])
def test_nineteen_digit_shapefile_ids_keep_every_digit(tmp_path, study, monkeypatch, chunk_rows):
    if chunk_rows:
        monkeypatch.setattr(zonekit.geo.io, "IMPORT_CHUNK_ROWS", chunk_rows)
    ids = [3206123456789012345, 9007199254740993001, 1000000000000000001, 9123456789012345678]
    src = tmp_path / "地块.shp"
    schema = {"geometry": "Polygon", "properties": {"DKBH": "int:20", "DLBM": "str:10"}}
    with fiona.open(src, "w", driver="ESRI Shapefile", schema=schema, crs="EPSG:4490") as f:
        for i, v in enumerate(ids):
            box = shapely.box(120 + i * 0.01, 31, 120.005 + i * 0.01, 31.005)
            f.write({"geometry": shapely.geometry.mapping(box), "properties": {"DKBH": v, "DLBM": "0601"}})
    import_layer(src, study, as_="landuse", fields={"DKBH": "parcel_id", "DLBM": "land_use_code"},
                 code_system="gb21010_2017")  # fmt: skip
    assert read_table(study, "landuse")["parcel_id"].tolist() == [str(v) for v in ids]


def geojson(tmp_path, coords: list[tuple[float, float]], name="g.geojson"):
    feats = []
    for i, (x, y) in enumerate(coords):
        ring = [[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y + 0.001], [x, y]]
        feats.append(
            {
                "type": "Feature",
                "properties": {"park_id": f"P{i}", "zone_id": "Z", "name": f"园{i}", "kind": "main"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


def test_impossible_degrees_reject_their_features_only(tmp_path, study):
    src = geojson(tmp_path, [(120.1, 31.1), (501.0, 95.0), (120.2, 31.2), (1e300, 31.0), (120.3, 31.3)])
    report = import_layer(src, study, as_="parks")
    assert (report.read, report.loaded, report.rejected) == (5, 3, 2)
    rej = read_table(study, "parks_rejected").set_index("source_position")
    assert rej.loc[1, "reason"] == "coordinates out of the range of degrees (x 501.001, y 95.001)"
    assert "coordinates out of the range of degrees (x 1e+300" in rej.loc[3, "reason"]
    assert read_table(study, "parks")["park_id"].tolist() == ["P0", "P2", "P4"]
    assert (rej.loc[1, "feature_id"], rej.loc[1, "feature_name"]) == ("P1", "园1")  # named, not only placed


def test_latitude_first_under_a_declared_lonlat_crs_is_swapped_and_said(tmp_path, study):
    frame = squares(3)  # 120°E 32°N
    frame["park_id"], frame["zone_id"], frame["name"], frame["kind"] = ["A", "B", "C"], "Z", "园", "main"
    flipped = frame.set_geometry(shapely.transform(frame.geometry.values, lambda c: c[:, ::-1]))
    src = tmp_path / "latlon.gpkg"
    flipped.to_file(src)
    with pytest.warns(PositionWarning, match="latitude first"):
        report = import_layer(src, study, as_="parks")
    assert report.loaded == 3
    got = read_table(study, "parks")
    assert shapely.equals(got.geometry.values, frame.geometry.values).all()


def test_metres_declared_as_degrees_stop_with_the_fix(tmp_path, study):
    frame = squares(3, x0=40_500_000.0, y0=3_500_000.0, size=100.0, crs=None)
    frame["park_id"], frame["zone_id"], frame["name"], frame["kind"] = ["A", "B", "C"], "Z", "园", "main"
    src = tmp_path / "gk.gpkg"
    with warnings.catch_warnings():  # no CRS, as surveys are delivered
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.write_dataframe(frame, src)
    with pytest.raises(CRSError, match="metres, not degrees"):
        import_layer(src, study, as_="parks", crs="EPSG:4490")
    r = run("import", str(src), "--into", str(tmp_path / "c.gpkg"), "--as", "parks", "--crs", "EPSG:4490")
    assert r.returncode == 1
    assert "米制坐标" in r.stderr and "--crs EPSG:4528" in r.stderr and "Traceback" not in r.stderr


def test_features_outside_china_are_loaded_and_warned_about(tmp_path, study):
    src = geojson(tmp_path, [(120.1, 31.1), (2.35, 48.85), (120.2, 31.2)])
    with pytest.warns(PositionWarning, match="1 features lie outside China"):
        report = import_layer(src, study, as_="parks")
    assert report.loaded == 3
    assert any("outside China" in n and "#2 (2.3500, 48.8500)" in n for n in report.notes)


def test_one_garbage_vertex_does_not_spoil_the_crs_inference(tmp_path, study):
    frame = squares(40, x0=40_500_000.0, y0=3_500_000.0, size=100.0, crs=None)
    frame["park_id"], frame["zone_id"], frame["name"] = [f"P{i}" for i in range(40)], "Z", "园"
    frame["kind"] = "main"
    geoms = frame.geometry.values.copy()
    geoms[7] = shapely.box(1e300, 3_500_000, 1e300 + 1, 3_500_100)
    frame = frame.set_geometry(geoms)
    src = tmp_path / "gk.gpkg"
    with warnings.catch_warnings():  # no CRS, as surveys are delivered
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.write_dataframe(frame, src)
    from zonekit.errors import CRSInferredWarning

    with pytest.warns(CRSInferredWarning, match="EPSG:4528"):
        report = import_layer(src, study, as_="parks")
    assert (report.loaded, report.rejected) == (39, 1)
    assert "cannot be placed in EPSG:4490" in read_table(study, "parks_rejected")["reason"].iloc[0]


def test_a_failed_first_import_leaves_no_study_file(tmp_path):
    study = tmp_path / "new.gpkg"
    src = geojson(tmp_path, [(120.1, 31.1)])
    r = run("import", str(src), "--into", str(study), "--as", "admin")  # parks' columns, not admin's
    assert r.returncode == 1 and "adcode" in r.stderr
    assert not study.exists() and list(tmp_path.iterdir()) == [src]
    import_layer(src, study, as_="parks")  # and the next import creates it
    assert read_table(study, "parks")["park_id"].tolist() == ["P0"]


def test_a_failed_import_into_an_existing_study_keeps_it(tmp_path, study):
    src = geojson(tmp_path, [(120.1, 31.1)])
    import_layer(src, study, as_="parks")
    before = study.read_bytes()
    r = run("import", str(src), "--into", str(study), "--as", "admin")
    assert r.returncode == 1 and study.read_bytes() == before


def test_a_xian_1980_prj_is_imported_with_what_it_means_for_positions(tmp_path, study):
    frame = squares(2, x0=102.5, y0=27.0).to_crs(2379)  # Xian 1980 / 3° CM 102E, as a .prj says
    frame["park_id"], frame["zone_id"], frame["name"], frame["kind"] = ["A", "B"], "Z", "园", "main"
    src = tmp_path / "xian80.shp"
    pyogrio.write_dataframe(frame, src, encoding="GBK")
    with pytest.warns(DatumWarning, match="Xian 1980.*tens of metres.*towgs84"):
        report = import_layer(src, study, as_="parks")
    assert report.loaded == 2 and "2379" in report.source_crs


def test_six_digit_eastings_name_where_each_zone_puts_the_data(tmp_path):
    wuhan = gpd_frame_in(4547, 114.3, 30.6)  # Wuhan, surveyed in 3° CM 114E, delivered without a .prj
    hefei = gpd_frame_in(4548, 117.2, 31.8)
    study = tmp_path / "s.gpkg"
    import_layer(hefei.to_crs(4490), study, as_="parks")
    with pytest.raises(CRSError) as err:
        import_layer(strip_crs(wuhan, tmp_path), study, as_="parks", mode="append")
    msg = str(err.value)
    assert "EPSG:4547 (3° CM 114E: 114.30°E 30.60°N, near 武汉" in msg  # the right zone, though not Hefei's
    assert msg.index("EPSG:4548") < msg.index("EPSG:4547")  # the study's own zone first


def gpd_frame_in(epsg: int, lon: float, lat: float):
    frame = squares(1, x0=lon, y0=lat, size=0.001)
    frame["park_id"], frame["zone_id"], frame["name"], frame["kind"] = [f"P{epsg}"], "Z", "园", "main"
    return frame.to_crs(epsg)


def strip_crs(frame, tmp_path):
    src = tmp_path / f"{frame['park_id'].iloc[0]}.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.write_dataframe(frame.set_crs(None, allow_override=True), src, encoding="GBK")
    return src
