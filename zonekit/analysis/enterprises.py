"""Per-enterprise evaluations: 亩均论英雄 classes (``domain.md`` §4) and control indicators (§3).

Enterprises come from the ``enterprises`` layer when the study has one, else from the parcels'
``enterprise_id``: land is the enterprise's parcels' ellipsoidal area, money and floor area their sums.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from zonekit.analysis.config import load_config
from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.overlay import intersection_areas
from zonekit.geo.units import M2_PER_HA, M2_PER_MU, safe_ratio

SUMS = (
    "tax_wan",
    "revenue_wan",
    "investment_wan",
    "gfa_m2",
    "footprint_m2",
    "yard_m2",
    "admin_living_m2",
    "green_m2",
    "gfa_over8m_m2",
    "value_added_wan",
    "energy_tce",
)


PARCEL_COLUMNS = ("enterprise_id", "industry_code", *SUMS)
"""The parcels' columns the enterprise table reads (with the geometry)."""


def _top_parks(parks: pd.DataFrame) -> np.ndarray:
    """Which parks can hold an enterprise: all but theme parks (they lie inside their parent)."""
    return (parks["kind"] != "theme").to_numpy(dtype=bool) if "kind" in parks else np.ones(len(parks), bool)


def enterprise_part(
    parcels: gpd.GeoDataFrame, parks: pd.DataFrame | None, pairs: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of parcels reduced to per-enterprise partial sums and per-(enterprise, park) land.

    Parameters
    ----------
    parcels : GeoDataFrame
        A chunk of the ``landuse`` layer (or all of it).
    parks : DataFrame, optional
        The ``parks`` layer; without it no enterprise gets a park.
    pairs : DataFrame, optional
        The overlay of ``parks`` (``a``, rows in order) with ``parcels`` (``b``) when the caller has it.

    Returns
    -------
    (DataFrame, DataFrame)
        Per enterprise: land, parcel count, each summed attribute with its count of values, the first
        industry code; and the land of each (enterprise, park) pair. :func:`enterprise_totals` adds up
        the parts of every chunk.
    """
    held = parcels["enterprise_id"].notna().to_numpy(dtype=bool)
    firms = parcels[held]
    cols = [c for c in SUMS if c in firms]
    values = firms[cols].astype(float)
    frame = pd.DataFrame(
        {
            "enterprise_id": firms["enterprise_id"].to_numpy(),
            "land_m2": ellipsoidal_area(firms.geometry.values, parcels.crs),
            **{c: values[c].fillna(0.0).to_numpy() for c in cols},
            **{f"{c}__n": values[c].notna().to_numpy(dtype=np.int64) for c in cols},
        }
    )
    by = frame.groupby("enterprise_id", sort=False)
    part = by.sum()
    part.insert(1, "parcels", by.size())
    if "industry_code" in firms:
        part["industry_code"] = firms["industry_code"].groupby(frame["enterprise_id"].to_numpy()).first()
    land = pd.DataFrame(columns=["enterprise_id", "park_id", "area_m2"])
    if parks is not None and len(firms):
        top = _top_parks(parks)
        if pairs is None:
            pairs = intersection_areas(parks.geometry.values[top], firms.geometry.values, parcels.crs)
            a, b = np.flatnonzero(top)[pairs["a"].to_numpy()], np.flatnonzero(held)[pairs["b"].to_numpy()]
        else:
            a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
            keep = top[a] & held[b]
            pairs, a, b = pairs[keep], a[keep], b[keep]
        land = (
            pd.DataFrame(
                {
                    "enterprise_id": parcels["enterprise_id"].to_numpy()[b],
                    "park_id": parks["park_id"].to_numpy()[a],
                    "area_m2": pairs["area_m2"].to_numpy(),
                }
            )
            .groupby(["enterprise_id", "park_id"], sort=False)["area_m2"]
            .sum()
            .reset_index()
        )
    return part, land


def enterprise_totals(
    parts: list[tuple[pd.DataFrame, pd.DataFrame]], enterprises: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The enterprise table from the parts of every chunk (:func:`enterprise_part`).

    Parameters
    ----------
    parts : list of (DataFrame, DataFrame)
        One part per chunk of parcels, in the layer's order.
    enterprises : DataFrame, optional
        The ``enterprises`` layer: value added, energy, employees and names joined by id.

    Returns
    -------
    pd.DataFrame
        One row per enterprise (sorted by id) with its land (m², 亩), park and summed attributes; a sum
        with no value at all stays missing, never 0.
    """
    whole = pd.concat([p for p, _ in parts]) if parts else pd.DataFrame(columns=["land_m2", "parcels"])
    by = whole.groupby(level=0, sort=True)
    counts = [c for c in whole.columns if str(c).endswith("__n")]
    agg = by[[c for c in whole.columns if c not in counts and c != "industry_code"]].sum()
    for c in counts:  # "no value at all" missing, as ``sum(min_count=1)`` would say
        base = str(c)[: -len("__n")]
        agg[base] = agg[base].where(by[c].sum() > 0)
    agg.index.name = "enterprise_id"
    if "industry_code" in whole:
        agg["industry_code"] = by["industry_code"].first()
    land = pd.concat([q for _, q in parts if len(q)]) if any(len(q) for _, q in parts) else None
    if land is not None:  # the park holding most of each enterprise's land
        best = land.groupby(["enterprise_id", "park_id"])["area_m2"].sum().reset_index()
        best = best.sort_values(["area_m2", "park_id"], ascending=[False, True], kind="stable")
        best = best.drop_duplicates("enterprise_id")  # a tie goes to the first park id, whatever the order
        agg["park_id"] = best.set_index("enterprise_id")["park_id"]
    elif parts:
        agg["park_id"] = pd.Series(None, index=agg.index, dtype=object)
    if enterprises is not None and len(enterprises):
        agg = _with_records(agg, enterprises)
    agg["land_mu"] = agg["land_m2"] / M2_PER_MU
    return agg.reset_index()


FIRM_FIGURES = (
    "tax_wan",
    "revenue_wan",
    "investment_wan",
    "value_added_wan",
    "energy_tce",
    "employees",
    "rd_wan",
)
"""What an enterprise's own record says better than the sum of its parcels' attributes."""


def firm_key(ids: pd.Series) -> pd.Series:
    """Enterprise ids as they are matched: trimmed, upper-case (统一社会信用代码 are written either way).

    Parameters
    ----------
    ids : pandas.Series
        Enterprise ids.

    Returns
    -------
    pandas.Series
        The keys (missing where the id is).

    Examples
    --------
    >>> firm_key(pd.Series([" 91320600ma1xyz ", None])).tolist()
    ['91320600MA1XYZ', None]
    """
    keys = ids.astype("string").str.strip().str.upper()
    return keys.astype(object).where(keys.notna(), None)


def _with_records(agg: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """The enterprise table with each enterprise's own record joined in.

    Its figures where the record has them (the parcels' sums only where it has none), its industry code
    and name; ``figures_from`` says which.
    """
    ent = enterprises.assign(_key=firm_key(enterprises["enterprise_id"])).dropna(subset=["_key"])
    ent = ent.drop_duplicates("_key").set_index("_key")
    keys = pd.Index(firm_key(agg.index.to_series()))
    agg = agg.copy()
    at = ent.index.get_indexer(keys)  # each enterprise's record, looked up once for every column
    has_record = at >= 0
    rows = np.where(has_record, at, 0)
    for c in FIRM_FIGURES:
        if c not in ent:
            continue
        own = pd.to_numeric(ent[c], errors="coerce").to_numpy(dtype=float)[rows] if len(ent) else np.nan
        own = np.where(has_record, own, np.nan)
        mine = agg[c].to_numpy(dtype=float) if c in agg else np.full(len(agg), np.nan)
        agg[c] = np.where(np.isnan(own), mine, own)
    for c in ("industry_code", "name"):
        if c in ent:
            own = ent[c].to_numpy(dtype=object)[rows] if len(ent) else np.full(len(agg), None, dtype=object)
            own[~has_record] = None
            mine = agg[c].to_numpy(dtype=object) if c in agg else np.full(len(agg), None, dtype=object)
            agg[c] = np.where(pd.isna(own), mine, own)
    agg["figures_from"] = np.where(has_record, "enterprise_record", "parcels")
    return agg


def unmatched_enterprises(firms: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Enterprises of the layer that no parcel names, and parcels' enterprise ids the layer lacks.

    Parameters
    ----------
    firms : pandas.DataFrame
        The enterprise table from the parcels (:func:`enterprise_totals`).
    enterprises : pandas.DataFrame
        The ``enterprises`` layer.

    Returns
    -------
    pandas.DataFrame
        ``enterprise_id``, ``name`` and ``problem`` (``no_parcels``: no land to judge per 亩;
        ``no_record``: the figures are the parcels' own).

    Examples
    --------
    >>> firms = pd.DataFrame({"enterprise_id": ["A", "B"]})
    >>> layer = pd.DataFrame({"enterprise_id": ["a", "C"], "name": ["甲", "丙"]})
    >>> unmatched_enterprises(firms, layer).values.tolist()
    [['C', '丙', 'no_parcels'], ['B', None, 'no_record']]
    """
    on_parcels = set(firm_key(firms["enterprise_id"]).dropna())
    keys = firm_key(enterprises["enterprise_id"])
    listed = set(keys.dropna())
    lonely = enterprises[~keys.isin(on_parcels).to_numpy(dtype=bool)]
    stray = firms[~firm_key(firms["enterprise_id"]).isin(listed).to_numpy(dtype=bool)]
    names = lonely["name"] if "name" in lonely else pd.Series(None, index=lonely.index, dtype=object)
    return pd.DataFrame(
        {
            "enterprise_id": [*lonely["enterprise_id"].astype(str), *stray["enterprise_id"].astype(str)],
            "name": pd.Series(
                [*names.astype(object).where(names.notna(), None), *([None] * len(stray))], dtype=object
            ),
            "problem": ["no_parcels"] * len(lonely) + ["no_record"] * len(stray),
        }
    )


def enterprise_table(study) -> pd.DataFrame:
    """One row per enterprise with its land (m², 亩), group (park) and summed attributes.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.

    Returns
    -------
    pd.DataFrame
        One row per enterprise with its land (m², 亩), group (park) and summed attributes.
    """
    part = enterprise_part(study["landuse"], study.get("parks"))
    return enterprise_totals([part], study.get("enterprises"))


def mujun(study, *, config=None, firms: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """亩均论英雄: indicators per 亩, a benchmark-relative weighted score, classes A/B/C/D (T: not evaluated).

    Returns
    -------
    (DataFrame, DataFrame)
        Per enterprise; and per park the share of enterprise land in each class.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.
    config : object, optional
        Overrides of the default configuration (a TOML path or a dict).
    firms : pd.DataFrame, optional
        Enterprises.
    """
    cfg = load_config("intensity", config)["mujun"]
    ent = enterprise_table(study) if firms is None else firms.copy()
    ent["tax_per_mu"] = safe_ratio(ent.get("tax_wan"), ent["land_mu"])
    ent["revenue_per_mu"] = safe_ratio(ent.get("revenue_wan"), ent["land_mu"])
    if "value_added_wan" in ent:
        ent["value_added_per_mu"] = safe_ratio(ent["value_added_wan"], ent["land_mu"])
    notes = pd.Series("", index=ent.index)
    if "energy_tce" in ent:
        ent["tax_per_energy"] = safe_ratio(ent["tax_wan"], ent["energy_tce"])
        zero = (pd.to_numeric(ent["energy_tce"], errors="coerce") == 0).to_numpy()
        notes = notes.where(~zero, "tax_per_energy: energy_tce is 0 (no ratio)")
    ent["notes"] = notes
    group_col = "park_id" if cfg["group_by"] == "park" else "county_adcode"
    ent["group"] = ent.get(group_col, "all")
    ent["group"] = ent["group"].fillna("(outside parks)")
    evaluated = ent["land_mu"] >= cfg["min_land_mu"]
    weights = {k: w for k, w in cfg["weights"].items() if w > 0 and k in ent and ent[k].notna().any()}
    score = np.zeros(len(ent))
    wsum = np.zeros(len(ent))
    for ind, w in weights.items():
        if ind in cfg.get("benchmarks", {}):
            bench = pd.Series(cfg["benchmarks"][ind], index=ent.index)
        else:  # factor × land-weighted group mean (total of the quantity over total land)
            num = ent[ind] * ent["land_mu"]
            grp = ent.loc[evaluated].assign(_n=num[evaluated]).groupby("group")
            mean = grp["_n"].sum(min_count=1) / grp["land_mu"].sum()
            bench = ent["group"].map(mean) * cfg["benchmark_factor"]
        ratio = ent[ind] / bench
        ok = ratio.notna().to_numpy() & np.isfinite(ratio.to_numpy())
        score[ok] += w * ratio.to_numpy()[ok]
        wsum[ok] += w
        ent[f"benchmark_{ind}"] = bench
    with np.errstate(divide="ignore", invalid="ignore"):
        ent["mujun_score"] = np.where(wsum > 0, 100.0 * score / wsum, np.nan)
    ent.loc[~evaluated, "mujun_score"] = np.nan
    ent["rank_pct"] = np.nan
    ent["mujun_class"] = "T"
    ranked = ent[evaluated & ent["mujun_score"].notna()]
    if len(ranked):  # rank within each group, then the first class whose cut-off the rank share reaches
        by = ranked.groupby("group")["mujun_score"]
        pct = by.rank(ascending=False, method="first") / by.transform("size")
        cuts = np.array([cut for cut, _ in cfg["cutoffs"]], dtype=float) + 1e-12
        names = np.array([c for _, c in cfg["cutoffs"]], dtype=object)
        pick = np.minimum(np.searchsorted(cuts, pct.to_numpy(), side="left"), len(cuts) - 1)
        ent.loc[pct.index, "rank_pct"] = pct
        ent.loc[pct.index, "mujun_class"] = names[pick]
    share = ent.pivot_table(
        index="group", columns="mujun_class", values="land_mu", aggfunc="sum", fill_value=0.0
    )
    share = share.div(share.sum(axis=1), axis=0).add_prefix("share_")
    share.insert(0, "land_mu", ent.groupby("group")["land_mu"].sum())
    return ent.sort_values(["group", "rank_pct"]).reset_index(drop=True), share.reset_index()


def control_violations(study, *, config=None, firms: pd.DataFrame | None = None) -> pd.DataFrame:
    """Industrial-project control indicators per enterprise, and a row per violated rule.

    FAR counts the floor area of storeys over 8 m twice where the parcels carry ``gfa_over8m_m2``.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.
    config : object, optional
        Overrides of the default configuration (a TOML path or a dict).
    firms : pd.DataFrame, optional
        Enterprises.

    Returns
    -------
    pd.DataFrame
        Industrial-project control indicators per enterprise, and a row per violated rule.
    """
    cfg = load_config("intensity", config)["control"]
    ent = enterprise_table(study) if firms is None else firms.copy()
    if "industry_code" not in ent:
        ent["industry_code"] = None
    land_ha = ent["land_m2"] / M2_PER_HA
    inv_table = cfg["investment_min"].get(cfg["city_grade"], cfg["investment_min"]["default"])
    far_table = cfg["far_min"]

    def lookup(table: dict, codes: pd.Series) -> pd.Series:
        """The threshold of each enterprise's industry: its code, else its 3-character class, else default."""
        text = codes.astype(object).where(codes.notna(), "").astype(str)
        found = {c: table.get(c, table.get(c[:3], table["default"])) for c in text.unique()}  # per code
        return text.map(found).astype(float)

    gfa = ent["gfa_m2"].fillna(0) + (ent["gfa_over8m_m2"].fillna(0) if "gfa_over8m_m2" in ent else 0)
    rules = [
        (
            "investment_intensity",
            safe_ratio(ent.get("investment_wan"), land_ha),
            ">=",
            lookup(inv_table, ent["industry_code"]),
            "10k CNY/ha",  # 万元/公顷 under --lang zh
        ),
        (
            "far",
            safe_ratio(gfa, ent["land_m2"]),
            ">=",
            lookup(far_table, ent["industry_code"]),
            "",
        ),
        (
            "building_coefficient",
            safe_ratio(ent["footprint_m2"].fillna(0) + ent.get("yard_m2", 0).fillna(0), ent["land_m2"]),
            ">=",
            cfg["building_coefficient_min"],
            "",
        ),
    ]
    if "admin_living_m2" in ent:
        rules.append(
            (
                "admin_share",
                safe_ratio(ent["admin_living_m2"], ent["land_m2"]),
                "<=",
                cfg["admin_share_max"],
                "",
            )
        )
    if "green_m2" in ent:
        rules.append(
            ("green_ratio", safe_ratio(ent["green_m2"], ent["land_m2"]), "<=", cfg["green_ratio_max"], "")
        )
    park = ent["park_id"] if "park_id" in ent else pd.Series(None, index=ent.index, dtype=object)
    found = []
    for name, value, op, threshold, unit in rules:  # a handful of rules, each over all firms at once
        thr = threshold if isinstance(threshold, pd.Series) else pd.Series(threshold, index=ent.index)
        bad = (value < thr if op == ">=" else value > thr).fillna(False).to_numpy(dtype=bool)
        found.append(
            pd.DataFrame(
                {
                    "enterprise_id": ent["enterprise_id"].to_numpy()[bad],
                    "park_id": park.to_numpy()[bad],
                    "industry_code": ent["industry_code"].to_numpy()[bad],
                    "indicator": name,
                    "value": value.to_numpy(dtype=float)[bad],
                    "rule": op,
                    "threshold": thr.to_numpy(dtype=float)[bad],
                    "unit": unit,
                    "land_mu": ent["land_mu"].to_numpy(dtype=float)[bad],
                }
            )
        )
    rows = pd.concat(found, ignore_index=True) if found else None
    return pd.DataFrame(
        rows,
        columns=[
            "enterprise_id",
            "park_id",
            "industry_code",
            "indicator",
            "value",
            "rule",
            "threshold",
            "unit",
            "land_mu",
        ],
    )
