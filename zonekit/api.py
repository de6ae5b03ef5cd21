"""The public API: one function per command, frames in, frames out.

Each function takes the layers it needs as (Geo)DataFrames — positional for the main inputs, keyword-only
for the rest — checks them at entry against their schemas (:func:`zonekit.layers.frames.prepare`: a missing
column is a :class:`~zonekit.errors.SchemaError` naming the layer, never a ``KeyError``), and returns one
documented result: a frame, or a small dataclass of named frames whose ``tables()`` gives what the command
line writes. Column names are those of the command line's ``--lang en`` output. The command line is a skin
over these functions: it reads a study, calls one of them, and writes the result.

A :class:`~zonekit.layers.study.Study` unpacks into these calls: ``zonekit.intensity(st["parks"],
st["landuse"], zones=st.get("zones"))``, or :func:`from_study` does it for you.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from zonekit.analysis import overlap as _overlap
from zonekit.analysis.config import load_config
from zonekit.analysis.intensity import land_intensity
from zonekit.analysis.report import intensity_tables
from zonekit.geo.area import AREA_METHOD, ellipsoidal_area
from zonekit.geo.units import M2_PER_HA
from zonekit.layers.check import MIN_OVERLAP_M2, check_study
from zonekit.layers.frames import study_of
from zonekit.layers.partitions import cluster_for
from zonekit.layers.stream import LayerStream, stream_of
from zonekit.layers.study import Study
from zonekit.vocabulary.messages import say


@dataclass(frozen=True)
class Report:
    """Named result tables, in the order a workbook shows them, and metadata for the report."""

    frames: dict[str, pd.DataFrame]
    metadata: Mapping[str, object] = field(default_factory=dict)
    main: str = ""

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __contains__(self, name: object) -> bool:
        return name in self.frames

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables as the writers take them (natural-key index turned back into a column).

        Returns
        -------
        dict[str, pd.DataFrame]
            The tables as the writers take them (natural-key index turned back into a column).
        """
        return {k: v.reset_index() if v.index.name else v for k, v in self.frames.items()}


def _keyed(df: pd.DataFrame, key: str) -> pd.DataFrame:
    return df.set_index(key) if key in df.columns and df[key].is_unique else df


def intensity(
    parks: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    /,
    *,
    zones: pd.DataFrame | None = None,
    enterprises: pd.DataFrame | None = None,
    by: str = "park",
    config: str | Path | dict | None = None,
    raster: str | Path | None = None,
    cluster: str | None = None,
) -> Report:
    """Land intensive-use evaluation (土地集约利用评价) per park or per zone.

    Parameters
    ----------
    parks : GeoDataFrame
        The ``parks`` layer (park_id, zone_id, name, kind, geometry).
    parcels : GeoDataFrame
        The ``landuse`` layer; parcels with ``land_use_code`` and ``code_system`` but no
        ``analysis_class`` are classified on the way in.
    zones : DataFrame, optional
        Zone names, types and levels (needed for ``by="zone"`` rankings).
    enterprises : DataFrame, optional
        Enterprise attributes for 亩均 (value added, energy, employees).
    by : {"park", "zone"}
    config : path or dict, optional
        Overrides of ``intensity_default.toml``.
    raster : path, optional
        A land-cover GeoTIFF summarised per unit.
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT`` (default ``ZONEKIT_CLUSTER``): with ``parcels`` read from a
        partitioned store (``zonekit partition``, then ``read_study(..., stream=("landuse",))``), one task
        per partition on a dask.distributed cluster; the same numbers as without.

    Returns
    -------
    Report
        ``indicators`` (indexed by park_id or zone_id, with geometry), ``scores``, ``national``; per zone
        ``ranking``; per park with enterprise ids also ``mujun``, ``mujun_parks`` and ``control``;
        ``raster`` when given.
    """
    st = study_of(parks=parks, landuse=parcels, zones=zones, enterprises=enterprises)
    tables, meta = intensity_tables(st, by=by, config=config, raster=raster, cluster=cluster)
    key = "park_id" if by == "park" else "zone_id"
    tables["indicators"] = _keyed(tables["indicators"], key)
    return Report(tables, {"area method": AREA_METHOD, **meta}, "indicators")


