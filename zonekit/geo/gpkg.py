"""Writing layers into an existing GeoPackage in place, in one SQLite transaction.

GDAL writes each layer in its own transaction and cannot replace several layers together. Copying the
file and renaming the copy over it is atomic for zonekit, but not for another program that holds the
file open (QGIS keeps GeoPackages open in WAL mode): its write-ahead log would then be replayed onto the
new file, which corrupts it. So :func:`write_layers` does this instead:

1. GDAL (pyogrio) writes the new layers into a *staging* GeoPackage in the temporary folder;
2. one SQLite transaction on the GeoPackage itself (``BEGIN IMMEDIATE``, under SQLite's own locking,
   whatever the journal mode) drops the layers being replaced, copies the staged tables, their R-tree,
   triggers and ``gpkg_*`` metadata rows in, and commits.

A killed process leaves either the previous state or the new one (SQLite's journal rolls an unfinished
transaction back), the file keeps its permissions, owner and symlinks, and another program's committed
edits are kept. Staging folders carry the writer's process id; those of dead processes are removed by
the next write.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from zonekit.geo.io import pid_alive
from zonekit.vocabulary.messages import say

STAGE_PREFIX = "zonekit-stage-"
# QGIS 3.22 (Debian's) warns that 1.4, GDAL 3.12's default, "may only be partially supported".
GPKG_VERSION = "1.3"


def new_file_options(path: str | Path) -> dict:
    """The options that make a GeoPackage ``path`` of version :data:`GPKG_VERSION` when it is created.

    GDAL takes a version only when it creates the file; for a file that exists there is nothing to say.

    Parameters
    ----------
    path : str or Path
        The file about to be written.

    Returns
    -------
    dict
        Keyword arguments for ``pyogrio.write_dataframe``.

    Examples
    --------
    >>> new_file_options("/nonexistent/new.gpkg")
    {'dataset_options': {'VERSION': '1.3'}}
    """
    return {} if Path(path).exists() else {"dataset_options": {"VERSION": GPKG_VERSION}}


LOCK_TIMEOUT_S = float(os.environ.get("ZONEKIT_LOCK_TIMEOUT", "60"))
_META_TABLES = (
    "gpkg_contents",
    "gpkg_geometry_columns",
    "gpkg_extensions",
    "gpkg_ogr_contents",
    "gpkg_data_columns",
    "gpkg_metadata_reference",
)


class StudyLockedError(RuntimeError):
    """Another process holds the file longer than the lock timeout."""

    def __init__(self, path: Path, holders: list[tuple[int, str]], timeout: float) -> None:
        self.path, self.holders, self.timeout = path, holders, timeout
        super().__init__(f"{path} is locked")


class ReadOnlyError(PermissionError):
    """The file or its folder cannot be written; ``code`` and ``values`` say which, for the message."""

    def __init__(self, code: str, *, path: str | Path, **values: object) -> None:
        self.code, self.values = code, values
        super().__init__(errno.EACCES, say(code, "en", **values), str(path))


def holders(path: str | Path) -> list[tuple[int, str]]:
    """Processes other than this one that have ``path`` (or its ``-wal``/``-journal``) open.

    Returns
    -------
    list of (pid, command name)
        Read from ``/proc``; empty where ``/proc`` is not available.

    Parameters
    ----------
    path : str | Path
        The file.

    Examples
    --------
    >>> holders("/nonexistent/file.gpkg")
    []
    """
    real = os.path.realpath(path)
    targets = {real, real + "-wal", real + "-shm", real + "-journal"}
    found: list[tuple[int, str]] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    me = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            if link in targets:
                try:
                    name = (entry / "comm").read_text().strip()
                except OSError:
                    name = "?"
                found.append((int(entry.name), name))
                break
    return found


def check_writable(path: Path) -> None:
    """Raise :class:`ReadOnlyError` when ``path`` has no write permission bit or cannot be written.

    The permission bits are checked even for root, who could write anyway: a file made read-only is a
    user's way of saying "do not change this".

    Parameters
    ----------
    path : Path
        The file.
    """
    mode = os.stat(path).st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise ReadOnlyError("study.read_only", path=path, mode=stat.filemode(mode))
    if not os.access(Path(path).parent, os.W_OK | os.X_OK):
        raise ReadOnlyError("study.folder_read_only", path=path)


@contextlib.contextmanager
def exclusive(path: str | Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an advisory ``flock`` on ``path`` so that zonekit writers take turns.

    This lock is separate from SQLite's own (POSIX record) locks, so readers and other programs are not
    affected; it only makes a second zonekit import wait until the first has committed. It is released
    when the block ends or the process dies.

    Parameters
    ----------
    path : str | Path
        The file.
    timeout : float, optional
        Seconds to wait.

    Returns
    -------
    Iterator[None]
        A context manager holding the lock inside its block.

    Raises
    ------
    StudyLockedError
        The lock was not free within ``timeout`` seconds (default ``ZONEKIT_LOCK_TIMEOUT`` or 60).
    """
    timeout = LOCK_TIMEOUT_S if timeout is None else timeout
    fd = _locked(Path(path), timeout)
    try:
        yield
    finally:
        os.close(fd)


