"""Land intensive-use evaluation (开发区土地集约利用评价) per park or per zone (``domain.md`` §2).

Land-status classes from the parcels (``domain.md`` §2.2), each an area summed over the parcel pieces that
fall in a park (the overlay engine cuts parcels at park boundaries and apportions their floor area,
footprint, investment and tax by the area share):

- A: built construction land (``is_construction`` and ``build_status = built``); A1 its residential part,
  A2 its industrial and logistics (工矿仓储) part;
- B21: land serviced for supply (``serviced``); C: unbuildable land; A + B = surveyed land − C;
- D: supplied land (``supplied``); G: idle land (``idle``).

Indicators whose denominator is zero are missing (NaN) and say why in ``notes`` — never 0.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonekit.analysis.config import load_config
from zonekit.choices import INDICATORS
from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.boundary_grid import BoundaryGrid, boundary_grid
from zonekit.geo.cluster import Cluster, map_partitions
from zonekit.geo.overlay import apportion, intersection_areas
from zonekit.geo.parallel import threads as n_workers
from zonekit.geo.units import M2_PER_HA, MU_PER_HA
from zonekit.layers.landuse_codes import CLASSES, UNKNOWN
from zonekit.layers.partitions import cluster_for
from zonekit.layers.schema import raise_if_invalid
from zonekit.layers.stream import LayerStream, PackedChunk, stream_of
from zonekit.vocabulary.messages import say

NEGATIVE = {"idle_land_ratio"}
EXTENSIVE = ("gfa_m2", "footprint_m2", "yard_m2", "investment_wan", "revenue_wan", "tax_wan")
PARCEL_COLUMNS = ("analysis_class", "is_construction", "build_status", "supplied", "idle", *EXTENSIVE)
"""The parcels' columns the indicators read (with the geometry)."""
# indicator: (numerator, denominator, what a zero denominator means)
FORMULAS = {
    "development_rate": ("A_B21", "A_B", "no developable land (A+B)"),
    "supply_rate": ("D", "A_B21", "no built or serviced land (A+B21)"),
    "construction_rate": ("A", "D", "no supplied land (D)"),
    "industrial_land_ratio": ("A2", "A", "no built construction land (A)"),
    "composite_far": ("gfa_A", "A", "no built construction land (A)"),
    "building_density": ("footprint_A", "A", "no built construction land (A)"),
    "industrial_far": ("gfa_A2", "A2", "no built industrial land (A2)"),
    "industrial_building_coefficient": ("cover_A2", "A2", "no built industrial land (A2)"),
    "investment_intensity": ("investment_A2", "A2_ha", "no built industrial land (A2)"),
    "industrial_tax_per_ha": ("tax_A2", "A2_ha", "no built industrial land (A2)"),
    "tax_per_ha": ("tax_all", "A_ha", "no built construction land (A)"),
    "idle_land_ratio": ("G", "D", "no supplied land (D)"),
}


@dataclass
class IntensityResult:
    """What :func:`land_intensity` returns: tables and the inputs' account."""

    indicators: gpd.GeoDataFrame
    """One row per park or zone: areas, class areas, indicators, zone type, score, grade, notes."""
    scores: pd.DataFrame
    """Indicator scores (0–100) and node scores of the weight tree, per unit."""
    national: pd.DataFrame
    """Each indicator beside the national reference value (long format)."""
    metadata: dict[str, object]
    parts: list = field(default_factory=list)
    """What ``each`` returned for every chunk of parcels, in the layer's order."""


def _units(study, by: str) -> gpd.GeoDataFrame:
    parks = study["parks"]
    if by == "park":
        cols = ["park_id", "zone_id", "name", "kind"]
        return gpd.GeoDataFrame(parks[cols].copy(), geometry=parks.geometry.values, crs=parks.crs)
    zones = study.get("zones", None)
    parts = []
    for zid, grp in parks.groupby("zone_id", sort=True):
        parts.append((str(zid), shapely.union_all(grp.geometry.values)))  # theme parks not counted twice
    units = gpd.GeoDataFrame(
        {"zone_id": [p[0] for p in parts]}, geometry=[p[1] for p in parts], crs=parks.crs
    )
    if zones is not None:
        info = zones.set_index(zones["zone_id"].astype(str))
        for col in ("name", "level", "type", "in_catalogue", "region", "county_adcode"):
            if col in info:
                units[col] = units["zone_id"].map(info[col])
    return units


