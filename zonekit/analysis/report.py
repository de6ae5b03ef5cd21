"""The tables of an intensity report, assembled once for every caller (the intensity command, atlas)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from zonekit.analysis.config import load_config
from zonekit.analysis.enterprises import (
    PARCEL_COLUMNS,
    control_violations,
    enterprise_part,
    enterprise_totals,
    mujun,
    unmatched_enterprises,
)
from zonekit.analysis.intensity import land_intensity, regional_ranking
from zonekit.layers.stream import PackedChunk, stream_of
from zonekit.vocabulary.messages import say


def enterprises_of(parks: pd.DataFrame, chunk: PackedChunk, pairs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The enterprises' part of a chunk of parcels and its overlay with the parks (:func:`enterprise_part`).

    Parameters
    ----------
    parks : DataFrame
        The ``parks`` layer.
    chunk : PackedChunk
        A chunk of parcels (their areas measured once, for the overlay and here).
    pairs : DataFrame
        Its overlay with the parks.

    Returns
    -------
    (DataFrame, DataFrame)
        Per-enterprise partial sums and per-(enterprise, park) land.
    """
    return enterprise_part(chunk.frame, parks, pairs, areas=chunk.areas)


def intensity_tables(
    study, *, by: str = "park", config=None, raster: str | Path | None = None, cluster=None
) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """Indicators, scores, national comparison; per park also 亩均 and control tables; raster summary.

    Returns
    -------
    (dict, dict)
        Table name → frame (``indicators`` first), and metadata for the report.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.
    by : str, default 'park'
        ``park`` or ``zone``.
    config : object, optional
        Overrides of the default configuration (a TOML path or a dict).
    raster : str | Path, optional
        A land-cover raster.
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT``: the parcels' partitions as tasks on a dask.distributed cluster.
    """
    config = load_config("intensity", config)  # resolved once, handed to every analysis below
    parcels = stream_of(study["landuse"], "landuse")  # a file's parcels pass through chunk by chunk
    firms_too = by == "park" and "enterprise_id" in parcels.columns
    parks = study["parks"]
    # the parks' overlay of each chunk serves the enterprises too (on a cluster, on the workers)
    res = land_intensity(
        study,
        by=by,
        config=config,
        each=partial(enterprises_of, parks) if firms_too else None,
        columns=PARCEL_COLUMNS if firms_too else (),
        cluster=cluster,
    )
    parts = res.parts
    meta = dict(res.metadata)
    tables: dict[str, pd.DataFrame] = {
        "indicators": res.indicators,
        "scores": res.scores,
        "national": res.national,
    }
    if by == "zone":
        tables["ranking"] = regional_ranking(res.indicators, config=config)
    if firms_too:  # the enterprise table once, for 亩均 and the control indicators
        layer = study.get("enterprises")
        firms = enterprise_totals(parts, layer)
        ent, park_classes = mujun(study, config=config, firms=firms)
        tables |= {
            "mujun": ent,
            "mujun_parks": park_classes,
            "control": control_violations(study, config=config, firms=firms),
        }
        if layer is not None and len(layer):
            unmatched = unmatched_enterprises(firms, layer)
            tables["unmatched"] = unmatched
            from_layer = int((firms.get("figures_from") == "enterprise_record").sum())
            meta["enterprise figures"] = say(
                "note.enterprise_figures",
                "en",
                records=str(from_layer),
                parcels=str(len(firms) - from_layer),
                lonely=str(int((unmatched["problem"] == "no_parcels").sum())),
            )
    if raster is not None:
        key = "park_id" if by == "park" else "zone_id"
        from zonekit.geo.raster import zonal_summary  # rasterio only when a raster is given

        summary = zonal_summary(res.indicators, raster, id_column=key)
        built = [f"share_{c}" for c in load_config("intensity", config)["raster"]["built_classes"]]
        present = [c for c in built if c in summary]
        if present:
            summary.insert(1, "built_share", summary[present].sum(axis=1))
        tables["raster"] = summary
    return tables, meta
