"""Importing many county files into a partitioned store (``zonekit import … --partitions``, ``--cluster``):
the study gets exactly what a plain import gives, the store holds the same rows in the same order, one
partition per file, and every command reads it with the same results."""

from __future__ import annotations

import json
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import zonekit
from tests.cli.test_cli import run
from zonekit.errors import InputError, SourceReadError, ZonekitError

pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning",
    "ignore::pytest.PytestUnraisableExceptionWarning",
    "ignore::UserWarning:distributed",
    "ignore::zonekit.errors.UnknownCodeWarning",  # the sample's one parcel of code 201 in every file
)


@pytest.fixture(scope="module")
def counties(tmp_path_factory, sample_study: Path) -> list[Path]:
    """The sample's parcels as three county files (split west to east), as surveys deliver them; the last
    with a self-crossing parcel (repaired) and one without geometry (rejected)."""
    folder = tmp_path_factory.mktemp("counties")
    lu = pyogrio.read_dataframe(sample_study, layer="landuse")
    x0, y0 = lu.geometry.iloc[-1].representative_point().coords[0]
    d = 0.0005
    lu.loc[lu.index[-1], "geometry"] = shapely.Polygon(
        [(x0, y0), (x0 + d, y0 + d), (x0 + d, y0), (x0, y0 + d)]
    )  # a bow-tie
    lu.loc[lu.index[-2], "geometry"] = None
    x = lu.geometry.bounds["minx"].fillna(np.inf).to_numpy()  # the one without geometry: the last file
    cuts = [-np.inf, *np.quantile(x[np.isfinite(x)], [1 / 3, 2 / 3]), np.inf]
    files = []
    for i in range(3):
        path = folder / f"县{i}.gpkg"
        pyogrio.write_dataframe(lu[(x >= cuts[i]) & ((x < cuts[i + 1]) | (i == 2))], path, layer="DLTB")
        files.append(path)
    return files


@pytest.fixture(scope="module")
def plain(tmp_path_factory, sample_study: Path, counties) -> Path:
    """The reference: the county files imported the ordinary way (no store, no cluster)."""
    path = tmp_path_factory.mktemp("plain") / "s.gpkg"
    shutil.copy(sample_study, path)
    r = run("import", *map(str, counties), "--into", str(path), "--as", "landuse", "--replace", "-q")
    assert r.returncode == 0, r.stderr
    return path


def _study(tmp_path: Path, sample_study: Path, name: str = "s.gpkg") -> Path:
    path = tmp_path / name
    shutil.copy(sample_study, path)
    return path


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "_zonekit_partitions.json").read_text(encoding="utf-8"))


def _store_rows(folder: Path) -> gpd.GeoDataFrame:
    parts = [gpd.read_parquet(folder / p["file"]) for p in _manifest(folder)["partitions"]]
    return pd.concat(parts, ignore_index=True)


def _assert_same_study(got: Path, want: Path) -> None:
    """The layer, its rejects and the import records (but the time) equal, row for row."""
    for layer in ("landuse", "landuse_rejected", "zonekit_repairs"):
        pd.testing.assert_frame_equal(
            pyogrio.read_dataframe(got, layer=layer), pyogrio.read_dataframe(want, layer=layer), obj=layer
        )
    a = pyogrio.read_dataframe(got, layer="zonekit_imports").drop(columns="imported_at")
    b = pyogrio.read_dataframe(want, layer="zonekit_imports").drop(columns="imported_at")
    pd.testing.assert_frame_equal(a, b)


def _assert_store_is_layer(study: Path, folder: Path) -> None:
    layer = pyogrio.read_dataframe(study, layer="landuse")
    rows = _store_rows(folder)
    assert len(rows) == len(layer)
    assert rows.geometry.geom_equals_exact(layer.geometry, tolerance=0).all()
    for col in ("parcel_id", "land_use_code", "analysis_class", "tax_wan"):
        assert rows[col].astype(str).tolist() == layer[col].astype(str).tolist(), col


