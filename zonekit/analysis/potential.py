"""Where land can be freed (潜力测算): the five kinds of low-efficiency land, and each park's potential.

On a statistics date (统计时点), from the approvals (农用地转用/土地征收), the land-supply contracts, the
parcels and the enterprises:

- 批而未供 ``approved_not_supplied``: land approved more than ``approved_years`` before the date that no
  supply contract signed by then covers (the uncovered part);
- 供而未用 ``supplied_not_used``: a contract whose agreed start is more than ``idle_years`` past with no
  actual start and no built parcel on it (two years or more: liable to be taken back, 闲置土地处置办法);
- 用而未尽 ``used_not_fully``: land in use whose built FAR is below the contract's minimum (or the configured
  floor where the contract names none), or whose building coefficient is below the minimum;
- 建而未投 ``built_not_producing``: completed more than ``ramp_years`` before the date, and no revenue on it;
- 投而未达标 ``producing_below_standard``: investment or tax per 亩 on the contract's land below the 标准地
  terms written into the contract.

Per park (and zone): 扩展潜力 (land allowed for construction not yet supplied), 强度潜力 (the floor area
industrial land lacks against the target FAR, and the land that equals), 管理潜力 (idle land and 供而未用),
and the five kinds' totals. Every threshold is in ``potential_default.toml``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonekit.analysis.config import load_config
from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.overlay import intersection_areas
from zonekit.geo.parallel import threads
from zonekit.geo.units import M2_PER_HA, M2_PER_MU
from zonekit.layers.stream import LayerStream, stream_of
from zonekit.vocabulary.messages import say_each

KINDS = (
    "approved_not_supplied",
    "supplied_not_used",
    "used_not_fully",
    "built_not_producing",
    "producing_below_standard",
)
"""The five kinds of low-efficiency land (批而未供, 供而未用, 用而未尽, 建而未投, 投而未达标)."""

PARCEL_COLUMNS = (
    "analysis_class",
    "build_status",
    "supplied",
    "idle",
    "gfa_m2",
    "footprint_m2",
    "yard_m2",
    "investment_wan",
    "revenue_wan",
    "tax_wan",
    "enterprise_id",
)
BUILDING_CLASSES = ("industrial", "logistics", "commercial", "residential", "public_services")
"""Analysis classes whose built parcels are buildings (a built road or square is not)."""
PLOT_COLUMNS = ["kind", "record_id", "park_id", "area_ha", "area_mu", "evidence", "evidence_zh", "liable"]
DAYS_PER_YEAR = 365.25


def _years(later: pd.Timestamp, earlier: pd.Series) -> np.ndarray:
    return ((later - pd.to_datetime(earlier)).dt.days / DAYS_PER_YEAR).to_numpy(dtype=float)


def _top(parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return parks[parks["kind"].astype(str) != "theme"] if "kind" in parks else parks


def _park_of(parks: gpd.GeoDataFrame, geoms: np.ndarray, crs) -> np.ndarray:
    """The park holding most of each geometry (None where none does)."""
    top = _top(parks)
    out = np.full(len(geoms), None, dtype=object)
    if not len(top) or not len(geoms):
        return out
    pairs = intersection_areas(top.geometry.values, geoms, crs)
    if len(pairs):
        best = pairs.sort_values(["b", "area_m2"], ascending=[True, False]).drop_duplicates("b")
        out[best["b"].to_numpy()] = top["park_id"].astype(str).to_numpy()[best["a"].to_numpy()]
    return out


def _rows(
    kind: str, ids, parks_of, area_m2, code: str, values: dict, liable=None, geoms=None
) -> pd.DataFrame:
    n = len(ids)
    area = np.asarray(area_m2, dtype=float)

    return pd.DataFrame(
        {
            "kind": [kind] * n,
            "record_id": [str(i) for i in ids],
            "park_id": list(parks_of),
            "area_ha": area / M2_PER_HA,
            "area_mu": area / M2_PER_MU,
            "evidence": say_each(code, "en", n, values),
            "evidence_zh": say_each(code, "zh", n, values),
            "liable": np.asarray(liable if liable is not None else np.zeros(n, dtype=bool), dtype=bool),
            "geometry": list(geoms) if geoms is not None else [None] * n,
        },
        columns=[*PLOT_COLUMNS, "geometry"],
    )


def _on_contracts(
    supply: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame | LayerStream | None,
    crs,
    enterprises: pd.DataFrame | None = None,
    cluster=None,
    partials: Partials | None = None,
) -> pd.DataFrame:
    """Per contract: its area, the built area on it, and its parcels' figures apportioned to it.

    Floor area, footprint, yard, investment, revenue and tax go by the share of each parcel inside it.
    Parcels in a partitioned store are reduced partition by partition (on a cluster when one is given)
    and the partial sums added up.
    """
    area = ellipsoidal_area(supply.geometry.values, crs)
    out = pd.DataFrame({"area_m2": area}, index=np.arange(len(supply)))
    for c in (*CONTRACT_SUMS, "built_m2"):
        out[c] = 0.0
    out["has_gfa"] = False
    if parcels is None or not len(parcels):
        return out
    if partials is not None and partials.contracts is not None:
        summed, firms = partials.contracts
    elif isinstance(parcels, LayerStream):
        summed, firms = _fold([r[1] for r in _by_piece(parcels, cluster, supply=supply)])
    else:
        summed, firms = contract_sums(supply, parcels, crs)
    out["record_revenue_wan"] = np.nan  # what the enterprises on it report in their own records
    if enterprises is not None and len(enterprises) and "revenue_wan" in enterprises and len(firms):
        from zonekit.analysis.enterprises import firm_key

        revenue = pd.to_numeric(enterprises["revenue_wan"], errors="coerce")
        own = (
            pd.Series(revenue.to_numpy(), index=firm_key(enterprises["enterprise_id"]))
            .groupby(level=0)
            .first()
        )
        firms = firms.drop_duplicates()
        firms = firms.assign(revenue=own.reindex(firms["key"]).to_numpy())
        reported = firms.dropna(subset=["revenue"]).groupby("a")["revenue"].sum()
        out.loc[reported.index, "record_revenue_wan"] = reported.to_numpy()
    for c in summed.columns:
        if c == "has_gfa":  # how many of its parcels carry a floor area: any will do
            out.loc[summed.index, c] = summed[c].to_numpy() > 0
        else:
            out.loc[summed.index, c] = summed[c].to_numpy()
    return out


CONTRACT_SUMS = ("gfa_m2", "footprint_m2", "yard_m2", "investment_wan", "revenue_wan", "tax_wan")


def contract_sums(
    supply: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, crs
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Some parcels reduced per contract: built area and figures by share; and the (contract, firm) pairs.

    Parameters
    ----------
    supply : GeoDataFrame
        The contracts.
    parcels : GeoDataFrame
        Parcels (all, a chunk or a partition).
    crs : CRS
        Their CRS.

    Returns
    -------
    (DataFrame, DataFrame)
        Sums indexed by contract position (``has_gfa`` counting the parcels with a floor area), and the
        distinct ``a`` (contract), ``key`` (firm) pairs.
    """
    pairs = intersection_areas(supply.geometry.values, parcels.geometry.values, crs)
    no_firms = pd.DataFrame({"a": pd.Series(dtype=int), "key": pd.Series(dtype=object)})
    if not len(pairs):
        return pd.DataFrame(index=pd.Index([], dtype=int)), no_firms
    a, b, share = pairs["a"].to_numpy(), pairs["b"].to_numpy(), pairs["b_share"].to_numpy()
    built = (
        (parcels["build_status"].astype(str).to_numpy()[b] == "built") if "build_status" in parcels else False
    )
    if "analysis_class" in parcels:  # a built road or green is no building on the contract's land
        built = built & np.isin(parcels["analysis_class"].astype(str).to_numpy()[b], BUILDING_CLASSES)
    frame = pd.DataFrame({"a": a, "built_m2": np.where(built, pairs["area_m2"].to_numpy(), 0.0)})
    for c in CONTRACT_SUMS:
        if c in parcels:
            vals = pd.to_numeric(parcels[c], errors="coerce").to_numpy(dtype=float)[b]
            frame[c] = np.nan_to_num(vals) * share
            if c == "gfa_m2":
                frame["has_gfa"] = (~np.isnan(vals)).astype(np.int64)
    firms = no_firms
    if "enterprise_id" in parcels:
        from zonekit.analysis.enterprises import firm_key

        keys = firm_key(parcels["enterprise_id"].iloc[b].reset_index(drop=True))
        firms = pd.DataFrame({"a": a, "key": keys}).dropna().drop_duplicates()
    return frame.groupby("a").sum(numeric_only=True), firms


