"""The study: one GeoPackage holding every layer of a planning study and its bookkeeping.

Layers (fixed names): ``admin``, ``zones``, ``parks``, ``enclaves`` (a table), ``landuse``, ``protected``,
``enterprises``, ``zone_versions``. Bookkeeping: ``zonekit_study`` (key/value: storage CRS, version),
``zonekit_imports`` (one row per import), ``zonekit_repairs`` (one row per repaired feature) and
``<layer>_rejected`` (every rejected feature, its reason and original attributes). Every write is one
SQLite transaction on the file itself (:mod:`zonekit.geo.gpkg`), so a program holding the study open (QGIS)
keeps a sound file and its own edits, and a killed write leaves the previous state.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj

from zonekit.errors import StudyError
from zonekit.geo import gpkg
from zonekit.layers import postgis
from zonekit.layers.schema import LAYER_NAMES, SCHEMAS, conform, raise_if_invalid, storable, validate
from zonekit.layers.stream import LayerStream

DEFAULT_CRS = "EPSG:4490"
META_TABLE = "zonekit_study"
IMPORTS_TABLE = "zonekit_imports"
REPAIRS_TABLE = "zonekit_repairs"


def rejected_name(layer: str) -> str:
    """Name of the table that keeps a layer's rejected features.

    Parameters
    ----------
    layer : str
        The layer name.

    Returns
    -------
    str
        Name of the table that keeps a layer's rejected features.
    """
    return f"{layer}_rejected"


def _version() -> str:
    from zonekit._version import __version__

    return __version__


def list_tables(path: str | Path | postgis.StudyURL) -> list[str]:
    """Names of every layer and table in a study file.

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    list[str]
        Names of every layer and table in a study file (or a study's schema in PostgreSQL).
    """
    if postgis.is_url(path):
        return postgis.list_tables(path)
    path = Path(path)
    if not path.exists():
        return []
    return [str(n) for n in pyogrio.list_layers(path)[:, 0]]


def layer_info(path: str | Path | postgis.StudyURL, name: str) -> dict:
    """A layer's feature count, geometry type, fields and extent, whether the study is a file or a URL.

    Parameters
    ----------
    path : str | Path
        The study.
    name : str
        The layer or table.

    Returns
    -------
    dict
        As ``pyogrio.read_info`` gives it (``features``, ``geometry_type``, ``fields``, ``total_bounds``).
    """
    if postgis.is_url(path):
        return postgis.table_info(path, name)
    return dict(pyogrio.read_info(Path(path), layer=name, force_total_bounds=True))


def is_study(path: str | Path) -> bool:
    """Whether ``path`` is a zonekit study (a GeoPackage holding a ``zonekit_study`` table).

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    bool
        Whether ``path`` is a zonekit study (a GeoPackage holding a ``zonekit_study`` table).

    Examples
    --------
    >>> from zonekit.layers.sample import sample_path
    >>> is_study(sample_path()), is_study(__file__)
    (True, False)
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                return False
    except OSError:
        return False
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (META_TABLE,)).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return row is not None


def refuse_overwriting_study(out: str | Path) -> None:
    """Raise :class:`~zonekit.errors.StudyError` when writing ``out`` would replace a study.

    Every output writer calls this first: ``--out`` naming the study (or any other study) is a slip of
    the keyboard that would otherwise destroy the user's data.

    Parameters
    ----------
    out : str | Path
        The output path.
    """
    if is_study(out):
        raise StudyError("study.is_output", path=out)


