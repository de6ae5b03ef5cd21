"""Reading every format users are handed, and writing files and folders atomically.

:func:`read_source` is the one entry for imports: Shapefile (also ``.zip``/``.shp.zip``), GeoPackage,
GeoJSON, File Geodatabase (``.gdb``, ``.gdb.zip``), KML/KMZ, CSV (a WKT column or lon/lat columns) and XLSX
tables. It decides the text encoding (see :mod:`zonekit.geo.encoding`), reads in bulk with pyogrio and,
when a corrupt record stops the bulk read, falls back to reading feature by feature with fiona so that only
the broken records are lost — and even those are reported, never dropped silently.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import stat
import tempfile
import warnings
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from zonekit.errors import SourceReadError
from zonekit.geo.archive import safe_extract
from zonekit.geo.encoding import (
    EncodingDecision,
    codec_name,
    dbf_column_text,
    decide_from_bytes,
    read_dbf_header,
    shapefile_encoding,
    shapefile_set,
    sidecar,
)
from zonekit.geo.progress import tracked
from zonekit.vocabulary.messages import Reasons, say


def _one(_: object) -> int:
    return 1


VECTOR_SUFFIXES = {
    ".shp": "ESRI Shapefile",
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".gdb": "OpenFileGDB",
}
TABLE_SUFFIXES = {".csv": "CSV", ".txt": "CSV", ".xlsx": "XLSX"}
ARCHIVE_SUFFIXES = {".zip", ".shz", ".kmz"}
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "坐标串")
LON_COLUMNS = ("lon", "lng", "long", "longitude", "经度", "x")
LAT_COLUMNS = ("lat", "latitude", "纬度", "y")


@dataclass
class SourceRead:
    """One layer read from a source file, before any domain mapping."""

    frame: pd.DataFrame
    """Attributes plus a ``geometry`` column of shapely objects (all None for a table)."""
    source: str
    format: str
    layer: str | None
    crs: pyproj.CRS | None
    encoding: EncodingDecision
    n_read: int
    row_problems: dict[int, str] = field(default_factory=dict)
    """Rows that could not be read properly, by position, with the reason (kept in ``frame``)."""
    notes: list[str] = field(default_factory=list)
    has_geometry: bool = True
    offset: int = 0
    """Position in the source of this read's first row (a chunk of a large layer starts past 0)."""
    declared: int | None = None
    """How many features the source declares, when it says (a chunked read's total)."""
    crs_problem: str | None = None
    """Why the CRS the file declares cannot be understood (then ``crs`` is None), e.g. a .prj without datum."""


def _suffix(p: Path) -> str:
    name = p.name.lower()
    for double in (".shp.zip", ".gdb.zip"):
        if name.endswith(double):
            return ".zip"
    return p.suffix.lower()


def _datasets_in(folder: Path) -> list[Path]:
    found: list[Path] = []
    for p in sorted(folder.rglob("*")):
        if any(part.startswith("__MACOSX") for part in p.parts):
            continue
        if p.is_dir() and p.suffix.lower() == ".gdb":
            found.append(p)
        elif p.is_file() and not any(a.suffix.lower() == ".gdb" for a in p.parents):
            s = p.suffix.lower()
            if s in VECTOR_SUFFIXES or s in TABLE_SUFFIXES:
                found.append(p)
    return found


GLOB_CHARS = set("*?[")


def expand_sources(sources: list[str | Path], *, layer: str | None = None) -> list[Path]:
    """The files that a list of sources names, patterns and folders of several files opened up.

    A pattern (``县/*.shp``, quoted so the shell leaves it) becomes the files it matches, and a folder of
    several datasets each of them (its vector datasets, when it has any: a ``说明.txt`` beside the county
    shapefiles is not a table to import).

    A folder with one dataset, an archive, a ``.gdb`` and a plain file stand for themselves, and so does
    a folder when ``layer`` chooses inside it.

    Parameters
    ----------
    sources : list of str or Path
        As given on the command line.
    layer : str, optional
        The ``--layer`` option.

    Returns
    -------
    list of Path
        In order, each once.

    Raises
    ------
    SourceReadError
        A pattern that matches nothing.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for county in ("通州", "海门"):
    ...     _ = (d / f"{county}.geojson").write_text("{}")
    >>> _ = (d / "说明.txt").write_text("read me")
    >>> [p.name for p in expand_sources([d])]
    ['海门.geojson', '通州.geojson']
    >>> [p.name for p in expand_sources([str(d / "通*.geojson")])]
    ['通州.geojson']
    """
    out: list[Path] = []
    for src in sources:
        path = Path(src)
        if not path.exists() and GLOB_CHARS & set(str(src)):
            found = sorted(Path(path.anchor or ".").glob(str(path.relative_to(path.anchor or "."))))
            if not found:
                raise SourceReadError("source.no_match", path=src)
            out.extend(found)
        elif path.is_dir() and path.suffix.lower() != ".gdb" and layer is None:
            inside = _datasets_in(path)
            vectors = [p for p in inside if p.suffix.lower() in VECTOR_SUFFIXES]
            out.extend((vectors or inside) if len(inside) > 1 else [path])
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def _pick(cands: list[Path], layer: str | None, *, src: Path) -> tuple[Path, str | None]:
    if not cands:
        raise SourceReadError("source.no_dataset", path=src)
    if len(cands) == 1:
        return cands[0], layer
    if layer is not None:
        for c in cands:
            if layer in (c.stem, c.name, c.as_posix()) or c.as_posix().endswith("/" + layer):
                return c, None
    names = ", ".join(c.name for c in cands)
    raise SourceReadError("source.several_datasets", path=src, names=names)


