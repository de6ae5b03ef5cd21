"""Dated snapshots of the parcels in a study file, and yearly monitoring over them, through the commands."""

from __future__ import annotations

import shutil
import sqlite3
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from tests.cli.test_cli import run
from zonekit.errors import UnknownCodeWarning
from zonekit.layers.study import list_tables, read_study


@pytest.fixture
def yearly(tmp_path: Path, sample_study: Path) -> tuple[Path, list[str], float]:
    """The sample kept as its 2024 survey; a 2025 survey, imported with --stat-date, where parcels of
    NT01-2 lying in no other park were left idle. Returns the study, those parcels and their area in 公顷."""
    study = tmp_path / "s.gpkg"
    shutil.copy(sample_study, study)
    assert run("snapshot", str(study), "--date", "2024-12-31").returncode == 0
    lu = pyogrio.read_dataframe(study, layer="landuse")
    parks = pyogrio.read_dataframe(study, layer="parks")
    park = parks.loc[parks["park_id"] == "NT01-2", "geometry"].iloc[0]
    others = shapely.union_all(parks.loc[parks["park_id"] != "NT01-2", "geometry"].values)
    inside = lu.geometry.within(park) & ~lu.geometry.intersects(others)
    pick = lu.index[inside & ~lu["idle"].fillna(False).astype(bool) & (lu["build_status"] == "built")][:25]
    assert len(pick) == 25
    lu.loc[pick, "idle"] = True
    src = tmp_path / "2025.gpkg"
    pyogrio.write_dataframe(lu.drop(columns=["analysis_class", "is_construction", "land_use_flag"]), src)
    with warnings.catch_warnings():  # the sample's planted unknown code (201) is said, as on its import
        warnings.simplefilter("ignore", UnknownCodeWarning)
        r = run(
            "import",
            str(src),
            "--into",
            str(study),
            "--as",
            "landuse",
            "--replace",
            "--stat-date",
            "2025-12-31",
        )
    assert r.returncode == 0, r.stderr
    geod = pyproj.Geod(ellps="GRS80")
    ha = sum(abs(geod.geometry_area_perimeter(g)[0]) for g in lu.geometry[pick]) / 1e4
    return study, list(lu.loc[pick, "parcel_id"]), ha


