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
from zonekit.vocabulary.messages import say_each

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
        cols[col] = say_each(code, lang, n, values)
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
    """Parks of low intensity: shrink (核减) or redevelop.

    Absolute: a grade in ``low_intensity.grades`` (C, D). Relative: a score in the bottom
    ``low_intensity.quantile`` of the study, unless the grade is one of ``spared_grades`` (A) — so a study
    of grade-A and -B parks does not call its B parks low for being last. The evidence says which.

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
    lcfg = cfg["low_intensity"]
    q = lcfg["quantile"]
    scored = intensity[intensity["kind"] != "theme"].dropna(subset=["score"])
    grade = scored["grade"].astype(str) if "grade" in scored else pd.Series("", index=scored.index)
    cut = scored["score"].quantile(q)
    absolute = grade.isin(list(lcfg["grades"])).to_numpy(dtype=bool)
    relative = ((scored["score"] <= cut) & ~grade.isin(list(lcfg["spared_grades"]))).to_numpy(dtype=bool)
    hit = absolute | relative
    low, absolute = scored[hit], absolute[hit]
    return _rows(
        "low_intensity",
        "shrink",
        "evidence.low_intensity",
        {
            "park": low["name"].astype(str).to_numpy(),
            "score": low["score"].to_numpy(),
            "grade": grade[hit].to_numpy(),
            "why": np.where(absolute, "evidence.low_grade", "evidence.low_rank"),
            "q": q,
            "cut": cut,
            "rate": low["development_rate"].to_numpy(),
        },
        zone_id=low["zone_id"].astype(str).to_numpy(),
        park_id=low["park_id"].astype(str).to_numpy(),
        score=low["score"].to_numpy(),
        area_ha=low["area_ha"].to_numpy(),
    )


def outside_zone_parks(parks: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, cfg: Mapping) -> pd.DataFrame:
    """Parks reaching beyond their zone's own boundary (where the zones layer has geometry): adjust it.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks with ``park_id``, ``zone_id`` and ``name``.
    zones : GeoDataFrame
        The ``zones`` layer (its own boundaries; zones without geometry are skipped).
    cfg : mapping
        The resolved consolidation configuration.

    Returns
    -------
    DataFrame
        One candidate per park with at least ``outside_zone.min_outside_ha`` outside its zone.
    """
    if not isinstance(zones, gpd.GeoDataFrame) or zones.geometry.isna().all():
        return _rows("outside_zone", "adjust_boundary", "evidence.outside_zone", {}, zone_id=[])
    bounds = pd.Series(zones.geometry.values, index=zones["zone_id"].astype(str))
    bounds = bounds[~shapely.is_missing(bounds.to_numpy())]
    zone = parks["zone_id"].astype(str)
    has = zone.isin(bounds.index).to_numpy(dtype=bool) & (parks["kind"].astype(str) != "theme").to_numpy()
    own = parks.geometry.to_numpy()[has]
    outside = shapely.difference(own, bounds.reindex(zone[has]).to_numpy())
    out_ha = ellipsoidal_area(outside, parks.crs) / M2_PER_HA
    park_ha = ellipsoidal_area(own, parks.crs) / M2_PER_HA
    hit = out_ha >= cfg["outside_zone"]["min_outside_ha"]
    rows = np.flatnonzero(has)[hit]
    return _rows(
        "outside_zone",
        "adjust_boundary",
        "evidence.outside_zone",
        {
            "park": parks["name"].astype(str).to_numpy()[rows],
            "ha": out_ha[hit],
            "pct": 100 * out_ha[hit] / np.maximum(park_ha[hit], 1e-12),
            "zone": zone.to_numpy()[rows],
        },
        zone_id=zone.to_numpy()[rows],
        park_id=parks["park_id"].astype(str).to_numpy()[rows],
        area_ha=out_ha[hit],
    )


def over_approved_zones(zones: gpd.GeoDataFrame, cfg: Mapping) -> pd.DataFrame:
    """Zones whose measured area (the union of their parks) exceeds their 核准面积 beyond the tolerance.

    Parameters
    ----------
    zones : GeoDataFrame
        Zones indexed by ``zone_id`` with ``approved_area_ha`` and the union of their parks as geometry.
    cfg : mapping
        The resolved consolidation configuration.

    Returns
    -------
    DataFrame
        One candidate (shrink) per such zone, with both areas.
    """
    if "approved_area_ha" not in zones:
        return _rows("over_approved", "shrink", "evidence.over_approved", {}, zone_id=[])
    approved = pd.to_numeric(zones["approved_area_ha"], errors="coerce").to_numpy(dtype=float)
    measured = ellipsoidal_area(zones.geometry.to_numpy(), zones.crs) / M2_PER_HA
    with np.errstate(invalid="ignore"):
        hit = (approved > 0) & (measured > approved * (1 + cfg["approved_area"]["tolerance"]))
    names = zones["name"].astype(str).to_numpy() if "name" in zones else zones.index.to_numpy()
    return _rows(
        "over_approved",
        "shrink",
        "evidence.over_approved",
        {
            "zone": names[hit],
            "measured": measured[hit],
            "approved": approved[hit],
            "pct": 100 * (measured[hit] / approved[hit] - 1),
        },
        zone_id=zones.index.to_numpy()[hit],
        area_ha=measured[hit],
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
        outside_zone_parks(parks, study["zones"], cfg),
        over_approved_zones(zones, cfg),
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


def _formula(rules: list[str], weights: Mapping, lang: str) -> str:
    """How a group's priority adds up: ``redline 5 + scattered 1 = 6`` (rules by their names in ``lang``)."""
    from zonekit.vocabulary.labels import RULE_ZH

    named = RULE_ZH if lang == "zh" else {}
    terms = [f"{named.get(r, r)} {weights.get(r, 0.0):g}" for r in rules]
    return f"{' + '.join(terms)} = {sum(weights.get(r, 0.0) for r in rules):g}"


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
                "priority_formula": _formula(rules, weights, "en"),
                "priority_formula_zh": _formula(rules, weights, "zh"),
                "evidence": " | ".join(grp["evidence"]),
                "evidence_zh": " | ".join(grp["evidence_zh"]),
            }
        )
        geoms.append(shapely.union_all(member_parks.geometry.values) if len(member_parks) else None)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=parks.crs)


