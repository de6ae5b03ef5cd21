"""Benchmark: intensity on a dask.distributed cluster of 1 and 2 local workers, against one process, in one run.

It takes (or makes) the realistic study of ``bench/bench_commands.py`` (irregular parcels, half the parks'
parcels cut along the park line, enterprises), copies it, cuts its parcels into a Hilbert-partitioned
GeoParquet store (``zonekit partition``, itself timed) and times in fresh processes, with the peak memory
of the whole process tree (the command and its worker processes, sampled every 0.1 s):

- ``zonekit intensity study.gpkg --out i.csv`` on the study's own GeoPackage layer (no store);
- the same on the store, in one process;
- the same with ``--cluster local:1`` and ``--cluster local:2``.

From the cluster runs' metadata it reports tasks, bytes broadcast to and returned from the workers, and
the seconds of each stage (starting the cluster and broadcasting, the tasks, gathering), which the README
uses to extrapolate to a real cluster.

``--commands import`` times the import of the parcels delivered as one file per county (the study's
parcels split by the county their middle lies in, written as GeoPackages in the survey's Gauss-Krüger
CRS) into a study holding only the parks: a plain ``zonekit import 县/*.gpkg``, the same with
``--partitions`` (the store written too), and with ``--cluster local:1`` and ``local:2``; the peer is a
plain pyogrio copy of the county files into one GeoPackage (read, reproject, append).

Usage::

    python bench/bench_cluster.py --parcels 1000000 [5000000] [--repeat 3] [--rows 500000] \\
        [--commands intensity,check,overlap,potential,import]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from bench_commands import build_study, make_study_sources
from bench_commands import timed as timed_tree

ZONEKIT = str(Path(sys.executable).parent / "zonekit")


def metadata(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig") as f:
        return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def run_size(n: int, repeat: int, rows: int, commands: list[str]) -> None:
    root = Path(tempfile.gettempdir()) / f"zonekit-bench-{n}"
    if "import" in commands:
        run_import(root, n, repeat, rows)
        commands = [c for c in commands if c != "import"]
        if not commands:
            return
    study = root / "study.gpkg"
    if not study.exists():
        build_study(make_study_sources(root / "sources", n), study)
    work = root / "cluster"
    work.mkdir(exist_ok=True)
    copy = work / "study.gpkg"
    shutil.copy(study, copy)
    store = work / "landuse.parquet"
    t, m = timed_tree([ZONEKIT, "partition", str(copy), "--out", str(store), "--rows", str(rows), "-q"])
    parts = len(list(store.glob("part-*.parquet")))
    print(
        f"\n{n:,} parcels requested; zonekit partition: {t:.1f} s, {m:.2f} GB, {parts} partitions of ≤{rows:,}"
    )
    out = work / "out"
    out.mkdir(exist_ok=True)
    plan = [
        ("one process, GeoPackage layer", str(study), []),
        ("one process, partitioned store", str(copy), []),
        ("--cluster local:1", str(copy), ["--cluster", "local:1"]),
        ("--cluster local:2", str(copy), ["--cluster", "local:2"]),
    ]
    for command in commands:
        print(
            f"\n| {command} (to CSV) | time | peak (all processes) | tasks | sent to workers | returned "
            "| start | scatter | tasks | gather |\n|---|---|---|---|---|---|---|---|---|---|"
        )
        base = None
        for label, where, more in plan:
            runs = []
            for _ in range(repeat):
                args = [where, *COMMANDS[command], "--out", str(out / "r.csv"), *more]
                runs.append(timed_tree([ZONEKIT, command, *args, "-q", "--lang", "en"]))
            t = statistics.median(r[0] for r in runs)
            mem = max(r[1] for r in runs)
            base = base or t
            meta = metadata(out / "r.metadata.csv")
            extra = " | | | | | | | "
            if "cluster tasks" in meta:
                extra = (
                    f" | {meta['cluster tasks']} | {int(meta['cluster bytes broadcast']) / 1e6:.1f} MB"
                    f" | {int(meta['cluster bytes returned']) / 1e6:.1f} MB"
                    f" | {float(meta['cluster start s']):.2f} s"
                    f" | {float(meta['cluster scatter s']):.2f} s | {float(meta['cluster tasks s']):.2f} s"
                    f" | {float(meta['cluster gather s']):.2f} s"
                )
            print(f"| {label} | {t:.2f} s ({base / t:.2f}×) | {mem:.2f} GB{extra} |")


PEER_COPY = """
import sys, pyogrio
for k, src in enumerate(sys.argv[2:]):
    df = pyogrio.read_dataframe(src).to_crs(4490)
    pyogrio.write_dataframe(df, sys.argv[1], layer="landuse", driver="GPKG", append=k > 0)