def park_sums(parks: gpd.GeoDataFrame, lu: gpd.GeoDataFrame, target: float) -> pd.DataFrame:
    """Some parcels reduced per top park: open, under-built (floor area and land) and idle land, in m².

    Parameters
    ----------
    parks : GeoDataFrame
        The top parks (theme parks left out), in order.
    lu : GeoDataFrame
        Parcels (all, a chunk or a partition).
    target : float
        The target FAR of industrial land.

    Returns
    -------
    DataFrame
        ``expansion_m2``, ``extra_gfa_m2``, ``equivalent_m2``, ``idle_m2``, indexed by park position.
    """
    pairs = intersection_areas(parks.geometry.values, lu.geometry.values, parks.crs)
    a, b, area = pairs["a"].to_numpy(), pairs["b"].to_numpy(), pairs["area_m2"].to_numpy()

    def col(name: str, default: object = None) -> np.ndarray:
        return lu[name].to_numpy()[b] if name in lu else np.full(len(b), default, dtype=object)

    status = col("build_status").astype(str)
    supplied = pd.array(col("supplied"), dtype="boolean").fillna(False).to_numpy(dtype=bool)
    idle = pd.array(col("idle"), dtype="boolean").fillna(False).to_numpy(dtype=bool)
    open_land = np.isin(status, ["serviced", "unserviced"]) & ~supplied
    industrial = col("analysis_class").astype(str) == "industrial"
    gfa = pd.to_numeric(pd.Series(col("gfa_m2", np.nan)), errors="coerce").to_numpy(dtype=float)
    share = pairs["b_share"].to_numpy()
    far = gfa / np.maximum(area / np.maximum(share, 1e-12), 1e-9)  # the parcel's own FAR
    short = industrial & (status == "built") & ~np.isnan(gfa) & (far < target)
    return (
        pd.DataFrame(
            {
                "a": a,
                "expansion_m2": np.where(open_land, area, 0.0),
                "extra_gfa_m2": np.where(short, target * area - gfa * share, 0.0),
                "equivalent_m2": np.where(short, area * (1 - far / target), 0.0),
                "idle_m2": np.where(idle, area, 0.0),
            }
        )
        .groupby("a")
        .sum()
    )