def county_summary(study, cand: pd.DataFrame) -> pd.DataFrame:
    """一县一区 county by county: zones, catalogue, areas, and what merging the plates would give.

    Parameters
    ----------
    study : Study or mapping
        ``zones`` and ``parks``; ``admin`` for the county names when present.
    cand : DataFrame
        The candidates (:func:`consolidation_candidates`).

    Returns
    -------
    DataFrame
        One row per county: ``county_adcode``, ``county`` (name), ``zone_count``, ``catalogued``,
        ``not_catalogued``, ``area_ha``, ``catalogued_ha``, ``merges`` (plate → zone, from the
        one-county-one-zone candidates) and ``zones_after``.
    """
    zones = _zone_shapes(study)
    if "county_adcode" not in zones or not len(zones):
        return pd.DataFrame(columns=["county_adcode", "county", "zone_count", "catalogued", "area_ha"])
    area = ellipsoidal_area(zones.geometry.to_numpy(), zones.crs) / M2_PER_HA
    listed = zones["in_catalogue"].fillna(False).astype(bool) if "in_catalogue" in zones else False
    frame = pd.DataFrame(
        {
            "county_adcode": zones["county_adcode"].astype("string").to_numpy(),
            "catalogued": np.asarray(listed, dtype=bool) if not isinstance(listed, bool) else False,
            "area_ha": area,
        },
        index=zones.index,
    ).dropna(subset=["county_adcode"])
    by = frame.groupby("county_adcode")
    out = pd.DataFrame(
        {
            "zone_count": by.size(),
            "catalogued": by["catalogued"].sum().astype(int),
            "area_ha": by["area_ha"].sum(),
            "catalogued_ha": frame.assign(a=frame["area_ha"].where(frame["catalogued"], 0.0))
            .groupby("county_adcode")["a"]
            .sum(),
        }
    )
    out.insert(2, "not_catalogued", out["zone_count"] - out["catalogued"])
    names = zones["name"].astype(str) if "name" in zones else pd.Series(zones.index, index=zones.index)
    merges = cand[cand["rule"] == "one_county_one_zone"]
    if len(merges):
        county_of = frame["county_adcode"]
        said = merges.assign(
            county_adcode=county_of.reindex(merges["zone_id"]).to_numpy(),
            text=names.reindex(merges["zone_id"]).to_numpy()
            + " → "
            + names.reindex(merges["other_zone_id"]).to_numpy(),
        )
        out["merges"] = said.groupby("county_adcode")["text"].agg("; ".join)
        out["zones_after"] = out["zone_count"] - said.groupby("county_adcode").size().reindex(
            out.index
        ).fillna(0)
    else:
        out["merges"] = None
        out["zones_after"] = out["zone_count"]
    out["zones_after"] = out["zones_after"].astype(int)
    admin = study.get("admin", None)
    if admin is not None and len(admin) and "adcode" in admin:
        out.insert(0, "county", admin.set_index(admin["adcode"].astype(str))["name"].reindex(out.index))
    else:
        out.insert(0, "county", None)
    return out.reset_index()


