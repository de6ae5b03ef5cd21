"""Hostile and broken sources: each gives a clean error naming the real cause, or a correct import.

Every file here is made the way the broken original comes about: a download cut short, an archive
packed on a Unix machine with links in it, a CSV edited by hand, a GeoJSON whose properties carry a
``fid``, a .prj written by a tool that left out the datum.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from zonekit import import_layer
from zonekit.analysis.config import load_config
from zonekit.errors import CRSError, InputError, SourceReadError, UnsafeArchiveError
from zonekit.geo import archive
from zonekit.geo.encoding import SHAPEFILE_PARTS
from zonekit.layers.study import read_table
from zonekit.vocabulary.messages import using


@contextlib.contextmanager
def warnings_as_list():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


PARKS = gpd.GeoDataFrame(
    {"park_id": ["P1", "P2"], "zone_id": ["Z1", "Z1"], "name": ["甲园", "乙园"], "kind": ["main", "sub"]},
    geometry=[shapely.box(120.80, 32.00, 120.81, 32.01), shapely.box(120.82, 32.00, 120.83, 32.01)],
    crs=4490,
)


def _shapefile(folder: Path, stem: str = "parks") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / f"{stem}.shp"
    PARKS.to_file(shp, encoding="utf-8")
    return shp


def _zip_of(shp: Path, target: Path) -> zipfile.ZipFile:
    zf = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
    for suffix in SHAPEFILE_PARTS:
        zf.write(shp.with_suffix(suffix), shp.with_suffix(suffix).name)
    return zf


# archives ---------------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_said_to_be_one(tmp_path, study):
    bad = tmp_path / "园区.zip"
    bad.write_text("<html>404 Not Found</html>")  # what a failed download saves
    with pytest.raises(UnsafeArchiveError, match="not a complete zip archive") as err:
        import_layer(bad, study, as_="parks")
    assert str(bad) in str(err.value) and not study.exists()


def test_a_zip_cut_short_is_said_to_be_incomplete(tmp_path, study):
    whole = tmp_path / "whole.zip"
    _zip_of(_shapefile(tmp_path / "src"), whole).close()
    cut = tmp_path / "园区.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(UnsafeArchiveError, match="not a complete zip archive"):
        import_layer(cut, study, as_="parks")


def test_a_symbolic_link_in_an_archive_is_refused_without_a_temporary_path(tmp_path, study):
    shp = _shapefile(tmp_path / "src")
    packed = tmp_path / "linked.zip"
    with zipfile.ZipFile(packed, "w") as zf:
        link = zipfile.ZipInfo("data")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc")
        for suffix in SHAPEFILE_PARTS:
            zf.write(shp.with_suffix(suffix), f"data/{shp.with_suffix(suffix).name}")
    with pytest.raises(UnsafeArchiveError, match="symbolic link") as err:
        import_layer(packed, study, as_="parks")
    assert "zonekit-" not in str(err.value) and str(packed) in str(err.value)


def test_members_that_expand_a_thousandfold_are_a_bomb(tmp_path, study):
    packed = tmp_path / "bomb.zip"
    with _zip_of(_shapefile(tmp_path / "src"), packed) as zf:
        for i in range(3):
            zf.writestr(f"pad{i}.bin", b"\0" * (2 << 20))  # 2 MiB of zeros packs into ~2 KiB
    assert packed.stat().st_size < 50_000
    with pytest.raises(UnsafeArchiveError, match="zip bomb"):
        import_layer(packed, study, as_="parks")


def test_an_archive_of_too_many_members_is_refused(tmp_path, study, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 8)
    packed = tmp_path / "many.zip"
    with _zip_of(_shapefile(tmp_path / "src"), packed) as zf:
        for i in range(5):
            zf.writestr(f"readme{i}.txt", "x")
    with pytest.raises(UnsafeArchiveError, match="10 members, more than the limit of 8"):
        import_layer(packed, study, as_="parks")


# files that are not files -----------------------------------------------------------------------------


def test_a_fifo_is_refused_instead_of_waited_on(tmp_path, study):
    fifo = tmp_path / "parks.geojson"
    os.mkfifo(fifo)
    with pytest.raises(SourceReadError, match="not a regular file"):
        import_layer(fifo, study, as_="parks")
    assert not study.exists()


def test_a_shapefile_whose_dbf_is_a_fifo_is_refused(tmp_path, study):
    shp = _shapefile(tmp_path / "src")
    shp.with_suffix(".dbf").unlink()
    os.mkfifo(shp.with_suffix(".dbf"))
    with pytest.raises(SourceReadError, match="not a regular file") as err:
        import_layer(shp, study, as_="parks")
    assert "parks.dbf" in str(err.value)


# text tables ------------------------------------------------------------------------------------------

WKT_A = "POLYGON((120.8 32,120.81 32,120.81 32.01,120.8 32))"
WKT_B = "POLYGON((120.82 32,120.83 32,120.83 32.01,120.82 32))"


def test_ragged_csv_records_are_rejected_with_their_real_cause(tmp_path, study):
    src = tmp_path / "parks.csv"
    src.write_text(
        "park_id,zone_id,name,kind,wkt\n"
        f'P1,Z1,甲园,main,"{WKT_A}",stray\n'  # one field too many: would shift every value right
        f'P2,Z1,乙园,sub,"{WKT_B}"\n'
        "P3,Z1\n",  # cut short
        encoding="utf-8",
    )
    report = import_layer(src, study, as_="parks", crs="EPSG:4490")
    assert (report.read, report.loaded, report.rejected) == (3, 1, 2)
    rejected = read_table(study, "parks_rejected").set_index("src_park_id")["reason"]
    assert rejected["P1"] == "record 1 has 6 fields where the header has 5 (a stray delimiter or quote)"
    assert rejected["P3"] == "record 3 has 2 fields where the header has 5 (a stray delimiter or quote)"
    loaded = read_table(study, "parks")
    assert loaded["park_id"].tolist() == ["P2"] and loaded["name"].tolist() == ["乙园"]


def test_an_unclosed_quote_names_the_line_where_it_opens(tmp_path, study):
    src = tmp_path / "parks.csv"
    src.write_text(
        f'park_id,zone_id,name,kind,wkt\nP1,Z1,甲园,main,"{WKT_A}"\nP2,Z1,"乙园,sub,"{WKT_B}"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceReadError, match="Near line 3 of the CSV a quote opens and never closes"):
        import_layer(src, study, as_="parks", crs="EPSG:4490")


def test_a_semicolon_csv_is_read_by_its_own_delimiter(tmp_path, study):
    src = tmp_path / "parks.csv"
    src.write_text(f'park_id;zone_id;name;kind;wkt\nP1;Z1;甲园, 一期;main;"{WKT_A}"\n', encoding="utf-8")
    report = import_layer(src, study, as_="parks", crs="EPSG:4490")
    assert report.loaded == 1 and read_table(study, "parks")["name"].tolist() == ["甲园, 一期"]


# column names a GeoPackage cannot hold ----------------------------------------------------------------


def test_a_fid_property_and_names_equal_but_for_case_are_kept_renamed(tmp_path, study):
    src = tmp_path / "parks.geojson"
    PARKS.assign(fid=["a-1", "a-2"], Name=["x", "y"]).to_file(src, driver="GeoJSON")
    report = import_layer(src, study, as_="parks")
    assert report.loaded == 2
    stored = read_table(study, "parks").set_index("park_id")
    assert stored.loc["P1", "fid_source"] == "a-1" and stored.loc["P2", "Name_2"] == "y"
    assert stored.loc["P1", "name"] == "甲园"
    assert any("fid → fid_source" in n and "Name → Name_2" in n for n in report.notes)


# coordinate systems -----------------------------------------------------------------------------------


def test_a_prj_without_its_datum_stops_with_the_crs_fix_and_imports_with_it(tmp_path, study):
    shp = _shapefile(tmp_path / "src")
    shp.with_suffix(".prj").write_text(
        'GEOGCS["CGCS2000 as a tool wrote it",PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
    )
    with pytest.raises(CRSError, match="cannot be understood") as err:
        import_layer(shp, study, as_="parks")
    assert "--crs" in str(err.value) and not study.exists()
    report = import_layer(shp, study, as_="parks", crs="EPSG:4490")
    assert report.loaded == 2 and report.source_crs == "EPSG:4490"


# configuration files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[scoring]\ncap = "100"\n', r"scoring\.cap should be a number, but the file gives a text \('100'\)"),
        ("[scorng]\ncap = 100\n", "scorng is not a setting of the intensity configuration"),
        ('[scoring]\ngrades = [[85.0, "A"], ["x", "B"]]\n', r"scoring\.grades\[1\]\[0\] should be a number"),
        ('[scoring]\ngrades = [[85.0, "A", 1]]\n', r"scoring\.grades\[0\] should have 2 items"),
        ('[weights]\ndevelopment_rate = "high"\n', r"weights\.development_rate should be a table"),
    ],
)
def test_a_configuration_of_the_wrong_kinds_is_refused_by_name(tmp_path, text, match):
    cfg = tmp_path / "mine.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        load_config("intensity", cfg)


def test_a_configuration_may_add_industries_and_grades(tmp_path):
    cfg = tmp_path / "mine.toml"
    cfg.write_text(
        '[control.far_min]\nC40 = 1.1\n[control.investment_min."一等"]\ndefault = 3000.0\nC26 = 4000\n'
        "[mujun]\nbenchmarks = { tax_per_mu = 24.0 }\n",
        encoding="utf-8",
    )
    got = load_config("intensity", cfg)
    assert got["control"]["far_min"]["C40"] == 1.1 and got["control"]["far_min"]["C26"] == 0.6
    assert got["control"]["investment_min"]["一等"]["C26"] == 4000
    assert got["mujun"]["benchmarks"]["tax_per_mu"] == 24.0


# enclave shares ---------------------------------------------------------------------------------------


def test_enclave_shares_as_people_write_them_and_the_impossible_ones(tmp_path, study):
    src = tmp_path / "飞地分成.csv"
    src.write_text(
        "园区代码,飞出地代码,飞入地代码,指标,飞出地比例,飞入地比例,起始日期,终止日期\n"
        "P1,320500,320614,tax,60%,40%,2019年1月1日,2023/12/31\n"
        "P1,320500,320614,tax,0.5,0.5,45292,\n"  # an Excel day number: 2024-01-01
        "P1,320500,320614,gdp,1.7,-0.7,2019-01-01,\n"
        "P1,320500,320614,investment,1e400,0.3,2019-01-01,\n"
        "P1,320500,320614,revenue,0.3,0.3,2019-01-01,\n"
        "P1,320500,320614,fdi,０.７,０.３,20190101,\n"  # full-width digits
        "P2,320500,320614,tax,0.6,0.4,2019-01-01,\n"
        "P2,320500,320614,tax,0.5,0.5,2020-01-01,\n",  # overlaps the open period before it
        encoding="utf-8",
    )
    report = import_layer(src, study, as_="enclaves")
    assert (report.loaded, report.rejected) == (4, 4)
    kept = read_table(study, "enclaves").sort_values(["park_id", "metric", "valid_from"])
    assert kept[["park_id", "metric", "home_share", "host_share"]].values.tolist() == [
        ["P1", "fdi", 0.7, 0.3],
        ["P1", "tax", 0.6, 0.4],
        ["P1", "tax", 0.5, 0.5],
        ["P2", "tax", 0.6, 0.4],
    ]
    days = [f"{d:%Y-%m-%d}" for d in pd.to_datetime(kept["valid_from"])]
    assert days == ["2019-01-01", "2019-01-01", "2024-01-01", "2019-01-01"]
    assert f"{pd.to_datetime(kept['valid_to']).iloc[1]:%Y-%m-%d}" == "2023-12-31"
    why = read_table(study, "enclaves_rejected").set_index("src_指标")["reason"]
    assert why["gdp"] == (
        "home_share 1.7 is not between 0 and 1 (0%–100%); host_share -0.7 is not between 0 and 1 (0%–100%)"
    )
    assert why["investment"].startswith("home_share '1e400' is not a finite number")
    assert why["revenue"] == "home_share 0.3 and host_share 0.3 add up to 0.6, not 1"
    assert why["tax"] == "tax shares of P2 from 2020-01-01 overlap the period from 2019-01-01"


# value maps -------------------------------------------------------------------------------------------


def test_values_are_mapped_column_by_column(tmp_path, study):
    src = tmp_path / "parks.geojson"
    PARKS.assign(kind=["综合园区", "分园"], level=["x", "y"]).to_file(src, driver="GeoJSON")
    values = tmp_path / "values.toml"
    values.write_text(
        '[values.kind]\n"综合园区" = "main"\n"分园" = "sub"\n[values.zone_type]\n"经开区" = "etdz"\n',
        encoding="utf-8",
    )
    report = import_layer(src, study, as_="parks", values=values)
    assert read_table(study, "parks").set_index("park_id")["kind"].to_dict() == {"P1": "main", "P2": "sub"}
    note = next(n for n in report.notes if n.startswith("values replaced"))
    assert "kind: 综合园区 → main ×1" in note and "zone_type: not in the source" in note
    bad = tmp_path / "bad.toml"
    bad.write_text('[values]\nkind = "main"\n', encoding="utf-8")
    with pytest.raises(InputError, match="one table per column"):
        import_layer(src, tmp_path / "other.gpkg", as_="parks", values=bad)


# --replace keeps the replaced layer -------------------------------------------------------------------


def test_replace_keeps_the_previous_layer_whole_and_indexed(tmp_path, study):
    import_layer(PARKS, study, as_="parks")
    second = PARKS.assign(name=["甲园二期", "乙园二期"])
    import_layer(second, study, as_="parks", mode="replace")
    previous = read_table(study, "parks_previous").set_index("park_id")
    assert previous["name"].to_dict() == {"P1": "甲园", "P2": "乙园"}
    assert read_table(study, "parks").set_index("park_id")["name"].to_dict() == {
        "P1": "甲园二期",
        "P2": "乙园二期",
    }
    # its R-tree answers a bbox query (GDAL uses it), and the file is sound
    near_p1 = pyogrio.read_dataframe(study, layer="parks_previous", bbox=(120.79, 31.99, 120.815, 32.02))
    assert near_p1["park_id"].tolist() == ["P1"]
    assert pyogrio.read_info(study, layer="parks_previous")["features"] == 2
    with sqlite3.connect(study) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # a third import keeps the second as previous
    import_layer(PARKS.assign(name=["三", "四"]), study, as_="parks", mode="replace")
    assert read_table(study, "parks_previous")["name"].tolist() == ["甲园二期", "乙园二期"]
    np.testing.assert_allclose(
        shapely.bounds(read_table(study, "parks_previous").geometry.values),
        shapely.bounds(PARKS.geometry.values),
    )


# the workflow: a dry run, and a folder of county files --------------------------------------------------


def _county(folder: Path, name: str, ids: list[str], dx: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    gdf = gpd.GeoDataFrame(
        {"park_id": ids, "zone_id": "Z1", "name": [f"{name}{i}" for i in ids], "kind": "sub"},
        geometry=[
            shapely.box(120.8 + dx + 0.02 * k, 32.0, 120.81 + dx + 0.02 * k, 32.01) for k in range(len(ids))
        ],
        crs=4490,
    )
    path = folder / f"{name}.shp"
    gdf.to_file(path, encoding="utf-8")
    return path


def test_a_folder_of_county_files_goes_into_one_layer_each_file_recorded(tmp_path, study):
    from zonekit import import_layers
    from zonekit.geo.io import expand_sources

    folder = tmp_path / "县"
    _county(folder, "通州", ["T1", "T2"], 0.0)
    _county(folder, "海门", ["H1"], 0.1)
    (folder / "说明.txt").write_text("三调成果,2019 年", encoding="utf-8")
    sources = expand_sources([folder])
    assert [p.name for p in sources] == ["海门.shp", "通州.shp"]
    reports = import_layers(sources, study, as_="parks")
    assert [(Path(r.source).name, r.loaded, r.import_id) for r in reports] == [
        ("海门.shp", 1, 1),
        ("通州.shp", 2, 2),
    ]
    assert sorted(read_table(study, "parks")["park_id"]) == ["H1", "T1", "T2"]
    imports = read_table(study, "zonekit_imports")
    assert imports["loaded"].tolist() == [1, 2] and imports["mode"].tolist() == ["create", "append"]


def test_an_id_in_two_county_files_leaves_the_study_unchanged(tmp_path, study):
    from zonekit import import_layers
    from zonekit.errors import DuplicateIdError

    import_layer(PARKS, study, as_="parks")
    a = _county(tmp_path / "县", "通州", ["T1", "X"], 0.0)
    b = _county(tmp_path / "县", "海门", ["X"], 0.1)
    with pytest.raises(DuplicateIdError) as err:
        import_layers([a, b], study, as_="parks", mode="replace")
    assert "通州.shp" in str(err.value) and "海门.shp" in str(err.value) and "X" in str(err.value)
    assert read_table(study, "parks")["park_id"].tolist() == ["P1", "P2"]
    assert "parks_previous" not in pyogrio.list_layers(study)[:, 0]


def test_inspect_says_what_import_would_decide_and_writes_nothing(tmp_path):
    from zonekit import inspect

    src = tmp_path / "parks.csv"
    src.write_text(
        f'park_id,zone_id,name,kind,wkt\nP1,Z1,甲园,main,"{WKT_A}",stray\nP2,Z1,乙园,sub,"{WKT_B}"\n'
    )
    before = sorted(p.name for p in tmp_path.iterdir())
    found = inspect(src, as_="parks")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no study, no staging file
    assert (found.report.read, found.report.loaded, found.report.rejected) == (2, 1, 1)
    assert found.sample["park_id"].tolist() == ["P2"] and found.sample["geometry"].tolist() == [
        "MultiPolygon"
    ]
    geod_ha = abs(pyproj.Geod(ellps="GRS80").geometry_area_perimeter(shapely.from_wkt(WKT_B))[0]) / 1e4
    assert found.sample["area_ha"].iloc[0] == pytest.approx(geod_ha, rel=1e-6)
    assert found.rejected["src_park_id"].tolist() == ["P1"]
    assert any("no coordinate system in the file" in w for w in found.warnings)
    assert "nothing was written" in found.summary()


def test_inspect_on_the_command_line(tmp_path, capsys):
    from zonekit.cli.main import cli

    shp = _shapefile(tmp_path / "src")
    old = sys.argv
    sys.argv = ["zonekit", "inspect", str(shp), "--as", "parks", "--lang", "en"]
    try:
        with pytest.raises(SystemExit) as done:
            cli()
    finally:
        sys.argv = old
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert "read 2 = loaded 2 + rejected 0" in out and "甲园" in out and "nothing was written" in out
    assert list((tmp_path / "src").glob("*.gpkg")) == []


# hints and reports ------------------------------------------------------------------------------------


ZONE = gpd.GeoDataFrame(
    {"zone_id": ["Z1"], "name": ["开发区"], "level": ["national"], "type": ["etdz"]},
    geometry=[shapely.box(120.80, 32.00, 120.86, 32.03)],
    crs=4490,
)
HALVES = [shapely.box(120.80, 32.00, 120.83, 32.03), shapely.box(120.83, 32.00, 120.86, 32.03)]


def _parks_on(geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"park_id": ["P1", "P2"], "zone_id": "Z1", "name": ["甲", "乙"], "kind": ["main", "sub"]},
        geometry=list(geoms),
        crs=4490,
    )


def test_parks_still_on_amap_are_said_to_carry_the_gcj02_offset(study):
    from zonekit.errors import PositionWarning
    from zonekit.geo.offsets import apply_offset

    import_layer(ZONE, study, as_="zones")
    with pytest.warns(PositionWarning, match="--from gcj02 --replace") as said:
        report = import_layer(_parks_on(apply_offset(HALVES, "gcj02")), study, as_="parks")
    gap = float(str(said[0].message).split("about ")[1].split(" m")[0])
    assert 150 < gap < 800  # GCJ-02 moves Nantong by a few hundred metres
    assert any(n.startswith("parks lies about") and "with that offset removed" in n for n in report.notes)
    # with --from gcj02 the parks meet the zone, and nothing is said
    with warnings_as_list() as caught:
        fixed = import_layer(
            _parks_on(apply_offset(HALVES, "gcj02")), study, as_="parks", from_="gcj02", mode="replace"
        )
    assert not [w for w in caught if issubclass(w.category, PositionWarning)]
    assert not any("offset" in n for n in fixed.notes)


def test_a_study_layer_on_amap_is_named_as_the_one_to_fix(study):
    from zonekit.errors import PositionWarning
    from zonekit.geo.offsets import apply_offset

    import_layer(ZONE.assign(geometry=apply_offset(ZONE.geometry.values, "gcj02")), study, as_="zones")
    with pytest.warns(PositionWarning, match="Import zones again with --from gcj02"):
        import_layer(_parks_on(HALVES), study, as_="parks")


def test_unrelated_layers_get_no_offset_hint(study):
    from zonekit.errors import PositionWarning

    import_layer(ZONE, study, as_="zones")
    inside = [shapely.box(120.811, 32.004, 120.823, 32.011), shapely.box(120.836, 32.013, 120.851, 32.024)]
    with warnings_as_list() as caught:
        import_layer(_parks_on(inside), study, as_="parks")
    assert not [w for w in caught if issubclass(w.category, PositionWarning)]


def test_parcels_only_near_the_park_lines_get_no_offset_hint(study):
    """A shift that brings parcels near the park lines, but none onto them, proves nothing: no advice to
    re-import the parks (a file of a county beside a park gave "the study's parks carry BD-09")."""
    from zonekit.errors import PositionWarning
    from zonekit.geo.offsets import apply_offset

    import_layer(ZONE, study, as_="zones")
    import_layer(_parks_on(HALVES), study, as_="parks")

    def grid(x0: float, y0: float) -> list:
        d = 0.003
        return [
            shapely.box(x0 + i * d, y0 + j * d, x0 + (i + 1) * d, y0 + (j + 1) * d)
            for i in range(20)
            for j in range(10)
        ]

    def parcels(boxes) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {"parcel_id": [f"L{k}" for k in range(len(boxes))], "land_use_code": "0601"},
            geometry=list(boxes),
            crs=4490,
        )

    near = apply_offset(grid(120.80013, 32.00011), "bd09")  # 12 m off every park line, then shifted
    with warnings_as_list() as caught:
        report = import_layer(parcels(near), study, as_="landuse", code_system="sandiao")
    assert not [w for w in caught if issubclass(w.category, PositionWarning)]
    assert not any("offset" in n for n in report.notes)
    cut = apply_offset(grid(120.80, 32.00), "bd09")  # cut along the park lines, then shifted: said
    with pytest.warns(PositionWarning, match="--from bd09"):
        import_layer(parcels(cut), study, as_="landuse", code_system="sandiao", mode="replace")


def test_empty_columns_an_analysis_needs_are_named(study):
    report = import_layer(ZONE, study, as_="zones")
    assert "county_adcode is empty: the one-county-one-zone rule cannot group zones by county" in report.notes
    with using("zh"):
        assert "所在县代码(county_adcode)为空:一县一区规则无法按县归并" in report.summary()


def test_the_summary_names_rejected_features_and_repairs_in_hectares_and_mu(study):
    bow_tie = shapely.Polygon([(120.80, 32.00), (120.81, 32.01), (120.81, 32.00), (120.80, 32.01)])
    parks = gpd.GeoDataFrame(
        {
            "park_id": ["P1", "P2", "P3", "P4"],
            "zone_id": "Z1",
            "name": ["甲", "乙", "丙", "丁"],
            "kind": "main",
        },
        geometry=[
            bow_tie,
            shapely.box(120.82, 32.0, 120.83, 32.01),
            shapely.Point(120.8, 32.0),
            shapely.Point(120.9, 32.1),
        ],
        crs=4490,
    )
    report = import_layer(parks.assign(kind=["main", "main", "main", "main"]), study, as_="parks")
    assert report.rejected_examples == {"not a polygon (Point)": ["P3", "P4"]}
    text = report.summary()
    assert "rejected  2 × not a polygon (Point)  (e.g. P3, P4; kept in parks_rejected)" in text
    repairs = read_table(study, "zonekit_repairs")
    assert repairs["feature_id"].tolist() == ["P1"]
    np.testing.assert_allclose(repairs["area_change_ha"], repairs["area_change_m2"] / 1e4)
    np.testing.assert_allclose(repairs["area_change_mu"], repairs["area_change_m2"] / (1e4 / 15))
    assert " ha, " in text and " mu)" in text


def test_gcj02_is_said_in_chinese(tmp_path, study):
    src = tmp_path / "企业.csv"
    src.write_text("统一社会信用代码,name,经度,纬度\n91320600MA1X,甲,120.8,32.0\n", encoding="utf-8")
    report = import_layer(src, study, as_="enterprises", from_="gcj02")
    with using("zh"):
        assert "GCJ-02 经纬度(高德/腾讯)" in report.summary()


def test_new_geopackages_are_version_1_3_for_qgis_3_22(tmp_path, study):
    from zonekit import export

    import_layer(PARKS, study, as_="parks")
    out = tmp_path / "out.gpkg"
    export(study, "parks", out)
    for path in (study, out):
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
            assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"


def test_a_zipped_geodatabase_of_two_layers_names_the_archive_not_a_temporary_folder(tmp_path, study):
    gdb = tmp_path / "两层.gdb"
    PARKS.to_file(gdb, layer="parks", driver="OpenFileGDB")
    PARKS.to_file(gdb, layer="zones", driver="OpenFileGDB")
    packed = tmp_path / "两层.gdb.zip"
    with zipfile.ZipFile(packed, "w") as zf:
        for part in gdb.iterdir():
            zf.write(part, f"两层.gdb/{part.name}")
    with pytest.raises(SourceReadError, match="2 layers: parks, zones") as err:
        import_layer(packed, study, as_="parks")
    assert str(err.value).startswith(f"{packed}!两层.gdb") and "zonekit-" not in str(err.value)
    assert import_layer(packed, study, as_="parks", layer="parks").loaded == 2