def partition_potential(
    k: int, target: float, *, parcels: LayerStream, parks=None, supply=None
) -> tuple[tuple, list[str]]:
    """A cluster task (and a step on one machine): partition ``k`` reduced per park and per contract.

    Parameters
    ----------
    k : int
        The partition.
    target : float
        The target FAR of industrial land.
    parcels : LayerStream
        The partitioned parcels.
    parks : GeoDataFrame, optional
        The top parks (for :func:`park_sums`).
    supply : GeoDataFrame, optional
        The contracts (for :func:`contract_sums`).

    Returns
    -------
    ((DataFrame or None, (DataFrame, DataFrame) or None), list of str)
        The partition's park sums and contract sums, and the schema problems found in it.
    """
    per_park, per_contract = [], []
    problems: list[str] = []
    for chunk, found in parcels.part(k, [c for c in PARCEL_COLUMNS if c in parcels]):
        park_part, contract_part = chunk_potential(
            chunk, target=target, parks=parks, supply=supply, crs=parcels.crs
        )
        per_park.extend([park_part] if park_part is not None else [])
        per_contract.extend([contract_part] if contract_part is not None else [])
        problems.extend(p for p in found if p not in problems)
    parks_part = pd.concat(per_park).groupby(level=0).sum() if per_park else None
    return (parks_part, _fold(per_contract) if per_contract else None), problems


def chunk_potential(chunk: gpd.GeoDataFrame, *, target: float, parks=None, supply=None, crs=None) -> tuple:
    """One chunk of a study file's parcels reduced per park and per contract (a forked worker's task).

    Parameters
    ----------
    chunk : GeoDataFrame
        Parcels.
    target : float
        The target FAR of industrial land.
    parks : GeoDataFrame, optional
        The top parks (for :func:`park_sums`).
    supply : GeoDataFrame, optional
        The contracts (for :func:`contract_sums`).
    crs : CRS, optional
        The parcels' CRS (the contracts').

    Returns
    -------
    (DataFrame or None, (DataFrame, DataFrame) or None)
        As :func:`partition_potential` gives for a partition.
    """
    per_park = park_sums(parks, chunk, target) if parks is not None else None
    per_contract = contract_sums(supply, chunk, crs) if supply is not None else None
    return per_park, per_contract


def _by_piece(parcels: LayerStream, cluster, *, parks=None, supply=None, target: float = 0.0) -> list:
    """The parcels reduced piece by piece, in order, never read whole.

    A partitioned store by partition (here or on a cluster), any other stream by chunk (a study file's
    chunks on forked workers).
    """
    if parcels.store is not None:
        return _by_partition(parcels, cluster, parks=parks, supply=supply, target=target)
    reduce = functools.partial(chunk_potential, target=target, parks=parks, supply=supply, crs=parcels.crs)
    columns = [c for c in PARCEL_COLUMNS if c in parcels]
    return list(parcels.map_chunks(reduce, columns, workers=threads(None)))


