"""Frames handed to the public API: checked against their layer's schema and brought to its types.

A notebook user builds parks and parcels however they like (read with geopandas, filtered, edited);
:func:`prepare` checks such a frame at the entry of every public function, so a missing column is a
:class:`~zonekit.errors.SchemaError` naming the layer and the columns — never a bare ``KeyError`` deep
inside an analysis — and :func:`study_of` gathers prepared frames into a :class:`~zonekit.layers.study.Study`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj

from zonekit.errors import CRSError, SchemaError
from zonekit.layers.landuse_codes import classify
from zonekit.layers.schema import SCHEMAS, conform
from zonekit.layers.stream import LayerStream
from zonekit.layers.study import Study

_DERIVED = ("analysis_class", "is_construction", "land_use_flag")


def prepare(
    frame: pd.DataFrame,
    layer: str,
    *,
    crs: pyproj.CRS | str | int | None = None,
    code_system: str | None = None,
) -> pd.DataFrame:
    """Check ``frame`` as the study layer ``layer`` and return a copy in the schema's types.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The layer's features; never changed.
    layer : str
        ``parks``, ``landuse``, ``zones``, … (see :data:`~zonekit.layers.schema.SCHEMAS`).
    crs : CRS, optional
        Reproject into this CRS when the frame is in another.
    code_system : str, optional
        Land-use code system of parcels that carry ``land_use_code`` but no ``analysis_class`` yet.

    Returns
    -------
    DataFrame or GeoDataFrame
        Every schema column present (missing optional ones empty), with the schema's types.

    Raises
    ------
    SchemaError
        A required column is missing, or the layer needs geometry and the frame has none.

    Examples
    --------
    >>> import shapely
    >>> box = [shapely.box(120, 32, 120.01, 32.01)]
    >>> parks = gpd.GeoDataFrame({"park_id": ["P1"], "name": ["主园"]}, geometry=box, crs=4490)
    >>> prepare(parks, "parks")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    zonekit.errors.SchemaError: parks: 该数据框缺少 'parks' 图层所需的列 zone_id, kind;...
    """
    schema = SCHEMAS[layer]
    if schema.geometry == "required" and not isinstance(frame, gpd.GeoDataFrame):
        raise SchemaError("schema.frame_no_geometry", path=layer, layer=layer)
    df = frame.copy()
    if isinstance(df, gpd.GeoDataFrame) and df.geometry.name != "geometry":
        df = df.rename_geometry("geometry")
    if layer == "landuse" and not all(c in df.columns for c in _DERIVED[:2]):
        df = _classified(df, code_system)
    if schema.id_column and schema.generate_ids and schema.id_column not in df.columns:
        df[schema.id_column] = [str(i + 1) for i in range(len(df))]
    must = [c.name for c in schema.columns if c.required or (c.not_null and not c.derived)]
    missing = [c for c in must if c not in df.columns]
    if missing:
        hints = {c.name: c.choices for c in schema.columns if c.name in missing and c.choices}
        hint = "; ".join(f"{k}: {' | '.join(v)}" for k, v in hints.items())
        has = [str(c) for c in frame.columns if c != getattr(frame, "_geometry_column_name", None)]
        raise SchemaError(
            "schema.frame_missing_columns",
            path=layer,
            layer=layer,
            missing=", ".join(missing),
            has=", ".join(has) or "-",
            hint=f" ({hint})" if hint else "",
        )
    for col in schema.columns:
        if col.name not in df.columns:
            df[col.name] = None
    df = conform(df, schema)
    if isinstance(df, gpd.GeoDataFrame) and crs is not None:
        target = pyproj.CRS.from_user_input(crs)
        if df.crs is None:
            raise CRSError("crs.frame_has_none", path=layer, layer=layer)
        if not df.crs.equals(target):
            df = df.to_crs(target)
    return df


def _classified(df: pd.DataFrame, code_system: str | None) -> pd.DataFrame:
    system = code_system
    if system is None and "code_system" in df.columns and df["code_system"].notna().any():
        values = df["code_system"].dropna().unique()
        system = str(values[0]) if len(values) == 1 else None
    if "land_use_code" not in df.columns or system is None:
        raise SchemaError("codes.cannot_classify", path="landuse")
    cls = classify(df["land_use_code"], system)
    out = df.copy()
    for col in ("land_use_code", *_DERIVED):
        out[col] = cls[col].to_numpy()
    out["code_system"] = system
    return out


def study_of(crs: pyproj.CRS | str | int | None = None, **layers: pd.DataFrame | LayerStream | None) -> Study:
    """A :class:`Study` in memory from frames, each checked with :func:`prepare`.

    The CRS is ``crs``, else that of the first frame with one; every other frame is reprojected into it.
    ``None`` frames are left out.

    Parameters
    ----------
    crs : pyproj.CRS | str | int, optional
        A coordinate reference system.
    **layers
        Passed on.

    Returns
    -------
    Study
        A :class:`Study` in memory from frames, each checked with :func:`prepare`.
    """
    given = {k: v for k, v in layers.items() if v is not None}
    if crs is None:
        crs = next((v.crs for v in given.values() if isinstance(v, gpd.GeoDataFrame) and v.crs), 4490)
    target = pyproj.CRS.from_user_input(crs)
    prepared = {  # a layer given as a stream is checked chunk by chunk as it is read
        name: df if isinstance(df, LayerStream) else prepare(df, name, crs=target)
        for name, df in given.items()
    }
    for name, df in prepared.items():
        if isinstance(df, LayerStream) and df.crs is not None and not df.crs.equals(target):
            raise SchemaError(
                "schema.stream_crs", layer=name, crs=df.crs.to_string(), target=target.to_string()
            )
    return Study(Path("<frames>"), target, prepared)
