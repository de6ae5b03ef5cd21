"""Benchmark: does an import cost what it imports, or what the study already holds?

A study write is one SQLite transaction on the GeoPackage itself (``zonekit/geo/gpkg.py``), not a copy of
the whole file, so importing N features into a study that already holds many more should take about as
long as importing them into an empty study. This script measures exactly that, in fresh processes:

- ``zonekit import`` of SMALL protected areas into an empty study;
- the same import into a study that already holds BIG parcels (``landuse``);
- the peer: a plain pyogrio copy of the same SMALL features (read + write a new GeoPackage).

Usage: ``python bench/bench_study_write.py [SMALL] [BIG]`` (default 100,000 and 1,000,000). Prints the
median of 3 fresh processes for each, with peak memory (VmHWM).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

ZONEKIT = str(Path(sys.executable).with_name("zonekit"))


def grid(n: int, prefix: str, *, x0: float = 120.0, y0: float = 31.0) -> gpd.GeoDataFrame:
    side = int(np.ceil(np.sqrt(n)))
    k = np.arange(n)
    x, y = x0 + (k % side) * 0.0004, y0 + (k // side) * 0.0004
    return gpd.GeoDataFrame(
        {"area_id" if prefix == "A" else "parcel_id": [f"{prefix}{i}" for i in k], "kind": "other"}
        if prefix == "A"
        else {
            "parcel_id": [f"{prefix}{i}" for i in k],
            "land_use_code": np.where(k % 3 == 0, "0601", "0101"),
        },
        geometry=shapely.box(x, y, x + 0.0004, y + 0.0004),
        crs=4490,
    )


def peak_run(args: list[str]) -> tuple[float, float]:
    """Wall time and peak memory (GB) of one fresh process."""
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True, check=False)
    took = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    return took, int(r.stderr.strip().splitlines()[-1]) / 1e6


def median_of(make_args, repeat: int = 3) -> tuple[float, float]:
    runs = [peak_run(make_args(i)) for i in range(repeat)]
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def main(small: int, big: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-write-"))
    src = tmp / "protected.gpkg"
    pyogrio.write_dataframe(grid(small, "A", y0=33.0), src)
    parcels = tmp / "parcels.gpkg"
    pyogrio.write_dataframe(grid(big, "L"), parcels)
    holding = tmp / "holding.gpkg"
    subprocess.run(
        [ZONEKIT, "import", parcels, "--into", holding, "--as", "landuse", "--code-system", "sandiao"],
        check=True,
        capture_output=True,
    )
    size = holding.stat().st_size / 1e9

    def into_empty(i: int) -> list[str]:
        return [ZONEKIT, "import", str(src), "--into", str(tmp / f"empty{i}.gpkg"), "--as", "protected"]

    def into_holding(i: int) -> list[str]:
        return [ZONEKIT, "import", str(src), "--into", str(holding), "--as", "protected", "--replace"]

    def peer(i: int) -> list[str]:
        code = (
            "import pyogrio, sys; df = pyogrio.read_dataframe(sys.argv[1]); "
            "pyogrio.write_dataframe(df.to_crs(4490), sys.argv[2])"
        )
        return [sys.executable, "-c", code, str(src), str(tmp / f"peer{i}.gpkg")]

    e, em = median_of(into_empty)
    h, hm = median_of(into_holding)
    p, pm = median_of(peer)
    print(f"import {small:,} features into an empty study        {e:6.2f} s  {em:.2f} GB")
    print(f"import {small:,} features into a study of {big:,} ({size:.2f} GB)  {h:6.2f} s  {hm:.2f} GB")
    print(f"peer: pyogrio read + to_crs + write                 {p:6.2f} s  {pm:.2f} GB")
    print(f"holding / empty {h / e:.2f}x;  empty / peer {e / p:.2f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3])) if len(sys.argv) > 2 else main(100_000, 1_000_000)
