"""A layer exported for a colleague comes back the same when imported again."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from tests.cli.test_cli import run
from zonekit import import_layer
from zonekit.errors import InputError
from zonekit.layers.study import read_table
from zonekit.reports.export import export

GEOD = pyproj.Geod(ellps="GRS80")


def geod_area(geoms) -> np.ndarray:
    return np.array([abs(GEOD.geometry_area_perimeter(g)[0]) for g in geoms])


@pytest.mark.parametrize("encoding", [None, "gbk"])
def test_a_shapefile_export_round_trips_with_its_fields_toml(sample_study, tmp_path, encoding):
    out = tmp_path / "园区.shp"
    written = export(sample_study, "parks", out, encoding=encoding)
    assert {p.suffix for p in written} == {".shp", ".shx", ".dbf", ".prj", ".cpg", ".toml"}
    assert out.with_suffix(".cpg").read_text() == ("GBK" if encoding else "UTF-8")
    back = tmp_path / "back.gpkg"
    import_layer(out, back, as_="parks", fields=tmp_path / "园区.fields.toml")
    a, b = read_table(sample_study, "parks"), read_table(back, "parks")
    for col in ("park_id", "zone_id", "name", "kind", "parent_park_id", "lead_industries"):
        pd.testing.assert_series_equal(a[col], b[col], check_dtype=False)
    assert np.allclose(geod_area(a.geometry), geod_area(b.geometry), rtol=1e-9)


def test_a_zipped_shapefile_holds_the_whole_set(sample_study, tmp_path):
    out = tmp_path / "地块.zip"
    export(sample_study, "landuse", out)
    names = zipfile.ZipFile(out).namelist()
    assert sorted(names) == sorted(
        f"地块{s}" for s in (".cpg", ".dbf", ".fields.toml", ".prj", ".shp", ".shx")
    )
    assert pyogrio.read_info(out)["features"] == pyogrio.read_info(sample_study, layer="landuse")["features"]


def test_csv_and_workbook_carry_areas_and_geojson_is_lonlat(sample_study, tmp_path):
    export(sample_study, "parks", tmp_path / "p.csv", lang="en")
    csv = pd.read_csv(tmp_path / "p.csv", dtype=str)
    parks = read_table(sample_study, "parks")
    area = geod_area(parks.geometry)
    assert np.allclose(csv["area_m2"].astype(float), area, rtol=0, atol=0.005)  # kept to 0.01 m² (README)
    assert np.allclose(
        csv["area_mu"].astype(float), area / (10_000 / 15), rtol=0, atol=0.00005
    )  # 4 decimals of 亩
    assert shapely.equals_exact(shapely.from_wkt(csv["wkt"]), parks.geometry.values, tolerance=1e-8).all()
    export(sample_study, "parks", tmp_path / "p.geojson")
    gj = pyogrio.read_dataframe(tmp_path / "p.geojson")
    assert gj.crs.to_epsg() == 4326 and len(gj) == len(parks)
    with pytest.raises(InputError, match="without geometry"):
        export(sample_study, "enclaves", tmp_path / "e.geojson")


def test_export_command(sample_study, tmp_path):
    r = run("export", str(sample_study), "zones", str(tmp_path / "z.gpkg"))
    assert r.returncode == 0 and "z.gpkg" in r.stdout
    assert len(pyogrio.read_dataframe(tmp_path / "z.gpkg")) == len(read_table(sample_study, "zones"))
    r = run("export", str(sample_study), "nothere", str(tmp_path / "x.csv"), "--lang", "en")
    assert r.returncode == 1 and "no layer 'nothere'" in r.stderr
    r = run("export", str(sample_study), "zones", str(sample_study))  # never over a study
    assert r.returncode == 1
