"""Zonal statistics of rasters under polygons, with exactextract (coverage-weighted, exact cell fractions).

The raster is read in its own CRS and the polygons are reprojected to it. A raster of integers is taken as
categorical (land cover): each polygon gets the coverage-weighted share of every class. Otherwise it gets
the coverage-weighted mean and the min and max.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio

from zonekit.errors import InputError


def raster_info(path: str | Path) -> dict:
    """CRS, dtype, resolution and nodata of a raster (raises a user error when it cannot be opened).

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    dict
        CRS, dtype, resolution and nodata of a raster (raises a user error when it cannot be opened).
    """
    try:
        with rasterio.open(path) as src:
            return {"crs": src.crs, "dtype": src.dtypes[0], "res": src.res, "nodata": src.nodata}
    except rasterio.errors.RasterioIOError as err:
        raise InputError("source.raster_unreadable", path=path, err=err) from None


def zonal_summary(
    polygons: gpd.GeoDataFrame, raster: str | Path, *, id_column: str, categorical: bool | None = None
) -> pd.DataFrame:
    """Per polygon: class shares (categorical) or mean/min/max (continuous) of ``raster``.

    Parameters
    ----------
    polygons : GeoDataFrame
    raster : path
    id_column : str
        Column of ``polygons`` that identifies each row of the result.
    categorical : bool, optional
        Default: True for integer rasters.

    Returns
    -------
    DataFrame
        ``id_column`` plus ``share_<class>`` columns (fractions of the covered, non-nodata area) or
        ``mean``/``min``/``max``; and ``covered_cells`` (sum of coverage fractions of valid cells).
    """
    from exactextract import exact_extract

    info = raster_info(raster)
    if info["crs"] is None:
        raise InputError("source.raster_no_crs", path=raster)
    if categorical is None:
        categorical = np.issubdtype(np.dtype(info["dtype"]), np.integer)
    vec = gpd.GeoDataFrame(
        {id_column: polygons[id_column].to_numpy()}, geometry=polygons.geometry.values, crs=polygons.crs
    ).to_crs(info["crs"].to_wkt())
    ops = ["unique", "frac", "count"] if categorical else ["mean", "min", "max", "count"]
    df = exact_extract(str(raster), vec, ops, include_cols=[id_column], output="pandas")
    df = df.rename(columns={"count": "covered_cells"})
    if not categorical:
        return df[[id_column, "mean", "min", "max", "covered_cells"]]
    rows = []
    for _, r in df.iterrows():
        row = {id_column: r[id_column], "covered_cells": r["covered_cells"]}
        for value, frac in zip(np.atleast_1d(r["unique"]), np.atleast_1d(r["frac"]), strict=True):
            row[f"share_{int(value)}"] = float(frac)
        rows.append(row)
    out = pd.DataFrame(rows)
    shares = sorted((c for c in out.columns if c.startswith("share_")), key=lambda c: int(c.split("_")[1]))
    out[shares] = out[shares].fillna(0.0)
    return out[[id_column, *shares, "covered_cells"]]