class StudyGoneError(FileNotFoundError):
    """The file was removed while this process waited for it.

    A first import that fails removes the study it had just created.
    """


def _locked(path: Path, timeout: float) -> int:
    """A descriptor of ``path`` holding its ``flock``: of the file there when the lock was got."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise StudyGoneError(str(path)) from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as err:
                    if err.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise StudyLockedError(path, holders(path), timeout) from None
                    time.sleep(0.05)
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            return fd
        os.close(fd)  # removed or replaced while we waited: lock the file that is there now


def remove_stale_staging(folder: str | Path | None = None, prefix: str = STAGE_PREFIX) -> int:
    """Remove staging folders left by killed zonekit processes; return how many were removed.

    Parameters
    ----------
    folder : str | Path, optional
        The folder (default: the system's temporary folder).
    prefix : str, optional
        What their names start with, before the process id.

    Returns
    -------
    int
        How many folders were removed.
    """
    folder = Path(folder or tempfile.gettempdir())
    removed = 0
    for p in folder.glob(f"{prefix}*"):
        parts = p.name[len(prefix) :].split("-", 1)
        if parts[0].isdigit() and not pid_alive(int(parts[0])):
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    return removed


@contextlib.contextmanager
def staging() -> Iterator[Path]:
    """A private temporary folder for staging files, named after this process.

    Returns
    -------
    Iterator[Path]
        A private temporary folder for staging files, named after this process.
    """
    remove_stale_staging()
    with tempfile.TemporaryDirectory(prefix=f"{STAGE_PREFIX}{os.getpid()}-") as tmp:
        yield Path(tmp)


def write_frame(df: pd.DataFrame, path: Path, layer: str, *, append: bool = False) -> None:
    """Write one frame as a GeoPackage layer (a table without geometry when it has none).

    Arrow is used where the frame converts (it writes ``datetime.date`` values as DATE); otherwise the
    plain writer.

    Parameters
    ----------
    df : pd.DataFrame
        The table.
    path : Path
        The file.
    layer : str
        The layer name.
    append : bool, default False
        Add the rows to the layer already in ``path``.
    """
    import geopandas as gpd

    kwargs: dict = {"layer": layer, "driver": "GPKG", "append": append}
    if isinstance(df, gpd.GeoDataFrame):
        # polygon layers are MultiPolygon layers; a layer with points keeps them as points
        points = np.isin(shapely.get_type_id(df.geometry.values), (0, 4)).any()
        kwargs["promote_to_multi"] = None if points else True
        if not points and _write_polygons(df, path, kwargs | new_file_options(path)):
            return
    else:
        df = pd.DataFrame(df)
    kwargs.update(new_file_options(path))
    try:
        pyogrio.write_dataframe(df, path, use_arrow=True, **kwargs)
    except (TypeError, ValueError, NotImplementedError, ImportError):
        # pyarrow.ArrowInvalid/ArrowTypeError derive from ValueError/TypeError (mixed-type columns)
        pyogrio.write_dataframe(df, path, **kwargs)


_ONE_PART = b"\x01\x06\x00\x00\x00\x01\x00\x00\x00"
"""What a one-part MultiPolygon's WKB (little-endian, 2D) has before its polygon's own WKB."""
_ARROW_PLAIN = {"string", "empty", "date", "boolean", "integer", "floating", "decimal", "mixed-integer-float"}


def _write_polygons(df, path: Path, kwargs: dict) -> bool:
    """Write a polygon layer through Arrow, its polygons made one-part MultiPolygons in their WKB.

    The WKB of a one-part MultiPolygon is a 9-byte header and the polygon's own WKB: prefixing it (Arrow
    does, for every row at once) costs nothing beside building a MultiPolygon object per polygon, which
    took 1.9 s per million parcels. Where the frame holds what GDAL's Arrow writer would take otherwise
    (object columns of mixed or date-time values, 3D polygons), nothing is written and False is returned,
    for the general writer.

    Returns
    -------
    bool
        Whether the layer was written.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    geoms = np.asarray(df.geometry.values, dtype=object)
    if shapely.has_z(geoms).any():
        return False
    name = df.geometry.name
    attrs = pd.DataFrame(df.drop(columns=name))
    for col, dtype in attrs.dtypes.items():
        if pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(attrs[col]) not in _ARROW_PLAIN:
            return False
    try:
        table = pa.Table.from_pandas(attrs, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return False
    for i, f in enumerate(table.schema):  # GDAL has no null type: an empty column is text
        if pa.types.is_null(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(pa.string()))
    types = shapely.get_type_id(geoms)
    wkb = pa.array(shapely.to_wkb(geoms, byte_order=1), type=pa.binary())
    if (types == 3).any():
        one_part = pc.binary_join_element_wise(pa.scalar(_ONE_PART), wkb, pa.scalar(b""))
        wkb = pc.if_else(pa.array(types == 3), one_part, wkb)
    found = set(types[types >= 0].tolist()) - {3}
    kind = "MultiPolygon" if found <= {6} and (types >= 0).any() else "Unknown"
    table = table.append_column(name, wkb)
    crs = df.crs.to_wkt() if df.crs is not None else None
    options = {k: v for k, v in kwargs.items() if k not in ("promote_to_multi",)}
    pyogrio.write_arrow(table, path, geometry_name=name, geometry_type=kind, crs=crs, **options)
    return True


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: sqlite3.Connection, schema: str) -> set[str]:
    return {r[0] for r in con.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}