def overlap(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    /,
    *,
    buffer_m: float = 0.0,
    a_layer: str = "a",
    b_layer: str = "b",
    pairs: gpd.GeoDataFrame | None = None,
) -> Report:
    """Every intersecting pair of ``a`` and ``b`` features, and coverage of ``a`` with ``b`` dissolved.

    Parameters
    ----------
    a, b : GeoDataFrame
        Any two layers (the same frame twice gives self-overlaps, each pair once).
    buffer_m : float
        Grow ``b`` by this many metres first.
    a_layer, b_layer : str
        Layer names for the output columns (and to find each layer's id column).
    pairs : GeoDataFrame, optional
        The pairs when the caller already has them (e.g. ``park_protected_pairs``): not computed again.

    Returns
    -------
    Report
        ``pairs`` (a_layer, a_id, b_layer, b_id, overlap_m2, overlap_ha, overlap_mu, pct_of_a, pct_of_b;
        the overlap as geometry) and ``coverage``.
    """
    if pairs is None:
        pairs = _overlap.overlap_pairs(a, b, a_layer=a_layer, b_layer=b_layer, buffer_m=buffer_m)
    cover = _overlap.coverage_from_pairs(a, b, pairs, a_layer=a_layer, b_layer=b_layer)  # overlaid once
    meta = {"a": a_layer, "b": b_layer, "buffer (m)": buffer_m, "area method": AREA_METHOD}
    return Report({"pairs": pairs, "coverage": cover}, meta | {"pairs": len(pairs)}, "pairs")


def overlap_many(
    st: Study,
    a: str,
    bs: list[str],
    *,
    buffer_m: float = 0.0,
    known: dict[str, pd.DataFrame] | None = None,
    cluster: str | None = None,
) -> Report:
    """:func:`overlap` of the study layer ``a`` with each of the layers ``bs``, the pairs stacked.

    ``known`` maps a layer of ``bs`` to its pairs when the caller already computed them (the atlas does,
    for parks × protected and parks × parks): they are not computed again.

    Parameters
    ----------
    st : Study
        The study.
    a : str
        The first layer.
    bs : list[str]
        The second layers.
    buffer_m : float, default 0.0
        Buffer of the second layer, metres.
    known : dict[str, pd.DataFrame], optional
        Pairs already computed, by layer name.
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT``: a B layer read from a partitioned store (``zonekit partition``)
        is overlaid partition by partition on a dask.distributed cluster (without one, partition by
        partition here).

    Returns
    -------
    Report
        :func:`overlap` of the study layer ``a`` with each of the layers ``bs``, the pairs stacked.
    """
    known = {} if known is None or buffer_m else known
    where = cluster_for(cluster, *(st[n] for n in dict.fromkeys([a, *bs])))

    def piecewise(layer) -> bool:
        """Read piece by piece: partitions (here or on a cluster), or a study file's chunks here."""
        return isinstance(layer, LayerStream) and (layer.store is not None or where is None)

    stream_a = isinstance(st[a], LayerStream)
    big_a = st[a] if piecewise(st[a]) else None
    first = None  # A read whole only when a B needs it, and then only what the tables use

    def whole() -> gpd.GeoDataFrame:
        nonlocal first
        if first is None:
            first = st[a].select(_overlap.columns_needed(a)) if stream_a else st[a]
        return first

    parts = []
    for b in bs:
        other = st[b]
        if b == a and stream_a and not buffer_m and b not in known:  # a layer with itself, tile by tile
            tiled = _overlap.tiled_self_overlap(st[a], a_layer=a)
            if tiled is not None:
                parts.append(Report({"pairs": tiled[0], "coverage": tiled[1]}, {}, "pairs"))
                continue
        if big_a is not None and b != a:  # a big A, partition by partition, B sent whole
            small = other.select() if isinstance(other, LayerStream) else other
            pairs, cover = _overlap.partitioned_overlap_a(
                big_a, small, a_layer=a, b_layer=b, buffer_m=buffer_m, cluster=where
            )
            parts.append(Report({"pairs": pairs, "coverage": cover}, {}, "pairs"))
            continue
        if piecewise(other) and (b != a or other.store is not None):  # a big B, piece by piece
            pairs, cover = _overlap.partitioned_overlap(
                whole(), other, a_layer=a, b_layer=b, buffer_m=buffer_m, cluster=where
            )
            parts.append(Report({"pairs": pairs, "coverage": cover}, {}, "pairs"))
            continue
        if b == a and stream_a:  # a layer with itself: read once
            other = whole()
        elif isinstance(other, LayerStream):
            other = other.select()
        parts.append(overlap(whole(), other, buffer_m=buffer_m, a_layer=a, b_layer=b, pairs=known.get(b)))
    pairs = gpd.GeoDataFrame(pd.concat([p["pairs"] for p in parts], ignore_index=True), crs=st.crs)
    cover = pd.concat([p["coverage"] for p in parts], ignore_index=True)
    meta = {
        "a": a,
        "b": ", ".join(bs),
        "buffer (m)": buffer_m,
        "area method": AREA_METHOD,
        "pairs": len(pairs),
    }
    return Report({"pairs": pairs, "coverage": cover}, meta, "pairs")