def _fold(parts: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contract sums of several pieces of the parcels added up, in order; their firm pairs together."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return pd.DataFrame(index=pd.Index([], dtype=int)), pd.DataFrame({"a": [], "key": []})
    sums = pd.concat([s for s, _ in parts]).groupby(level=0).sum()
    firms = pd.concat([f for _, f in parts], ignore_index=True).drop_duplicates()
    return sums, firms


def _by_partition(parcels: LayerStream, cluster, *, parks=None, supply=None, target: float = 0.0) -> list:
    """Every partition of the parcels through :func:`partition_potential`, here or on a cluster, in order."""
    from zonekit.geo.cluster import cluster_of, map_partitions
    from zonekit.layers.schema import raise_if_invalid

    assert parcels.store is not None
    n = len(parcels.store.files)
    where = cluster_of(cluster)
    shared = {"parcels": parcels, "parks": parks, "supply": supply}
    if where is None:
        got = [partition_potential(k, target, **shared) for k in range(n)]
    else:
        got = map_partitions(where, partition_potential, n, broadcast=shared, args=(target,))
    raise_if_invalid(list(dict.fromkeys(p for _, found in got for p in found)), path=parcels.source)
    return [r for r, _ in got]


@dataclass(frozen=True)
class Partials:
    """Partitioned parcels reduced in one pass, for both :func:`low_efficiency_land` and :func:`park_potential`."""

    parks: pd.DataFrame
    """Per top park: open, under-built and idle land (:func:`park_sums`, added over the partitions)."""
    contracts: tuple[pd.DataFrame, pd.DataFrame] | None
    """Per contract: the sums and the firms on it (:func:`contract_sums`, folded); None without contracts."""


def partials(study, *, config=None, cluster=None) -> Partials | None:
    """Streamed parcels reduced per park and per contract in one pass (None: the parcels are a frame).

    Parameters
    ----------
    study : Study or mapping
        ``parks``; ``supply`` and ``landuse`` when present.
    config : path or dict, optional
        Overrides of ``potential_default.toml`` (the target FAR).
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT``.

    Returns
    -------
    Partials or None
    """
    layers = inputs(study)
    lu = layers["landuse"]
    if not (isinstance(lu, LayerStream) and len(lu)):
        return None
    target = float(load_config("potential", config)["intensity"]["target_far"])
    supply = layers["supply"]
    supply = supply.reset_index(drop=True) if supply is not None and len(supply) else None
    parks = _top(layers["parks"]).reset_index(drop=True)
    got = _by_piece(lu, cluster, parks=parks, supply=supply, target=target)
    return Partials(_park_total(got), _fold([r[1] for r in got]) if supply is not None else None)


def _park_total(got: list) -> pd.DataFrame:
    """The partitions' park sums added up."""
    found = [p for p, _ in got if p is not None]
    return pd.concat(found).groupby(level=0).sum() if found else pd.DataFrame()


def inputs(study) -> dict:
    """The layers the potential reads, each read once: the parcels with only the columns it uses.

    Pass the result in place of the study to read nothing again (:func:`monitor` does, for every date).

    Parameters
    ----------
    study : Study or mapping
        ``parks``; ``approvals``, ``supply``, ``landuse`` and ``enterprises`` when present.

    Returns
    -------
    dict
        Those five names, ``None`` for a layer the study lacks.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> lu = gpd.GeoDataFrame({"idle": [True], "note": ["x"]}, geometry=[box(0, 0, 1, 1)], crs=4547)
    >>> got = inputs({"parks": lu.iloc[:0], "landuse": lu})
    >>> list(got["landuse"].columns), got["supply"] is None
    (['idle', 'geometry'], True)
    """
    get = study.get if hasattr(study, "get") else (lambda name: None)
    got = {name: get(name) for name in ("approvals", "supply", "enterprises", "landuse")}
    got["parks"] = study["parks"]
    parcels = got["landuse"]
    if isinstance(parcels, LayerStream):
        return got  # read piece by piece (partitions, or a file's chunks on forked workers) where it is used
    if parcels is not None:
        got["landuse"] = stream_of(parcels, "landuse").select(
            [c for c in PARCEL_COLUMNS if c in parcels.columns]
        )
    return got


def low_efficiency_land(
    study, *, date: str | pd.Timestamp, config=None, cluster=None, partials: Partials | None = None
) -> pd.DataFrame:
    """The five kinds of low-efficiency land on the statistics date, one row per plot found.

    Parameters
    ----------
    study : Study or mapping
        ``parks``; ``approvals``, ``supply``, ``landuse`` and ``enterprises`` (their own revenue records)
        when present (a kind whose data are missing finds nothing).
    date : str or Timestamp
        The statistics date (统计时点), e.g. ``"2025-12-31"``.
    config : path or dict, optional
        Overrides of ``potential_default.toml``.
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT``: partitioned parcels reduced per contract on a cluster.
    partials : Partials, optional
        The partitioned parcels already reduced (:func:`partials`): not read again.

    Returns
    -------
    DataFrame
        ``kind``, ``record_id`` (批准文号 or 电子监管号), ``park_id``, ``area_ha``, ``area_mu``, the evidence in
        numbers (``evidence``, ``evidence_zh``) and ``liable`` (供而未用 two years or more: liable to be taken
        back).
    """
    cfg = load_config("potential", config)
    day = pd.Timestamp(date)
    layers = inputs(study)
    parks, supply, approvals, parcels = (layers[k] for k in ("parks", "supply", "approvals", "landuse"))
    crs = parks.crs
    found: list[pd.DataFrame] = []
    if approvals is not None and len(approvals):
        found.append(_approved_not_supplied(approvals, supply, parks, day, cfg))
    if supply is not None and len(supply):
        supply = supply.reset_index(drop=True)
        on = _on_contracts(supply, parcels, crs, layers["enterprises"], cluster, partials)
        where = _park_of(parks, supply.geometry.values, crs)
        found += [
            _supplied_not_used(supply, on, where, day, cfg),
            _used_not_fully(supply, on, where, day, cfg),
            _built_not_producing(supply, on, where, day, cfg),
            _below_standard(supply, on, where, day, cfg),
        ]
    found = [f for f in found if len(f)]
    plots = (
        pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[*PLOT_COLUMNS, "geometry"])
    )
    return gpd.GeoDataFrame(plots, geometry="geometry", crs=crs)