def _columns(con: sqlite3.Connection, schema: str, table: str) -> list[tuple[str, str]]:
    return [(r[1], r[2]) for r in con.execute(f"PRAGMA {schema}.table_info({_q(table)})")]


def _geometry_column(con: sqlite3.Connection, schema: str, table: str) -> str | None:
    if "gpkg_geometry_columns" not in _tables(con, schema):
        return None
    row = con.execute(
        f"SELECT column_name FROM {schema}.gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
        (table,),
    ).fetchone()
    return row[0] if row else None


def _drop(con: sqlite3.Connection, table: str) -> None:
    """Drop ``table`` from ``main`` with its R-tree, triggers and metadata rows."""
    geom = _geometry_column(con, "main", table)
    if geom is not None:
        con.execute(f"DROP TABLE IF EXISTS main.{_q(f'rtree_{table}_{geom}')}")
    con.execute(f"DROP TABLE IF EXISTS main.{_q(table)}")
    present = _tables(con, "main")
    for meta in _META_TABLES:
        if meta in present:
            con.execute(f"DELETE FROM main.{meta} WHERE lower(table_name) = lower(?)", (table,))
    if "sqlite_sequence" in present:
        con.execute("DELETE FROM main.sqlite_sequence WHERE name = ?", (table,))


def _rename(con: sqlite3.Connection, old: str, new: str) -> None:
    """Rename the layer ``old`` of ``main`` to ``new`` (dropping a ``new`` there), R-tree and metadata too.

    The R-tree's triggers are taken off, the table and its index renamed, the metadata rows pointed at the
    new name, and the triggers put back under the new names, all inside the caller's transaction.
    """
    _drop(con, new)
    geom = _geometry_column(con, "main", old)
    triggers = con.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (old,)
    ).fetchall()
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER main.{_q(name)}")
    con.execute(f"ALTER TABLE main.{_q(old)} RENAME TO {_q(new)}")
    if geom is not None and f"rtree_{old}_{geom}" in _tables(con, "main"):
        con.execute(f"ALTER TABLE main.{_q(f'rtree_{old}_{geom}')} RENAME TO {_q(f'rtree_{new}_{geom}')}")
    present = _tables(con, "main")
    for meta in _META_TABLES:
        if meta in present:
            con.execute(
                f"UPDATE main.{meta} SET table_name = ? WHERE lower(table_name) = lower(?)", (new, old)
            )
    if "gpkg_contents" in present:
        con.execute("UPDATE main.gpkg_contents SET identifier = ? WHERE identifier = ?", (new, old))
    if "sqlite_sequence" in present:
        con.execute("UPDATE main.sqlite_sequence SET name = ? WHERE name = ?", (new, old))
    for _, sql in triggers:
        con.execute(_retargeted(sql, old, new, geom))