def findings(
    parks: gpd.GeoDataFrame,
    /,
    *,
    protected: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    admin: gpd.GeoDataFrame | None = None,
    parcels: gpd.GeoDataFrame | None = None,
    near_m: float = 500.0,
    protected_pairs: gpd.GeoDataFrame | None = None,
    park_pairs: gpd.GeoDataFrame | None = None,
) -> Report:
    """The overlap findings the policy texts ask for, a table each (``zonekit overlap --preset findings``).

    Returns
    -------
    Report
        ``parks_in_redlines``, ``chemical_near_protected``, ``parks_across_counties``,
        ``parks_outside_zone``, ``cross_zone_overlaps`` (those the given layers allow).

    ``protected_pairs`` and ``park_pairs`` are the parks × protected and parks × parks pairs when the
    caller already has them (``zonekit.analysis.overlap.park_protected_pairs`` / ``park_self_pairs``).

    Parameters
    ----------
    parks : gpd.GeoDataFrame
        Parks (``park_id``, ``zone_id``, ``kind``, ``name``).
    protected : gpd.GeoDataFrame, optional
        Protected areas (``kind``: eco_redline, basic_farmland, …).
    zones : gpd.GeoDataFrame, optional
        Zones (``zone_id``, ``name``, ``level``, …).
    admin : gpd.GeoDataFrame, optional
        Administrative boundaries (``adcode``, ``level``).
    parcels : gpd.GeoDataFrame, optional
        Land-use parcels (``parcel_id``, ``analysis_class``, ``is_construction``, …).
    near_m : float, default 500.0
        Distance in metres counted as near.
    protected_pairs : gpd.GeoDataFrame, optional
        Parks × protected pairs when already computed (not computed again).
    park_pairs : gpd.GeoDataFrame, optional
        Parks × parks pairs when already computed.
    """
    st = study_of(parks=parks, protected=protected, zones=zones, admin=admin, landuse=parcels)
    tables = _overlap.findings(st, near_m=near_m, protected_pairs=protected_pairs, park_pairs=park_pairs)
    return Report(tables, {"near (m)": near_m}, next(iter(tables), ""))


