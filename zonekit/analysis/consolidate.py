"""Consolidation candidates (整合优化): which zones and parks should merge, be taken over, shrink or exit.

Each rule yields candidates with the evidence in numbers; candidates that link zones (一县一区, adjacent
and alike) join them in a graph whose connected components are the candidate groups. Every group gets its
members, the rules that fired, a suggested action and a priority. All thresholds are in
``consolidate_default.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonekit.analysis.config import load_config
from zonekit.analysis.intensity import land_intensity
from zonekit.analysis.overlap import metric_crs, park_protected_pairs
from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.units import M2_PER_HA
from zonekit.vocabulary.messages import say

LEVEL_RANK = {"national": 0, "provincial": 1, "municipal": 2, "other": 3}
CANDIDATE_COLUMNS = [
    "rule",
    "action",
    "zone_id",
    "other_zone_id",
    "park_id",
    "evidence",
    "distance_m",
    "similarity",
    "area_ha",
    "score",
    "overlap_ha",
]


def industry_terms(text: object, synonyms: dict[str, str]) -> set[str]:
    """Lead industries as a set of normalised terms (split on 、，,;/ and spaces; synonyms folded).

    Parameters
    ----------
    text : object
        The text.
    synonyms : dict[str, str]
        Term → normalised term.

    Returns
    -------
    set[str]
        Lead industries as a set of normalised terms (split on 、，,;/ and spaces; synonyms folded).
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return set()
    terms = {t.strip() for t in re.split(r"[、，,;；/\s]+", str(text)) if t.strip()}
    return {synonyms.get(t, t) for t in terms}


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b| (0 when both are empty).

    Parameters
    ----------
    a : set
        The first layer.
    b : set
        The second layer.

    Returns
    -------
    float
        |a ∩ b| / |a ∪ b| (0 when both are empty).
    """
    return len(a & b) / len(a | b) if a | b else 0.0


def _zone_shapes(study) -> gpd.GeoDataFrame:
    parks = study["parks"]
    geoms = parks.groupby("zone_id").geometry.apply(lambda g: shapely.union_all(g.values))
    zones = study["zones"].set_index(study["zones"]["zone_id"].astype(str))
    out = gpd.GeoDataFrame(
        zones.drop(columns="geometry", errors="ignore").reindex(geoms.index.astype(str)),
        geometry=geoms.values,
        crs=parks.crs,
    )
    out.index.name = "zone_id"
    return out


def _rows(rule: str, action, code: str, values: dict[str, object], **columns) -> pd.DataFrame:
    """Candidates of one rule as a frame: the columns given, and the evidence in both languages.

    ``values`` are the numbers and names of the evidence message ``code``, one array (or scalar) each.
    """
    n = len(next(iter(columns.values())))
    cols = {c: columns.get(c, np.full(n, None, dtype=object)) for c in CANDIDATE_COLUMNS}
    cols["rule"], cols["action"] = np.full(n, rule, dtype=object), action
    for lang, col in (("en", "evidence"), ("zh", "evidence_zh")):
        cols[col] = [
            say(
                code,
                lang,
                **{
                    k: (v[i] if isinstance(v, list | np.ndarray | pd.Series) else v)
                    for k, v in values.items()
                },
            )
            for i in range(n)
        ]
    return pd.DataFrame(cols, columns=[*CANDIDATE_COLUMNS, "evidence_zh"])


def one_county_one_zone(zones: gpd.GeoDataFrame, metric: gpd.GeoSeries, cfg: Mapping) -> pd.DataFrame:
    """一县一区: each plate outside the catalogue is absorbed by its county's best catalogued zone.

    Parameters
    ----------
    zones : GeoDataFrame
        Zones indexed by ``zone_id``, with ``in_catalogue``, ``county_adcode``, ``level`` and the union of
        their parks as geometry.
    metric : GeoSeries
        The same geometries in a metric CRS, for distances.
    cfg : mapping
        The resolved consolidation configuration.

    Returns
    -------
    DataFrame
        One candidate per plate: the listed zone of the best level, nearest among equals.
    """
    if (
        not cfg["one_county_one_zone"]["enabled"]
        or "in_catalogue" not in zones
        or "county_adcode" not in zones
    ):
        return _rows("one_county_one_zone", "absorb", "evidence.one_county_one_zone", {}, zone_id=[])
    listed_flag = zones["in_catalogue"].fillna(False).astype(bool).to_numpy()
    county = zones["county_adcode"].astype(str).to_numpy()
    rank = zones["level"].map(LEVEL_RANK).fillna(9).to_numpy() if "level" in zones else np.full(len(zones), 9)
    geoms = metric.to_numpy()
    plates = np.flatnonzero(~listed_flag & pd.notna(zones["county_adcode"]).to_numpy())
    listed = np.flatnonzero(listed_flag)
    # every plate against every listed zone: distances as one matrix, then the best (level, distance) of its county
    dist = shapely.distance(geoms[plates][:, None], geoms[listed][None, :]).astype(float)
    key = np.where(
        county[plates][:, None] == county[listed][None, :], rank[listed][None, :] * 1e12 + dist, np.inf
    )
    has = np.isfinite(key).any(axis=1) if len(listed) else np.zeros(len(plates), bool)
    plates, key, dist = plates[has], key[has], dist[has]
    best = listed[key.argmin(axis=1)] if len(plates) else np.array([], dtype=int)
    best_d = dist[np.arange(len(plates)), key.argmin(axis=1)] if len(plates) else np.array([])
    ids = zones.index.to_numpy()
    names = (
        zones["name"].fillna(pd.Series(ids, index=zones.index)).astype(str).to_numpy()
        if "name" in zones
        else ids
    )
    area = ellipsoidal_area(zones.geometry.to_numpy()[plates], zones.crs) / M2_PER_HA
    return _rows(
        "one_county_one_zone",
        "absorb",
        "evidence.one_county_one_zone",
        {
            "county": county[plates],
            "plate": names[plates],
            "area": area,
            "zone": names[best],
            "km": best_d / 1000,
        },
        zone_id=ids[plates],
        other_zone_id=ids[best],
        distance_m=best_d,
        area_ha=area,
    )


def adjacent_zones(zones: gpd.GeoDataFrame, metric: gpd.GeoSeries, cfg: Mapping) -> pd.DataFrame:
    """Zones close together with similar lead industries: merged (same level) or entrusted (to the higher).

    Parameters
    ----------
    zones : GeoDataFrame
        Zones indexed by ``zone_id``, with ``level``, ``lead_industries`` and ``name``.
    metric : GeoSeries
        Their geometries in a metric CRS.
    cfg : mapping
        The resolved consolidation configuration.

    Returns
    -------
    DataFrame
        One candidate per pair within ``adjacent.max_distance_m`` whose Jaccard similarity of lead-industry
        terms reaches ``adjacent.min_similarity``; ``zone_id`` is the zone that would be taken over.
    """
    acfg, syn = cfg["adjacent"], cfg["industry_synonyms"]
    geoms = metric.to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=acfg["max_distance_m"])
    keep = left < right
    i, j = left[keep], right[keep]
    lead_col = zones["lead_industries"] if "lead_industries" in zones else pd.Series(None, index=zones.index)
    terms = [industry_terms(t, syn) for t in lead_col]  # one set per zone, not per pair
    vocab = sorted(set().union(*terms)) if terms else []
    member = np.zeros((len(zones), len(vocab)), dtype=bool)
    pos = {t: k for k, t in enumerate(vocab)}
    for z, ts in enumerate(terms):
        member[z, [pos[t] for t in ts]] = True
    both = (member[i] & member[j]).sum(axis=1)
    either = (member[i] | member[j]).sum(axis=1)
    sim = np.divide(both, either, out=np.zeros(len(i)), where=either > 0)
    ok = sim >= acfg["min_similarity"]
    i, j, sim = i[ok], j[ok], sim[ok]
    rank = zones["level"].map(LEVEL_RANK).fillna(9).to_numpy() if "level" in zones else np.full(len(zones), 9)
    lead = np.where(rank[i] <= rank[j], i, j)
    other = np.where(rank[i] <= rank[j], j, i)
    d = shapely.distance(geoms[i], geoms[j]).astype(float)
    ids = zones.index.to_numpy()
    names = (
        zones["name"].fillna(pd.Series(ids, index=zones.index)).astype(str).to_numpy()
        if "name" in zones
        else ids
    )
    shared = [
        "、".join(t for t, m in zip(vocab, member[a] & member[b], strict=True) if m)
        for a, b in zip(i, j, strict=True)
    ]
    same = rank[i] == rank[j]
    return _rows(
        "adjacent",
        np.where(same, "merge", "entrust"),
        "evidence.adjacent",
        {
            "a": names[i],
            "b": names[j],
            "m": d,
            "shared": shared,
            "sim": sim,
            "lead": names[lead],
            "why": np.where(same, "evidence.leads_merger", "evidence.higher_level"),
        },
        zone_id=ids[other],
        other_zone_id=ids[lead],
        distance_m=d,
        similarity=sim,
    )


def scattered_parks(parks: gpd.GeoDataFrame, metric_crs: object, cfg: Mapping) -> pd.DataFrame:
    """一区多园: sub-parks far from their zone's main park, or very small.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks with ``zone_id``, ``kind`` (main | sub | theme), ``park_id`` and ``name``.
    metric_crs : CRS
        A metric CRS for distances.
    cfg : mapping
        The resolved consolidation configuration.

    Returns
    -------
    DataFrame
        One candidate per sub-park farther than ``scattered.far_distance_m`` from its main park or smaller
        than ``scattered.small_area_ha``.
    """
    scfg = cfg["scattered"]
    pm = parks.geometry.to_crs(metric_crs).to_numpy()
    kind = parks["kind"].astype(str).to_numpy()
    zone = parks["zone_id"].astype(str).to_numpy()
    main_of = pd.Series(np.arange(len(parks)))[kind == "main"].groupby(zone[kind == "main"]).first()
    subs = np.flatnonzero((kind == "sub") & pd.Series(zone).isin(main_of.index).to_numpy())
    main = main_of.reindex(zone[subs]).to_numpy(dtype=int)
    d = shapely.distance(pm[subs], pm[main]).astype(float)
    area = ellipsoidal_area(parks.geometry.to_numpy()[subs], parks.crs) / M2_PER_HA
    far, small = d > scfg["far_distance_m"], area < scfg["small_area_ha"]
    hit = far | small
    subs, d, area, far, small = subs[hit], d[hit], area[hit], far[hit], small[hit]
    code = np.where(far & small, "evidence.far_and_small", np.where(far, "evidence.far", "evidence.small"))
    return _rows(
        "scattered",
        "consolidate_or_exit",
        "evidence.scattered",
        {"park": parks["name"].astype(str).to_numpy()[subs], "why": code, "km": d / 1000, "ha": area},
        zone_id=zone[subs],
        park_id=parks["park_id"].astype(str).to_numpy()[subs],
        distance_m=d,
        area_ha=area,
    )


def low_intensity_parks(intensity: pd.DataFrame, cfg: Mapping) -> pd.DataFrame:
    """Parks whose intensity score is in the bottom ``low_intensity.quantile``: shrink (核减) or redevelop.

    Parameters
    ----------
    intensity : DataFrame
        The per-park indicators (``zonekit.intensity(...)["indicators"]``), with ``score``, ``kind``,
        ``zone_id``, ``park_id``, ``name``, ``area_ha`` and ``development_rate``.
    cfg : mapping
        The resolved consolidation configuration.

    Returns
    -------
    DataFrame
        One candidate per such park (theme parks and parks without a score are not ranked).
    """
    q = cfg["low_intensity"]["quantile"]
    scored = intensity[intensity["kind"] != "theme"].dropna(subset=["score"])
    cut = scored["score"].quantile(q)
    low = scored[scored["score"] <= cut]
    return _rows(
        "low_intensity",
        "shrink",
        "evidence.low_intensity",
        {
            "park": low["name"].astype(str).to_numpy(),
            "score": low["score"].to_numpy(),
            "q": q,
            "cut": cut,
            "rate": low["development_rate"].to_numpy(),
        },
        zone_id=low["zone_id"].astype(str).to_numpy(),
        park_id=low["park_id"].astype(str).to_numpy(),
        score=low["score"].to_numpy(),
        area_ha=low["area_ha"].to_numpy(),
    )


def redline_parks(parks: gpd.GeoDataFrame, protected_pairs: pd.DataFrame, cfg: Mapping) -> pd.DataFrame:
    """Parks overlapping red lines, basic farmland, reserves or water sources: adjust the boundary.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks with ``park_id`` and ``zone_id``.
    protected_pairs : DataFrame
        Parks × protected areas (``park_protected_pairs``) with ``b_kind``, ``overlap_ha`` and ``pct_of_a``.
    cfg : mapping
        The resolved consolidation configuration.

    Returns
    -------
    DataFrame
        One candidate per pair of a kind in ``redline.kinds`` overlapping by at least ``redline.min_overlap_ha``.
    """
    rcfg = cfg["redline"]
    pp = protected_pairs[
        protected_pairs["b_kind"].isin(rcfg["kinds"])
        & (protected_pairs["overlap_ha"] >= rcfg["min_overlap_ha"])
    ]
    zone_of = pd.Series(parks["zone_id"].astype(str).to_numpy(), index=parks["park_id"].astype(str))
    return _rows(
        "redline",
        "adjust_boundary",
        "evidence.redline",
        {
            "park": pp["a_name"].astype(str).to_numpy(),
            "area": pp["b_name"].astype(str).to_numpy(),
            "ha": pp["overlap_ha"].to_numpy(),
            "pct": pp["pct_of_a"].to_numpy(),
        },
        zone_id=zone_of.reindex(pp["a_id"].astype(str)).to_numpy(),
        park_id=pp["a_id"].astype(str).to_numpy(),
        overlap_ha=pp["overlap_ha"].to_numpy(),
    )


def consolidation_candidates(
    study,
    *,
    config=None,
    intensity: pd.DataFrame | None = None,
    protected_pairs: gpd.GeoDataFrame | None = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Run every rule and group the candidates.

    Parameters
    ----------
    study : Study or mapping of layer name to frame
        ``zones`` and ``parks``; ``landuse`` (for the low-intensity rule) and ``protected`` (red lines)
        when present.
    config : path or dict, optional
        Overrides of ``consolidate_default.toml``.
    intensity : DataFrame, optional
        The per-park indicator table (``land_intensity(by="park").indicators``) when the caller already has
        it; otherwise it is computed here for the low-intensity rule.
    protected_pairs : GeoDataFrame, optional
        ``park_protected_pairs(parks, protected)`` when the caller has it, for the red-line rule.

    Returns
    -------
    (DataFrame, GeoDataFrame)
        One row per candidate (rule firing) with its evidence (``evidence`` in English, ``evidence_zh`` in
        Chinese); one row per candidate group with its members, rules, suggested action, priority and the
        union of its parks as geometry.
    """
    if hasattr(study, "require"):
        study.require("zones", "parks", purpose="purpose.consolidation")
    cfg = load_config("consolidate", config)
    zones = _zone_shapes(study)
    metric = zones.geometry.to_crs(metric_crs(zones))
    parks = study["parks"]
    found = [
        one_county_one_zone(zones, metric, cfg),
        adjacent_zones(zones, metric, cfg),
        scattered_parks(parks, metric.crs, cfg),
    ]
    if intensity is not None or ("landuse" in study and len(study["landuse"])):  # no parcels: no such rule
        found.append(
            low_intensity_parks(
                intensity if intensity is not None else land_intensity(study, by="park").indicators, cfg
            )
        )
    if "protected" in study:
        pp = park_protected_pairs(parks, study["protected"]) if protected_pairs is None else protected_pairs
        found.append(redline_parks(parks, pp, cfg))
    cand = pd.concat([f for f in found if len(f)] or [found[0]], ignore_index=True)
    return cand, _groups(cand, zones, parks, cfg)


