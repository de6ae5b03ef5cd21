"""Per-enterprise evaluations: 亩均论英雄 classes (``domain.md`` §4) and control indicators (§3).

Enterprises come from the ``enterprises`` layer when the study has one, else from the parcels'
``enterprise_id``: land is the enterprise's parcels' ellipsoidal area, money and floor area their sums.
"""

from __future__ import annotations

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
    lu = study["landuse"]
    firms = lu[lu["enterprise_id"].notna()].copy()
    firms["land_m2"] = ellipsoidal_area(firms.geometry.values, lu.crs)
    cols = [c for c in SUMS if c in firms]
    by = firms.groupby("enterprise_id")
    agg = by.agg(land_m2=("land_m2", "sum"), parcels=("land_m2", "size"))
    if cols:  # vectorised sums; min_count=1 keeps "no value at all" missing instead of 0
        agg = agg.join(by[cols].sum(min_count=1))
    if "industry_code" in firms:
        agg["industry_code"] = firms.groupby("enterprise_id")["industry_code"].first()
    # the park holding most of each enterprise's land
    if "parks" in study and len(firms):
        parks = study["parks"]
        top = parks[parks["kind"] != "theme"] if "kind" in parks else parks
        pairs = intersection_areas(top.geometry.values, firms.geometry.values, lu.crs)
        pairs["enterprise_id"] = firms["enterprise_id"].to_numpy()[pairs["b"]]
        pairs["park_id"] = top["park_id"].to_numpy()[pairs["a"]]
        best = pairs.groupby(["enterprise_id", "park_id"])["area_m2"].sum().reset_index()
        best = best.sort_values("area_m2", ascending=False).drop_duplicates("enterprise_id")
        agg["park_id"] = best.set_index("enterprise_id")["park_id"]
    if "enterprises" in study:
        ent = study["enterprises"].set_index("enterprise_id")
        for c in ("value_added_wan", "energy_tce", "employees", "name"):
            if c in ent:
                agg[c] = ent[c]
    agg["land_mu"] = agg["land_m2"] / M2_PER_MU
    return agg.reset_index()


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
            "万元/公顷",
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