def consolidate(
    zones: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    /,
    *,
    parcels: gpd.GeoDataFrame | None = None,
    protected: gpd.GeoDataFrame | None = None,
    admin: gpd.GeoDataFrame | None = None,
    config: str | Path | dict | None = None,
    intensity: pd.DataFrame | None = None,
    protected_pairs: gpd.GeoDataFrame | None = None,
) -> Report:
    """Consolidation candidates (整合优化), grouped, with evidence and a suggested action.

    Parameters
    ----------
    zones, parks : GeoDataFrame
    parcels : GeoDataFrame, optional
        For the low-intensity rule (unless ``intensity`` already holds the per-park indicators).
    protected, admin : GeoDataFrame, optional
    config : path or dict, optional
        Overrides of ``consolidate_default.toml``.
    intensity : DataFrame, optional
        ``zonekit.intensity(...)["indicators"]`` when the caller has it: it is not computed again.
    protected_pairs : GeoDataFrame, optional
        Parks × protected pairs with ``b_kind``, likewise.

    Returns
    -------
    Report
        ``groups`` (with the union of their parks as geometry) and ``candidates`` (one row per rule firing).
    """
    st = study_of(zones=zones, parks=parks, landuse=parcels, protected=protected, admin=admin)
    ind = intensity.reset_index() if intensity is not None and intensity.index.name else intensity
    if ind is None and parcels is not None and len(parcels):  # once, for the rule and the before/after
        from zonekit.analysis.intensity import land_intensity

        ind = land_intensity(st, by="park").indicators
    from zonekit.analysis import consolidate as _consolidate  # loaded by the command that needs it

    cand, groups = _consolidate.consolidation_candidates(
        st, config=config, intensity=ind, protected_pairs=protected_pairs
    )
    weights = _consolidate.load_config("consolidate", config)["priority"]
    meta = {
        "config": str(config)
        if config
        else say("note.default_config", "en", file="consolidate_default.toml"),
        "priority": say(
            "note.priority_rule", "en", weights=", ".join(f"{r} {w:g}" for r, w in weights.items())
        ),
    }
    tables = {
        "groups": groups,
        "candidates": cand,
        "counties": _consolidate.county_summary(st, cand),
        "before_after": _consolidate.before_after(st, cand, ind),
    }
    return Report(tables, meta, "groups")


def potential(
    parks: gpd.GeoDataFrame,
    /,
    *,
    date: str | date,
    parcels: gpd.GeoDataFrame | None = None,
    supply: gpd.GeoDataFrame | None = None,
    approvals: gpd.GeoDataFrame | None = None,
    config: str | Path | dict | None = None,
    enterprises: pd.DataFrame | None = None,
    cluster: str | None = None,
) -> Report:
    """Where land can be freed on a statistics date: low-efficiency land and potential.

    The five kinds of low-efficiency land, per plot, and each park's and zone's potential (扩展, 强度, 管理).

    Parameters
    ----------
    parks : GeoDataFrame
        Parks (``park_id``, ``zone_id``, ``kind``).
    date : str or date
        The statistics date (统计时点).
    parcels : GeoDataFrame, optional
        Land-use parcels (build status, supplied, idle, floor area, footprint, money).
    supply : GeoDataFrame, optional
        Land-supply contracts.
    approvals : GeoDataFrame, optional
        农用地转用 / 土地征收 approvals.
    config : path or dict, optional
        Overrides of ``potential_default.toml``.
    enterprises : DataFrame, optional
        The enterprises' own records: their revenue decides 建而未投 where they report one.
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT``: parcels read from a partitioned store (``zonekit partition``)
        are reduced per contract and per park on a dask.distributed cluster (the same numbers).

    Returns
    -------
    Report
        ``plots`` (one row per plot of each kind, with its evidence), ``parks_potential`` and
        ``zones_potential``.
    """
    from zonekit.analysis import potential as _potential

    st = study_of(parks=parks, landuse=parcels, supply=supply, approvals=approvals, enterprises=enterprises)
    layers = _potential.inputs(st)
    where = cluster_for(cluster, layers["landuse"])
    once = _potential.partials(layers, config=config, cluster=where)  # partitioned parcels: read once
    plots = _potential.low_efficiency_land(
        layers, date=pd.Timestamp(date), config=config, cluster=where, partials=once
    )
    per_park = _potential.park_potential(layers, plots, config=config, cluster=where, partials=once)
    cfg = _potential.load_config("potential", config)
    meta = {
        "statistics date": f"{pd.Timestamp(date):%Y-%m-%d}",
        "config": str(config) if config else say("note.default_config", "en", file="potential_default.toml"),
        "thresholds": say(
            "note.potential_thresholds",
            "en",
            approved=f"{cfg['approved_not_supplied']['approved_years']:g}",
            idle=f"{cfg['supplied_not_used']['idle_years']:g}",
            reclaim=f"{cfg['supplied_not_used']['reclaim_years']:g}",
            far=f"{cfg['used_not_fully']['far_floor']:g}",
            cover=f"{cfg['used_not_fully']['building_coefficient_min']:g}",
            ramp=f"{cfg['built_not_producing']['ramp_years']:g}",
            target=f"{cfg['intensity']['target_far']:g}",
        ),
    }
    tables = {
        "plots": plots,
        "parks_potential": per_park,
        "zones_potential": _potential.zone_potential(per_park),
    }
    return Report(tables, meta, "plots")