def _retargeted(sql: str, old: str, new: str, geom: str | None) -> str:
    """A GDAL trigger of layer ``old`` (its R-tree and feature count, named after the table) made for ``new``.

    Examples
    --------
    >>> sql = 'CREATE TRIGGER "t_feature_count_a" AFTER INSERT ON "a" BEGIN SELECT lower(' + "'a'); END"
    >>> print(_retargeted(sql, "a", "a_2024", "geom"))
    CREATE TRIGGER "t_feature_count_a_2024" AFTER INSERT ON "a_2024" BEGIN SELECT lower('a_2024'); END
    """
    for before, after in (
        (f"rtree_{old}_{geom}", f"rtree_{new}_{geom}"),
        (f'_feature_count_{old}"', f'_feature_count_{new}"'),
        (f" ON {_q(old)}", f" ON {_q(new)}"),
        (f"lower('{old}')", f"lower('{new}')"),
    ):
        sql = sql.replace(before, after)
    return sql


def _fill_rtree(con: sqlite3.Connection, source: tuple[str, str], target: tuple[str, str]) -> None:
    """Fill the new (empty) R-tree ``target`` from ``source``'s shadow tables, as built, not row by row.

    Each is (schema, R-tree name), e.g. ``("stage", "rtree_parks_geom")``.
    """
    for part in ("node", "parent", "rowid"):
        src, dst = f"{source[0]}.{_q(f'{source[1]}_{part}')}", f"{target[0]}.{_q(f'{target[1]}_{part}')}"
        con.execute(f"DELETE FROM {dst}")
        con.execute(f"INSERT INTO {dst} SELECT * FROM {src}")


def _copy_within(con: sqlite3.Connection, src: str, dst: str) -> None:
    """Copy the layer ``src`` of ``main`` to ``dst`` (replacing one there): rows, R-tree, metadata, triggers.

    Inside the caller's transaction. The R-tree is copied as it is (its shadow tables), not rebuilt.
    """
    _drop(con, dst)
    ddl = con.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", (src,)
    ).fetchone()
    head = re.compile(r'^\s*CREATE\s+TABLE\s+(?:"[^"]+"|\w+)', re.IGNORECASE)
    con.execute(head.sub(f"CREATE TABLE main.{_q(dst)}", ddl[0], count=1))
    cols = ", ".join(_q(c) for c, _ in _columns(con, "main", src))
    con.execute(f"INSERT INTO main.{_q(dst)} ({cols}) SELECT {cols} FROM main.{_q(src)}")
    index = re.compile(r'^\s*(CREATE\s+(?:UNIQUE\s+)?INDEX\s+)("[^"]+"|\w+)(\s+ON\s+)("[^"]+"|\w+)', re.I)
    for (sql,) in con.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (src,)
    ).fetchall():
        con.execute(
            index.sub(
                lambda m: f"{m[1]}main.{_q(m[2].strip(chr(34)) + '_' + dst)}{m[3]}{_q(dst)}", sql, count=1
            )
        )
    geom = _geometry_column(con, "main", src)
    rtree = f"rtree_{src}_{geom}"
    if geom is not None and rtree in _tables(con, "main"):
        copy = f"rtree_{dst}_{geom}"
        con.execute(f"CREATE VIRTUAL TABLE main.{_q(copy)} USING rtree(id, minx, maxx, miny, maxy)")
        _fill_rtree(con, ("main", rtree), ("main", copy))
    present = _tables(con, "main")
    for meta in _META_TABLES:
        if meta in present:
            names = [c for c, _ in _columns(con, "main", meta)]
            renamed = {"table_name"} | ({"identifier"} if meta == "gpkg_contents" else set())
            picked = ", ".join("?1" if c in renamed else _q(c) for c in names)
            con.execute(
                f"INSERT OR REPLACE INTO main.{meta} ({', '.join(map(_q, names))}) SELECT {picked} "
                f"FROM main.{meta} WHERE lower(table_name) = lower(?2)",
                (dst, src),
            )
    if "sqlite_sequence" in present:
        con.execute(
            "INSERT INTO main.sqlite_sequence (name, seq) SELECT ?, seq FROM main.sqlite_sequence WHERE name = ?",
            (dst, src),
        )
    for (sql,) in con.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (src,)
    ).fetchall():
        con.execute(_retargeted(sql, src, dst, geom))