def _approved_not_supplied(approvals, supply, parks, day: pd.Timestamp, cfg: Mapping) -> pd.DataFrame:
    k = cfg["approved_not_supplied"]
    old = approvals[
        pd.to_datetime(approvals["approved_date"]) <= day - pd.DateOffset(years=k["approved_years"])
    ]
    geoms = old.geometry.values
    if supply is not None and len(supply):
        signed = pd.to_datetime(supply["contract_date"])
        covering = supply[signed.isna() | (signed <= day)]
        cover = shapely.union_all(np.asarray(covering.geometry.values, dtype=object))
        geoms = shapely.difference(np.asarray(geoms, dtype=object), cover)
    area = ellipsoidal_area(geoms, approvals.crs)
    hit = area >= k["min_area_m2"]
    old, area, geoms = old[hit], area[hit], np.asarray(geoms, dtype=object)[hit]
    years = _years(day, old["approved_date"])
    return _rows(
        "approved_not_supplied",
        old["approval_id"].astype(str).to_numpy(),
        _park_of(parks, geoms, approvals.crs),
        area,
        "evidence.approved_not_supplied",
        {
            "date": [f"{d:%Y-%m-%d}" for d in pd.to_datetime(old["approved_date"])],
            "years": years,
            "ha": area / M2_PER_HA,
        },
        geoms=geoms,
    )


def _supplied_not_used(supply, on, where, day: pd.Timestamp, cfg: Mapping) -> pd.DataFrame:
    k = cfg["supplied_not_used"]
    agreed = pd.to_datetime(supply["agreed_start"])
    actual = pd.to_datetime(supply["actual_start"])
    late = (agreed <= day - pd.DateOffset(years=k["idle_years"])).to_numpy(dtype=bool)
    not_started = (actual.isna() | (actual > day)).to_numpy(dtype=bool)
    unbuilt = (on["built_m2"] < k["built_share_max"] * on["area_m2"]).to_numpy(dtype=bool)
    hit = late & not_started & unbuilt
    years = _years(day, agreed[hit])
    return _rows(
        "supplied_not_used",
        supply["supply_id"].astype(str).to_numpy()[hit],
        where[hit],
        on["area_m2"].to_numpy()[hit],
        "evidence.supplied_not_used",
        {"date": [f"{d:%Y-%m-%d}" for d in agreed[hit]], "years": years},
        liable=years >= k["reclaim_years"],
        geoms=supply.geometry.values[hit],
    )


def _in_use(supply, on, day: pd.Timestamp, cfg: Mapping) -> np.ndarray:
    actual = pd.to_datetime(supply["actual_start"])
    started = (actual.notna() & (actual <= day)).to_numpy(dtype=bool)
    return (
        started | (on["built_m2"] >= cfg["supplied_not_used"]["built_share_max"] * on["area_m2"]).to_numpy()
    )