def _codes(values: pd.Series, rows: np.ndarray, names) -> np.ndarray:
    """Which of ``names`` each of ``values`` at ``rows`` is (its position; -1 for anything else)."""
    codes, uniques = pd.factorize(values)  # each distinct value once, not a Python string per row
    at = {str(u): k for k, u in enumerate(uniques)}
    lookup = np.full(len(uniques) + 1, -1, dtype=np.int64)
    for k, name in enumerate(names):
        if name in at:
            lookup[at[name]] = k
    return lookup[codes[rows]]  # a missing value (code -1) reads the last entry: -1


def _class_sums(pairs: pd.DataFrame, lu: pd.DataFrame, n_units: int) -> pd.DataFrame:
    """Per unit: the land-status sums the indicators need, in m² (areas) and their units (money, floor)."""
    b = pairs["b"].to_numpy()
    a = pairs["a"].to_numpy()
    area = pairs["area_m2"].to_numpy()
    classes = (*CLASSES, UNKNOWN)
    cls = _codes(lu["analysis_class"], b, classes)
    status = _codes(lu["build_status"], b, ("built", "serviced", "unbuildable"))
    constr = lu["is_construction"].fillna(False).to_numpy(dtype=bool)[b]
    supplied = lu["supplied"].fillna(False).to_numpy(dtype=bool)[b]
    idle = lu["idle"].fillna(False).to_numpy(dtype=bool)[b]
    vals = apportion(pairs, lu[list(EXTENSIVE)].astype(float))
    built = constr & (status == 0)
    ind = built & np.isin(cls, [classes.index("industrial"), classes.index("logistics")])
    masks = {
        "land": np.ones(len(a), bool),
        "A": built,
        "A1": built & (cls == classes.index("residential")),
        "A2": ind,
        "B21": status == 1,
        "C": status == 2,
        "D": supplied,
        "G": idle,
    }

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(a, weights=np.nan_to_num(weights), minlength=n_units)

    out = {k: total(area * m) for k, m in masks.items()}
    gfa, foot, yard = (vals[c].to_numpy() for c in ("gfa_m2", "footprint_m2", "yard_m2"))
    out["gfa_A"] = total(gfa * built)
    out["footprint_A"] = total(foot * built)
    out["gfa_A2"] = total(gfa * ind)
    out["cover_A2"] = total((np.nan_to_num(foot) + np.nan_to_num(yard)) * ind)
    out["investment_A2"] = total(vals["investment_wan"].to_numpy() * ind)
    out["tax_A2"] = total(vals["tax_wan"].to_numpy() * ind)
    out["tax_all"] = total(vals["tax_wan"].to_numpy())
    out["revenue_all"] = total(vals["revenue_wan"].to_numpy())
    for k, c in enumerate(classes):
        out[f"{c}_ha"] = total(area * (cls == k)) / M2_PER_HA
    df = pd.DataFrame(out)
    df["A_B"] = df["land"] - df["C"]
    df["A_B21"] = df["A"] + df["B21"]
    df["A_ha"], df["A2_ha"] = df["A"] / M2_PER_HA, df["A2"] / M2_PER_HA
    df["parcels"] = np.bincount(a, minlength=n_units)
    return df


