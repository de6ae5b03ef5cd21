"""Benchmark: every command end to end, as a user waits for it, against peers on the same files.

It makes a realistic study itself and times each command in fresh processes (wall clock from start to
exit, reading, computing and writing), with peak memory (the process's VmHWM, or the summed PSS of it
and the workers it forks, whichever is larger):

- parcels are irregular Voronoi cells (not boxes), clipped to the study region;
- the parcels of every other park are cut along the park line, as surveys delivered after a boundary
  adjustment are (so they share edges with the park);
- industrial parcels carry enterprises (tax, revenue, energy); 200 parks in 60 zones, protected areas
  overlapping some parks, the real county boundaries of the bundled sample.

The sources are written as GeoPackages and imported with ``zonekit import`` (itself timed), so every
command runs on a study as a user would have it. Peers, on the same files in the same run:

- ``import``: a plain pyogrio copy (read, reproject to CGCS2000, write a GeoPackage);
- ``intensity --by park``: ``geopandas.overlay`` of parks and parcels + ``.area`` + ``groupby`` — what
  an analyst writes in a notebook (planar areas in a Gauss-Krüger projection), writing a CSV; zonekit is
  timed writing the workbook (``intensity``) and writing CSV files (``intensity_csv``), since at a
  million parcels the workbook's per-enterprise sheets are most of the time (xlsxwriter writes each cell);
- ``overlap --a parks --b zones``: ``geopandas.overlay`` of the two small layers read alone;
- ``overlap --a parks --b landuse`` (``overlap_parks_parcels``): ``geopandas.overlay`` of parks and parcels
  + ``.area``, the pairs and a ``groupby`` sum per park and class written as CSV (zonekit dissolves the
  pieces that overlap before it measures a class's coverage; the peer does not);
- DuckDB spatial for intensity when ``duckdb`` and ``duckdb-extension-spatial`` are installed.

Usage::

    python bench/bench_commands.py --parcels 100000 [1000000 ...] [--repeat 3] [--only intensity,import] [--verify]

Prints one table per size: median wall time of ``--repeat`` runs, peak memory, and the ratio to the peer.
Studies are cached under the system's temporary folder (``zonekit-bench-<n>``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import numpy as np

BIN = Path(sys.executable).parent
ZONEKIT = str(BIN / "zonekit")
PYTHON = sys.executable
N_PARKS, N_ZONES = 200, 60
CODES = {  # 三调 codes and their share of the parcels
    "0601": 0.35,  # 工业用地
    "0602": 0.03,  # 采矿用地
    "0508": 0.04,  # 物流仓储用地
    "05H1": 0.06,  # 商业服务业设施用地
    "0701": 0.12,  # 城镇住宅用地
    "08H2": 0.04,  # 科教文卫用地
    "1004": 0.08,  # 城镇村道路用地
    "0810": 0.03,  # 公园与绿地
    "1101": 0.02,  # 河流水面
    "0103": 0.15,  # 旱地
    "1202": 0.08,  # 设施农用地
}


def make_study_sources(folder: Path, n: int, seed: int = 11) -> dict[str, Path]:
    """Write the sources of a realistic study into ``folder`` (cached) and return their paths by layer."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from zonekit.layers.sample import sample_path

    paths = {name: folder / f"{name}.gpkg" for name in ("admin", "zones", "parks", "landuse", "enterprises")}
    paths["protected"] = folder / "protected.gpkg"
    if all(p.exists() for p in paths.values()):
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    admin = gpd.read_file(sample_path(), layer="admin")
    admin = admin[admin["level"] == "county"] if "level" in admin else admin
    region = shapely.union_all(admin.geometry.values)
    x0, y0, x1, y1 = region.bounds

    # parks: irregular outlines digitised along parcel edges (hundreds of vertices), 0.8-1.6 km across
    parks, centres = [], []
    while len(parks) < N_PARKS:
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if not region.contains(shapely.Point(cx, cy)):
            continue
        k = int(rng.integers(7, 13))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        r = rng.uniform(0.008, 0.016, k)
        outline = shapely.Polygon(np.column_stack([cx + r * np.cos(ang), cy + r * np.sin(ang)])).buffer(0)
        ring = shapely.get_coordinates(shapely.segmentize(outline.exterior, 0.0002))[:-1]
        ring = ring + rng.normal(0, 0.00002, ring.shape)
        g = shapely.make_valid(shapely.Polygon(ring), method="structure", keep_collapsed=False)
        if g.geom_type == "Polygon" and not any(g.intersects(p) for p in parks):
            parks.append(g)
            centres.append((cx, cy))
    zone_of = np.sort(rng.integers(0, N_ZONES, N_PARKS))
    zone_ids = [f"Z{z:03d}" for z in zone_of]
    kind = ["main" if i == 0 or zone_of[i] != zone_of[i - 1] else "sub" for i in range(N_PARKS)]
    park_ids = [f"{z}-{i:03d}" for i, z in enumerate(zone_ids)]
    county = admin["adcode"].astype(str).to_numpy()
    owner = shapely.STRtree(admin.geometry.values).query(
        shapely.points(np.array(centres)), predicate="within"
    )
    host = np.full(N_PARKS, None, dtype=object)
    host[owner[0]] = county[owner[1]]
    gpd.GeoDataFrame(
        {
            "park_id": park_ids,
            "zone_id": zone_ids,
            "name": [f"园区{i}" for i in range(N_PARKS)],
            "kind": kind,
        },
        geometry=parks,
        crs=4490,
    ).to_file(paths["parks"], driver="GPKG")
    zones = sorted(set(zone_ids))
    levels = rng.choice(["national", "provincial", "municipal"], len(zones), p=[0.2, 0.5, 0.3])
    first_host = pd.Series(host, index=zone_ids).groupby(level=0).first()
    industries = ["纺织", "装备制造", "新材料", "电子信息", "化工", "生物医药"]
    zones_table = pd.DataFrame(
        {
            "zone_id": zones,
            "name": [f"开发区{z}" for z in zones],
            "level": levels,
            "type": rng.choice(["etdz", "hitech", "other"], len(zones)),
            "in_catalogue": np.where(rng.random(len(zones)) < 0.8, "是", "否"),
            "county_adcode": first_host.reindex(zones).to_numpy(),
            "lead_industries": ["、".join(rng.choice(industries, 2, replace=False)) for _ in zones],
        }
    )
    _write_table(zones_table, paths["zones"])

    # parcels: Voronoi cells of random points over the parks' neighbourhood (denser inside parks)
    around = shapely.union_all(shapely.buffer(np.array(parks, dtype=object), 0.01))
    ax0, ay0, ax1, ay1 = around.bounds
    shapely.prepare(around)
    share = around.area / ((ax1 - ax0) * (ay1 - ay0))
    pts = np.empty((0, 2))
    while len(pts) < n:  # uniform points inside the parks' neighbourhood, n of them
        k = int((n - len(pts)) / share * 1.1) + 100
        cand = np.column_stack([rng.uniform(ax0, ax1, k), rng.uniform(ay0, ay1, k)])
        pts = np.concatenate([pts, cand[shapely.contains_xy(around, cand[:, 0], cand[:, 1])]])
    pts = pts[:n]
    t0 = time.perf_counter()
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=around))
    edge = ~shapely.contains_properly(around, cells)  # prepared: only the cells on the edge are clipped
    cells[edge] = shapely.intersection(cells[edge], around)
    print(f"  made {len(cells):,} Voronoi parcels in {time.perf_counter() - t0:.0f} s", flush=True)
    cells = cells[np.isin(shapely.get_type_id(cells), (3, 6)) & (shapely.area(cells) > 0)]
    # the parcels of every other park cut along the park line (shared edges), as after an adjustment
    cut_parks = np.array(parks, dtype=object)[::2]
    shapely.prepare(cut_parks)
    tree = shapely.STRtree(cells)
    pi, ci = tree.query(cut_parks, predicate="intersects")
    crossing = ~shapely.contains_properly(cut_parks[pi], cells[ci])
    pi, ci = pi[crossing], ci[crossing]
    first = np.unique(ci, return_index=True)[1]  # a cell crossing two parks is cut by the first
    pi, ci = pi[first], ci[first]
    pieces = np.concatenate(
        [shapely.intersection(cells[ci], cut_parks[pi]), shapely.difference(cells[ci], cut_parks[pi])]
    )
    keep = np.ones(len(cells), dtype=bool)
    keep[ci] = False
    cells = np.concatenate([cells[keep], shapely.get_parts(pieces)])
    cells = cells[(shapely.get_type_id(cells) == 3) & (shapely.area(cells) > 1e-12)]
    m = len(cells)
    codes = rng.choice(list(CODES), m, p=np.array(list(CODES.values())) / sum(CODES.values()))
    industrial = codes == "0601"
    area_m2 = shapely.area(cells) * 1.05e10  # about: degrees² to m² at 32°N
    built = rng.random(m) < 0.85
    ent = np.where(industrial & built & (rng.random(m) < 0.7), np.arange(m), -1)
    enterprise_id = np.where(ent >= 0, np.char.add("E", ent.astype(str)), None)
    gpd.GeoDataFrame(
        {
            "parcel_id": np.char.add("L", np.arange(m).astype(str)),
            "land_use_code": codes,
            "code_system": "sandiao",
            "build_status": np.where(built, "built", "serviced"),
            "supplied": built | (rng.random(m) < 0.5),
            "gfa_m2": np.where(built, area_m2 * rng.uniform(0.4, 2.0, m), 0.0),
            "footprint_m2": np.where(built, area_m2 * rng.uniform(0.2, 0.6, m), 0.0),
            "investment_wan": np.where(industrial, area_m2 / 666.7 * rng.uniform(100, 600, m), np.nan),
            "tax_wan": np.where(industrial, area_m2 / 666.7 * rng.uniform(5, 60, m), np.nan),
            "enterprise_id": enterprise_id,
        },
        geometry=cells,
        crs=4490,
    ).to_file(paths["landuse"], driver="GPKG")
    firms = np.flatnonzero(ent >= 0)
    pd.DataFrame(
        {
            "enterprise_id": np.char.add("E", firms.astype(str)),
            "name": np.char.add("企业", firms.astype(str)),
            "industry_code": rng.choice(["C17", "C26", "C34", "C39"], len(firms)),
            "tax_wan": rng.uniform(10, 3000, len(firms)),
            "revenue_wan": rng.uniform(500, 90000, len(firms)),
            "energy_tce": rng.uniform(0, 5000, len(firms)),
            "employees": rng.integers(5, 2000, len(firms)).astype(float),
        }
    ).pipe(_write_table, paths["enterprises"])
    # protected areas: red lines and basic farmland, some across park edges
    prot = []
    for k in range(40):
        cx, cy = (
            centres[int(rng.integers(0, N_PARKS))]
            if k % 2 == 0
            else (rng.uniform(x0, x1), rng.uniform(y0, y1))
        )
        prot.append(shapely.Point(cx + 0.012, cy).buffer(rng.uniform(0.003, 0.01), quad_segs=16))
    gpd.GeoDataFrame(
        {
            "area_id": [f"PA{k:02d}" for k in range(40)],
            "name": [f"保护区{k}" for k in range(40)],
            "kind": ["eco_redline" if k % 3 else "basic_farmland" for k in range(40)],
        },
        geometry=prot,
        crs=4490,
    ).to_file(paths["protected"], driver="GPKG")
    admin.to_file(paths["admin"], driver="GPKG")
    return paths