def _used_not_fully(supply, on, where, day: pd.Timestamp, cfg: Mapping) -> pd.DataFrame:
    k = cfg["used_not_fully"]
    far = (on["gfa_m2"] / on["area_m2"]).to_numpy(dtype=float)
    coefficient = ((on["footprint_m2"] + on["yard_m2"]) / on["area_m2"]).to_numpy(dtype=float)
    floor = (
        pd.to_numeric(supply["agreed_far_min"], errors="coerce").fillna(k["far_floor"]).to_numpy(dtype=float)
    )
    known = on["has_gfa"].to_numpy(dtype=bool)  # without floor areas on its parcels, nothing is judged
    low_far, low_cover = far < floor, coefficient < k["building_coefficient_min"]
    hit = _in_use(supply, on, day, cfg) & known & (low_far | low_cover)
    return _rows(
        "used_not_fully",
        supply["supply_id"].astype(str).to_numpy()[hit],
        where[hit],
        on["area_m2"].to_numpy()[hit],
        "evidence.used_not_fully",
        {
            "far": far[hit],
            "floor": floor[hit],
            "cover": coefficient[hit],
            "cover_min": k["building_coefficient_min"],
        },
        geoms=supply.geometry.values[hit],
    )


def _built_not_producing(supply, on, where, day: pd.Timestamp, cfg: Mapping) -> pd.DataFrame:
    k = cfg["built_not_producing"]
    done = pd.to_datetime(supply["actual_completion"])
    ramped = (done <= day - pd.DateOffset(years=k["ramp_years"])).to_numpy(dtype=bool)
    revenue = on["record_revenue_wan"].fillna(on["revenue_wan"])  # the firms' own records where they report
    idle = (revenue <= 0).to_numpy(dtype=bool)
    hit = ramped & idle
    return _rows(
        "built_not_producing",
        supply["supply_id"].astype(str).to_numpy()[hit],
        where[hit],
        on["area_m2"].to_numpy()[hit],
        "evidence.built_not_producing",
        {"date": [f"{d:%Y-%m-%d}" for d in done[hit]], "years": _years(day, done[hit])},
        geoms=supply.geometry.values[hit],
    )


def _below_standard(supply, on, where, day: pd.Timestamp, cfg: Mapping) -> pd.DataFrame:
    mu = on["area_m2"].to_numpy(dtype=float) / M2_PER_MU
    inv = on["investment_wan"].to_numpy(dtype=float) / mu
    tax = on["tax_wan"].to_numpy(dtype=float) / mu
    want_inv = pd.to_numeric(supply["agreed_investment_wan_per_mu"], errors="coerce").to_numpy(dtype=float)
    want_tax = pd.to_numeric(supply["agreed_tax_wan_per_mu"], errors="coerce").to_numpy(dtype=float)
    producing = (on["revenue_wan"] > 0).to_numpy(dtype=bool) & _in_use(supply, on, day, cfg)
    with np.errstate(invalid="ignore"):
        short = (inv < want_inv) | (tax < want_tax)
    hit = producing & short
    return _rows(
        "producing_below_standard",
        supply["supply_id"].astype(str).to_numpy()[hit],
        where[hit],
        on["area_m2"].to_numpy()[hit],
        "evidence.producing_below_standard",
        {"inv": inv[hit], "want_inv": want_inv[hit], "tax": tax[hit], "want_tax": want_tax[hit]},
        geoms=supply.geometry.values[hit],
    )


def park_potential(
    study, plots: pd.DataFrame, *, config=None, cluster=None, partials: Partials | None = None
) -> pd.DataFrame:
    """Each park's potential: 扩展潜力, 强度潜力, 管理潜力 and the five kinds' totals.

    强度潜力 is the floor area industrial land lacks against the target FAR, and the land that equals; all
    in 公顷 and 亩 (floor area in m²).

    Parameters
    ----------
    study : Study or mapping
        ``parks`` and ``landuse``.
    plots : DataFrame
        The five kinds (:func:`low_efficiency_land`).
    config : path or dict, optional
        Overrides of ``potential_default.toml`` (the target FAR by evaluation type).
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT``: partitioned parcels reduced per park on a cluster.
    partials : Partials, optional
        The partitioned parcels already reduced (:func:`partials`): not read again.

    Returns
    -------
    DataFrame
        One row per park (theme parks are counted in their parent).
    """
    layers = inputs(study)
    cfg = load_config("potential", config)
    return _with_kinds(_parcel_part(layers["parks"], layers["landuse"], cfg, cluster, partials), plots)


