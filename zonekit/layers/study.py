"""The study: one GeoPackage holding every layer of a planning study and its bookkeeping.

Layers (fixed names): ``admin``, ``zones``, ``parks``, ``enclaves`` (a table), ``landuse``, ``protected``,
``enterprises``, ``zone_versions``. Bookkeeping: ``zonekit_study`` (key/value: storage CRS, version),
``zonekit_imports`` (one row per import), ``zonekit_repairs`` (one row per repaired feature) and
``<layer>_rejected`` (every rejected feature, its reason and original attributes). Every write goes to a
copy of the file that replaces the original only when complete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj

from zonekit.errors import StudyError
from zonekit.geo.io import atomic_output
from zonekit.layers.schema import LAYER_NAMES, SCHEMAS, raise_if_invalid, validate

DEFAULT_CRS = "EPSG:4490"
META_TABLE = "zonekit_study"
IMPORTS_TABLE = "zonekit_imports"
REPAIRS_TABLE = "zonekit_repairs"


def rejected_name(layer: str) -> str:
    """Name of the table that keeps a layer's rejected features."""
    return f"{layer}_rejected"


def _version() -> str:
    from zonekit import __version__

    return __version__


def list_tables(path: str | Path) -> list[str]:
    """Names of every layer and table in a study file."""
    path = Path(path)
    if not path.exists():
        return []
    return [str(n) for n in pyogrio.list_layers(path)[:, 0]]


def create_study(path: str | Path, *, crs: str | int = DEFAULT_CRS) -> Path:
    """Create an empty study file whose layers will be stored in ``crs`` (default CGCS2000, EPSG:4490).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = create_study(pathlib.Path(tempfile.mkdtemp()) / "s.gpkg")
    >>> study_crs(p).to_epsg()
    4490
    """
    path = Path(path)
    crs_obj = pyproj.CRS.from_user_input(crs)
    code = crs_obj.to_epsg()
    meta = pd.DataFrame(
        {
            "key": ["crs", "created", "zonekit_version"],
            "value": [
                f"EPSG:{code}" if code else crs_obj.to_wkt(),
                datetime.now(UTC).isoformat(timespec="seconds"),
                _version(),
            ],
        }
    )
    with atomic_output(path) as tmp:
        pyogrio.write_dataframe(meta, tmp, layer=META_TABLE, driver="GPKG")
    return path


def _meta(path: Path) -> dict[str, str]:
    if not path.exists():
        raise StudyError(
            "The study file does not exist.",
            path=path,
            fix="Create one by importing a layer into it (zonekit import SRC --into STUDY --as LAYER) "
            "or write the sample (zonekit sample DIR).",
        )
    try:
        names = list_tables(path)
    except Exception as err:
        raise StudyError(
            f"It is not a GeoPackage ({err}).", path=path, fix="A study is a .gpkg file written by zonekit."
        ) from None
    if META_TABLE not in names:
        raise StudyError(
            "It is a GeoPackage but not a zonekit study (no zonekit_study table).",
            path=path,
            fix="Import its layers into a new study with zonekit import.",
        )
    df = pyogrio.read_dataframe(path, layer=META_TABLE)
    return dict(zip(df["key"], df["value"], strict=True))


def study_crs(path: str | Path) -> pyproj.CRS:
    """The storage CRS of a study."""
    return pyproj.CRS.from_user_input(_meta(Path(path))["crs"])


@dataclass
class Study(Mapping):
    """The layers of a study file, by name, as (Geo)DataFrames; read with :func:`read_study`."""

    path: Path
    crs: pyproj.CRS
    layers: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.layers[name]
        except KeyError:
            raise StudyError(
                f"The study has no layer '{name}'; it has {', '.join(self.layers) or 'none'}.",
                path=self.path,
                fix=f"Import one: zonekit import SRC --into {self.path} --as {name}.",
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.layers

    def get(self, name: str, default=None):
        """The layer ``name``, or ``default`` when the study has none."""
        return self.layers.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)


def read_table(path: str | Path, name: str) -> pd.DataFrame:
    """Read one layer or table of a study (a GeoDataFrame when it has geometry)."""
    path = Path(path)
    df = pyogrio.read_dataframe(path, layer=name)
    if isinstance(df, gpd.GeoDataFrame) and df.geometry.name != "geometry":
        df = df.rename_geometry("geometry")
    return df


def read_study(path: str | Path, *, layers: list[str] | None = None, validate_schema: bool = True) -> Study:
    """Read a study's layers.

    Parameters
    ----------
    path : str or Path
        The study GeoPackage.
    layers : list of str, optional
        Only these layers (default: every study layer present).
    validate_schema : bool, default True
        Check every layer against its schema and raise one :class:`~zonekit.errors.SchemaError` listing
        every problem.

    Returns
    -------
    Study
        A mapping of layer name → GeoDataFrame (DataFrame for ``enclaves``).
    """
    path = Path(path)
    meta = _meta(path)
    crs = pyproj.CRS.from_user_input(meta["crs"])
    present = list_tables(path)
    wanted = [n for n in (layers or LAYER_NAMES) if n in present]
    out: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for name in wanted:
        df = read_table(path, name)
        if (
            validate_schema
            and isinstance(df, gpd.GeoDataFrame)
            and df.crs is not None
            and not df.crs.equals(crs)
        ):
            problems.append(f"layer '{name}' is in {df.crs.to_string()}, not the study's {crs.to_string()}")
        if validate_schema:
            problems.extend(validate(df, SCHEMAS[name]))
        out[name] = df
    if layers:
        missing = [n for n in layers if n not in present]
        if missing:
            raise StudyError(
                f"The study has no layer {', '.join(missing)}.",
                path=path,
                fix="Import it with zonekit import SRC --into STUDY --as LAYER.",
            )
    raise_if_invalid(problems, path=str(path))
    return Study(path, crs, out)


def write_tables(
    path: str | Path, tables: dict[str, pd.DataFrame], *, append: frozenset[str] = frozenset()
) -> None:
    """Write layers and tables into a study in one atomic step.

    Parameters
    ----------
    tables : dict
        Name → (Geo)DataFrame. Geometry columns are written as MultiPolygon layers.
    append : set of str
        Names to append to instead of replacing.
    """
    path = Path(path)
    with atomic_output(path, copy_existing=True) as tmp:
        existing = list_tables(tmp) if tmp.exists() else []
        for name, df in tables.items():
            do_append = name in append and name in existing
            if do_append:
                old = read_table(tmp, name)
                if list(old.columns) != list(df.columns):  # columns differ: align, then rewrite whole
                    df = _concat(old, df)
                    do_append = False
            if isinstance(df, gpd.GeoDataFrame):
                pyogrio.write_dataframe(
                    df, tmp, layer=name, driver="GPKG", append=do_append, promote_to_multi=True
                )
            else:
                pyogrio.write_dataframe(pd.DataFrame(df), tmp, layer=name, driver="GPKG", append=do_append)
        _vacuum(tmp)


def _concat(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    out = pd.concat([old, new], ignore_index=True)
    if isinstance(new, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry="geometry", crs=new.crs)
    return out


def _vacuum(path: Path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("VACUUM")
    con.close()