def _write_table(df, path: Path) -> None:
    import pyogrio

    pyogrio.write_dataframe(df, path, driver="GPKG")


def build_study(sources: dict[str, Path], study: Path) -> None:
    """Import every source into a new study with ``zonekit import`` (the parcels' import is timed apart)."""
    if study.exists():
        return
    for layer in ("admin", "zones", "parks", "protected", "enterprises", "landuse"):
        subprocess.run(
            [ZONEKIT, "import", str(sources[layer]), "--into", str(study), "--as", layer, "--lang", "en"],
            check=True,
            capture_output=True,
        )


def overlapping_study(study: Path, sources: dict[str, Path], share: float = 0.01, seed: int = 5) -> Path:
    """A copy of ``study`` (cached) whose parcels overlap as surveyed data do: ``share`` of them again.

    Half of the copies shifted by a third of their width (over the parcel and its neighbour), half exact
    duplicates (a parcel delivered twice), each with an id of its own; appended by ``zonekit import
    --append``. For ``overlap --a landuse --b landuse`` on parcels that do overlap one another.
    """
    import pyogrio
    import shapely

    target = study.with_name("study-overlapping.gpkg")
    if target.exists():
        return target
    parcels = pyogrio.read_dataframe(sources["landuse"])
    rng = np.random.default_rng(seed)
    again = parcels.iloc[np.sort(rng.choice(len(parcels), int(len(parcels) * share), replace=False))].copy()
    half = np.arange(len(again)) % 2 == 0
    width = shapely.bounds(again.geometry.values)[:, 2] - shapely.bounds(again.geometry.values)[:, 0]
    shifted = again.geometry.values[half]
    step = np.repeat(width[half] / 3.0, shapely.get_num_coordinates(shifted))  # each parcel's own shift
    moved = shapely.transform(shifted, lambda xy: xy + np.column_stack([step, np.zeros_like(step)]))
    geoms = again.geometry.to_numpy(dtype=object)
    geoms[half] = moved
    again = again.set_geometry(list(geoms), crs=parcels.crs)
    again["parcel_id"] = np.char.add("X", np.arange(len(again)).astype(str))
    extra = study.with_name("overlapping-extra.gpkg")
    pyogrio.write_dataframe(again, extra, driver="GPKG")
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    shutil.copy(study, partial)
    subprocess.run(
        [
            ZONEKIT,
            "import",
            str(extra),
            "--into",
            str(partial),
            "--as",
            "landuse",
            "--append",
            "--lang",
            "en",
        ],
        check=True,
        capture_output=True,
    )
    partial.rename(target)
    extra.unlink()
    return target