def _parcel_part(
    parks: gpd.GeoDataFrame,
    lu: gpd.GeoDataFrame | LayerStream | None,
    cfg: Mapping,
    cluster=None,
    partials: Partials | None = None,
) -> pd.DataFrame:
    """Each top park's potential from the parcels alone (open, under-built and idle land, in m²)."""
    parks = _top(parks).reset_index(drop=True)
    out = pd.DataFrame({"park_id": parks["park_id"].astype(str), "zone_id": parks["zone_id"].astype(str)})
    if "name" in parks:
        out.insert(1, "name", parks["name"].astype(str).to_numpy())
    for c in ("expansion_m2", "extra_gfa_m2", "equivalent_m2", "idle_m2"):
        out[c] = 0.0
    if lu is not None and len(lu):
        target = float(cfg["intensity"]["target_far"])
        if partials is not None:
            sums = partials.parks
        elif isinstance(lu, LayerStream):
            sums = _park_total(_by_piece(lu, cluster, parks=parks, target=target))
        else:
            sums = park_sums(parks, lu, target)
        for c in sums.columns:
            out.loc[sums.index, c] = sums[c].to_numpy()
    return out


def _with_kinds(parcel_part: pd.DataFrame, plots: pd.DataFrame) -> pd.DataFrame:
    """The park table: the parcels' part (:func:`_parcel_part`) with the five kinds added in 公顷 and 亩."""
    out = parcel_part.copy()
    kinds = (
        plots.pivot_table(index="park_id", columns="kind", values="area_ha", aggfunc="sum")
        if len(plots)
        else None
    )
    for k in KINDS:
        out[f"{k}_ha"] = (
            kinds[k].reindex(out["park_id"]).fillna(0.0).to_numpy()
            if kinds is not None and k in kinds
            else 0.0
        )
    out["expansion_ha"] = out.pop("expansion_m2") / M2_PER_HA + out["approved_not_supplied_ha"]
    out["expansion_mu"] = out["expansion_ha"] * M2_PER_HA / M2_PER_MU
    out["intensity_extra_gfa_m2"] = out.pop("extra_gfa_m2")
    out["intensity_equivalent_ha"] = out.pop("equivalent_m2") / M2_PER_HA
    out["intensity_equivalent_mu"] = out["intensity_equivalent_ha"] * M2_PER_HA / M2_PER_MU
    out["management_ha"] = out.pop("idle_m2") / M2_PER_HA + out["supplied_not_used_ha"]
    out["management_mu"] = out["management_ha"] * M2_PER_HA / M2_PER_MU
    return out


def zone_potential(per_park: pd.DataFrame) -> pd.DataFrame:
    """The parks' potential added up per zone.

    Parameters
    ----------
    per_park : DataFrame
        :func:`park_potential`.

    Returns
    -------
    DataFrame
        One row per zone, every area and floor-area column summed.
    """
    numbers = per_park.select_dtypes("number").columns
    return per_park.groupby("zone_id")[list(numbers)].sum().reset_index()


MONITOR_INDICATORS = (
    "development_rate",
    "supply_rate",
    "construction_rate",
    "composite_far",
    "industrial_far",
    "tax_per_ha",
    "idle_land_ratio",
    "G_ha",
    "score",
    "grade",
)
"""The intensity columns monitoring follows on every date (``G_ha`` is the idle land)."""


