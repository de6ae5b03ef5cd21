"""Boundary versions and the two-year rule (seed 001 §一, 商资函〔2021〕523号).

"自调整之日起两年内，须以调整前管辖范围统计口径参加考核评价 …… 第三年可以调整后管辖范围统计口径参加考核评价":
for two years from an adjustment a zone is evaluated on its pre-adjustment boundary, from the third year on
its new one. zonekit counts the calendar year of the adjustment as year one, so an adjustment on 2024-06-30
keeps the old scope for 2024 and 2025 and takes the new one from 2026 (``years_on_old_scope`` changes it).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonekit.errors import InputError
from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.overlay import intersection_areas
from zonekit.geo.units import M2_PER_HA, MU_PER_HA


def ordered_versions(zone_versions: gpd.GeoDataFrame, zone_id: str) -> gpd.GeoDataFrame:
    """The boundary versions of one zone, in the order they came into force.

    Parameters
    ----------
    zone_versions : gpd.GeoDataFrame
        Boundary versions of zones (``zone_id``, ``version``, ``valid_from``, ``valid_to``).
    zone_id : str
        The zone.

    Returns
    -------
    gpd.GeoDataFrame
        The boundary versions of one zone, in the order they came into force.
    """
    v = zone_versions[zone_versions["zone_id"].astype(str) == str(zone_id)].copy()
    if v.empty:
        raise InputError("versions.none", zone=zone_id)
    v["_from"] = pd.to_datetime(v["valid_from"])
    v["_to"] = pd.to_datetime(v["valid_to"])
    return v.sort_values("_from")


def version_in_force(zone_versions: gpd.GeoDataFrame, zone_id: str, on: pd.Timestamp) -> pd.Series:
    """The version whose validity covers the date ``on``.

    Parameters
    ----------
    zone_versions : gpd.GeoDataFrame
        Boundary versions of zones (``zone_id``, ``version``, ``valid_from``, ``valid_to``).
    zone_id : str
        The zone.
    on : pd.Timestamp
        The date.

    Returns
    -------
    pd.Series
        The version whose validity covers the date ``on``.
    """
    v = ordered_versions(zone_versions, zone_id)
    ok = (v["_from"] <= on) & (v["_to"].isna() | (v["_to"] >= on))
    if not ok.any():
        raise InputError("versions.none_on", zone=zone_id, on=on.date())
    return v[ok].iloc[-1]


def statistical_scope(
    zone_versions: gpd.GeoDataFrame, zone_id: str, year: int, *, years_on_old_scope: int = 2
) -> pd.Series:
    """The boundary version whose statistics count for ``year``.

    Returns
    -------
    Series
        The ``zone_versions`` row (``version``, ``geometry``, …) plus ``scope_reason``.

    Parameters
    ----------
    zone_versions : gpd.GeoDataFrame
        Boundary versions of zones (``zone_id``, ``version``, ``valid_from``, ``valid_to``).
    zone_id : str
        The zone.
    year : int
        The year.
    years_on_old_scope : int, default 2
        Years a zone keeps its old statistical scope after a change.

    Examples
    --------
    With an adjustment on 2024-06-30, 2025 is still counted on the old boundary, 2026 on the new one.
    """
    current = version_in_force(zone_versions, zone_id, pd.Timestamp(year=year, month=12, day=31))
    adjusted = current.get("adjusted_on")
    if adjusted is not None and not pd.isna(adjusted):
        adj = pd.Timestamp(adjusted)
        year_no = year - adj.year + 1
        if year_no <= years_on_old_scope:
            before = version_in_force(zone_versions, zone_id, adj - pd.Timedelta(days=1))
            out = before.copy()
            out["scope_reason"] = (
                f"year {year_no} since the adjustment of {adj.date()}: pre-adjustment "
                f"boundary (version {before['version']}) for {years_on_old_scope} years"
            )
            return out.drop(labels=["_from", "_to"])
    out = current.copy()
    out["scope_reason"] = f"version {current['version']} in force at the end of {year}"
    return out.drop(labels=["_from", "_to"])


def version_pairs(zone_versions: gpd.GeoDataFrame, zone_id: str, landuse: gpd.GeoDataFrame) -> pd.DataFrame:
    """The overlay of a zone's boundary versions (in version order, ``a`` = position) with the parcels.

    Parameters
    ----------
    zone_versions : gpd.GeoDataFrame
        Boundary versions of zones (``zone_id``, ``version``, ``valid_from``, ``valid_to``).
    zone_id : str
        The zone.
    landuse : gpd.GeoDataFrame
        Land-use parcels.

    Returns
    -------
    pd.DataFrame
        The overlay of a zone's boundary versions (in version order, ``a`` = position) with the parcels.
    """
    v = ordered_versions(zone_versions, zone_id)
    geoms = v.to_crs(landuse.crs).geometry.values if not v.crs.equals(landuse.crs) else v.geometry.values
    return intersection_areas(geoms, landuse.geometry.values, landuse.crs)


def compare_versions(
    old: shapely.Geometry,
    new: shapely.Geometry,
    landuse: gpd.GeoDataFrame,
    *,
    pairs: pd.DataFrame | None = None,
) -> dict:
    """Area added and removed between two boundaries, and the parcels that moved in or out.

    A parcel belongs to a boundary when more than half of it lies inside. ``pairs`` is the overlay of
    ``[old, new]`` with the parcels (``a`` 0 and 1) when the caller already has it.

    Parameters
    ----------
    old : shapely.Geometry
        The geometry before.
    new : shapely.Geometry
        The geometry after.
    landuse : gpd.GeoDataFrame
        Land-use parcels.
    pairs : pd.DataFrame, optional
        Pairs when already computed (not computed again).

    Returns
    -------
    dict
        Area added and removed between two boundaries, and the parcels that moved in or out.
    """
    crs = landuse.crs
    added = shapely.difference(new, old)
    removed = shapely.difference(old, new)
    a_add, a_rem = ellipsoidal_area([added, removed], crs)
    if pairs is None:
        pairs = intersection_areas(np.array([old, new], dtype=object), landuse.geometry.values, crs)
    share = pairs.pivot_table(index="b", columns="a", values="b_share", aggfunc="sum", fill_value=0.0)
    share = share.reindex(columns=[0, 1], fill_value=0.0)
    ids = landuse["parcel_id"].astype(str).to_numpy()
    in_old, in_new = share[0] > 0.5, share[1] > 0.5
    return {
        "added_ha": a_add / M2_PER_HA,
        "added_mu": a_add / M2_PER_HA * MU_PER_HA,
        "removed_ha": a_rem / M2_PER_HA,
        "removed_mu": a_rem / M2_PER_HA * MU_PER_HA,
        "parcels_in": sorted(ids[share.index[in_new & ~in_old]]),
        "parcels_out": sorted(ids[share.index[in_old & ~in_new]]),
        "added": added,
        "removed": removed,
    }


def version_indicators(
    study,
    zone_id: str,
    *,
    config=None,
    pairs: pd.DataFrame | None = None,
    landuse: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Intensity indicators of a zone on each of its boundary versions, side by side.

    ``pairs`` is the overlay of the zone's versions (in version order) with the parcels, when the caller
    already has it (:func:`version_pairs`).

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.
    zone_id : str
        The zone.
    config : object, optional
        Overrides of the default configuration (a TOML path or a dict).
    pairs : pd.DataFrame, optional
        Pairs when already computed (not computed again).
    landuse : GeoDataFrame, optional
        The parcels ``pairs`` index (e.g. those near the zone), else the study's ``landuse``.

    Returns
    -------
    pd.DataFrame
        Intensity indicators of a zone on each of its boundary versions, side by side.
    """
    from zonekit.analysis.intensity import evaluate_units

    v = ordered_versions(study["zone_versions"], zone_id)
    units = gpd.GeoDataFrame(
        {"zone_id": str(zone_id), "version": v["version"].to_numpy()},
        geometry=v.geometry.values,
        crs=study["zone_versions"].crs,
    )
    lu = study["landuse"] if landuse is None else landuse
    res = evaluate_units(units, lu, key="version", config=config, pairs=pairs)
    out = res.indicators.drop(columns="geometry").set_index("version").T
    out.columns = [f"version_{c}" for c in out.columns]
    return out.reset_index(names="indicator")