PEER_IMPORT = """
import sys, pyogrio
df = pyogrio.read_dataframe(sys.argv[1])
df = df.to_crs(4490)
pyogrio.write_dataframe(df, sys.argv[2], driver="GPKG")
"""

PEER_INTENSITY = """
import sys, geopandas as gpd, pyogrio
parks = pyogrio.read_dataframe(sys.argv[1], layer="parks", columns=["park_id"])
parcels = pyogrio.read_dataframe(sys.argv[1], layer="landuse", columns=["analysis_class", "is_construction"])
parks, parcels = parks.to_crs(4549), parcels.to_crs(4549)
ov = gpd.overlay(parks, parcels, how="intersection", keep_geom_type=True)
ov["area_m2"] = ov.area
table = ov.groupby(["park_id", "analysis_class"])["area_m2"].sum().unstack(fill_value=0.0)
table.to_csv(sys.argv[2])
"""

PEER_OVERLAP = """
import sys, geopandas as gpd, pyogrio
parks = pyogrio.read_dataframe(sys.argv[1], layer="parks", columns=["park_id"])
zones = pyogrio.read_dataframe(sys.argv[1], layer="admin", columns=["adcode"])
ov = gpd.overlay(parks.to_crs(4549), zones.to_crs(4549), how="intersection", keep_geom_type=True)
ov["area_m2"] = ov.area
ov.drop(columns="geometry").to_csv(sys.argv[2])
"""