def chunk_partial(
    chunk: gpd.GeoDataFrame | PackedChunk,
    units: gpd.GeoDataFrame,
    crs,
    *,
    pairs: pd.DataFrame | None = None,
    threads: int | None = None,
    each: Callable[[PackedChunk, pd.DataFrame], object] | None = None,
    grid: BoundaryGrid | None = None,
) -> tuple[pd.DataFrame, int, int, object]:
    """One chunk of parcels reduced: per-unit sums, pair count, pairs wholly inside, and ``each``'s part.

    The same function reduces a chunk on this machine and a partition on a cluster worker, so the two
    runs add up the same numbers.

    Parameters
    ----------
    chunk : GeoDataFrame or PackedChunk
        Parcels, in their schema's types (packed: only those near a unit's boundary are decoded).
    units : GeoDataFrame
        The polygons evaluated.
    crs : CRS
        The parcels' CRS.
    pairs : DataFrame, optional
        The overlay when the caller has it.
    threads : int, optional
        Threads for the overlay.
    each : callable, optional
        Another reduction of the same chunk (as a :class:`~zonekit.layers.stream.PackedChunk`) and pairs.
    grid : BoundaryGrid, optional
        :func:`unit_grid` of the units, when many chunks are overlaid with them.

    Returns
    -------
    (DataFrame, int, int, object)
    """
    packed = PackedChunk.of(chunk)
    found = pairs
    if found is None:
        # the parcels' own areas are measured once, in the chunk's cache, for the overlay and for ``each``
        found = intersection_areas(units.geometry.values, packed.shapes, crs, threads=threads, grid=grid)
    extra = each(packed, found) if each is not None else None
    return _class_sums(found, packed.frame, len(units)), len(found), int(found["inside"].sum()), extra


def unit_grid(units: gpd.GeoDataFrame) -> BoundaryGrid:
    """The boundary grid of the units' parts (:func:`~zonekit.geo.boundary_grid.boundary_grid`), built once.

    Parameters
    ----------
    units : GeoDataFrame
        The polygons evaluated.

    Returns
    -------
    BoundaryGrid
        What :func:`chunk_partial` reads every chunk's parcels against.
    """
    return boundary_grid(shapely.get_parts(np.asarray(units.geometry.values, dtype=object)))


def partition_partial(
    k: int,
    columns: list[str],
    threads: int | None = 1,
    *,
    units: gpd.GeoDataFrame,
    parcels: LayerStream,
    each=None,
) -> tuple[tuple[pd.DataFrame, int, int, list], list[str]]:
    """Partition ``k`` of the parcels reduced: its chunks' :func:`chunk_partial` folded in order.

    A cluster task runs this on a worker; a run on one machine over the same store runs it too, so both
    fold the same numbers in the same order.

    Parameters
    ----------
    k : int
        The partition.
    columns : list of str
        The parcel columns read.
    threads : int, optional
        Threads for the overlay (1 on a cluster worker: the cluster's parallelism is its workers).
    units : GeoDataFrame
        The polygons evaluated (sent once to every worker).
    parcels : LayerStream
        The partitioned parcel layer (its store's manifest; the worker reads the partition's file).
    each : callable, optional
        Another reduction of the same chunks and pairs.

    Returns
    -------
    ((DataFrame, int, int, list), list of str)
        The partition's sums, pairs, pairs inside and ``each``'s part of every chunk; and the schema
        problems found in it.
    """
    sums, n_pairs, n_inside, extras = None, 0, 0, []
    problems: list[str] = []
    grid = unit_grid(units)  # once for the partition's chunks
    for chunk, found in parcels.part(k, columns):
        part, pairs, inside, extra = chunk_partial(
            chunk, units, parcels.crs, threads=threads, each=each, grid=grid
        )
        sums = part if sums is None else sums + part
        n_pairs, n_inside = n_pairs + pairs, n_inside + inside
        extras.append(extra)
        problems.extend(p for p in found if p not in problems)
    if sums is None:  # an empty partition
        empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=parcels.crs))
        sums = chunk_partial(empty, units, parcels.crs)[0]
    return (sums, n_pairs, n_inside, extras), problems


def _by_chunk(parcels: LayerStream, columns: list[str], units, *, pairs, threads, each) -> Iterator:
    """Each chunk's reduction, in the layer's order (a layer read from a file, a database or a frame).

    A study file's chunks are read and reduced in worker processes (:meth:`LayerStream.map_chunks`), and
    come back in order: the same sums, to the last bit.
    """
    if pairs is not None:  # the caller's overlay of a frame taken whole
        chunk = next(parcels.chunks(columns))
        part, found, inside, extra = chunk_partial(
            chunk, units, parcels.crs, pairs=pairs, threads=threads, each=each
        )
        yield part, found, inside, [extra]
        return
    reduce = functools.partial(
        chunk_partial, units=units, crs=parcels.crs, threads=threads, each=each, grid=unit_grid(units)
    )
    chunks = parcels.map_chunks(reduce, columns, workers=n_workers(threads), packed=True)
    for part, found, inside, extra in chunks:
        yield part, found, inside, [extra]