def _ensure_meta_tables(con: sqlite3.Connection) -> None:
    main, stage = _tables(con, "main"), _tables(con, "stage")
    for meta in (*_META_TABLES, "gpkg_spatial_ref_sys"):
        if meta in stage and meta not in main:
            for (sql,) in con.execute(
                "SELECT sql FROM stage.sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                "ORDER BY type = 'trigger'",
                (meta,),
            ).fetchall():
                con.execute(sql)
    if "gpkg_spatial_ref_sys" in stage:
        cols = [c for c, _ in _columns(con, "stage", "gpkg_spatial_ref_sys")]
        common = [c for c, _ in _columns(con, "main", "gpkg_spatial_ref_sys") if c in cols]
        names = ", ".join(_q(c) for c in common)
        con.execute(
            f"INSERT OR IGNORE INTO main.gpkg_spatial_ref_sys ({names}) "
            f"SELECT {names} FROM stage.gpkg_spatial_ref_sys"
        )


def _copy_meta_rows(con: sqlite3.Connection, table: str) -> None:
    for meta in _META_TABLES:
        if meta in _tables(con, "stage") and meta in _tables(con, "main"):
            cols = [c for c, _ in _columns(con, "stage", meta)]
            common = [c for c, _ in _columns(con, "main", meta) if c in cols]
            names = ", ".join(_q(c) for c in common)
            con.execute(
                f"INSERT OR REPLACE INTO main.{meta} ({names}) SELECT {names} FROM stage.{meta} "
                "WHERE lower(table_name) = lower(?)",
                (table,),
            )


def _stage_objects(con: sqlite3.Connection, table: str, kind: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT sql FROM stage.sqlite_master WHERE tbl_name = ? AND type = ? AND sql IS NOT NULL",
            (table, kind),
        )
    ]