PEER_OVERLAP_PARCELS = """
import sys, geopandas as gpd, pyogrio
parks = pyogrio.read_dataframe(sys.argv[1], layer="parks", columns=["park_id", "name"])
parcels = pyogrio.read_dataframe(sys.argv[1], layer="landuse", columns=["parcel_id", "analysis_class"])
ov = gpd.overlay(parks.to_crs(4549), parcels.to_crs(4549), how="intersection", keep_geom_type=True)
ov["area_m2"] = ov.area
ov.drop(columns="geometry").to_csv(sys.argv[2])
ov.groupby(["park_id", "analysis_class"])["area_m2"].sum().to_csv(sys.argv[2] + ".coverage.csv")
"""

PEER_DUCKDB = """
import os, sys, duckdb, duckdb_extension_spatial as ext
from pathlib import Path
con = duckdb.connect()
con.execute(f"SET threads = {os.cpu_count() or 1}")
con.execute(f"LOAD '{next(Path(ext.__file__).parent.rglob('spatial.duckdb_extension'))}'")
con.execute(f'''COPY (
  WITH p AS (SELECT park_id, ST_Transform(geom, 'EPSG:4490', 'EPSG:4549', always_xy := true) AS g
             FROM st_read('{sys.argv[1]}', layer='parks')),
       l AS (SELECT analysis_class, ST_Transform(geom, 'EPSG:4490', 'EPSG:4549', always_xy := true) AS g
             FROM st_read('{sys.argv[1]}', layer='landuse'))
  SELECT p.park_id, l.analysis_class, sum(ST_Area(ST_Intersection(p.g, l.g))) AS area_m2
  FROM p JOIN l ON ST_Intersects(p.g, l.g) GROUP BY ALL) TO '{sys.argv[2]}' (HEADER)''')
"""