def test_a_snapshot_is_a_whole_layer_of_the_study_with_its_spatial_index(yearly):
    study, _, _ = yearly
    tables = list_tables(study)
    assert {"landuse", "landuse_previous", "landuse_20241231", "landuse_20251231"} <= set(tables)
    info = pyogrio.read_info(study, layer="landuse_20241231")
    assert info["features"] == pyogrio.read_info(study, layer="landuse_previous")["features"]
    with sqlite3.connect(study) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_rtree = con.execute('SELECT count(*) FROM "rtree_landuse_20241231_geom"').fetchone()[0]
    assert n_rtree == info["features"]
    whole = pyogrio.read_dataframe(study, layer="landuse_20241231")
    c = whole.geometry.iloc[len(whole) // 2].centroid
    small = (c.x - 0.01, c.y - 0.01, c.x + 0.01, c.y + 0.01)
    near = pyogrio.read_dataframe(study, layer="landuse_20241231", bbox=small)  # through the copied R-tree
    b = whole.geometry.bounds
    hits = (b.minx <= small[2]) & (b.maxx >= small[0]) & (b.miny <= small[3]) & (b.maxy >= small[1])
    assert 0 < len(near) == int(hits.sum())
    # read as of a date, a snapshot comes back as the layer it is a copy of
    on = read_study(study, layers=["landuse"], on="2025-06-30")
    assert on.snapshots == {"landuse": "landuse_20241231"} and len(on["landuse"]) == info["features"]


def test_monitor_serves_each_date_from_its_snapshot_and_flags_the_park_that_left_land_idle(yearly, tmp_path):
    study, _, ha = yearly
    out = tmp_path / "m.xlsx"
    r = run(
        "monitor",
        str(study),
        "--dates",
        "2024-12-31,2025-06-30,2025-12-31",
        "--out",
        str(out),
        "--lang",
        "en",
    )
    assert r.returncode == 0, r.stderr
    change = pd.read_excel(out, sheet_name="change").set_index("park_id")
    every = pd.read_excel(out, sheet_name="by_date")
    assert every.drop_duplicates("date").set_index("date")["snapshot"].to_dict() == {
        "2024-12-31": "2024-12-31",
        "2025-06-30": "2024-12-31",
        "2025-12-31": "2025-12-31",
    }
    assert change.loc["NT01-2", "G_ha_change"] == pytest.approx(ha, rel=1e-9)
    assert "idle_grew" in change.loc["NT01-2", "flags"]
    others = change.drop(index="NT01-2")
    assert (others["G_ha_change"].abs() < 1e-9).all()
    assert not others["flags"].fillna("").str.contains("idle_grew").any()


def test_monitor_in_chinese_names_the_snapshot_and_the_change(yearly, tmp_path):
    study, _, _ = yearly
    out = tmp_path / "监测.xlsx"
    r = run("monitor", str(study), "--dates", "2024-12-31,2025-12-31", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "闲置土地增加" in r.stdout
    sheets = pd.read_excel(out, sheet_name=None)
    change = next(iter(sheets.values()))
    assert {"闲置土地G变化(公顷)", "集约度分值变化", "等级(首个时点)", "变化提示"} <= set(change.columns)
    by_date = next(v for k, v in sheets.items() if "时点" in k)
    assert "所用快照(地块与企业)" in by_date.columns


def test_a_date_before_the_first_snapshot_is_refused_naming_the_study(yearly, tmp_path):
    study, _, _ = yearly
    r = run("monitor", str(study), "--dates", "2023-12-31,2025-12-31", "--out", str(tmp_path / "m.xlsx"))
    assert r.returncode == 1
    assert "s.gpkg" in r.stderr and "2024-12-31" in r.stderr and "2023-12-31" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "m.xlsx").exists()


def test_stat_date_is_for_parcels_and_enterprises_and_a_failed_import_keeps_no_snapshot(
    tmp_path, sample_study
):
    study = tmp_path / "s.gpkg"
    shutil.copy(sample_study, study)
    before = list_tables(study)
    src = tmp_path / "parks.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(study, layer="parks"), src)
    r = run(
        "import", str(src), "--into", str(study), "--as", "parks", "--replace", "--stat-date", "2025-12-31"
    )
    assert r.returncode == 1 and "--stat-date" in r.stderr
    r = run(
        "import", str(src), "--into", str(study), "--as", "landuse", "--replace", "--stat-date", "2025-13-45"
    )
    assert r.returncode == 1 and "2025-13-45" in r.stderr
    bad = gpd.GeoDataFrame(
        {"parcel_id": ["a", "a"]}, geometry=[shapely.box(120, 32, 120.01, 32.01)] * 2, crs=4490
    )
    pyogrio.write_dataframe(bad, tmp_path / "dup.gpkg")  # a repeated id: the import is refused
    r = run(
        "import", str(tmp_path / "dup.gpkg"), "--into", str(study), "--as", "landuse", "--replace",
        "--stat-date", "2025-12-31",
    )  # fmt: skip
    assert r.returncode == 1
    assert list_tables(study) == before  # neither the layer nor its snapshot


@pytest.mark.parametrize(
    ("command", "option", "given", "bad", "lang", "said"),
    [
        ("snapshot", "--date", "2024-02-30", "2024-02-30", "en", "write the date as YYYY-MM-DD"),
        ("snapshot", "--date", "31.12.2024", "31.12.2024", "zh", "日期请写成 YYYY-MM-DD"),
        ("snapshot", "--date", "2024-12-31,2025-12-31", "2024-12-31,2025-12-31", "en", "write the date as"),
        ("monitor", "--dates", "2024-12-31, 2025-1-32", "2025-1-32", "en", "write each date as YYYY-MM-DD"),
        ("monitor", "--dates", "2024-12-31", None, "zh", "请给出两个或更多统计时点"),
        ("potential", "--date", "2025/12/31", "2025/12/31", "en", "write the statistics date as YYYY-MM-DD"),
    ],
)
def test_a_date_not_written_yyyy_mm_dd_is_a_usage_error_naming_it(
    sample_study, tmp_path, command, option, given, bad, lang, said
):
    """Every command that takes a statistics date checks it the same way, before it opens the study."""
    out = ["--out", str(tmp_path / "o.xlsx")] if command != "snapshot" else []
    before = sample_study.stat().st_mtime_ns
    r = run(command, str(sample_study), option, given, *out, "--lang", lang)
    assert r.returncode == 2 and said in r.stderr
    assert bad is None or repr(bad) in r.stderr
    assert sample_study.stat().st_mtime_ns == before and not (tmp_path / "o.xlsx").exists()
