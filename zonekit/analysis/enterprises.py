"""Per-enterprise evaluations: 亩均论英雄 classes (``domain.md`` §4) and control indicators (§3).

Enterprises come from the ``enterprises`` layer when the study has one, else from the parcels'
``enterprise_id``: land is the enterprise's parcels' ellipsoidal area, money and floor area their sums.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    parcels: gpd.GeoDataFrame | pd.DataFrame,
    parks: pd.DataFrame | None,
    pairs: pd.DataFrame | None = None,
    *,
    areas: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One chunk of parcels reduced to per-enterprise partial sums and per-(enterprise, park) land.

    Parameters
    ----------
    parcels : GeoDataFrame or DataFrame
        A chunk of the ``landuse`` layer (or all of it); its attributes only when ``pairs`` and ``areas``
        are given.
    parks : DataFrame, optional
        The ``parks`` layer; without it no enterprise gets a park.
    pairs : DataFrame, optional
        The overlay of ``parks`` (``a``, rows in order) with ``parcels`` (``b``) when the caller has it.
    areas : callable, optional
        The ellipsoidal areas of the parcels at the positions given (a packed chunk's
        :meth:`~zonekit.layers.stream.PackedChunk.areas`); measured from the geometries otherwise.

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
    values = {c: pd.to_numeric(firms[c], errors="coerce").to_numpy(dtype=float) for c in cols}
    part = _summed(
        firms["enterprise_id"],
        {
            "land_m2": _land(parcels, held, pairs, areas),
            "parcels": np.ones(len(firms), dtype=np.int64),
            **{c: np.nan_to_num(v) for c, v in values.items()},
            **{f"{c}__n": (~np.isnan(v)).astype(np.int64) for c, v in values.items()},
        },
        firsts=firms[["industry_code"]] if "industry_code" in firms else None,
    )
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


def _summed(
    keys: pd.Series, columns: dict[str, np.ndarray], *, firsts: pd.DataFrame | None = None, sort: bool = False
) -> pd.DataFrame:
    """``columns`` summed per key (``bincount`` over the keys' numbers); ``firsts``' first value per key.

    Keys come in order of first appearance, or sorted; a missing key is left out. An integer column's sums
    stay integers; a column of ``firsts`` keeps the first value that is not missing, as ``groupby.first``.
    """
    code, ids = pd.factorize(keys, sort=sort)
    known = code >= 0
    code = code[known]
    out = {}
    for name, values in columns.items():
        total = np.bincount(code, weights=np.asarray(values, dtype=float)[known], minlength=len(ids))
        out[name] = total.astype(np.int64) if np.asarray(values).dtype.kind in "iub" else total
    frame = pd.DataFrame(out, index=pd.Index(ids, name="enterprise_id"))
    for name, column in (firsts if firsts is not None else pd.DataFrame()).items():
        text = column[known]
        found = text.notna().to_numpy(dtype=bool)
        owners, first = np.unique(code[found], return_index=True)
        at = np.full(len(ids), -1)
        at[owners] = np.flatnonzero(found)[first]
        frame[name] = pd.Series(
            pc.take(_text(text), pa.array(at, mask=at < 0)), index=frame.index, dtype=TEXT
        )
    return frame


def _land(parcels, held: np.ndarray, pairs: pd.DataFrame | None, areas) -> np.ndarray:
    """Each held parcel's ellipsoidal area: a parcel wholly inside a park has it in the overlay already."""
    land = np.full(int(held.sum()), np.nan)
    if pairs is not None and "inside" in pairs:
        inside = pairs["inside"].to_numpy(dtype=bool)
        b = pairs["b"].to_numpy()[inside]
        at = (np.cumsum(held) - 1)[b]  # a chunk row's position among the held parcels
        mine = held[b]
        land[at[mine]] = pairs["area_m2"].to_numpy()[inside][mine]
    rest = np.flatnonzero(np.isnan(land))
    rows = np.flatnonzero(held)[rest]  # their positions in the chunk
    land[rest] = (
        areas(rows)[rows]
        if areas is not None
        else ellipsoidal_area(parcels.geometry.values[rows], parcels.crs)
    )
    return land


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
    text = [c for c in whole.columns if c == "industry_code"]
    agg = _summed(
        whole.index.to_series(),
        {c: whole[c].to_numpy() for c in whole.columns if c not in text},
        firsts=whole[text].reset_index(drop=True) if text else None,
        sort=True,
    )
    for c in [c for c in agg.columns if str(c).endswith("__n")]:  # "no value at all" stays missing
        base = str(c)[: -len("__n")]
        agg[base] = agg[base].where(agg.pop(c) > 0)
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
    return pd.Series(key_array(ids).to_numpy(zero_copy_only=False), index=ids.index, dtype=object)


def key_array(ids: pd.Series) -> pa.Array:
    """:func:`firm_key` as an Arrow array, for matching in bulk (``pyarrow.compute.index_in``, ``is_in``).

    Parameters
    ----------
    ids : pandas.Series
        Enterprise ids.

    Returns
    -------
    pyarrow.Array
        The keys, null where the id is missing.

    Examples
    --------
    >>> key_array(pd.Series(["a1 ", 7, None])).to_pylist()
    ['A1', '7', None]
    """
    return pc.utf8_upper(pc.utf8_trim_whitespace(_text(pd.Series(ids))))


TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
"""Text columns of the enterprise tables: Arrow strings, missing as NaN (pandas's default ``str``)."""


def _text(values: pd.Series) -> pa.Array:
    """A column as Arrow text (missing values null)."""
    # the column's array, not the Series: Arrow asking a Series for ``__arrow_array__`` looks the name up
    # in its index (a hash table of every enterprise id built for nothing)
    text = pa.array(pd.Series(values).astype("string").array, type=pa.large_string())
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _record_rows(keys: pa.Array, records: pa.Array) -> np.ndarray:
    """The first record of each key (its row in ``records``), or -1 where there is none."""
    at = pc.index_in(keys, value_set=records, skip_nulls=True)
    return pc.fill_null(at, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _among(keys: pa.Array, others: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Whether each key is among ``others``, and each of ``others`` among the keys (a missing one never is).

    Both sides numbered by one hash of their text (:func:`pyarrow.compute.dictionary_encode`), then
    matched as integers.
    """
    codes = pc.dictionary_encode(pa.concat_arrays([keys, others])).indices
    number = pc.fill_null(codes, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    mine, theirs = number[: len(keys)], number[len(keys) :]
    slots = int(number.max(initial=-1)) + 2  # the last slot stands for a missing key (-1)
    in_mine, in_theirs = np.zeros(slots, dtype=bool), np.zeros(slots, dtype=bool)
    in_mine[mine], in_theirs[theirs] = True, True
    in_mine[-1] = in_theirs[-1] = False
    return in_theirs[mine], in_mine[theirs]


def _with_records(agg: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """The enterprise table with each enterprise's own record joined in.

    Its figures where the record has them (the parcels' sums only where it has none), its industry code
    and name; ``figures_from`` says which.
    """
    agg = agg.copy()
    # each enterprise's record (the first with its key), looked up once for every column
    at = _record_rows(key_array(agg.index.to_series()), key_array(enterprises["enterprise_id"]))
    has_record = at >= 0
    rows = np.where(has_record, at, 0)
    for c in FIRM_FIGURES:
        if c not in enterprises:
            continue
        own = (
            pd.to_numeric(enterprises[c], errors="coerce").to_numpy(dtype=float)[rows]
            if len(enterprises)
            else np.nan
        )
        own = np.where(has_record, own, np.nan)
        mine = agg[c].to_numpy(dtype=float) if c in agg else np.full(len(agg), np.nan)
        agg[c] = np.where(np.isnan(own), mine, own)
    for c in ("industry_code", "name"):  # text taken and merged in Arrow: no Python object per firm
        if c in enterprises:
            own = pc.take(_text(enterprises[c]), pa.array(at, mask=~has_record))
            mine = _text(agg[c]) if c in agg else pa.nulls(len(agg), pa.large_string())
            agg[c] = pd.Series(pc.coalesce(own, mine), index=agg.index, dtype=TEXT)
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
    recorded, used = _among(key_array(firms["enterprise_id"]), key_array(enterprises["enterprise_id"]))
    lonely, stray = enterprises[~used], firms[~recorded]
    names = lonely["name"] if "name" in lonely else pd.Series(None, index=lonely.index, dtype=object)
    return pd.DataFrame(
        {
            "enterprise_id": pd.concat(
                [lonely["enterprise_id"].astype(str), stray["enterprise_id"].astype(str)], ignore_index=True
            ),
            "name": pd.Series(
                np.concatenate(
                    [names.to_numpy(dtype=object, na_value=None), np.full(len(stray), None, dtype=object)]
                ),
                dtype=object,
            ),
            "problem": np.repeat(["no_parcels", "no_record"], [len(lonely), len(stray)]),
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
    # every per-group step on the groups' numbers (in sorted order), not on their text
    code, groups = pd.factorize(ent["group"], sort=True)
    n_groups = len(groups)

    def per_group(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return np.bincount(code[rows], weights=values[rows], minlength=n_groups)

    land_mu = ent["land_mu"].to_numpy(dtype=float)
    evaluated = (land_mu >= cfg["min_land_mu"]) & ~np.isnan(land_mu)
    weights = {k: w for k, w in cfg["weights"].items() if w > 0 and k in ent and ent[k].notna().any()}
    score = np.zeros(len(ent))
    wsum = np.zeros(len(ent))
    for ind, w in weights.items():
        value = ent[ind].to_numpy(dtype=float)
        if ind in cfg.get("benchmarks", {}):
            bench = np.full(len(ent), float(cfg["benchmarks"][ind]))
        else:  # factor × land-weighted group mean (total of the quantity over total land)
            num = value * land_mu
            known = evaluated & ~np.isnan(num)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = per_group(num, known) / per_group(land_mu, evaluated)
            mean[np.bincount(code[known], minlength=n_groups) == 0] = np.nan  # no value at all: no mean
            bench = mean[code] * cfg["benchmark_factor"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = value / bench
        ok = np.isfinite(ratio)
        score[ok] += w * ratio[ok]
        wsum[ok] += w
        ent[f"benchmark_{ind}"] = bench
    with np.errstate(divide="ignore", invalid="ignore"):
        mujun_score = np.where(wsum > 0, 100.0 * score / wsum, np.nan)
    mujun_score[~evaluated] = np.nan
    ent["mujun_score"] = mujun_score
    rank_pct = np.full(len(ent), np.nan)
    classes = np.full(len(ent), "T", dtype=object)
    ranked = np.flatnonzero(~np.isnan(mujun_score))
    if len(ranked):  # rank within each group (best first, ties in table order), as a share of its size
        order = ranked[np.lexsort((ranked, -mujun_score[ranked], code[ranked]))]
        size = np.bincount(code[order], minlength=n_groups)
        first = np.cumsum(size) - size
        rank_pct[order] = (np.arange(len(order)) - first[code[order]] + 1) / size[code[order]]
        cuts = np.array([cut for cut, _ in cfg["cutoffs"]], dtype=float) + 1e-12
        names = np.array([c for _, c in cfg["cutoffs"]], dtype=object)
        pick = np.minimum(np.searchsorted(cuts, rank_pct[ranked], side="left"), len(cuts) - 1)
        classes[ranked] = names[pick]
    ent["rank_pct"] = rank_pct
    ent["mujun_class"] = classes
    kinds, kind = np.unique(classes.astype(str), return_inverse=True)
    land = np.nan_to_num(land_mu)
    cells = np.bincount(code * len(kinds) + kind, weights=land, minlength=n_groups * len(kinds))
    cells = cells.reshape(n_groups, len(kinds))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = pd.DataFrame(cells / cells.sum(axis=1, keepdims=True), columns=[f"share_{k}" for k in kinds])
    share.insert(0, "land_mu", np.bincount(code, weights=land, minlength=n_groups))
    share.insert(0, "group", pd.Series(groups, dtype=ent["group"].dtype))
    share = share[np.bincount(code, minlength=n_groups) > 0].reset_index(drop=True)
    share.columns.name = "mujun_class"
    order = np.lexsort((rank_pct, code))  # by group, then rank (unranked last), else table order
    return ent.take(order).reset_index(drop=True), share


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
        code, kinds = pd.factorize(codes.astype(object).where(codes.notna(), "").astype(str))
        found = [table.get(c, table.get(c[:3], table["default"])) for c in kinds]  # once per code
        return pd.Series(np.asarray(found, dtype=float)[code], index=codes.index)

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
    rows, values, thresholds = [np.zeros(0, dtype=np.int64)], [np.zeros(0)], [np.zeros(0)]
    for _, value, op, threshold, _ in rules:  # a handful of rules, each over all firms at once
        thr = np.broadcast_to(np.asarray(threshold, dtype=float), (len(ent),))
        val = value.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):  # a missing value breaks no rule
            bad = np.flatnonzero(val < thr if op == ">=" else val > thr)
        rows.append(bad)
        values.append(val[bad])
        thresholds.append(thr[bad])
    at = np.concatenate(rows)
    sizes = [len(r) for r in rows[1:]]

    def taken(column: pd.Series) -> pd.Series:
        return column.take(at).reset_index(drop=True)

    def per_rule(k: int) -> np.ndarray:  # the rule's name, operator or unit on each of its rows
        return np.repeat(np.array([rule[k] for rule in rules], dtype=object), sizes)

    return pd.DataFrame(
        {
            "enterprise_id": taken(ent["enterprise_id"]),
            "park_id": taken(park),
            "industry_code": taken(ent["industry_code"]),
            "indicator": per_rule(0),
            "value": np.concatenate(values),
            "rule": per_rule(2),
            "threshold": np.concatenate(thresholds),
            "unit": per_rule(4),
            "land_mu": ent["land_mu"].to_numpy(dtype=float)[at],
        }
    )