def test_a_file_a_partition_and_the_study_as_a_plain_import_gives(tmp_path, sample_study, counties, plain):
    study = _study(tmp_path, sample_study)
    store = tmp_path / "landuse.parquet"
    r = run(
        "import", *map(str, counties), "--into", str(study), "--as", "landuse", "--replace",
        "--partitions", str(store), "--rows", "4000", "--lang", "en",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    _assert_same_study(study, plain)
    _assert_store_is_layer(study, store)
    manifest = _manifest(store)
    imports = pyogrio.read_dataframe(study, layer="zonekit_imports").tail(len(counties))
    sizes = [pyogrio.read_info(f)["features"] for f in counties]
    assert imports["read"].tolist() == sizes and imports["rejected"].tolist() == [0, 0, 1]
    loaded = imports["loaded"].tolist()
    assert manifest["by"] == "source"
    assert [p["rows"] for p in manifest["partitions"]] == [
        n for size in loaded for n in [4000] * (size // 4000) + ([size % 4000] if size % 4000 else [])
    ]  # each file's rows in pieces of at most --rows, files in order
    assert manifest["source"] == {"rows": sum(loaded), "last_import": int(imports["import_id"].max())}
    repairs = pyogrio.read_dataframe(study, layer="zonekit_repairs")
    assert repairs["import_id"].isin(imports["import_id"]).sum() >= 1  # the bow-tie
    info = run("info", str(study), "--lang", "en")
    assert "by imported file" in info.stdout and "out of date" not in info.stdout


def test_commands_read_the_store_with_the_same_results(tmp_path, sample_study, counties, plain):
    study = _study(tmp_path, sample_study)
    zonekit.import_layers(
        counties, study, as_="landuse", mode="replace", partitions=tmp_path / "lu.parquet", rows=5000
    )
    st = zonekit.read_study(study, stream=("landuse",))
    assert st["landuse"].store is not None
    ref = zonekit.read_study(plain, stream=("landuse",))
    got = zonekit.intensity(st["parks"], st["landuse"], zones=st["zones"], enterprises=st.get("enterprises"))
    want = zonekit.intensity(
        ref["parks"], ref["landuse"], zones=ref["zones"], enterprises=ref.get("enterprises")
    )
    for name, table in want.tables().items():  # partitions are summed in another order: 1e-12
        pd.testing.assert_frame_equal(got.tables()[name], table, check_exact=False, rtol=1e-12, obj=name)


def test_on_a_cluster_the_same_study_and_store(tmp_path, sample_study, counties, plain):
    pytest.importorskip("distributed")
    here = _study(tmp_path, sample_study, "here.gpkg")
    there = _study(tmp_path, sample_study, "there.gpkg")
    zonekit.import_layers(counties, here, as_="landuse", mode="replace", partitions=tmp_path / "a.parquet")
    r = subprocess.run(  # the console script in a fresh process, as a user runs it
        [
            str(Path(sys.executable).with_name("zonekit")), "import", *map(str, counties), "--into",
            str(there), "--as", "landuse", "--replace", "--partitions", str(tmp_path / "b.parquet"),
            "--cluster", "local:2", "--lang", "en",
        ],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    _assert_same_study(there, plain)
    pd.testing.assert_frame_equal(_store_rows(tmp_path / "b.parquet"), _store_rows(tmp_path / "a.parquet"))
    # what the workers warned of reaches the user, once per file, in the language asked for
    for f in counties:
        assert r.stderr.count(f"{f}: 1 parcel") == 1, r.stderr
    assert not list(tmp_path.glob(".zonekit-import-*"))  # the workers' staging files are gone


def test_append_adds_partitions_and_keeps_the_store_current(tmp_path, sample_study, counties, plain):
    study = _study(tmp_path, sample_study)
    store = tmp_path / "lu.parquet"
    zonekit.import_layers(counties[:2], study, as_="landuse", mode="replace", partitions=store)
    first = _manifest(store)["partitions"]
    zonekit.import_layers(counties[2:], study, as_="landuse", mode="append")  # the study names the store
    manifest = _manifest(store)
    assert manifest["partitions"][: len(first)] == first and len(manifest["partitions"]) == len(first) + 1
    _assert_store_is_layer(study, store)
    assert "out of date" not in run("info", str(study), "--lang", "en").stdout
    layer = pyogrio.read_dataframe(study, layer="landuse")
    want = pyogrio.read_dataframe(plain, layer="landuse")
    pd.testing.assert_frame_equal(layer, want)


def test_an_append_cannot_start_a_store_from_the_new_files_alone(tmp_path, sample_study, counties):
    study = _study(tmp_path, sample_study)
    before = study.read_bytes()
    with pytest.raises(InputError) as err:
        zonekit.import_layers(
            counties[:1], study, as_="landuse", mode="append", partitions=tmp_path / "x.parquet"
        )
    assert err.value.code == "import.partitions_append"
    assert "zonekit partition" in err.value.text("en")
    assert study.read_bytes() == before and not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize("cluster", [None, "local:2"])
def test_a_bad_file_leaves_study_and_store_as_they_were(tmp_path, sample_study, counties, cluster):
    if cluster:
        pytest.importorskip("distributed")
    study = _study(tmp_path, sample_study)
    store = tmp_path / "lu.parquet"
    zonekit.import_layers(counties, study, as_="landuse", mode="replace", partitions=store)
    layer_before = pyogrio.read_dataframe(study, layer="landuse")
    manifest_before = _manifest(store)
    bad = tmp_path / "坏.shp"
    bad.write_bytes(b"not a shapefile")
    args = ["--cluster", cluster] if cluster else []
    r = run(
        "import", str(counties[0]), str(bad), "--into", str(study), "--as", "landuse", "--replace",
        "--lang", "en", *args,
    )  # fmt: skip
    assert r.returncode == 1
    assert "坏.shp: GDAL cannot open it" in r.stderr and "Traceback" not in r.stderr
    pd.testing.assert_frame_equal(pyogrio.read_dataframe(study, layer="landuse"), layer_before)
    assert _manifest(store) == manifest_before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["s.gpkg", "lu.parquet", "坏.shp"])


def test_an_error_sent_back_by_a_worker_keeps_its_message():
    err = SourceReadError("source.gdal_cannot_open", path="县.shp", err=OSError("truncated"))
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, SourceReadError) and isinstance(back, ZonekitError)
    assert back.text("en") == err.text("en") and "truncated" in back.text("en")


def test_partitions_need_a_study_file():
    r = run(
        "import", "x.shp", "--into", "postgresql://gis@localhost/land?schema=s", "--as", "landuse",
        "--partitions", "lu.parquet",
    )  # fmt: skip
    assert r.returncode == 2 and "zonekit partition URL" in r.stderr


def test_a_killed_import_leaves_study_and_store_and_the_next_one_clears_up(tmp_path, sample_study, counties):
    """SIGKILL while the files are being imported: the study and its store as they were; the work left
    beside the study is removed by the next import, which then succeeds."""
    study = _study(tmp_path, sample_study)
    store = tmp_path / "lu.parquet"
    zonekit.import_layers(counties[:1], study, as_="landuse", mode="replace", partitions=store)
    layer_before = pyogrio.read_dataframe(study, layer="landuse")
    imports_before = pyogrio.read_dataframe(study, layer="zonekit_imports")
    manifest_before = _manifest(store)
    zk = str(Path(sys.executable).with_name("zonekit"))
    args = [zk, "import", *map(str, counties), "--into", str(study), "--as", "landuse", "--replace", "-q"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".lu.parquet*/*.parquet")) and proc.poll() is None:  # a file written
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL  # killed mid-run, not finished
    pd.testing.assert_frame_equal(pyogrio.read_dataframe(study, layer="landuse"), layer_before)
    pd.testing.assert_frame_equal(pyogrio.read_dataframe(study, layer="zonekit_imports"), imports_before)
    assert _manifest(store) == manifest_before
    assert run("info", str(study), "--lang", "en").returncode == 0
    r = run("import", *map(str, counties), "--into", str(study), "--as", "landuse", "--replace", "-q")
    assert r.returncode == 0, r.stderr
    _assert_store_is_layer(study, store)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [], left  # neither the killed run's work folder nor a half-written store


