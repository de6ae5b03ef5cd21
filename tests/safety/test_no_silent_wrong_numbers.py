"""Typed columns end to end and no silent wrong number: unknown codes, empty dates, energy 0, long tables."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Geod

from tests.safety.conftest import build_study, digest, frames, parcel, run_cli
from zonekit.analysis.intensity import land_intensity
from zonekit.errors import InputError
from zonekit.layers.importer import import_layer
from zonekit.layers.study import read_study, read_table
from zonekit.reports import tables as report_tables

GEOD = Geod(ellps="GRS80")


def _area(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def test_an_unknown_code_stays_unknown_and_changes_nothing_else(small_study):
    con = sqlite3.connect(small_study)
    decl = dict(con.execute("SELECT name, type FROM pragma_table_info('landuse')").fetchall())
    stored = [r[0] for r in con.execute("SELECT is_construction FROM landuse ORDER BY parcel_id")]
    con.close()
    assert decl["is_construction"] == "BOOLEAN"
    assert stored == [1, 1, 0, 0, None]  # L4 (code 9999) unknown: missing, never "False"
    lu = read_study(small_study)["landuse"]
    assert lu["is_construction"].dtype == "boolean"
    assert lu.set_index("parcel_id").loc["L4", "analysis_class"] == "unknown"
    ind = land_intensity(read_study(small_study)).indicators.iloc[0]
    assert ind["development_rate"] == pytest.approx(0.5, rel=1e-9)
    assert ind["area_ha"] * 1e4 == pytest.approx(sum(_area(parcel(i)) for i in range(4)), rel=1e-8)


def test_an_unknown_parcel_inside_the_park_counts_as_land_not_as_construction(tmp_path):
    study = build_study(tmp_path / "s.gpkg", unknown_inside=True)
    ind = land_intensity(read_study(study)).indicators.iloc[0]
    assert ind["development_rate"] == pytest.approx(2 / 5, rel=1e-9)
    assert ind["unknown_ha"] * 1e4 == pytest.approx(_area(parcel(4)), rel=1e-8)


def test_booleans_stored_as_text_by_older_studies_are_read_as_booleans(small_study):
    lu = read_table(small_study, "landuse")
    legacy = lu.assign(
        is_construction=lu["is_construction"].map({True: "True", False: "False"}).astype(object)
    )
    pyogrio.write_dataframe(legacy, small_study, layer="landuse")  # what the old importer left
    con = sqlite3.connect(small_study)
    assert con.execute("SELECT typeof(is_construction) FROM landuse LIMIT 1").fetchone()[0] == "text"
    con.close()
    ind = land_intensity(read_study(small_study)).indicators.iloc[0]
    assert ind["development_rate"] == pytest.approx(0.5, rel=1e-9)


def test_empty_dates_are_missing_not_rejected(small_study, tmp_path):
    src = tmp_path / "versions.gpkg"
    versions = gpd.GeoDataFrame(
        {
            "zone_id": ["Z1", "Z1"],
            "version": [1, 2],
            "valid_from": pd.to_datetime(["2015-01-01", "2021-06-01"]),
            "valid_to": pd.to_datetime(["2021-05-31", None]),  # the current version is open-ended
        },
        geometry=[shapely.box(120, 32, 120.01, 32.002), shapely.box(120, 32, 120.012, 32.002)],
        crs=4490,
    )
    pyogrio.write_dataframe(versions, src)
    report = import_layer(src, small_study, as_="zone_versions")
    assert (report.loaded, report.rejected) == (2, 0)
    zv = read_study(small_study)["zone_versions"]
    assert zv["valid_to"].isna().tolist() == [False, True]
    assert zv["valid_from"].tolist() == [pd.Timestamp("2015-01-01"), pd.Timestamp("2021-06-01")]
    con = sqlite3.connect(small_study)
    decl = dict(con.execute("SELECT name, type FROM pragma_table_info('zone_versions')").fetchall())
    con.close()
    assert decl["valid_from"] == decl["valid_to"] == "DATE"


def test_replace_that_would_load_nothing_keeps_the_layer(small_study, tmp_path, capsys):
    bad = frames()["parks"].assign(park_id=[None])  # every feature lacks its id
    bad.to_file(tmp_path / "bad.geojson")
    empty = frames()["parks"].iloc[:0]
    empty.to_file(tmp_path / "empty.geojson")
    before = digest(small_study)
    for src in ("bad.geojson", "empty.geojson"):
        code = run_cli("import", tmp_path / src, "--into", small_study, "--as", "parks", "--replace")
        assert code == 1
    err = " ".join(capsys.readouterr().err.split())  # the message is wrapped for the terminal
    assert "全部 1 个要素均被拒收" in err and "园区代码 为空" in err  # the reason said in Chinese too
    assert "其中没有要素" in err and "图层保留" in err
    assert digest(small_study) == before
    with pytest.raises(InputError):
        import_layer(bad, small_study, as_="parks", mode="replace")


def test_an_empty_layer_gives_a_clear_message_from_every_analysis(small_study, capsys):
    lu = read_table(small_study, "landuse")
    pyogrio.write_dataframe(lu.iloc[:0], small_study, layer="landuse")  # emptied in QGIS
    assert run_cli("intensity", small_study, "--out", small_study.with_name("i.xlsx")) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "'landuse' 图层为空" in err and "Traceback" not in err
    assert run_cli("atlas", small_study, "--out", small_study.with_name("atlas")) == 0


def test_energy_zero_gives_an_empty_cell_with_its_reason(tmp_path):
    study = build_study(tmp_path / "s.gpkg", energy_zero=True)
    out = tmp_path / "i.xlsx"
    assert run_cli("intensity", study, "--out", out, "--lang", "en") == 0
    ws = openpyxl.load_workbook(out)["mujun"]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    by_id = {r[head.index("enterprise_id")]: r for r in rows[1:]}
    assert by_id["E1"][head.index("tax_per_energy")] is None
    assert "energy_tce is 0" in by_id["E1"][head.index("notes")]
    assert by_id["E2"][head.index("tax_per_energy")] == pytest.approx(60.0 / 20.0)
    assert run_cli("atlas", study, "--out", tmp_path / "atlas") == 0


def test_no_infinity_reaches_a_workbook_and_the_metadata_says_why(tmp_path):
    out = tmp_path / "t.xlsx"
    df = pd.DataFrame({"id": ["a", "b", "c"], "ratio": [1.5, np.inf, -np.inf]})
    report_tables.write_tables({"t": df}, out, main="t", lang="en")
    wb = openpyxl.load_workbook(out)
    assert [r[1] for r in wb["t"].iter_rows(min_row=2, values_only=True)] == [1.5, None, None]
    notes = [v for k, v in wb["metadata"].iter_rows(min_row=2, values_only=True) if k.startswith("note")]
    assert notes == ["table t, column ratio: 2 value(s) were infinite (a ratio over zero) and are left empty"]
    csv = tmp_path / "t.csv"
    report_tables.write_tables({"t": df}, csv, main="t", lang="en")
    assert "inf" not in csv.read_text(encoding="utf-8-sig")


def test_a_table_longer_than_a_sheet_continues_on_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(report_tables, "XLSX_MAX_ROWS", 10)
    out = tmp_path / "long.xlsx"
    df = pd.DataFrame({"parcel_id": [f"L{i}" for i in range(25)], "area_m2": np.arange(25.0)})
    report_tables.write_tables({"parcels": df}, out, main="parcels", lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["parcels", "parcels (2)", "parcels (3)", "metadata"]
    ids = [r[0] for name in wb.sheetnames[:3] for r in wb[name].iter_rows(min_row=2, values_only=True)]
    assert ids == df["parcel_id"].tolist()
    notes = [v for k, v in wb["metadata"].iter_rows(min_row=2, values_only=True) if k.startswith("note")]
    assert notes and "25 rows" in notes[0] and "2 sheet(s)" in notes[0]


def test_the_bundled_sample_stores_booleans_as_booleans(sample_study):
    con = sqlite3.connect(f"{sample_study.resolve().as_uri()}?mode=ro", uri=True)
    kinds = dict(con.execute("SELECT typeof(is_construction), count(*) FROM landuse GROUP BY 1").fetchall())
    con.close()
    assert set(kinds) == {"integer", "null"} and kinds["null"] == 3  # the three parcels with code 201
