"""Benchmark: ellipsoidal area of many parcel-sized polygons, zonekit against named peers.

Peers, on the same polygons in the same run:
- ``pyproj.Geod.geometry_area_perimeter`` per polygon (the reference the tests check against);
- geopandas ``to_crs`` into one Albers equal-area CRS for the whole extent, then ``.area``
  (fast, but only as exact as one projection allows over a province).

Usage: ``python bench/bench_area.py [N]`` (default 200,000). Prints median times over 3 runs, the ratios,
and the largest relative difference from Geod.
"""

from __future__ import annotations

import statistics
import sys
import time

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from zonekit.geo.area import ellipsoidal_area


def parcels(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(116.3, 121.9, n), rng.uniform(30.7, 35.1, n)  # Jiangsu's extent
    w, h = rng.uniform(0.0005, 0.002, n), rng.uniform(0.0004, 0.0015, n)
    return shapely.box(x, y, x + w, y + h)


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    geoms = parcels(n)
    geod = pyproj.Geod(ellps="GRS80")
    albers = "+proj=aea +lat_1=31 +lat_2=35 +lat_0=33 +lon_0=119 +ellps=GRS80"
    gs = gpd.GeoSeries(geoms, crs=4490)

    t_zk, a_zk = timed(lambda: ellipsoidal_area(geoms, 4490))
    m = min(n, 20_000)  # Geod per polygon is slow: time a slice and scale
    t_geod_m, a_geod = timed(
        lambda: np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in geoms[:m]]), 1
    )
    t_geod = t_geod_m * n / m
    t_gpd, a_gpd = timed(lambda: gs.to_crs(albers).area.to_numpy())

    rel_zk = float(np.max(np.abs(a_zk[:m] - a_geod) / a_geod))
    rel_gpd = float(np.max(np.abs(a_gpd[:m] - a_geod) / a_geod))
    print(f"{n:,} parcel-sized polygons over Jiangsu")
    print(f"  zonekit.ellipsoidal_area      {t_zk:7.2f} s   max rel. diff from Geod {rel_zk:.1e}")
    print(
        f"  pyproj.Geod per polygon       {t_geod:7.2f} s   (reference; {t_geod / t_zk:.1f}x zonekit's time)"
    )
    print(
        f"  geopandas to_crs(Albers).area {t_gpd:7.2f} s   max rel. diff from Geod {rel_gpd:.1e} "
        f"({t_gpd / t_zk:.2f}x zonekit's time)"
    )


if __name__ == "__main__":
    main()