def monitor(
    parks: gpd.GeoDataFrame,
    /,
    *,
    dates: Sequence[str | date],
    parcels: gpd.GeoDataFrame | None = None,
    supply: gpd.GeoDataFrame | None = None,
    approvals: gpd.GeoDataFrame | None = None,
    enterprises: pd.DataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    snapshots: Mapping[str | date, Mapping[str, pd.DataFrame]] | None = None,
    config: str | Path | dict | None = None,
    intensity_config: str | Path | dict | None = None,
) -> Report:
    """Each park's intensity, grade, low-efficiency land and potential on several statistics dates; the change.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks.
    dates : list of str or date
        The statistics dates.
    parcels, supply, approvals, enterprises : frames, optional
        As for :func:`potential`.
    zones : GeoDataFrame, optional
        Zones (their evaluation type sets the scoring).
    snapshots : mapping, optional
        Snapshot date → ``{"parcels": …, "enterprises": …}`` as they were on it; each statistics date is
        served by the latest snapshot on or before it (``parcels``/``enterprises`` are then not used).
    config, intensity_config : path or dict, optional
        Overrides of ``potential_default.toml`` and ``intensity_default.toml``.

    Returns
    -------
    Report
        ``change`` (first to last date, with the flags of what got worse: a grade dropped, idle land,
        批而未供, 供而未用 or management potential grew) and ``by_date`` (park × date).
    """
    from zonekit.analysis import potential as _potential

    st = study_of(
        parks=parks, landuse=parcels, supply=supply, approvals=approvals, enterprises=enterprises, zones=zones
    )
    dated = None
    if snapshots:
        names = {"parcels": "landuse", "enterprises": "enterprises"}
        dated = {  # checked and brought to the study's CRS like the other frames
            pd.Timestamp(k): dict(study_of(crs=st.crs, **{names[n]: v for n, v in got.items() if n in names}))
            for k, got in snapshots.items()
        }
    every, change = _potential.monitor(
        st,
        dates=[pd.Timestamp(d) for d in dates],
        config=config,
        snapshots=dated,
        intensity_config=intensity_config,
    )
    served = every.drop_duplicates("date").set_index("date")["snapshot"]
    meta = {
        "statistics date": ", ".join(served.index),
        "snapshots": "; ".join(f"{d} ← {s}" for d, s in served.items() if s) or "-",
    }
    return Report({"change": change, "by_date": every}, meta, "change")


