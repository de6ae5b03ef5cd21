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
    """Lead industries as a set of normalised terms (split on 、，,;/ and spaces; synonyms folded)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return set()
    terms = {t.strip() for t in re.split(r"[、，,;；/\s]+", str(text)) if t.strip()}
    return {synonyms.get(t, t) for t in terms}


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b| (0 when both are empty)."""
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


def _candidate(**kw) -> dict:
    return {c: kw.get(c) for c in CANDIDATE_COLUMNS}


def consolidation_candidates(
    study,
    *,
    config=None,
    intensity: pd.DataFrame | None = None,
    protected_pairs: gpd.GeoDataFrame | None = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Run every rule and group the candidates.

    ``intensity`` is the per-park indicator table (``land_intensity(by="park").indicators``) when the caller
    already has it; otherwise it is computed here for the low-intensity rule. Likewise ``protected_pairs``
    (``park_protected_pairs(parks, protected)``) for the red-line rule.

    Returns
    -------
    (DataFrame, GeoDataFrame)
        One row per candidate (rule firing) with its evidence; one row per candidate group with its members,
        rules, suggested action, priority and the union of its parks as geometry.
    """
    if hasattr(study, "require"):
        study.require("zones", "parks", purpose="purpose.consolidation")
    cfg = load_config("consolidate", config)
    zones = _zone_shapes(study)
    metric = zones.to_crs(metric_crs(zones))
    rows: list[dict] = []

    if cfg["one_county_one_zone"]["enabled"] and "in_catalogue" in zones:
        for county, grp in zones.groupby("county_adcode"):
            listed = grp[grp["in_catalogue"].fillna(False).astype(bool)]
            plates = grp[~grp["in_catalogue"].fillna(False).astype(bool)]
            if listed.empty or plates.empty:
                continue
            for zid, plate in plates.iterrows():
                dist = {z: metric.geometry[zid].distance(metric.geometry[z]) for z in listed.index}
                best = min(listed.index, key=lambda z: (LEVEL_RANK.get(listed.loc[z, "level"], 9), dist[z]))
                area = ellipsoidal_area([plate.geometry], zones.crs)[0] / M2_PER_HA
                rows.append(
                    _candidate(
                        rule="one_county_one_zone",
                        action="absorb",
                        zone_id=zid,
                        other_zone_id=best,
                        distance_m=dist[best],
                        area_ha=area,
                        evidence=f"county {county}: plate {plate.get('name', zid)} ({area:.0f} ha) is not in the "
                        f"catalogue; {listed.loc[best].get('name', best)} is, {dist[best] / 1000:.1f} km away",
                    )
                )

    acfg, syn = cfg["adjacent"], cfg["industry_synonyms"]
    ids = list(zones.index)
    tree = shapely.STRtree(metric.geometry.values)
    left, right = tree.query(metric.geometry.values, predicate="dwithin", distance=acfg["max_distance_m"])
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        a, b = ids[i], ids[j]
        ta, tb = (
            industry_terms(zones.loc[a].get("lead_industries"), syn),
            industry_terms(zones.loc[b].get("lead_industries"), syn),
        )
        sim = jaccard(ta, tb)
        if sim < acfg["min_similarity"]:
            continue
        la, lb = LEVEL_RANK.get(zones.loc[a].get("level"), 9), LEVEL_RANK.get(zones.loc[b].get("level"), 9)
        lead, other = (a, b) if la <= lb else (b, a)
        action = "merge" if la == lb else "entrust"
        d = metric.geometry.iloc[i].distance(metric.geometry.iloc[j])
        rows.append(
            _candidate(
                rule="adjacent",
                action=action,
                zone_id=other,
                other_zone_id=lead,
                distance_m=d,
                similarity=sim,
                evidence=f"{zones.loc[a].get('name', a)} and {zones.loc[b].get('name', b)} are {d:.0f} m apart "
                f"and share {'、'.join(sorted(ta & tb))} (Jaccard {sim:.2f}); {zones.loc[lead].get('name', lead)} "
                + ("is the higher-level zone" if action == "entrust" else "leads the merger"),
            )
        )

    parks = study["parks"]
    pm = parks.to_crs(metric.crs)
    area_ha = ellipsoidal_area(parks.geometry.values, parks.crs) / M2_PER_HA
    scfg = cfg["scattered"]
    for zid, grp in pm.groupby("zone_id"):
        main = grp[grp["kind"] == "main"]
        if main.empty:
            continue
        mg = main.geometry.iloc[0]
        for idx, p in grp[grp["kind"].isin(["sub"])].iterrows():
            d = p.geometry.distance(mg)
            small = area_ha[parks.index.get_loc(idx)] < scfg["small_area_ha"]
            if d > scfg["far_distance_m"] or small:
                why = (f"{d / 1000:.1f} km from the main park" if d > scfg["far_distance_m"] else "") + (
                    f"{'; ' if d > scfg['far_distance_m'] else ''}only {area_ha[parks.index.get_loc(idx)]:.0f} ha"
                    if small
                    else ""
                )
                rows.append(
                    _candidate(
                        rule="scattered",
                        action="consolidate_or_exit",
                        zone_id=str(zid),
                        park_id=p["park_id"],
                        distance_m=d,
                        area_ha=area_ha[parks.index.get_loc(idx)],
                        evidence=f"park {p['name']}: {why}",
                    )
                )

    if intensity is not None or ("landuse" in study and len(study["landuse"])):  # no parcels: no such rule
        ind = intensity if intensity is not None else land_intensity(study, by="park").indicators
        scored = ind[ind["kind"] != "theme"].dropna(subset=["score"])
        cut = scored["score"].quantile(cfg["low_intensity"]["quantile"])
        for _, p in scored[scored["score"] <= cut].iterrows():
            rows.append(
                _candidate(
                    rule="low_intensity",
                    action="shrink",
                    zone_id=str(p["zone_id"]),
                    park_id=p["park_id"],
                    score=p["score"],
                    area_ha=p["area_ha"],
                    evidence=f"park {p['name']}: intensity score {p['score']:.1f} is in the bottom "
                    f"{cfg['low_intensity']['quantile']:.0%} (at most {cut:.1f}); development rate "
                    f"{p['development_rate']:.0%}",
                )
            )

    if "protected" in study:
        rcfg = cfg["redline"]
        pp = park_protected_pairs(parks, study["protected"]) if protected_pairs is None else protected_pairs
        pairs = pp[pp["b_kind"].isin(rcfg["kinds"])]
        zone_of = dict(zip(parks["park_id"].astype(str), parks["zone_id"].astype(str), strict=True))
        for r in pairs[pairs["overlap_ha"] >= rcfg["min_overlap_ha"]].itertuples():
            rows.append(
                _candidate(
                    rule="redline",
                    action="adjust_boundary",
                    zone_id=zone_of[r.a_id],
                    park_id=r.a_id,
                    overlap_ha=r.overlap_ha,
                    evidence=f"park {r.a_name} overlaps {r.b_name} by {r.overlap_ha:.1f} ha "
                    f"({r.pct_of_a:.1f} % of the park)",
                )
            )

    cand = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
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
            }
        )
        geoms.append(shapely.union_all(member_parks.geometry.values) if len(member_parks) else None)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=parks.crs)
