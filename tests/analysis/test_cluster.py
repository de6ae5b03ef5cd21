"""Intensity (with 亩均 and the control indicators) on a real dask.distributed cluster of worker processes:
the same pairs and the same figures, bit for bit, as on one machine, even when a worker dies mid-run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import zonekit
from tests.cli.test_cli import run
from zonekit.api import overlap_many

pytest.importorskip("distributed")
# dask's own notices while clusters start and stop beside each other (ports, sockets closed late)
pytestmark = pytest.mark.filterwarnings(
    "ignore::ResourceWarning",
    "ignore::pytest.PytestUnraisableExceptionWarning",
    "ignore::UserWarning:distributed",
)


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory, sample_study: Path) -> Path:
    """The sample with its parcels in Hilbert partitions of 300 (partition edges cut through parks)."""
    path = tmp_path_factory.mktemp("cluster") / "s.gpkg"
    shutil.copy(sample_study, path)
    assert (
        run("partition", str(path), "--out", str(path.parent / "lu.parquet"), "--rows", "300").returncode == 0
    )
    return path


@pytest.fixture(scope="module")
def local_cluster():
    from distributed import Client, LocalCluster

    from zonekit.geo.cluster import LOCAL_QUIET

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, **LOCAL_QUIET) as lc,
        Client(lc) as client,
    ):
        yield lc, client


def _intensity(study: Path, cluster=None) -> zonekit.Report:
    st = zonekit.read_study(study, stream=("landuse",))
    return zonekit.intensity(
        st["parks"], st["landuse"], zones=st["zones"], enterprises=st.get("enterprises"), cluster=cluster
    )


def _assert_same(got: zonekit.Report, want: zonekit.Report) -> None:
    assert got.tables().keys() == want.tables().keys()
    for name, table in want.tables().items():
        pd.testing.assert_frame_equal(got.tables()[name], table, check_exact=True, obj=name)
    for key in ("intersecting pairs", "pairs inside (fast path)", "parcels"):
        assert got.metadata[key] == want.metadata[key], key


def test_partition_edges_cut_through_parks(partitioned):
    folder = partitioned.parent / "lu.parquet"
    parks = zonekit.read_study(partitioned, layers=["parks"])["parks"]
    cut = np.zeros(len(parks), dtype=int)
    for f in sorted(folder.glob("part-*.parquet")):
        part = gpd.read_parquet(f)
        i, _ = part.sindex.query(parks.geometry.values, predicate="intersects")
        cut[np.unique(i)] += 1
    assert (cut >= 2).sum() >= len(parks) // 2  # most parks meet parcels of several partitions


def test_the_cluster_gives_the_single_machine_figures_bit_for_bit(partitioned, local_cluster, sample_study):
    lc, _ = local_cluster
    alone = _intensity(partitioned)
    on_cluster = _intensity(partitioned, cluster=lc.scheduler_address)
    _assert_same(on_cluster, alone)
    assert on_cluster.metadata["cluster tasks"] == len(
        list((partitioned.parent / "lu.parquet").glob("part-*"))
    )
    assert {"mujun", "mujun_parks", "control"} <= set(on_cluster.tables())
    # and the figures of the study's own layer, read in other chunks: the same pairs, sums to rounding
    layer = _intensity(sample_study)
    for key in ("intersecting pairs", "pairs inside (fast path)", "parcels"):
        assert on_cluster.metadata[key] == layer.metadata[key]
    a, b = on_cluster["indicators"], layer["indicators"]
    numbers = a.select_dtypes("number").columns
    np.testing.assert_allclose(a[numbers].to_numpy(float), b[numbers].to_numpy(float), rtol=1e-12, atol=1e-9)


def test_a_worker_killed_mid_run_changes_nothing(partitioned, local_cluster):
    lc, client = local_cluster
    alone = _intensity(partitioned)
    got: dict = {}
    worker = threading.Thread(
        target=lambda: got.update(r=_intensity(partitioned, cluster=lc.scheduler_address))
    )
    worker.start()
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and worker.is_alive() and time.monotonic() < deadline:
        busy = [
            w for w, keys in client.processing().items() if any("zonekit-partition" in str(k) for k in keys)
        ]
        if busy:
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)  # the nanny starts a new worker; the scheduler reruns its tasks
            killed = busy[0]
        time.sleep(0.005)
    worker.join(180)
    assert killed is not None, "no partition task was seen running"
    _assert_same(got["r"], alone)


def test_the_command_runs_on_a_local_cluster_and_writes_the_same_tables(partitioned, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    r = run("intensity", str(partitioned), "--out", str(a / "i.csv"), "--cluster", "local:2", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert run("intensity", str(partitioned), "--out", str(b / "i.csv"), "--lang", "en").returncode == 0
    for f in sorted(b.glob("*.csv")):
        if not f.name.endswith("metadata.csv"):
            assert (a / f.name).read_bytes() == f.read_bytes(), f.name
    meta = pd.read_csv(a / "i.metadata.csv", header=None, index_col=0)[1]
    assert meta["cluster"] == "local:2" and int(meta["cluster workers"]) == 2


@pytest.mark.parametrize(
    "command",
    [
        ("intensity",),
        ("check",),
        ("overlap", "--a", "parks", "--b", "landuse"),
        ("potential", "--date", "2025-12-31"),
    ],
)
def test_a_cluster_on_parcels_not_partitioned_is_refused_not_ignored(sample_study, tmp_path, command):
    out = str(tmp_path / "r.csv")
    r = run(command[0], str(sample_study), *command[1:], "--out", out, "--cluster", "local:2", "--lang", "en")
    said = " ".join(r.stderr.split())
    assert r.returncode == 1 and "not partitioned" in said and "zonekit partition" in said
    assert not (tmp_path / "r.csv").exists()
    r = run(command[0], str(sample_study), *command[1:], "--out", out, "--cluster", "local:2")
    assert r.returncode == 1 and "尚未分区" in " ".join(r.stderr.split())


def test_cluster_errors_are_said_plainly(sample_study, tmp_path):
    r = run("intensity", str(sample_study), "--out", str(tmp_path / "i.csv"), "--cluster", "somewhere")
    assert r.returncode == 2 and "tcp://主机:端口" in r.stderr  # Chinese by default
    r = run(
        "intensity",
        str(sample_study),
        "--out",
        str(tmp_path / "i.csv"),
        "--cluster",
        "somewhere",
        "--lang",
        "en",
    )
    assert r.returncode == 2 and "tcp://HOST:PORT" in r.stderr


def test_without_a_cluster_nothing_of_dask_is_imported(partitioned, tmp_path):
    code = (
        "import sys\n"
        "from zonekit.cli.main import main\n"
        "try:\n"
        f"    main(['intensity', {str(partitioned)!r}, '--out', {str(tmp_path / 'i.csv')!r}, '-q'])\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'dask_geopandas')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ZONEKIT_CLUSTER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_check_on_the_cluster_finds_what_one_machine_finds(tmp_path, sample_study, local_cluster):
    """Duplicate parcel ids planted in two partitions far apart, the sample's unknown codes: the same findings."""
    import sqlite3

    lc, _ = local_cluster
    study = tmp_path / "s.gpkg"
    shutil.copy(sample_study, study)
    with sqlite3.connect(
        study
    ) as con:  # the R-tree triggers need SpatiaLite's functions: set aside meanwhile
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'landuse'"
        triggers = con.execute(query).fetchall()
        for name, _ in triggers:
            con.execute(f'DROP TRIGGER "{name}"')
        rows = [r[0] for r in con.execute("SELECT fid FROM landuse ORDER BY fid")]
        dup = "UPDATE landuse SET parcel_id = ? WHERE fid IN (?, ?)"
        con.execute(dup, ("DUP-1", rows[3], rows[-3]))
        con.execute(dup, ("DUP-2", rows[10], rows[len(rows) // 2]))
        for _, sql in triggers:
            con.execute(sql)
    assert (
        run("partition", str(study), "--out", str(tmp_path / "lu.parquet"), "--rows", "2000").returncode == 0
    )
    alone = zonekit.check(study)
    on_cluster = zonekit.check(study, cluster=lc.scheduler_address)
    pd.testing.assert_frame_equal(on_cluster, alone)
    said = " ".join(alone["message"])
    assert "DUP-1" in said and "DUP-2" in said
    assert (alone["check"] == "unknown_land_use_code").any()


def test_overlap_with_a_big_partitioned_b_on_the_cluster(partitioned, local_cluster, sample_study):
    lc, _ = local_cluster
    st = zonekit.read_study(partitioned, layers=["parks", "landuse"], stream=("landuse",))
    alone = overlap_many(st, "parks", ["landuse"])
    on_cluster = overlap_many(st, "parks", ["landuse"], cluster=lc.scheduler_address)
    for name in ("pairs", "coverage"):
        pd.testing.assert_frame_equal(on_cluster[name], alone[name], check_exact=True, obj=name)
    # against the study's own layer, overlaid whole: the same pairs and areas; coverage, B dissolved across
    # partition edges, to a fraction of a square metre
    whole = zonekit.read_study(sample_study, layers=["parks", "landuse"])
    want = overlap_many(whole, "parks", ["landuse"])
    key = ["a_id", "b_id"]
    got_p = pd.DataFrame(alone["pairs"]).sort_values(key).reset_index(drop=True)
    want_p = pd.DataFrame(want["pairs"]).sort_values(key).reset_index(drop=True)
    assert got_p[key].equals(want_p[key]) and len(got_p) > 10_000
    np.testing.assert_allclose(got_p["overlap_m2"], want_p["overlap_m2"], rtol=1e-12)
    got_c = alone["coverage"].merge(want["coverage"], on=["a_id", "b_class"], suffixes=("", "_whole"))
    assert len(got_c) == len(want["coverage"]) == len(alone["coverage"])
    np.testing.assert_allclose(got_c["covered_m2"], got_c["covered_m2_whole"], rtol=1e-9)
    # parcels do not overlap one another, so the exact coverage is the sum of the pairs per park and class:
    # the partitioned coverage meets it to a ten-thousandth of a square metre (pieces that overlap nothing add
    # their areas; only the few that do are joined)
    lu = whole["landuse"]
    classes = pd.Series(lu["analysis_class"].astype(str).to_numpy(), index=lu["parcel_id"].to_numpy())
    exact = want_p.assign(b_class=classes.reindex(want_p["b_id"]).to_numpy())
    exact = exact.groupby(["a_id", "b_class"])["overlap_m2"].sum().rename("exact").reset_index()
    got_c = got_c.merge(exact, on=["a_id", "b_class"])
    assert len(got_c) == len(alone["coverage"])
    assert (got_c["covered_m2"] - got_c["exact"]).abs().max() < 1e-4
    assert (got_c["covered_m2_whole"] - got_c["exact"]).abs().max() < 1e-4  # B in memory: the same way


def test_potential_on_the_cluster_gives_the_single_machine_tables(partitioned, local_cluster, sample_study):
    lc, _ = local_cluster

    def potential(study: Path, cluster=None) -> zonekit.Report:
        st = zonekit.read_study(study, stream=("landuse",))
        g = st.get
        return zonekit.potential(
            st["parks"],
            date="2025-12-31",
            parcels=st["landuse"],
            supply=g("supply"),
            approvals=g("approvals"),
            enterprises=g("enterprises"),
            cluster=cluster,
        )

    from zonekit.layers.stream import LayerStream

    read: list[int] = []
    part = LayerStream.part

    def counted(self, k, *args, **kw):
        read.append(k)
        return part(self, k, *args, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LayerStream, "part", counted)
        alone = potential(partitioned)
    n = len(zonekit.read_study(partitioned, stream=("landuse",))["landuse"].store.files)
    assert sorted(read) == list(range(n))  # contracts and parks from one pass: each partition read once
    on_cluster = potential(partitioned, lc.scheduler_address)
    for name, table in alone.tables().items():
        pd.testing.assert_frame_equal(on_cluster.tables()[name], table, check_exact=True, obj=name)
    # the study's own layer, in memory: the same plots and kinds, the same potential to rounding
    whole = potential(sample_study)
    assert len(alone["plots"]) == len(whole["plots"]) >= 5  # the sample plants one plot of each kind
    assert sorted(alone["plots"]["kind"]) == sorted(whole["plots"]["kind"])
    key = ["kind", "record_id"]
    got_p, want_p = (t.sort_values(key).reset_index(drop=True) for t in (alone["plots"], whole["plots"]))
    assert got_p[key].equals(want_p[key])
    np.testing.assert_allclose(got_p["area_ha"], want_p["area_ha"], rtol=1e-9)
    for name in ("parks_potential", "zones_potential"):
        a, b = alone[name], whole[name]
        numbers = b.select_dtypes("number").columns
        np.testing.assert_allclose(
            a[numbers].to_numpy(float), b[numbers].to_numpy(float), rtol=1e-9, atol=1e-6
        )


def test_overlap_with_a_big_partitioned_a_on_the_cluster(partitioned, local_cluster, sample_study):
    """Parcels within 500 m of a protected area: the parcels partitioned, the protected areas sent whole."""
    lc, _ = local_cluster
    st = zonekit.read_study(partitioned, layers=["landuse", "protected"], stream=("landuse",))
    alone = overlap_many(st, "landuse", ["protected"], buffer_m=500)
    on_cluster = overlap_many(st, "landuse", ["protected"], buffer_m=500, cluster=lc.scheduler_address)
    for name in ("pairs", "coverage"):
        pd.testing.assert_frame_equal(on_cluster[name], alone[name], check_exact=True, obj=name)
    whole = zonekit.read_study(sample_study, layers=["landuse", "protected"])
    want = overlap_many(whole, "landuse", ["protected"], buffer_m=500)
    for name, key in (("pairs", ["a_id", "b_id"]), ("coverage", ["a_id", "b_class"])):
        got = pd.DataFrame(alone[name]).sort_values(key).reset_index(drop=True)
        exp = pd.DataFrame(want[name]).sort_values(key).reset_index(drop=True)
        assert len(got) == len(exp) > 100 and got[key].equals(exp[key])
        area = "overlap_m2" if name == "pairs" else "covered_m2"
        np.testing.assert_allclose(got[area], exp[area], rtol=1e-12)


def _length_plus(k: int, values: list) -> int:
    return k + len(values)


def test_a_broadcast_value_survives_the_death_of_its_only_holder():
    """How map_partitions sends the parks to the workers: a task, not scattered data. Scattered data held by
    one worker is lost with it and cancels every task that needs it ("lost dependencies"), which is what
    a worker that joined late (under load) would see; a task's value is computed again."""
    from distributed import Client, LocalCluster

    from zonekit.geo.cluster import LOCAL_QUIET, _held

    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, **LOCAL_QUIET) as lc,
        Client(lc) as client,
    ):
        shared = client.submit(_held, list(range(1000)), pure=False)
        shared.result()
        lc.scale(2)
        client.wait_for_workers(2)
        (holder,) = client.who_has(shared)[shared.key]
        os.kill(client.run(os.getpid, workers=[holder])[holder], signal.SIGKILL)
        tasks = [client.submit(_length_plus, k, shared, retries=2) for k in range(4)]
        assert client.gather(tasks) == [1000, 1001, 1002, 1003]