def enclaves(
    rules: pd.DataFrame,
    parks: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    /,
    *,
    year: int,
    admin: gpd.GeoDataFrame | None = None,
) -> Report:
    """Each enclave park's benefits split between home and host for ``year``.

    Returns
    -------
    Report
        ``split`` (per enclave and metric), ``jurisdictions`` (per adcode and role) and, with ``admin``,
        ``distances`` (km from each enclave to its home jurisdiction).

    Parameters
    ----------
    rules : pd.DataFrame
        Enclave sharing rules.
    parks : gpd.GeoDataFrame
        Parks (``park_id``, ``zone_id``, ``kind``, ``name``).
    parcels : gpd.GeoDataFrame
        Land-use parcels (``parcel_id``, ``analysis_class``, ``is_construction``, …).
    year : int
        The year.
    admin : gpd.GeoDataFrame, optional
        Administrative boundaries (``adcode``, ``level``).
    """
    st = study_of(enclaves=rules, parks=parks, landuse=parcels, admin=admin)
    from zonekit.analysis import enclaves as _enclaves  # loaded by the command that needs it

    per_enclave, per_jur = _enclaves.benefit_split(st, year)
    tables = {"split": per_enclave, "jurisdictions": per_jur}
    if admin is not None:
        tables["distances"] = _enclaves.enclave_distances(st)
    return Report(tables, {"year": year}, "split")


def versions(
    zone_versions: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    /,
    *,
    year: int,
    config: str | Path | dict | None = None,
) -> Report:
    """For each zone: the boundary version whose statistics count for ``year``, and what each change did.

    Returns
    -------
    Report
        ``scope`` (zone_id, year, version, reason), ``changes`` (ha and 亩 added and removed, parcels in
        and out) and ``indicators`` (the intensity indicators on each version, side by side).

    Parameters
    ----------
    zone_versions : gpd.GeoDataFrame
        Boundary versions of zones (``zone_id``, ``version``, ``valid_from``, ``valid_to``).
    parcels : gpd.GeoDataFrame
        Land-use parcels (``parcel_id``, ``analysis_class``, ``is_construction``, …).
    year : int
        The year.
    config : str | Path | dict, optional
        Overrides of the default configuration (a TOML path or a dict).
    """
    st = study_of(zone_versions=zone_versions, landuse=parcels)
    zv = st["zone_versions"]
    scopes, changes, sides = [], [], []
    parcels_of = stream_of(st["landuse"], "landuse")
    for zid in zv["zone_id"].unique():  # a loop over zones (a handful), not over parcels
        # the parcels near the zone's versions only (the R-tree finds them when read from the file)
        lu = parcels_of.within(zv.loc[zv["zone_id"] == zid].to_crs(parcels_of.crs).total_bounds)
        from zonekit.analysis import versions as _versions  # loaded by the command that needs it

        scope = _versions.statistical_scope(zv, zid, year)
        scopes.append(
            {"zone_id": zid, "year": year, "version": scope["version"], "scope_reason": scope["scope_reason"]}
        )
        pairs = _versions.version_pairs(zv, zid, lu)  # one overlay per zone, for both tables below
        order = _versions.ordered_versions(zv, zid)
        pos = {v: i for i, v in enumerate(order["version"])}
        g = order.sort_values("version")
        for old, new in zip(g.iloc[:-1].itertuples(), g.iloc[1:].itertuples(), strict=True):
            i, j = pos[old.version], pos[new.version]
            two = pairs[pairs["a"].isin([i, j])].assign(a=lambda d, i=i: (d["a"] != i).astype(int))
            d = _versions.compare_versions(old.geometry, new.geometry, lu, pairs=two)
            changes.append(
                {
                    "zone_id": zid,
                    "from_version": old.version,
                    "to_version": new.version,
                    "added_ha": d["added_ha"],
                    "added_mu": d["added_mu"],
                    "removed_ha": d["removed_ha"],
                    "removed_mu": d["removed_mu"],
                    "parcels_in": len(d["parcels_in"]),
                    "parcels_out": len(d["parcels_out"]),
                }
            )
        sides.append(
            _versions.version_indicators(st, zid, config=config, pairs=pairs, landuse=lu).assign(zone_id=zid)
        )
    tables = {
        "scope": pd.DataFrame(scopes),
        "changes": pd.DataFrame(changes),
        "indicators": pd.concat(sides, ignore_index=True),
    }
    return Report(tables, {"year": year}, "scope")