@contextlib.contextmanager
def _opened(path: Path, layer: str | None) -> Iterator[tuple[Path, str | None, str]]:
    """Yield (dataset path, layer still to choose, display name), extracting archives safely."""
    if not path.exists():
        raise SourceReadError("source.missing", path=path)
    refuse_special(path)
    if _suffix(path) in ARCHIVE_SUFFIXES:
        with tempfile.TemporaryDirectory(prefix="zonekit-") as tmp:
            how = safe_extract(path, Path(tmp))
            ds, rest = _pick(_datasets_in(Path(tmp)), layer, src=path)
            yield ds, rest, f"{path}!{ds.relative_to(tmp).as_posix()} ({how})"
        return
    if path.is_dir() and path.suffix.lower() != ".gdb":
        ds, rest = _pick(_datasets_in(path), layer, src=path)
        yield ds, rest, str(ds)
        return
    yield path, layer, str(path)


def refuse_special(path: Path) -> None:
    """Stop on a source that is not a regular file or folder (a FIFO or a device would hang or never end).

    A shapefile's other files are looked at too: a ``.dbf`` that is a FIFO blocks its reader as well.

    Parameters
    ----------
    path : Path
        The source as the user named it.

    Raises
    ------
    SourceReadError
        When ``path`` or a file of its shapefile set is a FIFO, socket or device.

    Examples
    --------
    >>> import os, tempfile
    >>> fifo = Path(tempfile.mkdtemp()) / "parks.geojson"
    >>> os.mkfifo(fifo)
    >>> refuse_special(fifo)
    Traceback (most recent call last):
    ...
    zonekit.errors.SourceReadError: ...
    """
    parts = [path, *shapefile_set(path).values()] if path.suffix.lower() == ".shp" else [path]
    for part in parts:
        mode = part.stat().st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise SourceReadError("source.not_regular", path=part)


def source_digest(path: str | Path) -> str:
    """SHA-256 of what a source is made of, to prove which file a result came from.

    A file's bytes; a shapefile's files one after the other (.shp, .shx, .dbf, .prj, .cpg, as present);
    a folder's (a .gdb) files in the order of their names.

    Parameters
    ----------
    path : str or Path
        The source as the user named it.

    Returns
    -------
    str
        The hex digest.

    Examples
    --------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = f.write_text("x")
    >>> source_digest(f)[:16]
    '2d711642b726b044'
    """
    import hashlib

    path = Path(path)
    if path.is_dir():
        parts = sorted(p for p in path.rglob("*") if p.is_file())
    elif path.suffix.lower() == ".shp":
        parts = list(shapefile_set(path).values())
    else:
        parts = [path]
    digest = hashlib.sha256()
    for part in parts:
        with open(part, "rb") as f:
            while chunk := f.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()