def _copy_new(con: sqlite3.Connection, table: str) -> None:
    """Create ``table`` in ``main`` as staged and copy its rows, R-tree and metadata."""
    con.execute(_stage_objects(con, table, "table")[0])
    cols = ", ".join(_q(c) for c, _ in _columns(con, "stage", table))
    con.execute(f"INSERT INTO main.{_q(table)} ({cols}) SELECT {cols} FROM stage.{_q(table)}")
    for sql in _stage_objects(con, table, "index"):
        con.execute(sql)
    geom = _geometry_column(con, "stage", table)
    if geom is not None:
        rtree = f"rtree_{table}_{geom}"
        if rtree in _tables(con, "stage"):
            con.execute(_stage_objects(con, rtree, "table")[0])
            _fill_rtree(con, ("stage", rtree), ("main", rtree))
    _copy_meta_rows(con, table)
    seq = con.execute("SELECT seq FROM stage.sqlite_sequence WHERE name = ?", (table,)).fetchone()
    if seq is not None:
        con.execute("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq[0]))
    for sql in _stage_objects(con, table, "trigger"):  # last: they must not fire on the copy
        con.execute(sql)


def _append(con: sqlite3.Connection, table: str) -> None:
    """Append the staged rows of ``table`` to the existing one, aligning columns by name."""
    have = {c for c, _ in _columns(con, "main", table)}
    stage_cols = _columns(con, "stage", table)
    for col, typ in stage_cols:
        if col not in have:
            con.execute(f"ALTER TABLE main.{_q(table)} ADD COLUMN {_q(col)} {typ}")
    pk = next((r[1] for r in con.execute(f"PRAGMA main.table_info({_q(table)})") if r[5]), None)
    spk = next((r[1] for r in con.execute(f"PRAGMA stage.table_info({_q(table)})") if r[5]), None)
    seq = con.execute("SELECT seq FROM main.sqlite_sequence WHERE name = ?", (table,)).fetchone()
    top = con.execute(f"SELECT max({_q(pk)}) FROM main.{_q(table)}").fetchone()[0] if pk else None
    offset = max(int(top or 0), int(seq[0]) if seq else 0)
    data = [c for c, _ in stage_cols if c != spk]
    names = ", ".join(_q(c) for c in data)
    # the R-tree triggers call GDAL's SQL functions: take them off while the rows go in, fill the index
    # from the staged one, then put them back
    triggers = con.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "AND name LIKE 'rtree%'",
        (table,),
    ).fetchall()
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER main.{_q(name)}")
    if pk and spk:
        con.execute(
            f"INSERT INTO main.{_q(table)} ({_q(pk)}, {names}) "
            f"SELECT {_q(spk)} + ?, {names} FROM stage.{_q(table)} ORDER BY {_q(spk)}",
            (offset,),
        )
    else:
        con.execute(f"INSERT INTO main.{_q(table)} ({names}) SELECT {names} FROM stage.{_q(table)}")
    geom = _geometry_column(con, "main", table)
    sgeom = _geometry_column(con, "stage", table)
    if geom is not None and sgeom is not None:
        rtree, srtree = f"rtree_{table}_{geom}", f"rtree_{table}_{sgeom}"
        if rtree in _tables(con, "main") and srtree in _tables(con, "stage"):
            con.execute(
                f"INSERT INTO main.{_q(rtree)} SELECT id + ?, minx, maxx, miny, maxy FROM stage.{_q(srtree)}",
                (offset,),
            )
        ext = con.execute(
            "SELECT min_x, min_y, max_x, max_y, last_change FROM stage.gpkg_contents "
            "WHERE lower(table_name) = lower(?)",
            (table,),
        ).fetchone()
        if ext is not None and ext[0] is not None:
            con.execute(
                "UPDATE main.gpkg_contents SET min_x = min(coalesce(min_x, ?1), ?1), "
                "min_y = min(coalesce(min_y, ?2), ?2), max_x = max(coalesce(max_x, ?3), ?3), "
                "max_y = max(coalesce(max_y, ?4), ?4), last_change = ?5 WHERE lower(table_name) = lower(?6)",
                (*ext, table),
            )
    for _, sql in triggers:
        con.execute(sql)


class Staged:
    """Layers staged for one in-place write: add frames (a layer may come in several), then commit.

    Made by :func:`staged_layers`; a layer added more than once is appended to in the staging file, so a
    layer of any size passes through memory one chunk at a time.
    """

    def __init__(self, folder: Path) -> None:
        self.file = folder / "stage.gpkg"
        self.names: list[str] = []

    def add(self, name: str, df: pd.DataFrame) -> None:
        """Stage ``df`` as (more rows of) layer ``name``.

        Parameters
        ----------
        name : str
            The layer.
        df : pd.DataFrame
            A GeoDataFrame (a geometry layer) or a DataFrame (an attribute table).
        """
        more = name in self.names
        write_frame(df, self.file, name, append=more)
        if not more:
            self.names.append(name)


@contextlib.contextmanager
def staged_layers(
    path: str | Path,
    *,
    append: frozenset[str] = frozenset(),
    timeout: float | None = None,
    keep_previous: frozenset[str] = frozenset(),
    copies: Mapping[str, str] | None = None,
) -> Iterator[Staged]:
    """Stage layers, then replace (or append to) them in the GeoPackage ``path`` in one transaction.

    Nothing of ``path`` changes until the block ends without an exception; then every staged layer goes
    in together, or (killed, failed) none does.

    Parameters
    ----------
    path : str or Path
        An existing GeoPackage.
    append : set of str
        Names whose rows are added to the existing layer (when there is one) instead of replacing it.
    timeout : float, optional
        Seconds to wait for SQLite's write lock (default ``ZONEKIT_LOCK_TIMEOUT`` or 60).
    keep_previous : set of str
        Names whose existing layer is kept as ``<name>_previous`` (replacing an older one) instead of
        dropped.
    copies : mapping, optional
        Layer → name of a copy made of it in the same transaction, after the staged layers are in (a
        dated snapshot of what was just imported); a copy replaces a layer of its name.

    Yields
    ------
    Staged
        What the block adds its layers to.

    Raises
    ------
    ReadOnlyError, StudyLockedError, sqlite3.Error
    """
    path = Path(os.path.realpath(path))
    check_writable(path)
    with staging() as tmp:
        stage = Staged(tmp)
        yield stage
        if stage.names:
            wait = LOCK_TIMEOUT_S if timeout is None else timeout
            _commit(path, stage, append, wait, keep_previous, copies)


