"""Study writes as users meet them: QGIS holding the file open, two imports at once, kill -9, odd files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from tests.safety.conftest import X0, Y0, ZONEKIT, digest, frames, integrity, run_cli, zonekit
from zonekit.layers.study import list_tables, read_study, read_table

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time, pathlib
    study, stop = sys.argv[1], pathlib.Path(sys.argv[2])
    con = sqlite3.connect(study, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")   # keep every commit in the WAL, as a busy editor does
    con.execute("CREATE TABLE qgis_edits (id INTEGER PRIMARY KEY, note TEXT)")
    con.execute("INSERT INTO qgis_edits (note) VALUES ('before')")
    print("ready", flush=True)
    n = 0
    while not stop.exists():
        con.execute("INSERT INTO qgis_edits (note) VALUES ('during')")   # each one its own commit
        n += 1
        time.sleep(0.01)
    print(n, flush=True)
    sys.stdin.readline()   # stay open until the test has looked at the file
    con.close()
    """
)


def _parks_file(tmp_path: Path, name: str) -> Path:
    parks = frames()["parks"].assign(name=name)
    out = tmp_path / f"{name}.geojson"
    parks.to_file(out)
    return out


def test_a_program_holding_the_study_in_wal_mode_keeps_its_edits_and_a_sound_file(small_study, tmp_path):
    stop = tmp_path / "stop"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(small_study), str(stop)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert Path(f"{small_study}-wal").exists()
        r = zonekit(
            "import", _parks_file(tmp_path, "新园区"), "--into", small_study, "--as", "parks", "--replace"
        )
        assert r.returncode == 0, r.stderr
        stop.touch()
        during = int(holder.stdout.readline())
        assert during > 0  # the other program committed while zonekit imported
        # while the other program still holds the file: sound, with both the import and every edit
        assert integrity(small_study) == "ok"
        assert read_table(small_study, "parks")["name"].tolist() == ["新园区"]
        con = sqlite3.connect(small_study)
        assert con.execute("SELECT count(*) FROM qgis_edits").fetchone()[0] == during + 1
        con.close()
    finally:
        holder.communicate("done\n", timeout=30)
    assert integrity(small_study) == "ok"
    st = read_study(small_study)
    assert st["parks"]["name"].tolist() == ["新园区"] and len(st["landuse"]) == 5