def create_study(path: str | Path, *, crs: str | int = DEFAULT_CRS) -> Path:
    """Create an empty study file whose layers will be stored in ``crs`` (default CGCS2000, EPSG:4490).

    An existing file is never replaced: when ``path`` exists (or another process creates it first), it is
    left as it is.

    Parameters
    ----------
    path : str | Path
        The file.
    crs : str | int, default DEFAULT_CRS
        A coordinate reference system.

    Returns
    -------
    Path
        ``path``.

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
    gpkg.create_new(path, lambda tmp: gpkg.write_frame(meta, tmp, META_TABLE))
    return path


def discard_if_empty(path: str | Path) -> bool:
    """Remove a study that holds no layer yet (one an import created and then failed to fill).

    Call it while holding the study's lock (:func:`writing`): a writer waiting for it then finds the file
    gone and creates its own.

    Parameters
    ----------
    path : str | Path
        The study.

    Returns
    -------
    bool
        Whether it was removed.
    """
    path = Path(path)
    if not path.exists() or set(list_tables(path)) - {META_TABLE}:
        return False
    path.unlink()
    for side in ("-journal", "-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    return True


_KINDS = {".kml": "KML", ".kmz": "KMZ", ".shp": "Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
          ".csv": "CSV", ".xlsx": "Excel", ".zip": "zip", ".gdb": "File Geodatabase", ".dbf": "dBASE"}  # fmt: skip


def study_meta(path: str | Path | postgis.StudyURL) -> dict[str, str]:
    """The study's own key/value table (its CRS, when and by which zonekit it was created).

    Parameters
    ----------
    path : Path or StudyURL
        The study (a GeoPackage, or a schema in PostgreSQL).

    Returns
    -------
    dict[str, str]
        ``zonekit_study`` as a dict.

    Raises
    ------
    StudyError
        When the file is missing, is not a GeoPackage (a KML, a shapefile: named), or not a zonekit study.
    """
    if postgis.is_url(path):
        got = postgis.read_tables(path, [META_TABLE]).get(META_TABLE)
        if got is None:
            raise StudyError("postgis.not_study", path=str(postgis.as_url(path)))
        return dict(zip(got["key"], got["value"], strict=True))
    path = Path(path)
    if not path.exists():
        raise StudyError("study.missing", path=path)
    if path.is_file():
        with open(path, "rb") as f:
            sqlite = f.read(16) == b"SQLite format 3\x00"
        if not sqlite:
            kind = _KINDS.get(path.suffix.lower(), path.suffix.lstrip(".").upper() or "non-GeoPackage")
            raise StudyError("study.not_a_study_file", path=path, kind=kind, name=path.name)
    try:
        names = list_tables(path)
    except Exception as err:
        raise StudyError("study.not_gpkg", path=path, err=err) from None
    if META_TABLE not in names:
        raise StudyError("study.not_zonekit", path=path)
    df = pyogrio.read_dataframe(path, layer=META_TABLE)
    return dict(zip(df["key"], df["value"], strict=True))


def study_crs(path: str | Path | postgis.StudyURL) -> pyproj.CRS:
    """The storage CRS of a study.

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    pyproj.CRS
        The storage CRS of a study.
    """
    return pyproj.CRS.from_user_input(study_meta(path if postgis.is_url(path) else Path(path))["crs"])


@dataclass
class Study(Mapping):
    """The layers of a study file, by name, as (Geo)DataFrames; read with :func:`read_study`."""

    path: Path | postgis.StudyURL
    crs: pyproj.CRS
    layers: dict[str, pd.DataFrame | LayerStream] = field(default_factory=dict)
    snapshots: dict[str, str] = field(default_factory=dict)
    """Layer → the dated snapshot read for it (``landuse`` → ``landuse_20241231``), when read with ``on=``."""

    def __getitem__(self, name: str) -> Any:  # a (Geo)DataFrame; a LayerStream if read with ``stream=``
        try:
            return self.layers[name]
        except KeyError:
            raise StudyError(
                "study.no_layer", path=str(self.path), layer=name, layers=", ".join(self.layers) or "-"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.layers

    def require(self, *names: str, purpose: str) -> None:
        """Raise :class:`~zonekit.errors.StudyError` unless each layer in ``names`` is present and not empty.

        Parameters
        ----------
        purpose : str
            What needs them, for the message (e.g. "intensity").
        """
        for name in names:
            if name not in self.layers:
                self[name]  # raises the "no layer" message
            if len(self.layers[name]) == 0:
                raise StudyError("study.layer_empty", path=str(self.path), layer=name, purpose=purpose)

    def get(self, name: str, default=None):
        """The layer ``name``, or ``default`` when the study has none.

        Parameters
        ----------
        name : str
            The name.
        default : object, optional
            Returned when absent.

        Returns
        -------
        object
            The layer ``name``, or ``default`` when the study has none.
        """
        return self.layers.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)


def read_table(
    path: str | Path | postgis.StudyURL,
    name: str,
    *,
    problems: list[str] | None = None,
    schema: str | None = None,
) -> pd.DataFrame:
    """Read one layer or table of a study (a GeoDataFrame when it has geometry).

    A study layer comes back with its schema's types (:func:`~zonekit.layers.schema.conform`); values
    that do not fit their type are read as missing and described in ``problems`` when a list is given.

    Parameters
    ----------
    path : str | Path
        The file.
    name : str
        The name.
    problems : list[str], optional
        Problems found so far; appended to.
    schema : str, optional
        The layer whose schema the table follows, when it is not ``name`` (a dated snapshot).

    Returns
    -------
    pd.DataFrame
        The layer (a GeoDataFrame when it has geometry) or table.
    """
    if postgis.is_url(path):
        df = postgis.read_tables(path, [name])[name]
    else:
        df = pyogrio.read_dataframe(Path(path), layer=name, use_arrow=True)  # columnar: half the time of rows
    if isinstance(df, gpd.GeoDataFrame) and df.geometry.name != "geometry":
        df = df.rename_geometry("geometry")
    kind = schema or name
    if kind in SCHEMAS:
        df = conform(df, SCHEMAS[kind], problems)
    return df


def read_study(
    path: str | Path | postgis.StudyURL,
    *,
    layers: list[str] | None = None,
    validate_schema: bool = True,
    stream: tuple[str, ...] = (),
    on: str | pd.Timestamp | None = None,
) -> Study:
    """Read a study's layers.

    Parameters
    ----------
    path : str, Path or StudyURL
        The study GeoPackage, or a ``postgresql://…?schema=…`` URL.
    layers : list of str, optional
        Only these layers (default: every study layer present).
    validate_schema : bool, default True
        Check every layer against its schema and raise one :class:`~zonekit.errors.SchemaError` listing
        every problem.
    stream : tuple of str, optional
        Layers not read now but given as a :class:`~zonekit.layers.stream.LayerStream`, read chunk by
        chunk (and checked) by the analysis that takes them: a province's parcels in bounded memory.
    on : str or Timestamp, optional
        A statistics date: ``landuse`` and ``enterprises`` are read from their snapshot serving it (the
        latest on or before it, :mod:`zonekit.layers.snapshots`) where the study keeps snapshots of them.

    Returns
    -------
    Study
        A mapping of layer name → GeoDataFrame (DataFrame for ``enclaves``).
    """
    from zonekit.layers.partitions import store_of
    from zonekit.layers.snapshots import serving, snapshot_dates, snapshot_name

    where: Path | postgis.StudyURL = postgis.as_url(path) if postgis.is_url(path) else Path(path)
    meta = study_meta(where)
    crs = pyproj.CRS.from_user_input(meta["crs"])
    present = list_tables(where)
    tables: dict[str, str] = {}
    if on is not None:
        for layer, days in snapshot_dates(present).items():
            day = serving(days, pd.Timestamp(on), layer=layer, study=str(where))
            tables[layer] = snapshot_name(layer, day)
    present = [*present, *(n for n in tables if n not in present)]
    wanted = [n for n in (layers or LAYER_NAMES) if n in present]
    out: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for name in wanted:
        table = tables.get(name, name)
        store = store_of(where, name, meta) if table == name else None
        if store is not None:  # the layer is read from its partitioned store (zonekit partition)
            parts = LayerStream.from_partitions(store, name, crs, strict=validate_schema)
            out[name] = parts if name in stream else parts.select()
            continue
        if name in stream:
            own = None if table == name else table
            out[name] = LayerStream.of(where, name, crs, strict=validate_schema, table=own)
            continue
        df = read_table(where, table, problems=problems if validate_schema else None, schema=name)
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
            raise StudyError("study.no_layers", path=str(where), layers=", ".join(missing))
    raise_if_invalid(problems, path=str(where))
    return Study(where, crs, out, {k: v for k, v in tables.items() if k in out})


def _study_error(err: Exception, path: Path) -> StudyError:
    """The one-paragraph message for a write that could not be done."""
    if isinstance(err, gpkg.StudyLockedError):
        who = ", ".join(f"{name} (pid {pid})" for pid, name in err.holders) or "study.locked_by_unknown"
        return StudyError("study.locked", path=path, who=who, timeout=err.timeout)
    if isinstance(err, gpkg.ReadOnlyError):
        return StudyError(err.code, path=path, mode=err.values.get("mode", ""))
    if isinstance(err, sqlite3.Error | OSError) and (
        "full" in str(err).lower() or getattr(err, "errno", None) == 28
    ):
        return StudyError("study.disk_full", path=path)
    if isinstance(err, sqlite3.DatabaseError) and "malformed" in str(err).lower():
        return StudyError("study.damaged", path=path)
    return StudyError("study.write_failed", path=path, err=f"{type(err).__name__}: {err}")


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Let one zonekit writer at a time work on a study; a second waits (see :func:`zonekit.geo.gpkg.exclusive`).

    Reading the study's state (its CRS, the next import id, the ids already present) and writing the
    result happen inside one such block, so two imports started together both land.

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    Iterator[None]
        Let one zonekit writer at a time work on a study; a second waits (see :func:`zonekit.geo.gpkg.exclusive`).
    """
    path = Path(path)
    try:
        with gpkg.exclusive(path):
            yield
    except (gpkg.StudyLockedError, gpkg.ReadOnlyError) as err:
        raise _study_error(err, path) from None


