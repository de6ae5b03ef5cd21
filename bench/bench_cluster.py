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

Usage::

    python bench/bench_cluster.py --parcels 1000000 [5000000] [--repeat 3] [--rows 500000] \\
        [--commands intensity,check,overlap,potential]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from bench_commands import build_study, make_study_sources

ZONEKIT = str(Path(sys.executable).parent / "zonekit")


def timed_tree(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (GB) of a fresh process and every process it starts."""
    t = time.perf_counter()
    proc = psutil.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    took = time.perf_counter() - t
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()[-2000:]}")
    return took, peak / 1e9


def metadata(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig") as f:
        return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def run_size(n: int, repeat: int, rows: int, commands: list[str]) -> None:
    root = Path(tempfile.gettempdir()) / f"zonekit-bench-{n}"
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
        "--commands", default="intensity", help="comma-separated: intensity,check,overlap,potential"
    )
    a = ap.parse_args()
    print(f"{psutil.cpu_count()} cores; median of {a.repeat} fresh processes")
    for n in a.parcels:
        run_size(n, a.repeat, a.rows, a.commands.split(","))


if __name__ == "__main__":
    main()