def test_workers_in_another_folder_get_paths_they_can_open(tmp_path, sample_study, counties, monkeypatch):
    """Files and study named relative to here reach workers whose working folder is elsewhere; the
    import records still name the files as the user gave them."""
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from zonekit.geo.cluster import LOCAL_QUIET

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    here = counties[0].parent
    shutil.copy(sample_study, here / "rel.gpkg")
    monkeypatch.chdir(elsewhere)  # the workers start here
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, **LOCAL_QUIET) as lc:
        monkeypatch.chdir(here)
        names = [f.name for f in counties]
        zonekit.import_layers(
            names, "rel.gpkg", as_="landuse", mode="replace", partitions="rel.parquet",
            cluster=lc.scheduler_address,
        )  # fmt: skip
    imports = pyogrio.read_dataframe(here / "rel.gpkg", layer="zonekit_imports").tail(len(names))
    assert imports["source"].tolist() == names
    _assert_store_is_layer(here / "rel.gpkg", here / "rel.parquet")


def test_a_table_without_geometry_gets_no_store(tmp_path, sample_study):
    study = _study(tmp_path, sample_study)
    table = pyogrio.read_dataframe(sample_study, layer="enclaves", read_geometry=False)
    src = tmp_path / "飞地.csv"
    table.to_csv(src, index=False)
    r = run(
        "import", str(src), "--into", str(study), "--as", "enclaves", "--replace",
        "--partitions", str(tmp_path / "e.parquet"), "--lang", "en",
    )  # fmt: skip
    assert r.returncode == 1 and "enclaves is a table without geometry" in " ".join(r.stderr.split())
    assert not (tmp_path / "e.parquet").exists()