def _by_partition(
    where: Cluster | None, units, parcels: LayerStream, columns: list[str], each, threads: int | None
) -> list:
    """Every partition's reduction, in partition order, on a cluster or here; schema problems raised."""
    n = len(parcels.store.files) if parcels.store is not None else 0
    if where is None:
        got = [
            partition_partial(k, columns, threads, units=units, parcels=parcels, each=each) for k in range(n)
        ]
    else:
        from zonekit.geo.progress import bar as progress_bar

        with progress_bar("progress.partitions", total=n, unit="unit.partitions") as bar:
            got = map_partitions(
                where,
                partition_partial,
                n,
                broadcast={"units": units, "parcels": parcels, "each": each},
                args=(columns, 1),
                progress=lambda done: bar.update(done - bar.n),
            )
    problems = list(dict.fromkeys(p for _, found in got for p in found))
    raise_if_invalid(problems, path=parcels.source)
    return [r for r, _ in got]


def indicators_from_sums(sums: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The indicators of ``domain.md`` §2.4 from per-unit sums; NaN plus a note where a denominator is zero.

    Parameters
    ----------
    sums : pd.DataFrame
        Sums per unit.

    Returns
    -------
    tuple[pd.DataFrame, pd.Series]
        The indicators of ``domain.md`` §2.4 from per-unit sums; NaN plus a note where a denominator is zero.
    """
    out = pd.DataFrame(index=sums.index)
    notes = pd.Series([[] for _ in range(len(sums))], index=sums.index, dtype=object)
    for name, (num, den, why) in FORMULAS.items():
        d = sums[den].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[name] = np.where(d > 0, sums[num].to_numpy(dtype=float) / d, np.nan)
        for i in np.flatnonzero(~(d > 0)):
            notes.iloc[i].append(f"{name}: {why}")
    return out, notes.map("; ".join)


def zone_type(sums: pd.DataFrame, cfg: Mapping, forced: pd.Series | None = None) -> pd.Series:
    """工业主导 (``industrial``) / 产城融合 (``integrated``) / ``other`` by the rule of ``domain.md`` §2.3.

    Parameters
    ----------
    sums : pd.DataFrame
        Sums per unit.
    cfg : Mapping
        The resolved configuration.
    forced : pd.Series, optional
        A value given by the user.

    Returns
    -------
    pd.Series
        工业主导 (``industrial``) / 产城融合 (``integrated``) / ``other`` by the rule of ``domain.md`` §2.3.
    """
    rule = cfg["zone_type"]
    with np.errstate(divide="ignore", invalid="ignore"):
        r_ind = np.where(sums["A"] > 0, sums["A2"] / sums["A"], np.nan)
        r_res = np.where(sums["A"] > 0, sums["A1"] / sums["A"], np.nan)
    t = np.where(
        (r_ind > rule["industrial_min_ratio"]) & (r_res < rule["residential_max_ratio"]),
        "industrial",
        np.where(
            (r_ind <= rule["industrial_min_ratio"]) & (r_res >= rule["residential_max_ratio"]),
            "integrated",
            "other",
        ),
    )
    out = pd.Series(t, index=sums.index, dtype=object)
    if forced is not None:
        out[forced.isin(rule.get("forced_industrial", [])).to_numpy()] = "industrial"
    return out


def indicator_score(name: str, value: float, ideal: float | None, cap: float) -> float:
    """实现度分值: 100·x/ideal for a positive indicator (capped), 100·(1 − x) for a negative one with ideal 0.

    Parameters
    ----------
    name : str
        The name.
    value : float
        The value.
    ideal : float
        The ideal value.
    cap : float
        Upper bound.

    Returns
    -------
    float
        实现度分值: 100·x/ideal for a positive indicator (capped), 100·(1 − x) for a negative one with ideal 0.
    """
    if ideal is None or value is None or np.isnan(value):
        return np.nan
    if name in NEGATIVE:
        return (
            float(np.clip(100.0 * (1.0 - value), 0.0, cap))
            if ideal == 0
            else float(np.clip(100.0 * ideal / value, 0.0, cap))
            if value > 0
            else cap
        )
    return float(min(cap, 100.0 * value / ideal)) if ideal > 0 else np.nan


def tree_score(node: str, weights: dict, leaf_scores: dict[str, float], out: dict[str, float]) -> float:
    """Weighted score of ``node``; children without a score are dropped and the rest re-normalised.

    Parameters
    ----------
    node : str
        A node of the graph.
    weights : dict
        Weight per indicator.
    leaf_scores : dict[str, float]
        Score per leaf indicator.
    out : dict[str, float]
        The output path.

    Returns
    -------
    float
        Weighted score of ``node``; children without a score are dropped and the rest re-normalised.
    """
    children = weights.get(node)
    if children is None:
        return leaf_scores.get(node, np.nan)
    got = [(tree_score(c, weights, leaf_scores, out), w) for c, w in children.items()]
    got = [(s, w) for s, w in got if not np.isnan(s) and w > 0]
    score = np.nan if not got else sum(s * w for s, w in got) / sum(w for _, w in got)
    out[node] = score
    return score


def grade(score: float, cfg: Mapping) -> str | None:
    """Grade for a composite score by the configured thresholds.

    Parameters
    ----------
    score : float
        The score.
    cfg : Mapping
        The resolved configuration.

    Returns
    -------
    str | None
        Grade for a composite score by the configured thresholds.
    """
    if score is None or np.isnan(score):
        return None
    return next((g for low, g in cfg["scoring"]["grades"] if score >= low), None)


def land_intensity(
    study,
    *,
    by: str = "park",
    config=None,
    threads: int | None = None,
    each: Callable[[PackedChunk, pd.DataFrame], object] | None = None,
    columns: tuple[str, ...] = (),
    cluster: str | Cluster | None = None,
) -> IntensityResult:
    """Intensity indicators, scores and grades per park or per zone.

    Parameters
    ----------
    study : Study
        Needs ``parks`` and ``landuse``; ``zones`` adds names and types.
    by : {"park", "zone"}
        A zone is the union of its parks (enclave parks count for the zone that manages them; a theme park
        inside its parent is not counted twice).
    config : path, dict or None
        Overrides of ``intensity_default.toml``.
    threads : int, optional
        Threads for the overlay (default: every core).
    each : callable, optional
        Called with each chunk of parcels (a :class:`~zonekit.layers.stream.PackedChunk`: attributes in
        ``frame``, areas from ``areas()``) and its overlay with the units, for analyses that reduce the
        same pairs (the enterprises' land): the parcels are overlaid once. What it returns for each chunk
        is kept, in order, in the result's ``parts``. On a cluster it runs on the workers: a module-level
        function (or a ``functools.partial`` of one) that pickles.
    columns : tuple of str, optional
        Parcel columns ``each`` needs beyond the indicators' own.
    cluster : str or Cluster, optional
        ``local:N`` or ``tcp://HOST:PORT`` (default ``ZONEKIT_CLUSTER``, else none): one task per partition
        of a partitioned parcel layer (``zonekit partition``), the units sent once to every worker.

    Returns
    -------
    IntensityResult
        The indicator table (one row per park or zone), the scores and the national comparison.
    """
    if by not in ("park", "zone"):
        raise ValueError("by must be 'park' or 'zone'")
    if hasattr(study, "require"):
        study.require("parks", "landuse", purpose="purpose.intensity")
    units = _units(study, by)
    return evaluate_units(
        units,
        study["landuse"],
        key="park_id" if by == "park" else "zone_id",
        config=config,
        threads=threads,
        by=by,
        each=each,
        columns=columns,
        cluster=cluster,
    )


def evaluate_units(
    units: gpd.GeoDataFrame,
    lu: gpd.GeoDataFrame,
    *,
    key: str,
    config=None,
    threads: int | None = None,
    by: str = "unit",
    pairs: pd.DataFrame | None = None,
    each: Callable[[PackedChunk, pd.DataFrame], object] | None = None,
    columns: tuple[str, ...] = (),
    cluster: str | Cluster | None = None,
) -> IntensityResult:
    """Intensity indicators, scores and grades of any polygons (parks, zones, boundary versions).

    The parcels pass through in chunks (:class:`~zonekit.layers.stream.LayerStream`): each chunk is
    overlaid with the units and reduced to per-unit sums, so memory holds one chunk and the sums, never
    every parcel's pieces. ``pairs`` is the overlay of ``units`` with ``lu`` (``intersection_areas``) when
    the caller has it (then ``lu`` is one frame, taken whole).

    Parameters
    ----------
    units : GeoDataFrame
        The polygons to evaluate, with an identifying column ``key`` (a ``type`` column, if present, is
        used by the zone-type rule).
    lu : GeoDataFrame or LayerStream
        The ``landuse`` layer, in memory or read chunk by chunk.
    key : str
        The column naming each unit (``park_id``, ``zone_id``, ``version_id``).
    config : path, dict or mapping, optional
        Overrides of ``intensity_default.toml`` (or the configuration already resolved).
    threads : int, optional
        Threads for the overlay (default: every core).
    by : str, default "unit"
        What a unit is, for the result's labels.
    pairs : DataFrame, optional
        The overlay of ``units`` with ``lu`` (``intersection_areas``) when the caller has it: not computed again.
    each : callable, optional
        Called with each chunk (a :class:`~zonekit.layers.stream.PackedChunk`) and its pairs (``a`` a
        unit's row, ``b`` a row of the chunk); what it returns is kept in the result's ``parts``.
    columns : tuple of str, optional
        Parcel columns ``each`` needs beyond the indicators' own.
    cluster : str or Cluster, optional
        Run the chunks as tasks on a dask.distributed cluster (see :func:`land_intensity`).

    Returns
    -------
    IntensityResult
        Intensity indicators, scores and grades of any polygons (parks, zones, boundary versions).
    """
    cfg = load_config("intensity", config)
    crs = lu.crs
    units = units.to_crs(crs) if units.crs is not None and not units.crs.equals(crs) else units
    if pairs is not None and isinstance(lu, LayerStream):
        raise ValueError("pairs are given for a layer in memory, taken whole")
    parcels = (
        stream_of(lu, "landuse")
        if pairs is None
        else LayerStream.from_frame(lu, "landuse", chunk_rows=len(lu) or 1)
    )
    wanted = [*PARCEL_COLUMNS, *columns]
    where = cluster_for(cluster, parcels) if pairs is None else None
    partials: Iterable[tuple[pd.DataFrame, int, int, list]]
    if parcels.store is not None:  # partition by partition, here or on the cluster: the same folds
        partials = _by_partition(where, units, parcels, wanted, each, threads)
    else:
        partials = _by_chunk(parcels, wanted, units, pairs=pairs, threads=threads, each=each)
    sums, n_pairs, n_inside, parts = None, 0, 0, []
    for part, found, inside, extras in partials:  # folded in the layer's order, on one machine or many
        sums = part if sums is None else sums + part  # every sum is additive over parcels
        n_pairs, n_inside = n_pairs + found, n_inside + inside
        parts.extend(extras)
    assert sums is not None  # a stream gives at least one chunk, empty or not
    ind, notes = indicators_from_sums(sums)
    area_m2 = ellipsoidal_area(units.geometry.values, crs)
    out = units.copy()
    out["area_ha"] = area_m2 / M2_PER_HA
    out["area_mu"] = out["area_ha"] * MU_PER_HA
    out["surveyed_ha"] = sums["land"].to_numpy() / M2_PER_HA
    for c in (*CLASSES, UNKNOWN):
        out[f"{c}_ha"] = sums[f"{c}_ha"].to_numpy()
    for c in ("A", "A1", "A2", "B21", "C", "D", "G"):
        out[f"{c}_ha"] = sums[c].to_numpy() / M2_PER_HA
    out["parcels"] = sums["parcels"].to_numpy()
    for c in INDICATORS:
        out[c] = ind[c].to_numpy()
    forced = out.get("type")
    out["zone_type"] = zone_type(sums, cfg, forced).to_numpy()

    score_rows = []
    cap = cfg["scoring"]["cap"]
    unit_values = {n: out[n].to_numpy(dtype=float).tolist() for n in INDICATORS}  # not a .iloc per value
    for i, ztype in enumerate(out["zone_type"].tolist()):
        wkey = ztype if ztype in cfg["weights"] else "industrial"
        ideals = cfg["ideals"][wkey]
        leaf = {n: indicator_score(n, unit_values[n][i], ideals.get(n), cap) for n in INDICATORS}
        nodes: dict[str, float] = {}
        total = tree_score("total", cfg["weights"][wkey], leaf, nodes)
        score_rows.append(
            {
                **{f"score_{k}": v for k, v in leaf.items() if k in ideals},
                **nodes,
                "weights_used": wkey,
                "score": total,
            }
        )
    scores = pd.DataFrame(score_rows, index=out.index)
    out["score"] = scores["score"].to_numpy()
    out["grade"] = [grade(s, cfg) for s in out["score"]]
    coverage = out["surveyed_ha"] / out["area_ha"]
    extra = np.where(coverage < 0.99, [f"parcels cover {c:.0%} of the area" for c in coverage], "")
    out["notes"] = ["; ".join(x for x in (n, e) if x) for n, e in zip(notes, extra, strict=True)]
    key_col = key
    scores.insert(0, key_col, out[key_col].to_numpy())

    nat = cfg["national"]  # a row per unit and national indicator, unit by unit
    refs = np.asarray(list(nat.values()), dtype=float)
    values = np.stack([out[n].to_numpy(dtype=float) for n in nat], axis=1) if nat else np.empty((len(out), 0))
    national = pd.DataFrame(
        {
            key_col: np.repeat(out[key_col].to_numpy(), len(nat)),
            "indicator": np.tile(np.array(list(nat), dtype=object), len(out)),
            "value": values.ravel(),
            "national": np.tile(refs, len(out)),
            "ratio": (values / np.where(refs != 0, refs, np.nan)).ravel(),  # no reference: no ratio
        }
    )
    meta = {
        "by": say(f"note.unit_{by}", "en") if by in ("park", "zone") else by,
        "config": cfg["_source"],
        "units": len(out),
        "parcels": len(parcels),
        "intersecting pairs": n_pairs,
        "pairs inside (fast path)": n_inside,
        "zone type rule": say(
            "note.zone_type_rule",
            "en",
            industrial=str(cfg["zone_type"]["industrial_min_ratio"]),
            residential=str(cfg["zone_type"]["residential_max_ratio"]),
        ),
    }
    if where is not None:
        meta["cluster"] = where.spec
        meta.update({f"cluster {k}": v for k, v in where.stats.items()})
    return IntensityResult(out, scores, national, meta, parts if each is not None else [])


def regional_ranking(zones: pd.DataFrame, *, config=None) -> pd.DataFrame:
    """Zones ranked on their composite ``score`` within their region (1 = best).

    ``zones`` is the per-zone indicator table (``land_intensity(by="zone").indicators``).

    Parameters
    ----------
    zones : pd.DataFrame
        Zones (``zone_id``, ``name``, ``level``, …).
    config : object, optional
        Overrides of the default configuration (a TOML path or a dict).

    Returns
    -------
    pd.DataFrame
        Zones ranked on their composite ``score`` within their region (1 = best).
    """
    cfg = load_config("intensity", config)
    province_region = {p: region for region, provs in cfg["regions"].items() for p in provs}
    region = zones["region"] if "region" in zones else pd.Series(None, index=zones.index, dtype=object)
    from_adcode = (
        zones.get("county_adcode", pd.Series(None, index=zones.index))
        .astype(str)
        .str[:2]
        .map(province_region)
    )
    region = region.where(region.notna(), from_adcode)
    out = pd.DataFrame(
        {
            "zone_id": zones["zone_id"],
            "name": zones.get("name"),
            "region": region,
            "level": zones.get("level"),
            "score": zones["score"],
            "grade": zones["grade"],
        }
    )
    out["rank_in_region"] = out.groupby("region")["score"].rank(ascending=False, method="min")
    out["zones_in_region"] = out.groupby("region")["score"].transform("count")
    return out.sort_values(["region", "rank_in_region"]).reset_index(drop=True)