def monitor(
    study,
    *,
    dates: Sequence[str | pd.Timestamp],
    config=None,
    snapshots: Mapping[pd.Timestamp, Mapping] | None = None,
    intensity_config=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each park's intensity, score, grade, five kinds and potential on several statistics dates; the change.

    The approvals and contracts carry their own dates, so what counts as 批而未供, 供而未用 … moves with
    the statistics date. The parcels and enterprises are those of the snapshot serving each date (the
    latest on or before it, see :mod:`zonekit.layers.snapshots`), or the study's own on every date when
    there are no snapshots.

    Parameters
    ----------
    study : Study or mapping
        As for :func:`low_efficiency_land`; ``zones`` too when present (the evaluation type).
    dates : list of str or Timestamp
        Statistics dates, in any order (reported in order).
    config : path or dict, optional
        Overrides of ``potential_default.toml``.
    snapshots : mapping, optional
        Snapshot date → its ``landuse`` and ``enterprises`` (frames or streams), standing in for the
        study's on the dates they serve.
    intensity_config : path or dict, optional
        Overrides of ``intensity_default.toml`` (scores and grades).

    Returns
    -------
    (DataFrame, DataFrame)
        Per park and date (``date`` and ``snapshot`` columns): the intensity indicators, score and grade,
        the five kinds' hectares and the potential; and per park the change from the first date to the
        last, with ``flags`` naming what got worse (``grade_dropped``, ``idle_grew``,
        ``approved_not_supplied_grew``, ``supplied_not_used_grew``, ``management_grew``).
    """
    from zonekit.analysis.intensity import land_intensity
    from zonekit.layers.snapshots import serving

    days = sorted(pd.Timestamp(d) for d in dates)
    cfg = load_config("potential", config)
    icfg = load_config("intensity", intensity_config)
    base = dict(study.items()) if hasattr(study, "items") else {"parks": study["parks"]}
    path = getattr(study, "path", "")
    per_snapshot: dict[object, tuple[dict, pd.DataFrame, pd.DataFrame, Partials | None]] = {}
    per_date = []
    for day in days:
        key = serving(list(snapshots), day, layer="landuse", study=path) if snapshots else None
        if key not in per_snapshot:  # each snapshot overlaid once, whatever the dates it serves
            merged = {**base, **dict(snapshots[key])} if snapshots and key is not None else base
            layers = inputs(merged)
            once = partials(layers, config=cfg)  # streamed parcels: read once for every date it serves
            parcel_part = _parcel_part(layers["parks"], layers["landuse"], cfg, partials=once)
            measured = _intensity_on(land_intensity, merged, icfg)
            per_snapshot[key] = (layers, parcel_part, measured, once)
        layers, parcel_part, measured, once = per_snapshot[key]
        table = _with_kinds(parcel_part, low_efficiency_land(layers, date=day, config=cfg, partials=once))
        table = table.merge(measured, on="park_id", how="left")
        table.insert(0, "date", f"{day:%Y-%m-%d}")
        table.insert(1, "snapshot", "" if key is None else f"{key:%Y-%m-%d}")
        per_date.append(table)
    every = pd.concat(per_date, ignore_index=True)
    return every, _change(every, days, icfg)


def _intensity_on(land_intensity, layers: Mapping, icfg: Mapping) -> pd.DataFrame:
    """The intensity columns monitoring follows, per park, on one snapshot's parcels."""
    parcels = layers.get("landuse")
    if parcels is None or not len(parcels):
        return pd.DataFrame({"park_id": pd.Series(dtype=str)})
    if isinstance(parcels, pd.DataFrame) and "is_construction" not in parcels:  # a bare frame: typed first
        from zonekit.layers.frames import prepare

        parcels = prepare(parcels, "landuse")
    st = {"parks": layers["parks"], "landuse": parcels, "zones": layers.get("zones")}
    table = land_intensity({k: v for k, v in st.items() if v is not None}, by="park", config=icfg).indicators
    keep = ["park_id", *(c for c in MONITOR_INDICATORS if c in table.columns)]
    return pd.DataFrame(table[keep]).assign(park_id=lambda t: t["park_id"].astype(str))


def _change(every: pd.DataFrame, days: list[pd.Timestamp], icfg: Mapping) -> pd.DataFrame:
    """Per park, the change from the first date to the last, and the flags of what got worse."""
    numbers = [c for c in every.select_dtypes("number").columns]
    first = every[every["date"] == f"{days[0]:%Y-%m-%d}"].set_index("park_id")
    last = every[every["date"] == f"{days[-1]:%Y-%m-%d}"].set_index("park_id")
    change = (last[numbers] - first[numbers]).add_suffix("_change").reset_index()
    order = {g: k for k, (_, g) in enumerate(icfg["scoring"]["grades"])}  # 0 = the best grade
    if "grade" in every:
        was = first["grade"].reindex(change["park_id"]).to_numpy(dtype=object)
        now = last["grade"].reindex(change["park_id"]).to_numpy(dtype=object)
        change.insert(1, "grade_first", was)
        change.insert(2, "grade_last", now)
        r_now, r_was = (pd.Series(g).map(order).fillna(-1).to_numpy() for g in (now, was))
        dropped = (r_now > r_was) & (r_was >= 0)
    else:
        dropped = np.zeros(len(change), dtype=bool)
    grew = {
        "G_ha_change": "idle_grew",
        "approved_not_supplied_ha_change": "approved_not_supplied_grew",
        "supplied_not_used_ha_change": "supplied_not_used_grew",
        "management_ha_change": "management_grew",
    }
    parts = [pd.Series(np.where(dropped, "grade_dropped", ""), index=change.index)]
    parts += [
        pd.Series(np.where(change[col].fillna(0) > 1e-9, flag, ""), index=change.index)
        for col, flag in grew.items()
        if col in change
    ]
    flags = parts[0].str.cat(parts[1:], sep=",").str.replace(r",+", ",", regex=True).str.strip(",")
    change.insert(1, "flags", flags)
    return change