def timed(args: list[str], *, prepare=None, sample: bool = True) -> tuple[float, float]:
    """Wall seconds and peak memory (GB) of one fresh process together with every process it starts.

    The peak is the larger of the process's own (VmHWM, from ``/usr/bin/time``, exact) and, with
    ``sample``, the largest sum, sampled every 0.2 s while it has worker processes, of the proportional set
    sizes (PSS) of it and its workers: forked workers share the parent's pages, which PSS counts once (the
    sum of their RSS would count them per worker). Reading PSS costs CPU taken from the command (up to a
    tenth of its time on two cores), so :func:`median` times runs that are not sampled.
    """
    import psutil

    if prepare:
        prepare()
    t = time.perf_counter()
    proc = psutil.Popen(["/usr/bin/time", "-f", "%M", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, done = 0, threading.Event()

    def sample_pss() -> None:
        nonlocal peak
        while not done.is_set():
            total = 0
            try:
                tree = proc.children(recursive=True)  # the command (under /usr/bin/time) and its workers
                if len(tree) > 1:
                    total = sum(p.memory_full_info().pss for p in tree)
            except psutil.Error:  # a process ended while it was read
                pass
            peak = max(peak, total)
            time.sleep(0.2)

    watcher = threading.Thread(target=sample_pss if sample else done.wait, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    took = time.perf_counter() - t
    done.set()
    watcher.join()
    text = err.decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{text[-2000:]}")
    return took, max(int(text.strip().splitlines()[-1]) * 1e3, peak) / 1e9


def median(args, repeat: int, prepare=None) -> tuple[float, float]:
    """The median time of ``repeat`` runs, and the peak memory of those and of one more run sampled for it."""
    _, sampled = timed(args, prepare=prepare)
    runs = [timed(args, prepare=prepare, sample=False) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), max(sampled, *(m for _, m in runs))


def duckdb_available() -> bool:
    try:
        import duckdb  # noqa: F401
        import duckdb_extension_spatial  # noqa: F401
    except ImportError:
        return False
    return True


def run_size(n: int, repeat: int, only: set[str] | None) -> list[tuple]:
    root = Path(tempfile.gettempdir()) / f"zonekit-bench-{n}"
    sources = make_study_sources(root / "sources", n)
    study = root / "study.gpkg"
    build_study(sources, study)
    wanted = only is None or "overlap_self_1pct" in only
    overlapping = overlapping_study(study, sources) if wanted else study
    out = root / "out"
    out.mkdir(exist_ok=True)
    scripts = {}
    for name, code in (
        ("import", PEER_IMPORT),
        ("intensity", PEER_INTENSITY),
        ("overlap", PEER_OVERLAP),
        ("overlap_parks_parcels", PEER_OVERLAP_PARCELS),
        ("duckdb", PEER_DUCKDB),
    ):
        scripts[name] = root / f"peer_{name}.py"
        scripts[name].write_text(textwrap.dedent(code))
    copy = root / "import-target.gpkg"

    def fresh_copy() -> None:  # import into a study without parcels, each time
        copy.unlink(missing_ok=True)
        subprocess.run(
            [ZONEKIT, "import", str(sources["parks"]), "--into", str(copy), "--as", "parks", "--lang", "en"],
            check=True,
            capture_output=True,
        )

    zk = [ZONEKIT]
    rows = []
    plan = [
        (
            "import",
            [*zk, "import", str(sources["landuse"]), "--into", str(copy), "--as", "landuse"],
            fresh_copy,
            [PYTHON, str(scripts["import"]), str(sources["landuse"]), str(out / "peer.gpkg")],
            "pyogrio copy",
        ),
        ("check", [*zk, "check", str(study), "--out", str(out / "check.xlsx")], None, None, ""),
        (
            "intensity",
            [*zk, "intensity", str(study), "--out", str(out / "i.xlsx")],
            None,
            [PYTHON, str(scripts["intensity"]), str(study), str(out / "peer_i.csv")],
            "geopandas.overlay + groupby",
        ),
        (
            "intensity_csv",
            [*zk, "intensity", str(study), "--out", str(out / "i.csv")],
            None,
            [PYTHON, str(scripts["intensity"]), str(study), str(out / "peer_i.csv")],
            "geopandas.overlay + groupby",
        ),
        (
            "intensity_zone",
            [*zk, "intensity", str(study), "--by", "zone", "--out", str(out / "iz.xlsx")],
            None,
            None,
            "",
        ),
        (
            "overlap",
            [*zk, "overlap", str(study), "--a", "parks", "--b", "admin", "--out", str(out / "o.xlsx")],
            None,
            [PYTHON, str(scripts["overlap"]), str(study), str(out / "peer_o.csv")],
            "geopandas.overlay",
        ),
        (
            "overlap_parks_parcels",
            [*zk, "overlap", str(study), "--a", "parks", "--b", "landuse", "--out", str(out / "opp.csv")],
            None,
            [PYTHON, str(scripts["overlap_parks_parcels"]), str(study), str(out / "peer_opp.csv")],
            "geopandas.overlay + area + groupby (pairs and coverage, no dissolve)",
        ),
        (
            "overlap_self",
            [*zk, "overlap", str(study), "--a", "landuse", "--b", "landuse", "--out", str(out / "os.csv")],
            None,
            None,
            "",
        ),
        (
            "overlap_self_1pct",
            [
                *zk,
                "overlap",
                str(overlapping),
                "--a",
                "landuse",
                "--b",
                "landuse",
                "--out",
                str(out / "os1.csv"),
            ],
            None,
            None,
            "",
        ),
        (
            "overlap_parcels",
            [*zk, "overlap", str(study), "--a", "landuse", "--b", "protected", "--out", str(out / "op.csv")],
            None,
            None,
            "",
        ),
        (
            "findings",
            [*zk, "overlap", str(study), "--preset", "findings", "--out", str(out / "f.xlsx")],
            None,
            None,
            "",
        ),
        ("consolidate", [*zk, "consolidate", str(study), "--out", str(out / "c.xlsx")], None, None, ""),
        (
            "potential",
            [*zk, "potential", str(study), "--date", "2025-12-31", "--out", str(out / "p.xlsx")],
            None,
            None,
            "",
        ),
        ("map", [*zk, "map", str(study), "--out", str(out / "m.html"), "--offline"], None, None, ""),
        ("atlas", [*zk, "atlas", str(study), "--out", str(out / "atlas")], None, None, ""),
    ]
    for name, args, prep, peer, peer_name in plan:
        if only and name not in only:
            continue
        t, mem = median(args, repeat, prep)
        row = [name, t, mem, None, None, peer_name]
        if peer:
            pt, pm = median(peer, repeat)
            row[3:5] = [pt, pm]
        rows.append(tuple(row))
        print(
            f"  {name:<15} {t:8.2f} s {mem:6.2f} GB"
            + (f"   peer {row[3]:.2f} s {row[4]:.2f} GB" if peer else ""),
            flush=True,
        )
        if name == "intensity_csv" and duckdb_available():  # like for like: both write CSV
            dt, dm = median([PYTHON, str(scripts["duckdb"]), str(study), str(out / "duck.csv")], repeat)
            rows.append(("intensity_csv", t, mem, dt, dm, "DuckDB spatial"))
    return rows


def verify(n: int) -> None:
    """The overlay of parks × parcels against geopandas.overlay, pair by pair; and cut against uncut parks.

    Prints whether the pair sets are identical, the largest relative area difference, and the kernel's time
    on the parks whose parcels were cut along the park line (shared edges) against the others.
    """
    import geopandas as gpd
    import shapely

    from zonekit.geo.area import ellipsoidal_area
    from zonekit.geo.overlay import intersection_areas
    from zonekit.layers.study import read_study

    st = read_study(
        Path(tempfile.gettempdir()) / f"zonekit-bench-{n}" / "study.gpkg", layers=["parks", "landuse"]
    )
    parks, lu, crs = st["parks"], st["landuse"], st.crs
    t0 = time.perf_counter()
    got = intersection_areas(parks.geometry.values, lu.geometry.values, crs)
    t_kernel = time.perf_counter() - t0
    ga = gpd.GeoDataFrame({"ia": np.arange(len(parks))}, geometry=parks.geometry.values, crs=crs)
    gb = gpd.GeoDataFrame({"ib": np.arange(len(lu))}, geometry=lu.geometry.values, crs=crs)
    t0 = time.perf_counter()
    ov = gpd.overlay(ga, gb, how="intersection", keep_geom_type=True)
    t_gpd = time.perf_counter() - t0
    ov["area"] = ellipsoidal_area(ov.geometry.values, crs)
    ov["planar"] = shapely.area(ov.geometry.values)
    sums = ov[ov["area"] > 0].groupby(["ia", "ib"])[["area", "planar"]].sum()
    # a piece with the parcel's planar area to 1e-9 is the parcel (inside up to rounding; GEOS's copy has the
    # park's vertices on its edges, which moves the ellipsoidal measure 2e-6): the parcel's own area
    own = ellipsoidal_area(lu.geometry.values[sums.index.get_level_values(1)], crs)
    flat = shapely.area(lu.geometry.values[sums.index.get_level_values(1)])
    want = sums["area"].where(np.abs(sums["planar"] - flat) > 1e-9 * flat, own)
    have = got.set_index(["a", "b"])["area_m2"]
    # pieces under 1e-6 m² are rounding along an edge both share (GEOS returns some, the kernel none)
    slivers = want[want.index.difference(have.index)]
    extra = have.index.difference(want.index)
    same = len(extra) == 0 and bool((slivers < 1e-6).all())
    common = want.index.intersection(have.index)
    gap = np.abs(have.loc[common].to_numpy() - want.loc[common].to_numpy())
    rel = gap / want.loc[common].to_numpy()
    off = common[rel > 1e-9]  # where geopandas.overlay differs: GEOS's own intersection of the pair
    direct = ellipsoidal_area(
        shapely.intersection(
            parks.geometry.values[off.get_level_values(0)], lu.geometry.values[off.get_level_values(1)]
        ),
        crs,
    )
    rel_direct = np.abs(have.loc[off].to_numpy() - direct) / direct if len(off) else np.zeros(1)
    print(
        f"verify: {len(have):,} pairs (geopandas {len(want):,}); identical pair sets: {same} (apart from "
        f"{len(slivers):,} slivers under 1e-6 m² geopandas finds, largest {slivers.max() if len(slivers) else 0:.1e}"
        f" m²; {len(extra)} pairs geopandas lacks); "
        f"max relative area difference {rel.max():.1e} ({len(off)} pairs over 1e-9, none over "
        f"{gap.max():.1e} m²; against "
        f"shapely.intersection of those pairs {rel_direct.max():.1e}); "
        f"intersection_areas {t_kernel:.2f} s, geopandas.overlay {t_gpd:.2f} s"
    )
    for label, half in (("cut along the park line", slice(0, None, 2)), ("not cut", slice(1, None, 2))):
        sub = parks.geometry.values[half]
        t0 = time.perf_counter()
        r = intersection_areas(sub, lu.geometry.values, crs)
        dt = time.perf_counter() - t0
        print(f"  parks {label}: {len(r):,} pairs ({int((~r['inside']).sum()):,} cut) in {dt:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parcels", type=int, nargs="+", default=[100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", help="comma-separated commands (import, check, intensity, …)")
    ap.add_argument("--verify", action="store_true", help="check the overlay pair by pair against geopandas")
    a = ap.parse_args()
    only = set(a.only.split(",")) if a.only else None
    print(
        f"{os.cpu_count()} cores; median of {a.repeat} fresh processes; peak = VmHWM, or the PSS of the "
        "process tree sampled in one more run"
    )
    for n in a.parcels:
        print(f"\n{n:,} parcels (requested)")
        rows = run_size(n, a.repeat, only)
        if a.verify:
            verify(n)
        print(
            "\n| command | zonekit | peak | peer | peer time | peer peak | ratio |\n|---|---|---|---|---|---|---|"
        )
        for name, t, mem, pt, pm, peer in rows:
            ratio = f"{pt / t:.2f}× faster" if pt and pt >= t else (f"{t / pt:.2f}× slower" if pt else "")
            peer_t = f"{pt:.2f} s" if pt else ""
            peer_m = f"{pm:.2f} GB" if pm else ""
            print(f"| {name} | {t:.2f} s | {mem:.2f} GB | {peer} | {peer_t} | {peer_m} | {ratio} |")


if __name__ == "__main__":
    main()