"""


def county_files(sources: dict[str, Path], folder: Path) -> list[Path]:
    """The parcels as one GeoPackage per county (by the county their box's middle lies in), made once."""
    import geopandas as gpd
    import numpy as np
    import pyogrio
    import shapely

    if (folder / "done").exists():
        return sorted(folder.glob("*.gpkg"))
    folder.mkdir(parents=True, exist_ok=True)
    lu = pyogrio.read_dataframe(sources["landuse"])
    counties = pyogrio.read_dataframe(sources["admin"])
    counties = counties[counties["level"] == "county"].to_crs(lu.crs).reset_index(drop=True)
    b = shapely.bounds(lu.geometry.values)
    middle = shapely.points((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
    i, j = counties.sindex.query(middle, predicate="intersects")
    first = np.unique(i, return_index=True)[1]
    which = np.full(len(lu), -1)
    which[i[first]] = j[first]
    for k in np.unique(which):
        name = "其他" if k < 0 else str(counties["adcode"].iloc[k])
        part = lu[which == k]
        pyogrio.write_dataframe(gpd.GeoDataFrame(part), folder / f"{name}.gpkg", layer="DLTB")
    (folder / "done").write_text("")
    return sorted(folder.glob("*.gpkg"))


def run_import(root: Path, n: int, repeat: int, rows: int) -> None:
    """Time importing the parcels as county files: plain, into a store, on 1 and 2 local workers."""
    sources = make_study_sources(root / "sources", n)
    files = county_files(sources, root / "counties")
    work = root / "import"
    work.mkdir(exist_ok=True)
    target, store = work / "study.gpkg", work / "landuse.parquet"
    peer = work / "peer_copy.py"
    peer.write_text(PEER_COPY)

    def fresh(path: Path) -> None:  # a study holding only the parks, each time
        path.unlink(missing_ok=True)
        shutil.rmtree(store, ignore_errors=True)
        subprocess.run(
            [ZONEKIT, "import", str(sources["parks"]), "--into", str(path), "--as", "parks", "-q"],
            check=True,
            capture_output=True,
        )

    sizes = [f.stat().st_size for f in files]
    print(
        f"\n{n:,} parcels requested, as {len(files)} county files ({sum(sizes) / 1e6:.0f} MB, the largest "
        f"{max(sizes) / 1e6:.0f} MB)\n\n| import of the county files | time | peak (all processes) | vs the copy |"
        "\n|---|---|---|---|"
    )
    zk = [ZONEKIT, "import", *map(str, files), "--into", str(target), "--as", "landuse", "-q"]
    plan = [
        ("pyogrio copy (read, to_crs, append)", [sys.executable, str(peer), str(work / "copy.gpkg")]),
        ("zonekit import", zk),
        ("zonekit import --partitions", [*zk, "--partitions", str(store), "--rows", str(rows)]),
        ("… --cluster local:1", [*zk, "--partitions", str(store), "--cluster", "local:1"]),
        ("… --cluster local:2", [*zk, "--partitions", str(store), "--cluster", "local:2"]),
    ]
    base = None
    for label, args in plan:
        runs = []
        for _ in range(repeat):
            if label.startswith("pyogrio"):
                (work / "copy.gpkg").unlink(missing_ok=True)
                runs.append(timed_tree([*args, *map(str, files)]))
            else:
                fresh(target)
                runs.append(timed_tree(args))
        t = statistics.median(r[0] for r in runs)
        base = base or t
        print(f"| {label} | {t:.2f} s | {max(r[1] for r in runs):.2f} GB | {t / base:.2f}× |")


COMMANDS = {
    "intensity": ["--by", "park"],
    "check": [],
    "overlap": ["--a", "parks", "--b", "landuse"],
    "potential": ["--date", "2025-12-31"],
}
"""The commands timed, and their arguments beside the study and --out (the stage timings are the
intensity's; the others report time and memory)."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parcels", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows", type=int, default=500_000, help="parcels per partition")
    ap.add_argument(
        "--commands", default="intensity", help="comma-separated: intensity,check,overlap,potential,import"
    )
    a = ap.parse_args()
    print(f"{psutil.cpu_count()} cores; median of {a.repeat} fresh processes")
    for n in a.parcels:
        run_size(n, a.repeat, a.rows, a.commands.split(","))


if __name__ == "__main__":
    main()
