"""The command line: exit codes, messages and outputs, run in-process with click's CliRunner.

Two smoke tests (marked ``process``) start the installed console script in a fresh process, as users do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

import zonekit
from tests.conftest import squares
from zonekit.cli.main import main

ZONEKIT = [str(Path(sys.executable).with_name("zonekit"))]


def spawn(*args: str) -> subprocess.CompletedProcess:
    """The installed console script in a fresh process."""
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    return subprocess.run([*ZONEKIT, *args], capture_output=True, text=True, env=env, timeout=300)


def run(*args: str) -> SimpleNamespace:
    """The command group in this process; the same exit codes and streams as the console script."""
    result = CliRunner().invoke(main, list(args), prog_name="zonekit")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def test_help_teaches():
    r = run("import", "--help")
    assert r.returncode == 0
    for word in (
        "--encoding",
        "--crs",
        "--from",
        "--fields",
        "--code-system",
        "--replace",
        "--append",
        "GBK",
    ):
        assert word in r.stdout


def test_usage_error_exits_2():
    r = run("import", "x.shp")
    assert r.returncode == 2 and "--into" in r.stderr


def test_user_error_exits_1_with_one_paragraph_and_no_traceback(tmp_path):
    r = spawn("import", str(tmp_path / "missing.shp"), "--into", str(tmp_path / "s.gpkg"), "--as", "parks")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n\n") == 0
    text = " ".join(r.stderr.split())  # the paragraph is wrapped to the terminal
    assert "missing.shp" in text and "文件不存在" in text


def test_import_then_check(tmp_path):
    g = squares(2)
    g["park_id"], g["zone_id"], g["name"], g["kind"] = ["A", "B"], "Z", "园", "main"
    src = tmp_path / "parks.gpkg"
    g.drop(columns="id").to_file(src)
    study = tmp_path / "s.gpkg"
    r = spawn("import", str(src), "--into", str(study), "--as", "parks")
    assert r.returncode == 0, r.stderr
    assert "园区(parks):读取 2 = 入库 2 + 拒收 0" in r.stdout
    r = spawn("check", str(study), "--out", str(tmp_path / "c.xlsx"))
    assert r.returncode == 0 and "检查:" in r.stdout and (tmp_path / "c.xlsx").exists()


@pytest.mark.slow
def test_atlas_on_the_bundled_sample(tmp_path):
    out = tmp_path / "atlas"
    r = run("atlas", "--out", str(out), "--year", "2025")
    assert r.returncode == 0, r.stderr
    for name in (
        "study.gpkg",
        "landcover.tif",
        "check.xlsx",
        "check.csv",
        "imports.xlsx",
        "imports.csv",
        "intensity.xlsx",
        "intensity.csv",
        "intensity.gpkg",
        "intensity_zones.xlsx",
        "intensity_zones.csv",
        "overlap.xlsx",
        "overlap.csv",
        "overlap.gpkg",
        "consolidate.xlsx",
        "consolidate.csv",
        "consolidate.gpkg",
        "enclaves.xlsx",
        "enclaves.csv",
        "versions.xlsx",
        "versions.csv",
        "map.html",
        "index.html",
    ):
        assert (out / name).exists(), name
    imports = pd.read_csv(out / "imports.csv", encoding="utf-8-sig")
    assert (imports["读取要素数"] == imports["入库要素数"] + imports["拒收要素数"]).all()
    scope = pd.read_csv(out / "versions.csv", encoding="utf-8-sig")
    assert scope["版本"].tolist() == [1]  # 2025: still the pre-adjustment boundary of 如皋


def test_sample_command(tmp_path):
    r = run("sample", str(tmp_path / "demo"))
    assert r.returncode == 0
    assert (tmp_path / "demo" / "study.gpkg").exists() and (tmp_path / "demo" / "landcover.tif").exists()


@pytest.mark.parametrize("ext", ["xlsx", "csv", "gpkg", "parquet"])
def test_intensity_writes_every_format(tmp_path, sample_study, ext):
    out = tmp_path / f"int.{ext}"
    r = run("intensity", str(sample_study), "--out", str(out), "--by", "zone", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert out.exists() and "NT01" in r.stdout
    if ext == "csv":
        df = pd.read_csv(out, encoding="utf-8-sig")
        assert {"zone_id", "area_ha", "area_mu", "composite_far", "score", "grade"} <= set(df.columns)
        assert (tmp_path / "int.national.csv").exists()


def test_intensity_bad_config_is_a_user_error(tmp_path, sample_study):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scoring\ncap = ", encoding="utf-8")
    r = run("intensity", str(sample_study), "--out", str(tmp_path / "x.xlsx"), "--config", str(bad))
    assert r.returncode == 1 and "bad.toml" in r.stderr and "Traceback" not in r.stderr


def test_intensity_with_raster(tmp_path, sample_study):
    out = tmp_path / "int.csv"
    r = run(
        "intensity",
        str(sample_study),
        "--out",
        str(out),
        "--raster",
        str(sample_study.with_name("landcover.tif")),
    )
    assert r.returncode == 0, r.stderr
    raster = pd.read_csv(tmp_path / "int.raster.csv", encoding="utf-8-sig")
    assert raster["built_share"].between(0.3, 0.9).all()  # the parks are mostly built up
    assert (tmp_path / "int.mujun.csv").exists() and (tmp_path / "int.control.csv").exists()


def test_overlap_command(tmp_path, sample_study):
    out = tmp_path / "o.gpkg"
    r = run(
        "overlap", str(sample_study), "--a", "parks", "--b", "protected", "--b", "admin", "--out", str(out)
    )
    assert r.returncode == 0, r.stderr
    import pyogrio

    pairs = pyogrio.read_dataframe(out, layer="pairs")
    assert {"NT01-1", "NT03-1"} <= set(pairs.loc[pairs["b_layer"] == "protected", "a_id"])
    assert pairs.geometry.notna().all()  # overlap geometries for QGIS
    r = run("overlap", str(sample_study), "--a", "parks", "--b", "nonsense", "--out", str(out))
    assert r.returncode == 2


def test_consolidate_command(tmp_path, sample_study):
    out = tmp_path / "c.csv"
    r = run("consolidate", str(sample_study), "--out", str(out), "--lang", "en")
    assert r.returncode == 0, r.stderr
    groups = pd.read_csv(out, encoding="utf-8-sig")
    cand = pd.read_csv(tmp_path / "c.candidates.csv", encoding="utf-8-sig")
    st = zonekit.read_study(sample_study)
    api = zonekit.consolidate(st["zones"], st["parks"], parcels=st["landuse"], protected=st["protected"])
    assert sorted(groups["zones"]) == sorted(api["groups"]["zones"])  # the file holds what the API computes
    assert len(cand) == len(api["candidates"]) and "absorb" in set(groups["suggested_action"])
    zh = tmp_path / "zh.csv"
    assert run("consolidate", str(sample_study), "--out", str(zh)).returncode == 0
    zh_groups = pd.read_csv(zh, encoding="utf-8-sig")
    assert "整合吸收" in set(zh_groups["建议措施"])  # Chinese headers and values
    assert "调整边界、整合或退出" in set(zh_groups["全部措施"]) and "占用红线或基本农田" in "".join(
        zh_groups["触发规则"]
    )


def test_overlap_findings_preset(tmp_path, sample_study):
    out = tmp_path / "f.xlsx"
    r = run("overlap", str(sample_study), "--preset", "findings", "--out", str(out))
    assert r.returncode == 0, r.stderr
    import openpyxl

    assert "园区占用红线与基本农田" in openpyxl.load_workbook(out).sheetnames
    assert run("overlap", str(sample_study), "--out", str(out)).returncode == 2


def test_control_sequences_in_names_never_reach_the_terminal(sample_study, tmp_path):
    """A park name carrying an OSC 52 clipboard write and a bidi override is printed escaped."""
    import shutil

    import pyogrio

    path = tmp_path / "s.gpkg"
    shutil.copy(sample_study, path)
    parks = pyogrio.read_dataframe(path, layer="parks")
    parks.loc[0, "name"] = "园区\x1b]52;c;ZXZpbA==\x07\u202eA"
    pyogrio.write_dataframe(parks, path, layer="parks", driver="GPKG")
    res = CliRunner().invoke(main, ["intensity", str(path), "--out", str(tmp_path / "i.csv"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x07" not in res.output and "\u202e" not in res.output
    assert "\\x1b]52;c;ZXZpbA==\\x07" in res.output


def test_info_lists_layers_counts_and_imports_without_reading_features(sample_study):
    r = run("info", str(sample_study))
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    landuse = next(line for line in lines if line.split()[:1] == ["landuse"])
    assert landuse.split()[1] == str(pyogrio.read_info(sample_study, layer="landuse")["features"])
    assert "要素数" in r.stdout and "最近的导入" in r.stdout
    assert "data/generate_sample.py(示意地块)" in r.stdout and "<frame>" not in r.stdout
    imports = lines[lines.index("最近的导入:") + 1 :]
    assert any("新建" in line for line in imports) and not any(" create " in line for line in imports)
    sources = pyogrio.read_dataframe(sample_study, layer="zonekit_imports")["source"]
    assert not any(Path(s).is_absolute() for s in sources)  # no machine paths in the sample's record
    en = run("info", str(sample_study), "--lang", "en")
    assert "features" in en.stdout and "latest imports" in en.stdout


def test_a_command_given_a_kml_says_import_it_first(tmp_path):
    kml = tmp_path / "园区.kml"
    kml.write_text("<kml/>", encoding="utf-8")
    r = run("check", str(kml), "--out", str(tmp_path / "c.xlsx"), "--lang", "en")
    assert r.returncode == 1
    said = " ".join(r.stderr.split())  # wrapped to the terminal's width
    assert "It is a KML file, not a study" in said and "zonekit import 园区.kml --into" in said