def list_layers(path: Path) -> list[str]:
    """Layer names of a multi-layer dataset (GeoPackage, File Geodatabase, KML).

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    list[str]
        Layer names of a multi-layer dataset (GeoPackage, File Geodatabase, KML).
    """
    try:
        return [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as err:
        raise SourceReadError("source.gdal_cannot_open", path=path, err=err) from None


def read_source(path: str | Path, *, layer: str | None = None, encoding: str | None = None) -> SourceRead:
    """Read one layer of a source file.

    Parameters
    ----------
    path : str or Path
        The file, folder or archive.
    layer : str, optional
        Layer (GeoPackage, File Geodatabase, KML, XLSX sheet) or dataset name inside an archive/folder.
    encoding : str, optional
        Text encoding that overrides ``.cpg`` and detection.

    Returns
    -------
    SourceRead

    Raises
    ------
    SourceReadError, EncodingError, UnsafeArchiveError
    """
    path = Path(path)
    with _opened(path, layer) as (ds, lyr, display):
        suffix = ds.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            return _read_table(ds, display=display, layer=lyr, encoding=encoding)
        if suffix not in VECTOR_SUFFIXES:
            raise SourceReadError("source.format_unknown", path=path, suffix=ds.suffix)
        fmt = VECTOR_SUFFIXES[suffix]
        with _without_bad_prj(ds, fmt) as (ds, crs_problem):
            read = _read_vector(ds, display=display, layer=lyr, encoding=encoding, fmt=fmt)
        read.crs_problem = crs_problem
        return read


IMPORT_CHUNK_ROWS = 250_000
"""Features per chunk when a large vector layer is imported piece by piece."""
_STREAMED_FORMATS = ("GPKG", "ESRI Shapefile", "OpenFileGDB")  # formats that count their features cheaply


def read_source_chunks(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    chunk_rows: int | None = None,
) -> Generator[SourceRead]:
    """Read one layer of a source file as consecutive chunks, so that a layer of any size fits in memory.

    A GeoPackage, Shapefile or File Geodatabase layer of more than ``chunk_rows`` features is read with
    GDAL's Arrow stream, ``chunk_rows`` at a time; every other source (and a small layer) is one chunk,
    exactly as :func:`read_source` reads it. When the stream stops at a corrupt record, or gives fewer
    records than the file declares, the rest is read feature by feature, as :func:`read_source` does.
    Close the generator (or exhaust it) to remove an archive's extracted files.

    Parameters
    ----------
    path : str or Path
        The file, folder or archive.
    layer : str, optional
        Layer or dataset name inside the source.
    encoding : str, optional
        Text encoding that overrides ``.cpg`` and detection.
    chunk_rows : int, optional
        Features per chunk (default :data:`IMPORT_CHUNK_ROWS`).

    Yields
    ------
    SourceRead
        One chunk; ``offset`` is the position of its first row in the source, ``row_problems`` are keyed
        by position within the chunk.
    """
    rows = chunk_rows or IMPORT_CHUNK_ROWS
    path = Path(path)
    with _opened(path, layer) as (ds, lyr, display):
        suffix = ds.suffix.lower()
        fmt = VECTOR_SUFFIXES.get(suffix)
        if suffix in TABLE_SUFFIXES:
            yield _read_table(ds, display=display, layer=lyr, encoding=encoding)
            return
        if fmt is None:
            raise SourceReadError("source.format_unknown", path=path, suffix=ds.suffix)
        with _without_bad_prj(ds, fmt) as (ds, crs_problem):
            declared = None
            if fmt in _STREAMED_FORMATS:
                lyr = _choose_layer(ds, lyr, fmt, display)
                declared = _declared_count(ds, lyr, fmt)
            if declared is not None and declared > rows:
                reads: Iterator[SourceRead] = _stream_vector(ds, display, lyr, encoding, fmt, rows, declared)
            else:
                reads = iter([_read_vector(ds, display=display, layer=lyr, encoding=encoding, fmt=fmt)])
            for read in reads:
                read.crs_problem = crs_problem
                yield read


def _declared_count(ds: Path, layer: str | None, fmt: str) -> int | None:
    if fmt == "ESRI Shapefile":
        return _shapefile_record_count(ds)
    try:
        n = int(pyogrio.read_info(ds, layer=layer)["features"])
    except Exception:  # unreadable metadata: the whole-file reader says why
        return None
    return n if n >= 0 else None


def _encoding_of(ds: Path, encoding: str | None, fmt: str) -> tuple[EncodingDecision, str | None]:
    """The text encoding decided for a vector source, and the one to pass to GDAL (None: its own).

    A UTF-8 shapefile whose field names the .dbf cut inside a character is read by GDAL as Latin-1, each
    byte one character, and decoded by :func:`_from_latin1`.
    """
    if fmt == "ESRI Shapefile":
        enc = shapefile_encoding(ds, override=encoding)
    elif encoding:
        enc = EncodingDecision(codec_name(encoding), Reasons.of("how.encoding_option"))
    else:
        enc = EncodingDecision("utf-8", Reasons.of("how.format_utf8", format=fmt))
    gdal = enc.encoding if fmt == "ESRI Shapefile" or encoding else None
    if fmt == "ESRI Shapefile" and gdal == "utf-8" and _utf8_names_cut(ds):
        gdal = "latin-1"  # GDAL cannot decode the cut names: it reads bytes, :func:`_from_latin1` decodes
    return enc, gdal


def _gdal_text(encoding: str | None) -> dict[str, str]:
    """How to tell pyogrio a source's text encoding.

    Bytes as Latin-1 go as the driver's open option: pyogrio's ``encoding`` does not override a .cpg.
    """
    if encoding is None:
        return {}
    return {"ENCODING": "ISO-8859-1"} if encoding == "latin-1" else {"encoding": encoding}


def _normal_crs(crs: pyproj.CRS | None) -> pyproj.CRS | None:
    """The CRS as its EPSG code when it is one (a .prj's WKT names no code)."""
    if crs is None:
        return None
    code = crs.to_epsg(min_confidence=70)
    return pyproj.CRS.from_epsg(code) if code else crs


def _parsed_crs(text: str | None) -> tuple[pyproj.CRS | None, str | None]:
    """The CRS a file declares, or None and why pyproj cannot understand it."""
    if not text:
        return None, None
    try:
        return _normal_crs(pyproj.CRS.from_user_input(text)), None
    except pyproj.exceptions.CRSError as err:
        return None, str(err).splitlines()[-1].strip() or type(err).__name__


def _declared_crs_problem(ds: Path, layer: str | None) -> str | None:
    try:
        text = pyogrio.read_info(ds, layer=layer).get("crs")
    except pyogrio.errors.CRSError as err:  # GDAL itself cannot make sense of it
        return str(err).strip() or type(err).__name__
    except Exception:  # unreadable metadata: the reader says why
        return None
    return _parsed_crs(text)[1]


@contextlib.contextmanager
def _without_bad_prj(ds: Path, fmt: str | None) -> Iterator[tuple[Path, str | None]]:
    """The dataset, and why its declared CRS cannot be understood (None when it can).

    A shapefile whose .prj cannot be understood is read as if it had none (its other files linked into
    a temporary folder), so that ``--crs`` can say what the coordinates are; the importer stops without it.
    """
    problem = _declared_crs_problem(ds, None) if fmt == "ESRI Shapefile" else None
    if problem is None:
        yield ds, None
        return
    with tempfile.TemporaryDirectory(prefix="zonekit-") as tmp:
        for suffix, part in shapefile_set(ds).items():
            if suffix != ".prj":
                (Path(tmp) / part.name).symlink_to(part.resolve())
        yield Path(tmp) / ds.name, problem


def _stream_vector(
    ds: Path, display: str, layer: str | None, encoding: str | None, fmt: str, rows: int, declared: int
) -> Iterator[SourceRead]:
    enc, gdal_encoding = _encoding_of(ds, encoding, fmt)
    crs = None
    start, stopped = 0, None
    exact = _exact_wide_integers(ds) if fmt == "ESRI Shapefile" else (lambda frame, start: frame)
    with pyogrio.open_arrow(
        ds, layer=layer, **_gdal_text(gdal_encoding), batch_size=rows, use_pyarrow=True
    ) as (
        meta,
        reader,
    ):
        geometry = meta["geometry_name"] or "wkb_geometry"
        crs = _parsed_crs(meta.get("crs"))[0]
        spatial = geometry in reader.schema.names
        columns = [c for c in reader.schema.names if c != geometry]
        while True:
            with warnings.catch_warnings(record=True) as caught:  # around GDAL's part only
                warnings.simplefilter("always")
                try:
                    batch = next(reader)
                except StopIteration:
                    break
                except Exception as err:
                    stopped = err
                    break
            frame, geoms = arrow_frame(batch, geometry if spatial else None)
            frame["geometry"] = geoms
            notes = sorted({str(w.message) for w in caught})
            if gdal_encoding == "latin-1" and enc.encoding == "utf-8":
                frame = _from_latin1(frame, notes)
            frame = exact(frame, start)
            yield SourceRead(
                frame, display, fmt, layer, crs, enc, len(frame), {}, notes, spatial, start, declared
            )
            start += len(frame)
    if stopped is None and start >= declared:
        return
    why = stopped if stopped is not None else f"GDAL returned {start} of the {declared} records"
    df, problems = _read_by_feature(ds, layer=layer, encoding=gdal_encoding, fmt=fmt, start=start)
    frame = pd.DataFrame(df.drop(columns=df.geometry.name))
    # in the stream's column order, also where records were read without their attributes
    frame = frame.reindex(columns=[*columns, *(c for c in frame.columns if c not in columns)])
    frame["geometry"] = np.asarray(df.geometry.values, dtype=object)
    note = f"bulk read failed at record {start} ({why}); the rest read feature by feature"
    yield SourceRead(
        frame, display, fmt, layer, crs, enc, len(frame), problems, [note], spatial, start, declared
    )


def arrow_frame(batch, geometry: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """A record batch of GDAL's Arrow stream as attributes and shapely geometries.

    Parameters
    ----------
    batch : pyarrow.RecordBatch
        The batch.
    geometry : str or None
        Its WKB geometry column (None: an attribute table).

    Returns
    -------
    tuple[pd.DataFrame, np.ndarray]
        The attributes (dates as ``datetime64``) and the geometries (all None for a table).

    Examples
    --------
    >>> import pyarrow as pa, shapely
    >>> b = pa.record_batch({"name": ["甲"], "geom": [shapely.to_wkb(shapely.Point(1, 2))]})
    >>> attrs, geoms = arrow_frame(b, "geom")
    >>> list(attrs.columns), geoms[0].wkt
    (['name'], 'POINT (1 2)')
    """
    if geometry is None:
        return batch.to_pandas(date_as_object=False), np.full(batch.num_rows, None, dtype=object)
    attrs = batch.drop_columns([geometry]).to_pandas(date_as_object=False)
    return attrs, shapely.from_wkb(batch.column(geometry).to_numpy(zero_copy_only=False))


def _choose_layer(ds: Path, layer: str | None, fmt: str, display: str | None = None) -> str | None:
    """The layer to read; the messages name ``display`` (the user's archive), never an extraction folder."""
    if fmt in ("ESRI Shapefile", "GeoJSON"):
        return None
    shown = display or ds
    try:
        names = list_layers(ds)
    except SourceReadError as err:
        err.path = str(shown)
        raise
    if layer is not None:
        if layer not in names:
            raise SourceReadError("source.no_such_layer", path=shown, layer=layer, names=", ".join(names))
        return layer
    if len(names) == 1:
        return names[0]
    raise SourceReadError("source.several_layers", path=shown, n=len(names), names=", ".join(names))


def _read_vector(ds: Path, *, display: str, layer: str | None, encoding: str | None, fmt: str) -> SourceRead:
    lyr = _choose_layer(ds, layer, fmt, display)
    enc, gdal_encoding = _encoding_of(ds, encoding, fmt)
    notes: list[str] = []
    cut = gdal_encoding == "latin-1" and enc.encoding == "utf-8"
    kwargs = {"layer": lyr, **_gdal_text(gdal_encoding)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            df = pyogrio.read_dataframe(ds, **kwargs)
            problems: dict[int, str] = {}
            expected = _declared_count(ds, lyr, fmt) if fmt != "GeoJSON" else None
            if expected is not None and len(df) < expected:
                raise ValueError(f"GDAL returned {len(df)} of the {expected} records")
        except pyogrio.errors.DataSourceError as err:
            raise SourceReadError("source.gdal_cannot_open", path=display, err=err) from None
        except Exception as err:
            notes.append(f"bulk read failed ({err}); read feature by feature")
            df, problems = _read_by_feature(ds, layer=lyr, encoding=gdal_encoding, fmt=fmt)
    notes.extend(sorted({str(w.message) for w in caught}))
    if fmt == "GeoJSON":
        df = _geojson_members(ds, df, notes)
    crs = _normal_crs(getattr(df, "crs", None))
    geometry = getattr(df, "_geometry_column_name", None)  # None: an attribute table (GeoPackage, .dbf)
    spatial = geometry is not None and geometry in df.columns
    frame = pd.DataFrame(df.drop(columns=geometry) if spatial else df)
    frame["geometry"] = np.asarray(df[geometry].values, dtype=object) if spatial else None
    if cut:
        frame = _from_latin1(frame, notes)
    if fmt == "ESRI Shapefile" and not problems:
        frame = _exact_wide_integers(ds)(frame, 0)
    return SourceRead(
        frame.reset_index(drop=True),
        display,
        fmt,
        lyr,
        crs,
        enc,
        len(frame),
        problems,
        notes,
        has_geometry=spatial,
    )


def _utf8_names_cut(shp: Path) -> bool:
    """Whether a UTF-8 .dbf has field names cut inside a character (at the format's 10 bytes)."""
    dbf = sidecar(shp, ".dbf")
    if dbf is None:
        return False
    try:
        read_dbf_header(dbf).field_name_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _from_latin1(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """A frame read as Latin-1 brought back to its UTF-8 text; the cut field names lose the broken character."""
    names = {
        c: c.encode("latin-1").decode("utf-8", errors="ignore") for c in frame.columns if c != "geometry"
    }
    for col in names:
        values = frame[col]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            raw = values.astype(object).where(values.notna(), None)
            frame[col] = raw.map(
                lambda v: v.encode("latin-1").decode("utf-8", "replace") if isinstance(v, str) else v
            )
    changed = [f"{new}" for old, new in names.items() if old.encode("latin-1") != new.encode("utf-8")]
    notes.append(say("note.names_cut", "en", names=", ".join(changed)))
    return frame.rename(columns=names)


def _exact_wide_integers(shp: Path) -> Callable[[pd.DataFrame, int], pd.DataFrame]:
    """What puts back the exact digits of a shapefile's 19-digit (and wider) whole-number fields.

    GDAL reads such a field as floating point: an id of 19 digits comes back with 16 or 17 right. The
    returned function replaces those columns of a frame holding records ``start``… with the text the
    .dbf holds (a file with deleted records, where positions would not match, is left as GDAL read it).
    """
    dbf = sidecar(shp, ".dbf")
    header = read_dbf_header(dbf) if dbf is not None else None
    if dbf is None or header is None or not header.wide_integers or header.has_deleted(dbf):
        return lambda frame, start: frame

    def fix(frame: pd.DataFrame, start: int) -> pd.DataFrame:
        attrs = [c for c in frame.columns if c != "geometry"]
        for index, offset, length in header.wide_integers:
            text = dbf_column_text(dbf, header, offset, length, start, start + len(frame))
            if index < len(attrs) and len(text) == len(frame):
                frame[attrs[index]] = text
        return frame

    return fix


def _shapefile_record_count(shp: Path) -> int | None:
    """How many records a shapefile declares: the larger of the .shx count and the .dbf header count."""
    shx, dbf = sidecar(shp, ".shx"), sidecar(shp, ".dbf")
    counts = [max(0, (shx.stat().st_size - 100) // 8)] if shx else []
    counts += [read_dbf_header(dbf).n_records] if dbf else []
    return max(counts) if counts else None


def _read_by_feature(ds: Path, *, layer: str | None, encoding: str | None, fmt: str, start: int = 0):
    """Read a file one feature at a time with fiona (from record ``start``), recording those that fail.

    The problems are keyed by position from ``start``.
    """
    import fiona
    import geopandas as gpd

    problems: dict[int, str] = {}
    rows: list[dict] = []
    geoms: list = []
    dbf_ok = None
    if fmt == "ESRI Shapefile":
        dbf = sidecar(ds, ".dbf")
        if dbf is not None:
            dbf_ok = read_dbf_header(dbf).records_present(dbf.stat().st_size)
    open_kw = {"layer": layer} if layer else {}
    if encoding:
        open_kw["encoding"] = encoding
    try:
        src = fiona.open(ds, **open_kw)
    except Exception as err:
        raise SourceReadError("source.unreadable", path=ds, err=err) from None
    with src:
        crs = src.crs_wkt or None
        fids = list(src.keys())
        declared = _declared_count(ds, layer, fmt) if fmt != "GeoJSON" else None
        if declared is not None and declared > len(fids):  # records the driver no longer lists
            fids = list(range(declared)) if fmt == "ESRI Shapefile" else fids + _unlisted(src, fids, declared)
        fids = fids[start:]
        steps = fids if len(fids) < 10_000 else tracked(fids, "progress.features", total=len(fids), size=_one)
        for pos, fid in enumerate(steps):
            try:
                if dbf_ok is not None and start + pos >= dbf_ok:
                    raise ValueError("its attribute record is missing from the truncated .dbf")
                feat = src[fid]
                props = dict(feat.properties)
                geom = shapely.geometry.shape(feat.geometry) if feat.geometry is not None else None
            except Exception as err:
                problems[pos] = f"unreadable record (fid {fid}): {err}"
                props, geom = {}, None
            rows.append(props)
            geoms.append(geom)
        lost = (declared or 0) - start - len(rows)
        for pos in range(len(rows), len(rows) + max(0, lost)):  # declared, but no fid reaches them
            problems[pos] = say("row.declared_unreadable", "en", n=lost, declared=declared)
            rows.append({})
            geoms.append(None)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=crs), problems


def _unlisted(src, listed: list, declared: int) -> list:
    """Fids a damaged file no longer lists but can still give, by asking for each in turn.

    A GeoPackage's features are numbered from 1; a corrupt page ends the listing, not the lookups of the
    features past it. At most a few times as many fids are asked for as are missing.
    """
    have = set(listed)
    missing = declared - len(listed)
    top = max([*have, 0]) + 4 * missing + 16
    found: list = []
    for fid in range(1, top + 1):
        if len(found) >= missing:
            break
        if fid in have:
            continue
        try:
            feat = src[fid]
        except Exception:
            feat = None
        if feat is not None and feat.properties is not None:
            found.append(fid)
    return found


def _geojson_members(path: Path, df, notes: list[str]):
    """The GeoJSON read again from its members when GDAL left some out (or a property it drops).

    GDAL skips a member whose ``"type"`` is missing or misspelt, and drops a property called
    ``geometry``. When the file holds such members (counted with the standard ``json`` parser), every
    member is read from the JSON itself: a member with a geometry and properties is a feature whatever
    its ``"type"`` says (said in the notes), and a ``geometry`` property is kept as ``geometry_property``.
    """
    import geopandas as gpd

    if path.stat().st_size > 512 << 20:  # too large to parse twice; GDAL's reading stands
        return df
    try:
        doc = json.loads(path.read_bytes())
    except ValueError:
        return df
    members = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(members, list):
        return df
    kinds = pd.Series([m.get("type") if isinstance(m, dict) else None for m in members], dtype=object)
    props = [m.get("properties") or {} if isinstance(m, dict) else {} for m in members]
    shadowed = any("geometry" in p for p in props)
    if len(members) == len(df) and not shadowed:
        return df
    odd = np.flatnonzero((kinds != "Feature").to_numpy())
    if len(odd):
        first = int(odd[0])
        notes.append(say("note.geojson_type", "en", n=len(odd), first=first + 1, type=str(kinds[first])))
    if shadowed:
        notes.append(say("note.geometry_property", "en"))
        props = [{("geometry_property" if k == "geometry" else k): v for k, v in p.items()} for p in props]
    shapes = [m.get("geometry") if isinstance(m, dict) else None for m in members]
    text = np.array([json.dumps(g) if isinstance(g, dict) else None for g in shapes], dtype=object)
    geoms = shapely.from_geojson(text, on_invalid="ignore")
    crs = getattr(df, "crs", None) or "EPSG:4326"
    return gpd.GeoDataFrame(pd.DataFrame(props), geometry=geoms, crs=crs)


CSV_DELIMITERS = ",\t;|"


def csv_delimiter(header: str) -> str:
    """The delimiter of a CSV text: the candidate that occurs most often in its header line (outside quotes).

    Parameters
    ----------
    header : str
        The first line.

    Returns
    -------
    str
        One of ``, \\t ; |``; a comma when the header has none of them.

    Examples
    --------
    >>> csv_delimiter('名称;代码;"a,b"')
    ';'
    >>> csv_delimiter("name")
    ','
    """
    bare = "".join(header.split('"')[::2])
    counts = {d: bare.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_frame(text: str, display: str) -> tuple[pd.DataFrame, dict[int, str]]:
    """A CSV text as text columns, every record kept.

    A record with more or fewer fields than the header is kept as far as it fits and comes back as a
    problem (position → reason), so import rejects it with that reason instead of shifting its values
    into the wrong columns; a quote never closed stops with the line where it opens.
    """
    import csv

    sep = csv_delimiter(text.split("\n", 1)[0])
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=sep, strict=True))
    except csv.Error as err:
        raise SourceReadError(
            "source.csv_quote", path=display, line=_open_quote_line(text, sep), err=err
        ) from None
    records = [r for r in records if r]  # blank lines
    if not records:
        return pd.DataFrame(), {}
    header, rows = records[0], records[1:]
    width = len(header)
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    problems: dict[int, str] = {}
    for i in np.flatnonzero(lengths != width).tolist():  # only the ragged records
        problems[i] = say("row.csv_fields", "en", row=i + 1, n=int(lengths[i]), width=width)
        rows[i] = (rows[i] + [""] * width)[:width]
    df = pd.DataFrame(rows, columns=header, dtype=object)
    return df.mask(df == ""), problems


def _open_quote_line(text: str, sep: str) -> int:
    """The line on which the record that a stray quote runs to the end of the text begins."""
    import csv

    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    start = 1
    with contextlib.suppress(csv.Error):
        for _ in reader:
            start = reader.line_num + 1
    return start


def _find_col(columns: list[str], names: tuple[str, ...]) -> str | None:
    low = {c.lower().strip(): c for c in columns}
    return next((low[n] for n in names if n in low), None)


def _read_table(ds: Path, *, display: str, layer: str | None, encoding: str | None) -> SourceRead:
    if ds.suffix.lower() == ".xlsx":
        try:
            book = pd.read_excel(ds, sheet_name=None, dtype=str)
        except Exception as err:
            raise SourceReadError("source.not_excel", path=display, err=err) from None
        if layer is None and len(book) > 1:
            raise SourceReadError("source.several_sheets", path=display, names=", ".join(book))
        sheet = layer if layer is not None else next(iter(book))
        if sheet not in book:
            raise SourceReadError("source.no_such_sheet", path=display, sheet=sheet, names=", ".join(book))
        df = book[sheet]
        enc = EncodingDecision("utf-8", Reasons.of("how.xlsx"))
        problems: dict[int, str] = {}
    else:
        raw = ds.read_bytes()
        if encoding:
            enc = EncodingDecision(codec_name(encoding), Reasons.of("how.encoding_option"))
        elif raw.startswith(b"\xef\xbb\xbf"):
            enc = EncodingDecision("utf-8-sig", Reasons.of("how.bom"))
        else:
            enc = decide_from_bytes(raw, path=display, what="CSV text")
        try:
            text = raw.decode(enc.encoding)
        except UnicodeDecodeError as err:
            raise SourceReadError("source.bad_text", path=display, encoding=enc.encoding, err=err) from None
        df, ragged = _csv_frame(text, display)
        problems = dict(ragged)
    df = df.reset_index(drop=True)
    df.columns = [str(c).strip() for c in df.columns]
    wkt = _find_col(list(df.columns), WKT_COLUMNS)
    lon = _find_col(list(df.columns), LON_COLUMNS)
    lat = _find_col(list(df.columns), LAT_COLUMNS)
    has_geometry = True
    if wkt is not None:
        geoms = shapely.from_wkt(df[wkt].fillna("").to_numpy(dtype=str), on_invalid="ignore")
        for i in np.flatnonzero(shapely.is_missing(geoms)):
            problems.setdefault(int(i), f"the {wkt} column does not hold valid WKT")  # a ragged record's
            # own reason is the real cause
        df = df.drop(columns=wkt)
    elif lon is not None and lat is not None:
        x = pd.to_numeric(df[lon], errors="coerce").to_numpy()
        y = pd.to_numeric(df[lat], errors="coerce").to_numpy()
        geoms = shapely.points(x, y)
        for i in np.flatnonzero(~(np.isfinite(x) & np.isfinite(y))):
            problems.setdefault(int(i), f"{lon}/{lat} are not numbers")
            geoms[i] = None
    else:
        geoms = np.full(len(df), None, dtype=object)
        has_geometry = False
    df["geometry"] = geoms
    fmt = "XLSX" if ds.suffix.lower() == ".xlsx" else "CSV"
    return SourceRead(df, display, fmt, layer, None, enc, len(df), problems, [], has_geometry)


_TMP_TAG = ".zonekit-"


def pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user counts as alive).

    Parameters
    ----------
    pid : int
        A process id.

    Returns
    -------
    bool
        Whether a process ``pid`` exists (one of another user counts as alive).
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(folder: Path, name: str) -> None:
    """Remove temporary siblings of ``name`` left by killed zonekit processes."""
    import shutil

    for p in folder.glob(f".{glob_escape(name)}{_TMP_TAG}*"):
        pid = p.name[len(name) + 1 + len(_TMP_TAG) :].split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()


def glob_escape(name: str) -> str:
    """``name`` with glob metacharacters escaped.

    Parameters
    ----------
    name : str
        The name.

    Returns
    -------
    str
        ``name`` with glob metacharacters escaped.

    Examples
    --------
    >>> glob_escape("a[1]*.xlsx")
    'a[[]1[]][*].xlsx'
    """
    return "".join(f"[{c}]" if c in "[]*?" else c for c in name)


def _temp_sibling(path: Path, *, folder: bool = False) -> Path:
    _remove_stale(path.parent, path.name)
    prefix = f".{path.name}{_TMP_TAG}{os.getpid()}-"
    if folder:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=path.parent))
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=path.suffix, dir=path.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` only when the block succeeds.

    A file that ``path`` replaces keeps its permissions (a private file stays private); a symlink keeps
    pointing where it did and its target gets the new content; a file without write permission is not
    replaced (``PermissionError``). Temporary files carry the process id and are removed by the next
    write when a killed process left them.

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    Iterator[Path]
        A context manager yielding the temporary path to write.
    """
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.stat() if path.exists() else None
    if old is not None and not old.st_mode & 0o222:
        raise PermissionError(errno.EACCES, "the file is read-only, so it was not replaced", str(path))
    tmp = _temp_sibling(path)
    try:
        tmp.unlink()
        yield tmp
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            with contextlib.suppress(PermissionError):
                os.chown(tmp, old.st_uid, old.st_gid)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(str(tmp) + "-journal"), Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where not supported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``path`` that replaces the folder ``path`` whole when the block succeeds.

    The swap is atomic where the system offers it (Linux): a reader sees the old folder or the new one,
    and a failed or killed run leaves the previous folder as it was.

    Parameters
    ----------
    path : str | Path
        The file.

    Returns
    -------
    Iterator[Path]
        A context manager yielding the temporary folder to fill.
    """
    import shutil

    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_sibling(path, folder=True)
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        if not path.exists():
            os.rename(tmp, path)
        elif not _exchange(tmp, path):
            old = _temp_sibling(path, folder=True)
            os.rmdir(old)
            os.rename(path, old)
            os.rename(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
