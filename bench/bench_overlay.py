"""Benchmark: per-park land-use composition (area by class), end to end from GeoParquet.

Synthetic study: 2,000 irregular parks (about 350 vertices each, as boundaries digitised along parcel
edges have) and N parcels (a grid over each park's extent, 6 land-use classes), in CGCS2000 / 3°
Gauss-Krüger CM 120E (metres), written as GeoParquet in row groups of 100k.

Methods, each run in a fresh subprocess (time = wall clock from reading the files to the result table;
memory = the process's peak RSS):

- ``read``: only ``geopandas.read_parquet`` of the parcels — the floor, and the memory baseline
  ("just holding the parcels in a GeoDataFrame");
- ``zonekit``: :func:`zonekit.geo.overlay.intersection_areas` + ``numpy.bincount`` (ellipsoidal areas);
- ``geopandas``: ``geopandas.overlay(how="intersection")`` + ``.area`` (planar) + ``groupby``;
- ``duckdb``: DuckDB with its spatial extension from PyPI (``duckdb-extension-spatial``), both cores,
  ``ST_Intersects`` join + ``ST_Area(ST_Intersection(...))`` + ``GROUP BY`` (planar); skipped when not installed.

The class totals of every method are checked against zonekit's (planar Gauss-Krüger areas differ from
ellipsoidal ones by the projection's scale factor, < 1e-3 here).

Usage::

    python bench/bench_overlay.py --parcels 100000 1000000 --repeat 3 --verify
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CRS = "EPSG:4549"
CLASSES = np.array(["industrial", "logistics", "commercial", "residential", "green_open", "farmland"])


def make_data(
    folder: Path, n_parcels: int, n_parks: int = 2000, seed: int = 7, vertices: int = 4, cut: bool = False
) -> tuple[Path, Path]:
    import geopandas as gpd
    import shapely

    stem = f"parcels_{n_parcels}" + (f"_v{vertices}" if vertices != 4 else "") + ("_cut" if cut else "")
    parks_path, parcels_path = folder / "parks.parquet", folder / f"{stem}.parquet"
    if parks_path.exists() and parcels_path.exists():
        return parks_path, parcels_path
    rng = np.random.default_rng(seed)
    cols = math.ceil(math.sqrt(n_parks * 1.25))
    ix = np.arange(n_parks) % cols
    iy = np.arange(n_parks) // cols
    cx, cy = 400_000 + ix * 4000.0, 3_400_000 + iy * 4000.0
    parks = []
    for x, y in zip(cx, cy, strict=True):
        k = int(rng.integers(7, 13))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        r = rng.uniform(900, 1500, k)
        outline = shapely.Polygon(np.column_stack([x + r * np.cos(ang), y + r * np.sin(ang)])).buffer(0)
        # real park boundaries are digitised along parcel edges: hundreds of vertices, a little noise
        ring = shapely.get_coordinates(shapely.segmentize(outline.exterior, 20.0))[:-1]
        ring = ring + rng.normal(0, 3.0, ring.shape)
        parks.append(shapely.make_valid(shapely.Polygon(ring), method="structure", keep_collapsed=False))
    gpd.GeoDataFrame({"park_id": [f"P{i:05d}" for i in range(n_parks)]}, geometry=parks, crs=CRS).to_parquet(
        parks_path
    )
    k = max(1, round(math.sqrt(n_parcels / n_parks)))
    # each park's extent (its bounding box) cut into k × k parcels: a parcel layer over the parks
    b = shapely.bounds(np.array(parks, dtype=object))
    w, h = (b[:, 2] - b[:, 0]) / k, (b[:, 3] - b[:, 1]) / k
    gx, gy = np.meshgrid(np.arange(k), np.arange(k))
    x0 = (b[:, 0][:, None] + gx.ravel()[None, :] * w[:, None]).ravel()
    y0 = (b[:, 1][:, None] + gy.ravel()[None, :] * h[:, None]).ravel()
    cw, ch = np.repeat(w, k * k), np.repeat(h, k * k)
    sx, sy = cw * 0.04, ch * 0.04  # a road gap between parcels
    if vertices == 4:
        geoms = shapely.box(x0 + sx, y0 + sy, x0 + cw - sx, y0 + ch - sy)
    else:  # irregular star-shaped polygons (not always convex) filling most of each cell
        ang = 2 * np.pi * (np.arange(vertices) + rng.uniform(-0.3, 0.3, (len(x0), vertices))) / vertices
        rad = rng.uniform(0.7, 1.0, (len(x0), vertices)) * 0.5
        px = (x0 + cw / 2)[:, None] + (cw - 2 * sx)[:, None] * rad * np.cos(ang)
        py = (y0 + ch / 2)[:, None] + (ch - 2 * sy)[:, None] * rad * np.sin(ang)
        geoms = shapely.polygons(np.stack([px, py], axis=-1))
    if cut:  # parcels split along the park boundaries, as surveys often deliver them: shared edges
        owner = np.repeat(np.arange(n_parks), k * k)
        park = np.array(parks, dtype=object)[owner]
        crossing = np.flatnonzero(shapely.intersects(park, geoms) & ~shapely.contains_properly(park, geoms))
        inner = shapely.intersection(park[crossing], geoms[crossing])
        outer = shapely.difference(geoms[crossing], park[crossing])
        keep = np.ones(len(geoms), dtype=bool)
        keep[crossing] = False
        geoms = np.concatenate([geoms[keep], inner, outer])
        geoms = geoms[np.isin(shapely.get_type_id(geoms), (3, 6)) & (shapely.area(geoms) > 0)]
    gdf = gpd.GeoDataFrame({"analysis_class": rng.choice(CLASSES, len(geoms))}, geometry=geoms, crs=CRS)
    gdf.to_parquet(parcels_path, row_group_size=100_000)
    return parks_path, parcels_path


def run_read(parks: Path, parcels: Path) -> dict:
    import geopandas as gpd

    df = gpd.read_parquet(parcels)
    return {"rows": len(df)}


def run_zonekit(parks: Path, parcels: Path) -> dict:
    import geopandas as gpd
    import pandas as pd

    from zonekit.geo.overlay import intersection_areas

    p = gpd.read_parquet(parks)
    lu = gpd.read_parquet(parcels)
    pairs = intersection_areas(p.geometry.values, lu.geometry.values, lu.crs)
    cls, codes = pd.factorize(lu["analysis_class"])  # hashing, as pandas' groupby does
    key = pairs["a"].to_numpy() * len(codes) + cls[pairs["b"].to_numpy()]
    table = np.bincount(key, weights=pairs["area_m2"].to_numpy(), minlength=len(p) * len(codes))
    table = table.reshape(len(p), len(codes))
    return {"pairs": len(pairs), "totals": dict(zip(list(codes), table.sum(axis=0).tolist(), strict=True))}


def run_geopandas(parks: Path, parcels: Path) -> dict:
    import geopandas as gpd

    p = gpd.read_parquet(parks)
    lu = gpd.read_parquet(parcels)
    ov = gpd.overlay(p, lu, how="intersection", keep_geom_type=True)
    ov["area_m2"] = ov.area
    table = ov.groupby(["park_id", "analysis_class"])["area_m2"].sum().unstack(fill_value=0.0)
    return {"pairs": len(ov), "totals": table.sum(axis=0).to_dict()}


def run_duckdb(parks: Path, parcels: Path) -> dict:
    import duckdb
    import duckdb_extension_spatial as ext

    path = next(Path(ext.__file__).parent.rglob("spatial.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    con.execute(f"LOAD '{path}'")
    rows = con.execute(f"""
        WITH p AS (SELECT park_id, geometry AS g FROM read_parquet('{parks}')),
             l AS (SELECT analysis_class, geometry AS g FROM read_parquet('{parcels}')),
             x AS (SELECT p.park_id, l.analysis_class, ST_Area(ST_Intersection(p.g, l.g)) AS a
                   FROM p JOIN l ON ST_Intersects(p.g, l.g))
        SELECT analysis_class, sum(a), count(*) FROM x WHERE a > 0 GROUP BY analysis_class
    """).fetchall()
    return {"pairs": int(sum(r[2] for r in rows)), "totals": {r[0]: float(r[1]) for r in rows}}


def verify(parks: Path, parcels: Path) -> tuple[int, float, float]:
    """zonekit's pair areas against ``geopandas.overlay``'s pieces measured with the same ellipsoidal area.

    Returns the number of pairs, the largest difference relative to the parcel's area (what apportioning
    uses) and the largest absolute difference in m² (the pairs must be the same). Relative to the piece
    itself, slivers of a few cm² differ by more: their area is at the level of coordinate rounding.
    """
    import geopandas as gpd

    from zonekit.geo.area import ellipsoidal_area
    from zonekit.geo.overlay import intersection_areas

    p, lu = gpd.read_parquet(parks), gpd.read_parquet(parcels)
    pairs = intersection_areas(p.geometry.values, lu.geometry.values, lu.crs)
    p["ia"], lu["ib"] = np.arange(len(p)), np.arange(len(lu))
    ov = gpd.overlay(p[["ia", "geometry"]], lu[["ib", "geometry"]], how="intersection", keep_geom_type=True)
    ov["m2"] = ellipsoidal_area(ov.geometry.values, lu.crs)
    ref = ov[ov["m2"] > 0].groupby(["ia", "ib"])["m2"].sum()
    got = pairs.set_index(["a", "b"])["area_m2"]
    if len(ref) != len(got) or not ref.index.equals(got.index):
        raise SystemExit(f"pairs differ: zonekit {len(got):,}, geopandas.overlay {len(ref):,}")
    parcel = ellipsoidal_area(lu.geometry.values[got.index.get_level_values(1)], lu.crs)
    diff = (got - ref).abs().to_numpy()
    return len(got), float((diff / parcel).max()), float(diff.max())


METHODS = {"read": run_read, "zonekit": run_zonekit, "geopandas": run_geopandas, "duckdb": run_duckdb}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Unlike ``ru_maxrss`` it starts afresh at exec, so a
    large parent (one that has just generated the data) does not inflate it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(method: str, parks: Path, parcels: Path) -> None:
    t = time.perf_counter()
    out = METHODS[method](parks, parcels)
    out["seconds"] = time.perf_counter() - t
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def available(method: str) -> bool:
    if method != "duckdb":
        return True
    try:
        import duckdb  # noqa: F401
        import duckdb_extension_spatial  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parcels", type=int, nargs="+", default=[100_000])
    ap.add_argument("--parks", type=int, default=2000)
    ap.add_argument("--parcel-vertices", type=int, default=4, help="4: boxes; more: irregular polygons")
    ap.add_argument("--cut-at-parks", action="store_true", help="split parcels along the park boundaries")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--methods", default="read,zonekit,geopandas,duckdb")
    ap.add_argument("--verify", action="store_true", help="also compare every pair with geopandas.overlay")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "zonekit-bench")
    ap.add_argument("--child", nargs=3, metavar=("METHOD", "PARKS", "PARCELS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; methods run in fresh processes; median of {args.repeat}")
    for n in args.parcels:
        parks, parcels = make_data(
            args.data, n, args.parks, vertices=args.parcel_vertices, cut=args.cut_at_parks
        )
        results = {}
        for method in args.methods.split(","):
            if not available(method):
                print(f"  {method:<10} skipped (not installed)")
                continue
            runs = []
            for _ in range(args.repeat):
                cmd = [sys.executable, __file__, "--child", method, str(parks), str(parcels)]
                proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            results[method] = {
                "seconds": statistics.median(r["seconds"] for r in runs),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                **runs[-1],
            }
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(parcels).metadata.num_rows
        shape = "boxes" if args.parcel_vertices == 4 else f"{args.parcel_vertices}-gons"
        shape += ", cut along the park boundaries" if args.cut_at_parks else ""
        print(f"\n{rows:,} parcels ({shape}) x {args.parks:,} parks")
        base = results.get("zonekit", {})
        floor = results.get("read", {}).get("peak_rss_mb")
        for m, r in results.items():
            ratio = (r["seconds"] / base["seconds"]) if base else float("nan")
            mem = f"{r['peak_rss_mb']:8.0f} MB" + (
                f" ({r['peak_rss_mb'] / floor:.2f}x read)" if floor else ""
            )
            check = ""
            if "totals" in r and "totals" in base:
                rel = max(abs(r["totals"][c] - base["totals"][c]) / base["totals"][c] for c in base["totals"])
                check = f"  class totals within {rel:.1e} of zonekit"
            print(f"  {m:<10} {r['seconds']:7.2f} s  {ratio:6.2f}x zonekit's time  {mem}{check}")
        if args.verify:
            n_pairs, rel, m2 = verify(parks, parcels)
            print(
                f"  verify: the same {n_pairs:,} pairs as geopandas.overlay; largest difference {m2:.1e} m²,"
                f" {rel:.1e} of the parcel's area"
            )


if __name__ == "__main__":
    main()