class StagedTables:
    """Tables staged for one study write (see :func:`staged_tables`): study layers go in their schema's types."""

    def __init__(self, stage: gpkg.Staged, path: Path) -> None:
        self._stage, self._path = stage, path

    def add(self, name: str, df: pd.DataFrame) -> None:
        """Stage ``df`` as (more rows of) ``name``.

        Parameters
        ----------
        name : str
            A study layer or table.
        df : pd.DataFrame
            Its rows (all, or the next chunk).
        """
        try:
            self._stage.add(name, storable(df, SCHEMAS[name]) if name in SCHEMAS else df)
        except OSError as err:
            raise _study_error(err, self._path) from None

    @property
    def names(self) -> list[str]:
        """What is staged so far."""
        return list(self._stage.names)


@contextlib.contextmanager
def staged_tables(
    path: str | Path,
    *,
    append: frozenset[str] = frozenset(),
    keep_previous: frozenset[str] = frozenset(),
    copies: dict[str, str] | None = None,
) -> Iterator[StagedTables]:
    """Stage layers and tables, then write them into the study in one transaction on the file itself.

    Parameters
    ----------
    path : str or Path
        The study.
    append : set of str
        Names to append to instead of replacing.
    keep_previous : set of str
        Names whose existing layer is kept as ``<name>_previous`` when replaced.
    copies : dict, optional
        Layer → a copy of it made in the same transaction once the staged tables are in (a dated snapshot).

    Yields
    ------
    StagedTables
        What the block adds its tables to; nothing reaches the study if the block raises.
    """
    path = Path(path)
    in_block = False  # the block's own errors (a bad source, a refusal) pass through unchanged
    try:
        with gpkg.staged_layers(path, append=append, keep_previous=keep_previous, copies=copies) as stage:
            in_block = True
            yield StagedTables(stage, path)
            in_block = False
    except (gpkg.StudyLockedError, gpkg.ReadOnlyError, sqlite3.Error, OSError) as err:
        if in_block:
            raise
        raise _study_error(err, path) from None


def write_tables(
    path: str | Path,
    tables: dict[str, pd.DataFrame],
    *,
    append: frozenset[str] = frozenset(),
) -> None:
    """Write layers and tables into a study in one transaction on the file itself.

    Parameters
    ----------
    path : str or Path
        The study.
    tables : dict
        Name → (Geo)DataFrame. Geometry columns are written as MultiPolygon layers; study layers are
        written with their schema's column types (booleans, dates, text ids).
    append : set of str
        Names to append to instead of replacing.
    """
    with staged_tables(path, append=append) as stage:
        for name, df in tables.items():
            stage.add(name, df)