def _groups(
    cand: pd.DataFrame, zones: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, cfg: Mapping
) -> gpd.GeoDataFrame:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in cand.itertuples():
        find(r.zone_id)
        if r.other_zone_id is not None and not pd.isna(r.other_zone_id):
            parent[find(r.zone_id)] = find(r.other_zone_id)
    cand = cand.assign(group=[find(z) for z in cand["zone_id"]])
    order = cfg["actions"]["order"]
    weights = cfg["priority"]
    rows, geoms = [], []
    for n, (_, grp) in enumerate(
        sorted(cand.groupby("group"), key=lambda kv: -sum(weights.get(r, 0) for r in set(kv[1]["rule"]))),
        start=1,
    ):
        zone_ids = sorted(set(grp["zone_id"]) | set(grp["other_zone_id"].dropna()))
        park_ids = sorted(grp["park_id"].dropna().unique())
        rules = sorted(set(grp["rule"]))
        action = min(grp["action"], key=order.index)
        member_parks = parks[parks["zone_id"].astype(str).isin(zone_ids)]
        rows.append(
            {
                "group_id": f"G{n:02d}",
                "zones": ",".join(zone_ids),
                "zone_names": "、".join(
                    str(zones.loc[z].get("name", z)) for z in zone_ids if z in zones.index
                ),
                "parks": ",".join(park_ids),
                "rules": ",".join(rules),
                "suggested_action": action,
                "actions": ",".join(sorted(set(grp["action"]), key=order.index)),
                "priority": float(sum(weights.get(r, 0.0) for r in rules)),
                "evidence": " | ".join(grp["evidence"]),
                "evidence_zh": " | ".join(grp["evidence_zh"]),
            }
        )
        geoms.append(shapely.union_all(member_parks.geometry.values) if len(member_parks) else None)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=parks.crs)
