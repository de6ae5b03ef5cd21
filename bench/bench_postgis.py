"""Benchmark: intensity with the study in PostGIS, against the same study as a GeoPackage and against the
overlay done inside PostGIS, in one run.

It takes the realistic study ``bench/bench_commands.py`` makes (cached under the system's temporary
folder as ``zonekit-bench-<n>``), copies it into a schema of a PostgreSQL + PostGIS server
(``zonekit import study.gpkg --into URL``, itself timed), then times in fresh processes, with peak memory:

- ``zonekit intensity URL --out i.csv`` (the parcels streamed from the database by a cursor);
- ``zonekit intensity study.gpkg --out i.csv``;
- inside PostGIS: ``ST_Intersection`` of parks and parcels, ``ST_Area(geography)``, summed per park and
  class (what a DBA writes; planar joins on the GiST index, ellipsoidal areas), written to CSV by psql
  (its peak memory is psql's; the server's is not counted).

Usage::

    url=$(bash tools/pg_test_server.sh start)
    python bench/bench_commands.py --parcels 1000000 --only import     # makes the study once
    python bench/bench_postgis.py --url "$url" --parcels 1000000 [--repeat 3]
    bash tools/pg_test_server.sh stop
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak memory (GB) of ``cmd`` in a fresh process."""
    with tempfile.NamedTemporaryFile("r") as log:
        t = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", log.name, *cmd], check=True, capture_output=True)
        dt = time.perf_counter() - t
        kb = float(Path(log.name).read_text().strip().splitlines()[-1])
    return dt, kb / 1e6


IN_DB = """
COPY (
  SELECT p.park_id, l.analysis_class,
         sum(ST_Area(ST_Intersection(p.geometry, l.geometry)::geography, true)) AS area_m2
  FROM {s}.parks p JOIN {s}.landuse l ON ST_Intersects(p.geometry, l.geometry)
  GROUP BY p.park_id, l.analysis_class ORDER BY 1, 2
) TO STDOUT WITH CSV HEADER
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True, help="postgresql://… of a database with PostGIS")
    ap.add_argument("--parcels", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.gettempdir()) / f"zonekit-bench-{args.parcels}"
    study = folder / "study.gpkg"
    if not study.exists():
        sys.exit(
            f"{study} is missing: run bench/bench_commands.py --parcels {args.parcels} --only import first"
        )
    schema = f"bench_{args.parcels}"
    url = f"{args.url}?schema={schema}"
    out = folder / "out"
    out.mkdir(exist_ok=True)
    zk = str(BIN / "zonekit")
    t, m = timed([zk, "import", str(study), "--into", url])
    print(f"copy of the study into PostGIS: {t:.1f} s, {m:.2f} GB")
    runs: dict[str, list[tuple[float, float]]] = {"postgis": [], "gpkg": [], "in_db": []}
    from zonekit.layers.postgis import StudyURL

    plain = StudyURL(args.url).sqlalchemy_url().render_as_string(hide_password=False)
    plain = plain.replace("postgresql+psycopg://", "postgresql://")
    for _ in range(args.repeat):
        runs["postgis"].append(timed([zk, "intensity", url, "--out", str(out / "pg.csv"), "-q"]))
        runs["gpkg"].append(timed([zk, "intensity", str(study), "--out", str(out / "gp.csv"), "-q"]))
        sql = IN_DB.format(s=f'"{schema}"').replace("\n", " ")
        runs["in_db"].append(timed(["psql", plain, "-q", "-o", str(out / "in_db.csv"), "-c", sql]))
    print(f"\n{args.parcels:,} parcels (requested), median of {args.repeat} fresh processes\n")
    print("| intensity by park | time | peak (client process) | vs the GeoPackage study |")
    print("|---|---|---|---|")
    base = statistics.median(t for t, _ in runs["gpkg"])
    names = {
        "postgis": "zonekit, study in PostGIS",
        "gpkg": "zonekit, study in a GeoPackage",
        "in_db": "inside PostGIS (ST_Intersection + ST_Area(geography))",
    }
    for key, label in names.items():
        t = statistics.median(x for x, _ in runs[key])
        m = statistics.median(y for _, y in runs[key])
        print(f"| {label} | {t:.2f} s | {m:.2f} GB | {t / base:.2f}× |")


if __name__ == "__main__":
    main()