def check(
    study: Study | str | Path | None = None,
    /,
    *,
    min_overlap_m2: float = MIN_OVERLAP_M2,
    cluster: str | None = None,
    **layers: pd.DataFrame | None,
) -> pd.DataFrame:
    """Every finding of the study checks (validity, topology, cross-layer consistency).

    Parameters
    ----------
    study : Study or path, optional
        A study read with :func:`zonekit.read_study`, or a study file; or leave it out and pass the
        layers as frames (``parks=…, zones=…, landuse=…``).
    min_overlap_m2 : float, default 1.0
        Overlaps and areas outside a boundary smaller than this are ignored as edge noise.
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT``: a partitioned parcel layer checked partition by partition on a
        dask.distributed cluster (the same findings).
    **layers : DataFrame
        The layers, when no ``study`` is given.

    Returns
    -------
    DataFrame
        severity, check, layer, ids, message, quantity, unit.
    """
    if study is None:
        study = study_of(**layers)
    return check_study(study, min_overlap_m2=min_overlap_m2, cluster=cluster)


def map(
    parks: gpd.GeoDataFrame,
    /,
    *,
    zones: gpd.GeoDataFrame | None = None,
    parcels: gpd.GeoDataFrame | None = None,
    admin: gpd.GeoDataFrame | None = None,
    protected: gpd.GeoDataFrame | None = None,
    enclave_rules: pd.DataFrame | None = None,
    intensity: pd.DataFrame | None = None,
    groups: gpd.GeoDataFrame | None = None,
    redlines: gpd.GeoDataFrame | None = None,
    basemap: str = "osm",
    lang: str = "zh",
    tianditu_key: str | None = None,
    indicator: str = "investment_intensity",
    title: str | None = None,
    config: str | Path | dict | None = None,
    supply: gpd.GeoDataFrame | None = None,
    approvals: gpd.GeoDataFrame | None = None,
):
    """The interactive study map (a ``folium.Map``); write it with :func:`zonekit.maps.html.write_map`.

    Results the caller already has (``intensity``, consolidation ``groups``, ``redlines``) are drawn as
    given; those missing are computed here once from the layers.

    Parameters
    ----------
    parks : gpd.GeoDataFrame
        Parks (``park_id``, ``zone_id``, ``kind``, ``name``).
    zones : gpd.GeoDataFrame, optional
        Zones (``zone_id``, ``name``, ``level``, …).
    parcels : gpd.GeoDataFrame, optional
        Land-use parcels (``parcel_id``, ``analysis_class``, ``is_construction``, …).
    admin : gpd.GeoDataFrame, optional
        Administrative boundaries (``adcode``, ``level``).
    protected : gpd.GeoDataFrame, optional
        Protected areas (``kind``: eco_redline, basic_farmland, …).
    enclave_rules : pd.DataFrame, optional
        Enclave sharing rules.
    intensity : pd.DataFrame, optional
        Per-park indicators (``zonekit.intensity(...)['indicators']``).
    groups : gpd.GeoDataFrame, optional
        Consolidation candidate groups.
    redlines : gpd.GeoDataFrame, optional
        Parks ∩ red lines.
    basemap : str, default 'osm'
        ``osm``, ``tianditu``, ``gaode`` or ``none``.
    lang : str, default 'zh'
        Language: ``zh`` (the default) or ``en``.
    tianditu_key : str, optional
        The Tianditu key (else the TIANDITU_KEY environment variable).
    indicator : str, default 'investment_intensity'
        The indicator column.
    title : str, optional
        The page's title (e.g. the study's name).
    config : path or dict, optional
        Intensity configuration, for the grade thresholds in the legend.
    supply, approvals : GeoDataFrame, optional
        Land-supply contracts and approvals: the low-efficiency land on the map (at the end of this year).

    Returns
    -------
    object
        The interactive study map (a ``folium.Map``); write it with :func:`zonekit.maps.html.write_map`.
    """
    from zonekit.maps.render import study_map

    st = study_of(
        parks=parks,
        zones=zones,
        landuse=parcels,
        admin=admin,
        protected=protected,
        enclaves=enclave_rules,
        supply=supply,
        approvals=approvals,
    )
    return study_map(
        st,
        **map_results(st, intensity, groups, redlines),
        basemap=basemap,
        lang=lang,
        tianditu_key=tianditu_key,
        indicator=indicator,
        title=title,
        grade_cuts=load_config("intensity", config)["scoring"]["grades"],
    )


