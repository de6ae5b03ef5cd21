"""A study layer written out for a colleague: Shapefile (with .cpg and .prj), GeoPackage, GeoJSON, CSV, XLSX.

The formats keep their own rules: a shapefile's field names are cut to 10 bytes (done here, uniquely, with
a ``<stem>.fields.toml`` beside it that ``zonekit import --fields`` takes to get the names back), its text
is written in UTF-8 or, on request, GBK for older Chinese software (the ``.cpg`` says which); GeoJSON is
longitude/latitude as RFC 7946 asks; CSV carries the geometry as WKT; a workbook cannot hold polygons, so
it carries the areas instead (m², 公顷, 亩). Every file is written atomically.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from zonekit.errors import InputError, StudyError
from zonekit.geo.area import ellipsoidal_area
from zonekit.geo.encoding import codec_name
from zonekit.geo.gpkg import new_file_options, staging
from zonekit.geo.io import atomic_output
from zonekit.geo.units import M2_PER_HA, M2_PER_MU
from zonekit.layers.study import list_tables, read_table, refuse_overwriting_study
from zonekit.reports.tables import write_tables
from zonekit.vocabulary.messages import check_language, language

if TYPE_CHECKING:
    from zonekit.layers.postgis import StudyURL

EXPORT_FORMATS = (".shp", ".zip", ".gpkg", ".geojson", ".csv", ".xlsx")
_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def short_names(columns: list[str], encoding: str = "utf-8", limit: int = 10) -> dict[str, str]:
    """Names a .dbf can hold (``limit`` bytes in ``encoding``), unique, for the columns that need one.

    Parameters
    ----------
    columns : list[str]
        The names.
    encoding : str, default "utf-8"
        The .dbf's encoding.
    limit : int, default 10
        Bytes per name.

    Returns
    -------
    dict[str, str]
        Long name → short name, for the names that had to change.

    Examples
    --------
    >>> short_names(["park_id", "source_area_m2", "source_area_ha", "园区名称"])
    {'source_area_m2': 'source_are', 'source_area_ha': 'source_ar1', '园区名称': '园区名'}
    """
    taken = {c for c in columns if len(c.encode(encoding, errors="replace")) <= limit}
    out: dict[str, str] = {}
    for col in columns:
        if col in taken and col not in out.values():
            continue
        cut = col.encode(encoding, errors="replace")[:limit].decode(encoding, errors="ignore")
        name, n = cut, 0
        while name in taken:
            n += 1
            tail = str(n)
            name = (
                col.encode(encoding, errors="replace")[: limit - len(tail)].decode(encoding, "ignore") + tail
            )
        taken.add(name)
        out[col] = name
    return out


def export(
    study: str | Path | StudyURL,
    layer: str,
    out: str | Path,
    *,
    encoding: str | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write one layer (or table) of a study to ``out``, in the format its extension names.

    Parameters
    ----------
    study : str, Path or StudyURL
        The study (a GeoPackage, or a PostgreSQL URL).
    layer : str
        A layer or table of it (``parks``, ``landuse_rejected``, ``zonekit_imports`` …).
    out : str or Path
        ``.shp`` (and its sidecars), ``.zip`` (the shapefile zipped, for e-mail), ``.gpkg``, ``.geojson``,
        ``.csv`` or ``.xlsx``.
    encoding : str, optional
        Text encoding of a shapefile (default UTF-8; ``gbk`` for software that expects it).
    lang : {"zh", "en"}, optional
        Headers of a CSV or workbook (default: the language in force).

    Returns
    -------
    list[Path]
        Every file written.
    """
    from zonekit.layers import postgis

    where: Path | StudyURL = postgis.as_url(study) if postgis.is_url(study) else Path(study)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise InputError("output.format_unknown", path=out, suffix=out.suffix or out.name,
                         formats=", ".join(EXPORT_FORMATS))  # fmt: skip
    tables = list_tables(where)
    if layer not in tables:
        raise StudyError("study.no_layer", path=str(where), layer=layer, layers=", ".join(tables))
    refuse_overwriting_study(out)
    df = read_table(where, layer)
    spatial = isinstance(df, gpd.GeoDataFrame)
    lang = check_language(lang or language())
    meta = {"study": where.name, "layer": layer, "features": len(df)}
    if suffix in (".csv", ".xlsx"):
        return write_tables({layer: _flat(df, suffix) if spatial else df}, out, main=layer, lang=lang,
                            metadata=meta)  # fmt: skip
    if suffix == ".gpkg":
        with atomic_output(out) as tmp:
            pyogrio.write_dataframe(
                df, tmp, layer=layer, driver="GPKG", promote_to_multi=spatial or None, **new_file_options(tmp)
            )
        return [out]
    if suffix == ".geojson":
        if not spatial:
            raise InputError("export.needs_geometry", path=out, layer=layer)
        with atomic_output(out) as tmp:
            pyogrio.write_dataframe(df.to_crs(4326), tmp, driver="GeoJSON", RFC7946="YES")
        return [out]
    return _shapefile(df, out, layer, codec_name(encoding) if encoding else "utf-8")


def _flat(df: gpd.GeoDataFrame, suffix: str) -> pd.DataFrame:
    """A geometry layer as a table: WKT for a CSV, the areas for a workbook (a cell cannot hold a polygon)."""
    area = ellipsoidal_area(df.geometry.values, df.crs)
    flat = pd.DataFrame(df.drop(columns=df.geometry.name))
    flat["area_m2"], flat["area_ha"], flat["area_mu"] = area, area / M2_PER_HA, area / M2_PER_MU
    if suffix == ".csv":
        flat["wkt"] = shapely.to_wkt(df.geometry.values, rounding_precision=9)
    return flat


def _shapefile(df: pd.DataFrame, out: Path, layer: str, encoding: str) -> list[Path]:
    """The shapefile set (or its zip) with names a .dbf holds and the TOML that restores them."""
    columns = [str(c) for c in df.columns if c != getattr(df, "_geometry_column_name", None)]
    renames = short_names(columns, encoding)
    frame = df.rename(columns=renames)
    toml = "[fields]\n" + "".join(f'"{_toml(s)}" = "{_toml(long)}"\n' for long, s in renames.items())
    stem = out.stem if out.suffix.lower() == ".shp" else Path(out.stem).stem or out.stem
    with staging() as folder:
        shp = folder / f"{stem}.shp"
        pyogrio.write_dataframe(frame, shp, driver="ESRI Shapefile", encoding=encoding.upper())
        (folder / f"{stem}.fields.toml").write_text(toml, encoding="utf-8")
        parts = sorted(folder.iterdir())
        if out.suffix.lower() == ".zip":
            with atomic_output(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
                for p in parts:
                    z.write(p, p.name)
            return [out]
        written = []
        for p in parts:  # each file of the set replaced atomically
            target = out.with_name(p.name)
            refuse_overwriting_study(target)
            with atomic_output(target) as tmp:
                shutil.copyfile(p, tmp)
            written.append(target)
    return written


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