def before_after(study, cand: pd.DataFrame, intensity: pd.DataFrame | None = None) -> pd.DataFrame:
    """What the proposed consolidation would give: zones, parks, total area and the mean score, now and after.

    After: zones absorbed, merged or entrusted count as part of the zone they join; sub-parks proposed to
    consolidate or exit are gone; boundaries adjusted drop the parts of parks in red lines or outside their
    zone; the mean score is the area-weighted score of the parks that remain. An estimate for discussion,
    not a plan: the evidence of each step is in the candidates.

    Parameters
    ----------
    study : Study or mapping
        ``zones`` and ``parks``.
    cand : DataFrame
        The candidates (:func:`consolidation_candidates`).
    intensity : DataFrame, optional
        The per-park indicators (for the mean score).

    Returns
    -------
    DataFrame
        ``measure`` (zones, parks, area_ha, mean_score), ``before``, ``after``, ``change``.
    """
    parks = study["parks"]
    top = parks[parks["kind"].astype(str) != "theme"]
    area = pd.Series(
        ellipsoidal_area(top.geometry.to_numpy(), top.crs) / M2_PER_HA, index=top["park_id"].astype(str)
    )
    joined = cand[cand["action"].isin(["absorb", "merge", "entrust"])]["zone_id"].astype(str)
    zones_now = top["zone_id"].astype(str).nunique()
    exit_ids = set(cand.loc[cand["action"] == "consolidate_or_exit", "park_id"].dropna().astype(str))
    cut = cand[cand["rule"].isin(["redline", "outside_zone"])]
    trimmed = cut.assign(ha=cut["overlap_ha"].fillna(cut["area_ha"]))
    trimmed = trimmed[~trimmed["park_id"].astype(str).isin(exit_ids)].groupby("park_id")["ha"].sum()
    after = area.drop(index=list(exit_ids & set(area.index)))
    after = after.sub(trimmed.reindex(after.index).fillna(0.0)).clip(lower=0.0)

    def mean_score(weights: pd.Series) -> float:
        if intensity is None or "score" not in intensity:
            return np.nan
        score = pd.Series(intensity["score"].to_numpy(dtype=float), index=intensity["park_id"].astype(str))
        s = score.reindex(weights.index)
        ok = s.notna() & (weights > 0)
        return float((s[ok] * weights[ok]).sum() / weights[ok].sum()) if ok.any() else np.nan

    rows = {
        "zones": (zones_now, zones_now - joined.nunique()),
        "parks": (len(area), len(after)),
        "area_ha": (float(area.sum()), float(after.sum())),
        "mean_score": (mean_score(area), mean_score(after)),
    }
    return pd.DataFrame(
        [{"measure": k, "before": b, "after": a, "change": a - b} for k, (b, a) in rows.items()]
    )