PREVIOUS_SUFFIX = "_previous"


@contextlib.contextmanager
def _transaction(path: Path, timeout: float, stage: Path | None = None) -> Iterator[sqlite3.Connection]:
    """One immediate write transaction on ``path`` (with ``stage`` attached): committed, or rolled back."""
    con = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        if stage is not None:
            con.execute("ATTACH DATABASE ? AS stage", (str(stage),))
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StudyLockedError(path, holders(path), timeout) from None
            raise
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
                con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def _commit(
    path: Path,
    stage: Staged,
    append: frozenset[str],
    timeout: float,
    keep_previous: frozenset[str],
    copies: Mapping[str, str] | None = None,
) -> None:
    with _transaction(path, timeout, stage.file) as con:
        _ensure_meta_tables(con)
        existing = {t.lower() for t in _tables(con, "main")}
        for name in stage.names:
            if name in append and name.lower() in existing:
                _append(con, name)
                continue
            if name in keep_previous and name.lower() in existing:
                _rename(con, name, f"{name}{PREVIOUS_SUFFIX}")
            else:
                _drop(con, name)
            _copy_new(con, name)
        for src, dst in (copies or {}).items():
            _copy_within(con, src, dst)


def copy_layers(path: str | Path, copies: Mapping[str, str], *, timeout: float | None = None) -> None:
    """Copy layers of the GeoPackage ``path`` under new names, in one transaction, in place.

    Parameters
    ----------
    path : str or Path
        An existing GeoPackage.
    copies : mapping
        Layer → name of its copy (a layer of that name is replaced).
    timeout : float, optional
        Seconds to wait for SQLite's write lock (default ``ZONEKIT_LOCK_TIMEOUT`` or 60).

    Raises
    ------
    ReadOnlyError, StudyLockedError, sqlite3.Error
    """
    path = Path(os.path.realpath(path))
    check_writable(path)
    with _transaction(path, LOCK_TIMEOUT_S if timeout is None else timeout) as con:
        for src, dst in copies.items():
            _copy_within(con, src, dst)


def write_layers(
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    append: frozenset[str] = frozenset(),
    timeout: float | None = None,
) -> None:
    """Replace (or append to) layers of the GeoPackage ``path`` in one transaction, in place.

    Parameters
    ----------
    path : str or Path
        An existing GeoPackage.
    tables : mapping
        Layer name → (Geo)DataFrame. A GeoDataFrame becomes a (multi-)geometry layer with an R-tree, a
        DataFrame an attribute table.
    append : set of str
        Names whose rows are added to the existing layer (when there is one) instead of replacing it.
    timeout : float, optional
        Seconds to wait for SQLite's write lock (default ``ZONEKIT_LOCK_TIMEOUT`` or 60).

    Raises
    ------
    ReadOnlyError, StudyLockedError, sqlite3.Error
    """
    with staged_layers(path, append=append, timeout=timeout) as stage:
        for name, df in tables.items():
            stage.add(name, df)