def test_two_imports_started_together_both_land(tmp_path):
    study = tmp_path / "s.gpkg"
    f = frames()
    assert run_cli("sample", tmp_path / "unused") == 0  # warms the installed package's caches
    for name in ("zones", "parks"):
        f[name].to_file(tmp_path / f"{name}.geojson")
    more = f["landuse"].iloc[:2].assign(parcel_id=["M1", "M2"])
    f["landuse"].iloc[2:].to_file(tmp_path / "a.geojson")
    more.to_file(tmp_path / "b.geojson")
    procs = [
        subprocess.Popen(
            [ZONEKIT, "import", tmp_path / src, "--into", study, "--as", layer, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for src, layer, extra in (
            ("zones.geojson", "zones", []),
            ("parks.geojson", "parks", []),
            ("a.geojson", "landuse", ["--append", "--code-system", "sandiao"]),
            ("b.geojson", "landuse", ["--append", "--code-system", "sandiao"]),
        )
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e for _, e in outs]
    st = read_study(study)
    assert len(st["zones"]) == 1 and len(st["parks"]) == 1
    assert sorted(st["landuse"]["parcel_id"]) == ["L2", "L3", "L4", "M1", "M2"]
    imports = read_table(study, "zonekit_imports")
    assert sorted(imports["import_id"]) == [1, 2, 3, 4]
    assert integrity(study) == "ok"


def _many_parcels(path: Path, n_side: int, prefix: str) -> int:
    i, j = np.meshgrid(np.arange(n_side), np.arange(n_side))
    x, y = X0 + i.ravel() * 0.0005, Y0 + j.ravel() * 0.0005
    gdf = gpd.GeoDataFrame(
        {
            "parcel_id": [f"{prefix}{k}" for k in range(x.size)],
            "land_use_code": np.where(np.arange(x.size) % 3 == 0, "0601", "0101"),
        },
        geometry=shapely.box(x, y, x + 0.0005, y + 0.0005),
        crs=4490,
    )
    pyogrio.write_dataframe(gdf, path)
    return len(gdf)


def test_kill_9_at_any_point_of_an_import_leaves_the_old_study_or_the_new_one(small_study, tmp_path):
    src = tmp_path / "parcels.gpkg"
    n_new = _many_parcels(src, 120, "K")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp)}
    args = [ZONEKIT, "import", src, "--into", small_study, "--as", "landuse", "--replace"]
    args += ["--code-system", "sandiao"]
    start = time.monotonic()
    r = zonekit(*args[1:], "--into", tmp_path / "timing.gpkg", env=env)
    assert r.returncode == 0, r.stderr
    took = time.monotonic() - start
    outcomes = set()
    killed = []
    for frac in (0.15, 0.35, 0.55, 0.7, 0.8, 0.9, 0.97):
        p = subprocess.Popen(
            args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(took * frac)
        p.send_signal(signal.SIGKILL)
        p.wait()
        killed.append(p.pid)
        assert integrity(small_study) == "ok"
        st = read_study(small_study)
        n = len(st["landuse"])
        assert n in (5, n_new), n
        imports = read_table(small_study, "zonekit_imports")
        # the bookkeeping moves with the layer: all of an import or none of it
        assert (imports["layer"].iloc[-1] == "landuse" and imports["loaded"].iloc[-1] == n) or n == 5
        outcomes.add(n)
        hidden = [q.name for q in small_study.parent.iterdir() if q.name.startswith(".")]
        assert hidden == []
    assert 5 in outcomes  # some kills came before the commit
    r = zonekit(*args[1:], env=env)
    assert r.returncode == 0, r.stderr
    assert len(read_table(small_study, "landuse")) == n_new
    # whatever the killed runs staged was cleared by the next one
    assert not [q.name for q in tmp.iterdir() if any(str(pid) in q.name for pid in killed)]


LOCKER = textwrap.dedent(
    """
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("BEGIN IMMEDIATE")   # an editor in the middle of saving: holds the write lock
    con.execute("CREATE TABLE edit_in_progress (x)")
    print("locked", flush=True)
    sys.stdin.readline()
    con.execute("COMMIT")
    """
)


def test_a_writer_that_cannot_get_the_lock_says_who_holds_the_study(small_study, tmp_path):
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(small_study)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout.readline().strip() == "locked"
        src = _parks_file(tmp_path, "等待")
        r = zonekit(
            "import",
            src,
            "--into",
            small_study,
            "--as",
            "parks",
            "--replace",
            env={"ZONEKIT_LOCK_TIMEOUT": "1"},
        )
    finally:
        locker.communicate("go\n", timeout=30)
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and "Traceback" not in err
    assert "研究库被锁定" in err and f"pid {locker.pid}" in err and "ZONEKIT_LOCK_TIMEOUT" in err
    assert integrity(small_study) == "ok"
    assert read_table(small_study, "parks")["name"].tolist() == ["主园"]
    con = sqlite3.connect(small_study)  # the other program's save went through
    assert (
        con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'edit_in_progress'").fetchone()[0] == 1
    )
    con.close()


def test_a_private_study_stays_private_and_its_owner_keeps_it(small_study, tmp_path):
    os.chmod(small_study, 0o600)
    r = zonekit("import", _parks_file(tmp_path, "私有"), "--into", small_study, "--as", "parks", "--replace")
    assert r.returncode == 0, r.stderr
    assert oct(small_study.stat().st_mode & 0o777) == "0o600"


def test_a_read_only_study_is_refused_and_unchanged(small_study, tmp_path, capsys):
    os.chmod(small_study, 0o444)
    before = digest(small_study)
    code = run_cli(
        "import", _parks_file(tmp_path, "只读"), "--into", small_study, "--as", "parks", "--replace"
    )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 1 and "只读" in err and "Traceback" not in err
    assert digest(small_study) == before


def test_a_symlinked_study_stays_a_link_and_its_target_gets_the_import(small_study, tmp_path):
    link = tmp_path / "link.gpkg"
    link.symlink_to(small_study)
    assert run_cli("import", _parks_file(tmp_path, "链接"), "--into", link, "--as", "parks", "--replace") == 0
    assert link.is_symlink() and link.resolve() == small_study.resolve()
    assert read_table(small_study, "parks")["name"].tolist() == ["链接"]


@pytest.fixture
def full_disk(tmp_path):
    mnt = tmp_path / "small-disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_rolls_the_import_back(small_study, tmp_path, full_disk, capsys):
    study = full_disk / "study.gpkg"
    study.write_bytes(small_study.read_bytes())
    fd = os.open(full_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk, leaving nothing free
        for block in (65536, 4096, 512):
            try:
                while os.write(fd, b"\0" * block):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    src = tmp_path / "parcels.gpkg"
    _many_parcels(src, 60, "F")
    tables = list_tables(study)
    code = run_cli("import", src, "--into", study, "--as", "landuse", "--replace", "--code-system", "sandiao")
    err = " ".join(capsys.readouterr().err.split())
    assert code == 1 and "磁盘已满" in err and "Traceback" not in err
    (full_disk / "filler").unlink()
    assert integrity(study) == "ok"
    assert list_tables(study) == tables and len(read_table(study, "landuse")) == 5


def test_the_spatial_index_is_sound_after_an_import_and_an_append(tmp_path):
    """The R-tree is copied from the staged layer as GDAL built it: it must check out and find what is there."""
    from zonekit.layers.importer import import_layer

    rng = np.random.default_rng(5)
    x, y = 120 + rng.uniform(0, 0.1, 3000), 32 + rng.uniform(0, 0.1, 3000)
    parcels = gpd.GeoDataFrame(
        {"parcel_id": [f"L{i}" for i in range(3000)], "land_use_code": "0601", "code_system": "sandiao"},
        geometry=shapely.box(x, y, x + 0.001, y + 0.001),
        crs=4490,
    )
    study = tmp_path / "s.gpkg"
    import_layer(parcels.iloc[:2000], study, as_="landuse")
    import_layer(parcels.iloc[2000:], study, as_="landuse", mode="append")
    with sqlite3.connect(study) as con:
        (table,) = con.execute(
            "SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'"
        ).fetchone()
        column = con.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
        ).fetchone()[0]
        assert con.execute(f"SELECT rtreecheck('rtree_{table}_{column}')").fetchone()[0] == "ok"
        assert con.execute(f'SELECT count(*) FROM "rtree_{table}_{column}"').fetchone()[0] == 3000
    window = (120.03, 32.03, 120.06, 32.05)
    found = pyogrio.read_dataframe(study, layer="landuse", bbox=window, columns=["parcel_id"])
    want = parcels.loc[shapely.intersects(parcels.geometry.values, shapely.box(*window)), "parcel_id"]
    assert sorted(found["parcel_id"]) == sorted(want) and len(want) > 50


def test_a_writer_waiting_for_a_study_that_is_removed_locks_the_new_one(tmp_path):
    import fcntl
    import os
    import threading
    import time

    from zonekit.geo.gpkg import StudyGoneError, exclusive
    from zonekit.layers.study import create_study

    path = create_study(tmp_path / "s.gpkg")
    held = threading.Event()

    def first():  # holds the lock, then the study goes (a failed first import) and another appears
        with exclusive(path):
            held.set()
            time.sleep(0.3)
            path.unlink()
            create_study(path)

    t = threading.Thread(target=first)
    t.start()
    held.wait()
    with exclusive(path):  # waited, and holds the file that is there now: nobody else can lock it
        fd = os.open(path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    t.join()
    path.unlink()
    with pytest.raises(StudyGoneError), exclusive(path):
        pass