def map_results(st: Study, intensity=None, groups=None, redlines=None) -> dict:
    """What the map shows from the analyses, each computed at most once (intensity feeds consolidation).

    Parameters
    ----------
    st : Study
        The study.
    intensity : object, optional
        Per-park indicators (``zonekit.intensity(...)['indicators']``).
    groups : object, optional
        Consolidation candidate groups.
    redlines : object, optional
        Parks ∩ red lines.

    Returns
    -------
    dict
        What the map shows from the analyses, each computed at most once (intensity feeds consolidation).
    """
    has = {n for n, df in st.items() if len(df)}
    if intensity is None and {"parks", "landuse"} <= has:
        intensity = land_intensity(st, by="park").indicators
    if intensity is not None and intensity.index.name:
        intensity = intensity.reset_index()
    if groups is None and {"zones", "parks"} <= has:
        from zonekit.analysis import consolidate as _consolidate

        groups = _consolidate.consolidation_candidates(st, intensity=intensity)[1]
    if redlines is None and "protected" in has:
        redlines = _overlap.findings(st).get("parks_in_redlines")
    low = None
    if {"supply", "approvals"} & has:  # on the last day of this year, as the atlas counts
        from zonekit.analysis import potential as _potential

        low = _potential.low_efficiency_land(st, date=f"{this_year()}-12-31")
    return {"intensity": intensity, "groups": groups, "findings": redlines, "low_efficiency": low}


def headline(
    st: Study,
    *,
    intensity: pd.DataFrame | None,
    groups,
    redlines,
    findings_count: int,
    low_efficiency: pd.DataFrame | None = None,
) -> dict:
    """The headline numbers of the atlas index page, as numbers keyed by what they count.

    Parameters
    ----------
    st : Study
        The study.
    intensity : DataFrame, optional
        Per-park indicators (``score``, ``grade``).
    groups : DataFrame, optional
        Consolidation candidate groups.
    redlines : DataFrame, optional
        Parks ∩ red lines (``overlap_ha``).
    findings_count : int
        The number of check findings.
    low_efficiency : DataFrame, optional
        The five kinds of low-efficiency land (``area_ha``).

    Returns
    -------
    dict
        ``zones``, ``parks``, ``area_ha`` (the union of the parks, ellipsoidal), ``score`` (min, median,
        max), ``grades`` (A–D → count), ``redlines`` (count, ha), ``groups``, ``findings`` — those the study
        has; :func:`zonekit.reports.index_page.headline_cards` says them in zh or en.
    """
    out: dict[str, object] = {}
    if "zones" in st:
        out["zones"] = len(st["zones"])
    if "parks" in st and len(st["parks"]):
        parks = st["parks"]
        out["parks"] = len(parks)
        out["area_ha"] = float(ellipsoidal_area([parks.geometry.union_all()], parks.crs)[0]) / M2_PER_HA
    if intensity is not None and intensity["score"].notna().any():
        s = intensity["score"].dropna()
        out["score"] = (float(s.min()), float(s.median()), float(s.max()))
        counts = intensity["grade"].value_counts()
        out["grades"] = {g: int(counts.get(g, 0)) for g in ("A", "B", "C", "D")}
    if redlines is not None:
        out["redlines"] = (len(redlines), float(redlines["overlap_ha"].sum()))
    if groups is not None:
        out["groups"] = len(groups)
    if low_efficiency is not None:
        out["low_efficiency"] = (len(low_efficiency), float(low_efficiency["area_ha"].sum()))
    out["findings"] = findings_count
    return out


def this_year() -> int:
    """The default year of the enclave split and the statistical scope.

    Returns
    -------
    int
        The default year of the enclave split and the statistical scope.
    """
    return date.today().year
