"""The QGIS plugin in real headless QGIS 3.22 (Debian's ``qgis_process.bin``, offscreen, a fresh profile):
its algorithms listed, intensity giving the command line's figures, zonekit's errors shown as they are,
its styles, and the installable zip. ``make test`` installs QGIS and sets ``ZONEKIT_TEST_QGIS=1``, which
makes a missing QGIS a failure rather than a skip."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest

ROOT = Path(__file__).resolve().parents[2]
QGIS = shutil.which("qgis_process.bin")
ZONEKIT = str(Path(sys.executable).parent / "zonekit")
ALGORITHMS = ("import", "check", "intensity", "overlap", "consolidate", "potential", "map", "atlas")

if QGIS is None and os.environ.get("ZONEKIT_TEST_QGIS"):
    pytest.fail("qgis_process.bin is missing: make test installs Debian's qgis", pytrace=False)
pytestmark = pytest.mark.skipif(QGIS is None, reason="needs Debian's QGIS (make test installs it)")


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> dict[str, str]:
    """The environment of a headless QGIS with a fresh profile and the plugin enabled."""
    home = tmp_path_factory.mktemp("qgis-home")
    env = {
        **os.environ,
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_PLUGINPATH": str(ROOT / "qgis"),
        "XDG_RUNTIME_DIR": str(home),
        "ZONEKIT_EXECUTABLE": ZONEKIT,
        "LANG": "C.UTF-8",
    }
    env.pop("ZONEKIT_CLUSTER", None)
    done = _qgis(env, "plugins", "enable", "zonekit")
    assert done.returncode == 0, done.stderr
    return env


def _qgis(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([QGIS, *args], env=env, capture_output=True, text=True, timeout=600, check=False)


def test_the_algorithms_are_listed(profile):
    done = _qgis(profile, "list")
    assert done.returncode == 0, done.stderr
    for name in ALGORITHMS:
        assert f"zonekit:{name}\t" in done.stdout


def test_in_a_chinese_qgis_the_names_and_messages_are_chinese(profile, tmp_path):
    zh = {**profile, "LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"}
    listed = _qgis(zh, "list")
    assert "zonekit:intensity\t土地集约利用评价" in listed.stdout
    env = {**zh, "ZONEKIT_EXECUTABLE": str(tmp_path / "no-zonekit")}
    done = _qgis(env, "run", "zonekit:check", "--", f"STUDY={tmp_path / 's.gpkg'}")
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode != 0 and "不存在或不可执行" in said and "numpy 版本不同" in said


def test_help_is_the_command_lines(profile):
    done = _qgis(profile, "help", "zonekit:intensity")
    assert done.returncode == 0, done.stderr
    assert "--by [park|zone]" in done.stdout and "BY" in done.stdout


def test_intensity_in_qgis_gives_the_command_lines_figures(profile, sample_study, tmp_path):
    out = tmp_path / "qgis.gpkg"
    done = _qgis(
        profile, "run", "zonekit:intensity", "--", f"STUDY={sample_study}", "BY=park", f"OUTPUT={out}"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    want = tmp_path / "cli.gpkg"
    cli = subprocess.run(
        [ZONEKIT, "intensity", str(sample_study), "--out", str(want), "--lang", "en", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert [n for n, _ in pyogrio.list_layers(out)] == [n for n, _ in pyogrio.list_layers(want)]
    got = pyogrio.read_dataframe(out, layer="indicators", read_geometry=False)
    exp = pyogrio.read_dataframe(want, layer="indicators", read_geometry=False)
    numbers = exp.select_dtypes("number").columns
    assert len(numbers) > 20 and got["park_id"].tolist() == exp["park_id"].tolist()
    np.testing.assert_array_equal(got[numbers].to_numpy(float), exp[numbers].to_numpy(float))
    assert got["grade"].tolist() == exp["grade"].tolist()
    import sqlite3

    with sqlite3.connect(out) as con:  # GeoPackage 1.3: QGIS 3.22 opens it without "partially supported"
        assert con.execute("PRAGMA user_version").fetchone()[0] in (10200, 10300)


def test_import_then_check_in_qgis(profile, sample_study, tmp_path):
    parks = tmp_path / "parks.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(sample_study, layer="parks"), parks)
    study = tmp_path / "new.gpkg"
    done = _qgis(profile, "run", "zonekit:import", "--", f"SOURCE={parks}", f"STUDY={study}", "AS=parks")
    assert done.returncode == 0, done.stdout + done.stderr
    assert pyogrio.read_info(study, layer="parks")["features"] == pyogrio.read_info(parks)["features"]
    assert not list(tmp_path.glob("*.parquet"))  # no store unless asked for
    findings = tmp_path / "f.csv"
    done = _qgis(profile, "run", "zonekit:check", "--", f"STUDY={study}", f"OUTPUT={findings}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert findings.exists()


def test_import_into_a_partitioned_store_in_qgis(profile, sample_study, tmp_path):
    landuse = tmp_path / "dltb.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(sample_study, layer="landuse"), landuse)
    study, store = tmp_path / "new.gpkg", tmp_path / "landuse.parquet"
    done = _qgis(
        profile, "run", "zonekit:import", "--", f"SOURCE={landuse}", f"STUDY={study}", "AS=landuse",
        f"PARTITIONS={store}", "ROWS=10000",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    parts = sorted(store.glob("*.parquet"))
    n = pyogrio.read_info(landuse)["features"]
    assert len(parts) == -(-n // 10000)
    assert sum(pq.read_metadata(p).num_rows for p in parts) == n


def test_zonekits_own_message_when_it_fails(profile, tmp_path):
    missing = tmp_path / "nowhere.gpkg"
    done = _qgis(
        profile, "run", "zonekit:intensity", "--", f"STUDY={missing}", f"OUTPUT={tmp_path / 'o.gpkg'}"
    )
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode != 0
    assert "nowhere.gpkg" in said and "Traceback" not in said


def test_a_missing_zonekit_says_how_to_install_it(profile, sample_study, tmp_path):
    env = {**profile, "ZONEKIT_EXECUTABLE": str(tmp_path / "no-zonekit")}
    done = _qgis(env, "run", "zonekit:check", "--", f"STUDY={sample_study}")
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode != 0
    assert "ZONEKIT_EXECUTABLE" in said and "pip install zonekit" in said and "numpy" in said


def test_styles_by_grade_and_by_kind(tmp_path, sample_study):
    """QGIS's own Python, headless: the plugin's styles on a zonekit output and on the parks."""
    out = tmp_path / "i.gpkg"
    cli = subprocess.run(
        [ZONEKIT, "intensity", str(sample_study), "--out", str(out), "-q"], capture_output=True
    )
    assert cli.returncode == 0
    script = f"""