def create_new(path: str | Path, write: Callable[[Path], None]) -> bool:
    """Create ``path`` by calling ``write(tmp)`` on a temporary file, without ever replacing a file.

    The finished file is linked into place, which fails when ``path`` appeared meanwhile (another process
    created it first): then nothing changes and ``False`` is returned.

    Parameters
    ----------
    path : str | Path
        The file.
    write : Callable[[Path], None]
        Writes the new file at the given path.

    Returns
    -------
    bool
        Whether ``path`` was created (False: it already existed and was left alone).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with staging() as tmp:
        new = tmp / path.name
        write(new)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(new, 0o666 & ~umask)
        try:
            os.link(new, path)
        except FileExistsError:
            return False
        except OSError as err:
            if err.errno != errno.EXDEV:
                raise
            # the temporary folder is on another file system: copy beside the target, then link
            side = path.with_name(f".{path.name}.{os.getpid()}.new")
            shutil.copyfile(new, side)
            try:
                os.link(side, path)
            except FileExistsError:
                return False
            finally:
                side.unlink()
    return True


def copy_database(src: str | Path, dst: str | Path) -> None:
    """Copy the SQLite database ``src`` (a GeoPackage) to the new file ``dst`` as one consistent snapshot.

    SQLite's backup API reads through the write-ahead log, so edits another program committed but did
    not checkpoint yet are in the copy, and a copy taken while it writes is never torn.

    Parameters
    ----------
    src : str | Path
        The source file.
    dst : str | Path
        The destination.
    """
    source = sqlite3.connect(f"{Path(src).resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(dst)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
    finally:
        source.close()


def chunk_starts(path: str | Path, table: str, fid: str, n: int, rows: int) -> list[int]:
    """The first feature id of every run of ``rows`` features of ``table``, in feature-id order.

    A chunk ``k`` of a layer is then ``start[k] <= fid < start[k + 1]``: read through the primary key's
    index, not by skipping ``k × rows`` features, so any chunk can be read on its own (by another
    process) and holds exactly the features a reader going through the layer from the start would give
    as its chunk ``k``. Ids without gaps (what zonekit writes) are counted out; otherwise SQLite numbers
    the rows.

    Parameters
    ----------
    path : str or Path
        The GeoPackage.
    table : str
        The feature table.
    fid : str
        Its feature id column.
    n : int
        Its feature count.
    rows : int
        Features per chunk.

    Returns
    -------
    list of int
        One id per chunk (empty for an empty table).
    """
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        q_fid, q_table = _q(fid), _q(table)
        # each bound alone, so SQLite reads it off the key's end (min and max together scan the table)
        lo, hi = con.execute(
            f"SELECT (SELECT min({q_fid}) FROM {q_table}), (SELECT max({q_fid}) FROM {q_table})"
        ).fetchone()
        if lo is None:
            return []
        if hi - lo + 1 == n:
            return list(range(lo, hi + 1, rows))
        numbered = f"SELECT {q_fid} AS f, row_number() OVER (ORDER BY {q_fid}) - 1 AS r FROM {q_table}"
        return [f for (f,) in con.execute(f"SELECT f FROM ({numbered}) WHERE r % ? = 0 ORDER BY f", (rows,))]
    finally:
        con.close()


def chunk_where(fid: str, starts: Sequence[int], k: int) -> str:
    """The SQL filter of chunk ``k`` of a layer cut at ``starts`` (:func:`chunk_starts`).

    Parameters
    ----------
    fid : str
        The feature id column.
    starts : sequence of int
        The first feature id of each chunk.
    k : int
        The chunk.

    Returns
    -------
    str
        ``fid >= start[k]``, and ``< start[k + 1]`` but for the last chunk.

    Examples
    --------
    >>> chunk_where("fid", [1, 51, 101], 1), chunk_where("fid", [1, 51, 101], 2)
    ('"fid" >= 51 AND "fid" < 101', '"fid" >= 101')
    """
    q = _q(fid)
    upper = f" AND {q} < {int(starts[k + 1])}" if k + 1 < len(starts) else ""
    return f"{q} >= {int(starts[k])}{upper}"


def feature_boxes(path: str | Path, table: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Every feature's id and box, from the table's R-tree: no geometry is read or decoded.

    The R-tree holds 32-bit boxes rounded outward (each holds its feature); features without a geometry,
    or with an empty one, have none.

    Parameters
    ----------
    path : str or Path
        The GeoPackage.
    table : str
        The feature table.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or None
        The feature ids (int64) and their boxes (n × 4: minx, miny, maxx, maxy); None when the table has
        no R-tree.
    """
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        geom = _geometry_column(con, "main", table)
        rtree = f"rtree_{table}_{geom}"
        if geom is None or rtree not in _tables(con, "main"):
            return None
    finally:
        con.close()
    _, found = pyogrio.read_arrow(path, sql=f"SELECT id, minx, miny, maxx, maxy FROM {_q(rtree)}")
    ids = found.column("id").to_numpy().astype(np.int64)
    boxes = np.column_stack(
        [found.column(c).to_numpy().astype(float) for c in ("minx", "miny", "maxx", "maxy")]
    )
    return ids, boxes.reshape(len(ids), 4)