import sys
sys.path.insert(0, {str(ROOT / "qgis")!r})
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
from zonekit.styles import style
uris = ({str(out)!r} + "|layername=indicators", {str(sample_study)!r} + "|layername=parks")
for uri, name in zip(uris, ("indicators", "parks")):
    layer = QgsVectorLayer(uri, name, "ogr")
    assert layer.isValid(), uri
    style(layer)
    r = layer.renderer()
    print(name, r.type(), r.classAttribute(), sorted(c.value() for c in r.categories()))
"""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")} | {
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        ["/usr/bin/python3", "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    assert lines["indicators"] == "categorizedSymbol grade ['A', 'B', 'C', 'D']"
    assert lines["parks"] == "categorizedSymbol kind ['enclave', 'main', 'sub', 'theme']"


def test_make_qgis_plugin_builds_an_installable_zip(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_qgis_plugin.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    target = Path(done.stdout.strip())
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        meta = configparser.ConfigParser()
        meta.read_string(z.read("zonekit/metadata.txt").decode("utf-8"))
    assert all(n.startswith("zonekit/") for n in names) and not any("__pycache__" in n for n in names)
    assert {"zonekit/__init__.py", "zonekit/provider.py", "zonekit/algorithms.py"} <= set(names)
    assert (
        meta["general"]["hasProcessingProvider"] == "yes" and meta["general"]["qgisMinimumVersion"] == "3.22"
    )
    assert target.name == f"zonekit-qgis-{meta['general']['version']}.zip"
    # QGIS lists the algorithms from the unpacked zip as from the repository
    unpacked = tmp_path / "plugins"
    with zipfile.ZipFile(target) as z:
        z.extractall(unpacked)
    pd.testing.assert_index_equal(
        pd.Index(sorted(os.listdir(unpacked / "zonekit"))),
        pd.Index(sorted(p.name for p in (ROOT / "qgis" / "zonekit").iterdir() if p.name != "__pycache__")),
    )


def test_the_map_algorithm_gives_its_page_as_an_html_output(profile, sample_study, tmp_path):
    page = tmp_path / "map.html"
    done = _qgis(profile, "--json", "run", "zonekit:map", "--", f"STUDY={sample_study}", f"OUTPUT={page}")
    assert done.returncode == 0, done.stdout + done.stderr
    import json

    results = json.loads(done.stdout[done.stdout.index("{") :])["results"]
    assert results["HTML"] == str(page) and page.stat().st_size > 10_000
    assert "<html" in page.read_text(encoding="utf-8")[:2000].lower()


def test_the_cluster_option_reaches_zonekit(profile, sample_study, tmp_path):
    study = tmp_path / "s.gpkg"
    shutil.copy(sample_study, study)
    cut = subprocess.run(
        [ZONEKIT, "partition", str(study), "--out", str(tmp_path / "lu.parquet"), "--rows", "5000", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cut.returncode == 0, cut.stderr
    out = tmp_path / "i.gpkg"
    args = [f"STUDY={study}", "BY=park", "CLUSTER=local:2", f"OUTPUT={out}"]
    done = _qgis(profile, "run", "zonekit:intensity", "--", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    meta = pyogrio.read_dataframe(out, layer="metadata", read_geometry=False).set_index("key")["value"]
    assert meta["cluster"] == "local:2" and int(meta["cluster tasks"]) == 7


def test_the_plugins_lists_and_flags_are_zonekits():
    """QGIS's Python cannot import zonekit, so the plugin keeps its own lists: they must stay zonekit's."""
    import ast

    import click

    from zonekit.choices import INDICATORS, LAYER_NAMES
    from zonekit.cli.main import main

    tree = ast.parse((ROOT / "qgis" / "zonekit" / "algorithms.py").read_text(encoding="utf-8"))
    lists = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in ("LAYERS", "INDICATORS")
    }
    assert lists["LAYERS"] == list(LAYER_NAMES)
    assert lists["INDICATORS"] == ["", *INDICATORS]
    flags = {  # the second argument of every P(...): the command-line flag a parameter becomes
        call.args[1].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "P"
        if isinstance(call.args[1], ast.Constant) and call.args[1].value
    }
    options = {
        opt
        for name in main.list_commands(None)
        for param in main.get_command(None, name).params
        if isinstance(param, click.Option)
        for opt in param.opts
    }
    assert len(flags) > 15 and flags <= options, flags - options


def test_every_option_of_a_command_is_a_parameter_of_its_algorithm():
    """Each algorithm offers every option of its command (but the language and progress, QGIS's own)."""
    import ast

    import click

    from zonekit.cli.main import main

    tree = ast.parse((ROOT / "qgis" / "zonekit" / "algorithms.py").read_text(encoding="utf-8"))

    def flag(node) -> str | None:
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "P":
            return node.args[1].value if isinstance(node.args[1], ast.Constant) else None
        return None

    shared = {  # STUDY, CONFIG, CLUSTER: parameters defined once and named in several algorithms
        node.targets[0].id: flag(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and flag(node.value)
    }
    listed = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ALGORITHMS"
    )
    assert isinstance(listed, ast.List)
    for spec in listed.elts:
        assert isinstance(spec, ast.Dict)
        name = next(
            v.value
            for k, v in zip(spec.keys, spec.values, strict=True)
            if isinstance(k, ast.Constant) and k.value == "id" and isinstance(v, ast.Constant)
        )
        flags = {flag(n) for n in ast.walk(spec)} | {
            shared.get(n.id) for n in ast.walk(spec) if isinstance(n, ast.Name)
        }
        command = main.get_command(None, name)
        options = {p.opts[0] for p in command.params if isinstance(p, click.Option) and p.opts[0] != "--help"}
        missing = options - flags - {"--lang", "--quiet"}
        assert not missing, (name, missing)
