"""A study in PostgreSQL/PostGIS: ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?schema=NAME``.

The schema holds what a study GeoPackage holds — the layers, ``zonekit_study``, ``zonekit_imports``,
``zonekit_repairs`` and ``<layer>_rejected`` — as PostGIS tables: geometry in the study's SRID (4490) with a
GiST index, a primary key on each layer's id, the schema's column types. Every write is one transaction
(a failed one leaves the schema as it was). Computation stays in zonekit: a study read from PostGIS gives
the same frames, and so the same results, as the GeoPackage it was copied from.

The password may be in the URL, in ``PGPASSWORD`` or in ``~/.pgpass`` (libpq reads both); it is never
printed: messages name the URL with the password left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import geopandas as gpd
import pandas as pd

from zonekit.errors import StudyError, ZonekitError

if TYPE_CHECKING:  # for the type checker only: nothing more to install
    from typing_extensions import TypeIs

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
T = TypeVar("T")


@dataclass(frozen=True)
class StudyURL:
    """Where a study lives in PostgreSQL: the URL as given, and the schema (default ``public``).

    Examples
    --------
    >>> u = StudyURL("postgresql://gis:s3cret@db.example:5433/land?schema=nantong")
    >>> str(u), u.name, u.schema
    ('postgresql://gis@db.example:5433/land?schema=nantong', 'land.nantong', 'nantong')
    """

    url: str

    @property
    def parts(self):
        """The URL's parts (``urllib.parse.urlsplit``)."""
        return urlsplit(self.url)

    @property
    def schema(self) -> str:
        """The schema named by ``?schema=`` (default ``public``)."""
        return parse_qs(self.parts.query).get("schema", ["public"])[0]

    @property
    def database(self) -> str:
        """The database."""
        return unquote(self.parts.path.lstrip("/"))

    @property
    def table(self) -> str | None:
        """The table named by ``?table=`` (where results go), if any."""
        return parse_qs(self.parts.query).get("table", [None])[0]

    @property
    def name(self) -> str:
        """``database.schema``: how reports name the study."""
        return f"{self.database}.{self.schema}"

    def __str__(self) -> str:  # the password never shown
        p = self.parts
        user = f"{unquote(p.username)}@" if p.username else ""
        port = f":{p.port}" if p.port else ""
        query = f"?{p.query}" if p.query else ""
        return f"{p.scheme}://{user}{p.hostname or ''}{port}{p.path}{query}"

    def libpq_url(self) -> str:
        """The URL as libpq takes it: zonekit's ``schema`` and ``table`` left out.

        Returns
        -------
        str
            ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`` with the other query parameters kept.
        """
        p = self.parts
        rest = "&".join(kv for kv in p.query.split("&") if kv and not kv.startswith(("schema=", "table=")))
        return f"postgresql://{p.netloc}{p.path}" + (f"?{rest}" if rest else "")

    def sqlalchemy_url(self):
        """The URL for SQLAlchemy with psycopg 3; ``schema`` is zonekit's, not libpq's, and is left out.

        Returns
        -------
        sqlalchemy.engine.URL
            ``postgresql+psycopg://…`` with the other query parameters kept.
        """
        from sqlalchemy.engine import make_url

        return make_url(self.libpq_url().replace("postgresql://", "postgresql+psycopg://", 1))


def is_url(value: object) -> TypeIs[str | StudyURL]:
    """Whether ``value`` names a study in PostgreSQL rather than a file.

    Parameters
    ----------
    value : object
        A path, a URL string or a :class:`StudyURL`.

    Returns
    -------
    bool
        True for ``postgresql://`` (``postgres://``, ``postgresql+psycopg://``) URLs.

    Examples
    --------
    >>> is_url("postgresql://u@h/db?schema=s"), is_url("study.gpkg"), is_url(StudyURL("postgres://h/db"))
    (True, False, True)
    """
    if isinstance(value, StudyURL):
        return True
    return isinstance(value, str) and value.split("://", 1)[0].lower() in SCHEMES and "://" in value


def as_url(value: str | StudyURL) -> StudyURL:
    """``value`` as a :class:`StudyURL`.

    Parameters
    ----------
    value : str or StudyURL
        The URL.

    Returns
    -------
    StudyURL
        ``value`` itself when it is one.
    """
    return value if isinstance(value, StudyURL) else StudyURL(str(value))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def engine(url: str | StudyURL, *, need_postgis: bool = True):
    """A SQLAlchemy engine on the study's database, checked: reachable, logged in, PostGIS installed.

    Parameters
    ----------
    url : str or StudyURL
        The study.
    need_postgis : bool, default True
        Refuse a database without the ``postgis`` extension.

    Returns
    -------
    sqlalchemy.engine.Engine
        Without a pool: each connection is closed when released.

    Raises
    ------
    StudyError
        Naming the URL without its password, what went wrong and the fix.
    """
    import sqlalchemy as sa

    u = as_url(url)
    eng = sa.create_engine(u.sqlalchemy_url(), poolclass=sa.pool.NullPool)  # each connection closed after use
    try:
        with eng.connect() as con:
            has = con.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    except sa.exc.OperationalError as err:
        text = str(err.orig) if getattr(err, "orig", None) is not None else str(err)
        low = text.lower()
        if "password" in low or "authentication" in low:
            raise StudyError("postgis.login", path=str(u)) from None
        if "does not exist" in low and "database" in low:
            raise StudyError("postgis.no_database", path=str(u), database=u.database) from None
        raise StudyError("postgis.unreachable", path=str(u), reason=_first_line(text, u)) from None
    if need_postgis and has is None:
        raise StudyError("postgis.no_extension", path=str(u), database=u.database)
    return eng


def _first_line(text: str, u: StudyURL) -> str:
    """The driver's message, its first line, with any password taken out."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    password = u.parts.password
    return line.replace(password, "***") if password else line


def list_tables(url: str | StudyURL) -> list[str]:
    """The tables of the study's schema.

    Parameters
    ----------
    url : str or StudyURL
        The study.

    Returns
    -------
    list of str
        Table names, sorted (empty when the schema does not exist).
    """
    u = as_url(url)
    with engine(u).connect() as con:
        return sorted(_catalog(con, u.schema))


@dataclass(frozen=True)
class _Table:
    """What the catalog says of one table: its columns in order and its geometry column, if any."""

    columns: tuple[str, ...]
    geometry: str | None = None
    srid: int = 0
    kind: str | None = None

    @property
    def attributes(self) -> list[str]:
        """The columns but the geometry and zonekit's row order."""
        return [c for c in self.columns if c not in (self.geometry, "zonekit_row")]

    @property
    def order(self) -> str:
        """``ORDER BY`` the stored row order, when the table keeps one."""
        return ' ORDER BY "zonekit_row"' if "zonekit_row" in self.columns else ""


def _catalog(con, schema: str) -> dict[str, _Table]:
    """Every table of ``schema`` with its columns and geometry, from two catalog queries."""
    import sqlalchemy as sa

    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
        sa.text(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = :s "
            "ORDER BY table_name, ordinal_position"
        ),
        {"s": schema},
    ):
        columns.setdefault(table, []).append(column)
    geoms = {
        r[0]: (r[1], int(r[2]), r[3])
        for r in con.execute(
            sa.text(
                "SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns WHERE f_table_schema = :s"
            ),
            {"s": schema},
        )
    }
    return {t: _Table(tuple(cols), *geoms.get(t, (None, 0, None))) for t, cols in columns.items()}


def read_tables(url: str | StudyURL, names: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """The study's tables (default all), as GeoDataFrames where they have geometry, in their stored order.

    Parameters
    ----------
    url : str or StudyURL
        The study.
    names : sequence of str, optional
        The tables to read.

    Returns
    -------
    dict
        Table name → frame, geometry renamed ``geometry``.
    """
    u = as_url(url)
    with engine(u).connect() as con:
        catalog = _catalog(con, u.schema)
    out: dict[str, pd.DataFrame] = {}
    for name in [n for n in (names if names is not None else sorted(catalog)) if n in catalog]:
        t = catalog[name]
        if t.geometry is not None:  # the whole table as one chunk, read as Arrow (see read_chunks)
            out[name] = next(_arrow_chunks(u, name, t, t.attributes, 1 << 62))
            continue
        df = _arrow_table(u, f"SELECT * FROM {_q(u.schema)}.{_q(name)}{t.order}").to_pandas()
        out[name] = df.drop(columns=[c for c in ("zonekit_row",) if c in df])
    return out


def table_info(url: str | StudyURL, name: str) -> dict:
    """A table's feature count, geometry type, fields and extent, as ``pyogrio.read_info`` gives them.

    Parameters
    ----------
    url : str or StudyURL
        The study.
    name : str
        The table.

    Returns
    -------
    dict
        ``features``, ``geometry_type``, ``fields`` and ``total_bounds`` (NaN for a table without geometry).
    """
    import numpy as np
    import sqlalchemy as sa

    u = as_url(url)
    box = (np.nan, np.nan, np.nan, np.nan)
    with engine(u).connect() as con:
        t = _catalog(con, u.schema)[name]
        table = f"{_q(u.schema)}.{_q(name)}"
        n = int(con.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0)
        if t.geometry is not None:
            ext = con.execute(
                sa.text(
                    f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent({_q(t.geometry)}) "
                    f"AS e FROM {table}) AS x"
                )
            ).first()
            if ext is not None and ext[0] is not None:
                box = (float(ext[0]), float(ext[1]), float(ext[2]), float(ext[3]))
    kind = {
        "MULTIPOLYGON": "MultiPolygon",
        "POLYGON": "Polygon",
        "POINT": "Point",
        "MULTIPOINT": "MultiPoint",
    }.get(str(t.kind).upper(), str(t.kind).title() if t.kind else None)
    return {
        "features": n,
        "geometry_type": kind,
        "fields": np.array(t.attributes),
        "total_bounds": np.array(box),
    }


def read_chunks(
    url: str | StudyURL,
    name: str,
    columns: Sequence[str],
    chunk_rows: int,
    *,
    bbox: Sequence[float] | None = None,
    without_box: bool = False,
):
    """A table's rows in their stored order, ``chunk_rows`` at a time, only ``columns`` and the geometry.

    Read as Arrow record batches over libpq's binary protocol (ADBC's PostgreSQL driver), streamed, so
    memory holds about one chunk whatever the table's size and no Python object is made per row; ``bbox``
    (minx, miny, maxx, maxy) keeps the rows whose geometry's box meets it (``&&``, the GiST index).

    Parameters
    ----------
    url : str or StudyURL
        The study.
    name : str
        The table.
    columns : sequence of str
        Attribute columns to read.
    chunk_rows : int
        Rows per chunk.
    bbox : sequence of float, optional
        The box, in the table's SRID.
    without_box : bool, default False
        Only the rows whose geometry has no box (missing or empty): those :func:`feature_boxes` leaves out.

    Yields
    ------
    GeoDataFrame
        The next chunk, geometry named ``geometry``.
    """
    u = as_url(url)
    with engine(u).connect() as con:
        t = _catalog(con, u.schema)[name]
    yield from _arrow_chunks(u, name, t, columns, chunk_rows, bbox=bbox, without_box=without_box)


def feature_boxes(url: str | StudyURL, name: str):
    """Each row's order (``zonekit_row``) and its geometry's box, for the rows whose geometry has one.

    Parameters
    ----------
    url : str or StudyURL
        The study.
    name : str
        The table.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or None
        The rows' ``zonekit_row`` and their n × 4 boxes (minx, miny, maxx, maxy); None for a table without
        geometry or a kept row order (a table zonekit did not write).
    """
    u = as_url(url)
    with engine(u).connect() as con:
        t = _catalog(con, u.schema).get(name)
    if t is None or t.geometry is None or "zonekit_row" not in t.columns:
        return None
    col = _q(str(t.geometry))
    sql = (
        f'SELECT "zonekit_row" AS row, ST_XMin({col}) AS x0, ST_YMin({col}) AS y0, ST_XMax({col}) AS x1, '
        f"ST_YMax({col}) AS y1 FROM {_q(u.schema)}.{_q(name)} WHERE {col} IS NOT NULL AND NOT ST_IsEmpty({col})"
    )
    got = _arrow_table(u, sql)
    rows = got.column("row").to_numpy().astype("int64")
    boxes = got.select(["x0", "y0", "x1", "y1"]).to_pandas().to_numpy(dtype=float)
    return rows, boxes


def row_order(url: str | StudyURL, name: str):
    """Every row's ``zonekit_row``, sorted: a row's position in the table is its rank here.

    Parameters
    ----------
    url : str or StudyURL
        The study.
    name : str
        The table (one zonekit wrote: :func:`feature_boxes` is not None).

    Returns
    -------
    numpy.ndarray of int
        The rows' order numbers, ascending.
    """
    u = as_url(url)
    got = _arrow_table(
        u, f'SELECT "zonekit_row" AS row FROM {_q(u.schema)}.{_q(name)} ORDER BY "zonekit_row"'
    )
    return got.column("row").to_numpy().astype("int64")


def _arrow_table(u: StudyURL, sql: str):
    """A query's result as one Arrow table, over libpq's binary protocol (ADBC)."""
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(u.libpq_url()) as db, db.cursor() as cur:
        cur.execute(sql)
        return cur.fetch_arrow_table()


def _arrow_chunks(
    u: StudyURL,
    name: str,
    t: _Table,
    columns: Sequence[str],
    chunk_rows: int,
    *,
    bbox=None,
    without_box: bool = False,
):
    """:func:`read_chunks` once the table's catalog entry ``t`` is known."""
    import adbc_driver_postgresql.dbapi as adbc
    import pyarrow as pa
    import shapely

    col, srid = _q(str(t.geometry)), t.srid
    picked = ", ".join([*(_q(c) for c in columns), f"ST_AsBinary({col}) AS zonekit_wkb"])
    sql = f"SELECT {picked} FROM {_q(u.schema)}.{_q(name)}"
    if bbox is not None:
        x0, y0, x1, y1 = (float(v) for v in bbox)  # numbers only: written as their repr
        sql += f" WHERE {col} && ST_MakeEnvelope({x0!r}, {y0!r}, {x1!r}, {y1!r}, {int(srid)})"
    elif without_box:
        sql += f" WHERE {col} IS NULL OR ST_IsEmpty({col})"
    sql += t.order

    def frame(table: pa.Table) -> gpd.GeoDataFrame:
        wkb = table.column("zonekit_wkb").to_numpy(zero_copy_only=False)
        attrs = table.drop_columns(["zonekit_wkb"]).to_pandas()
        return gpd.GeoDataFrame(attrs, geometry=shapely.from_wkb(wkb), crs=srid or None)

    # Arrow batches straight from libpq's binary protocol (ADBC): no Python object per row
    with adbc.connect(u.libpq_url()) as db, db.cursor() as cur:
        cur.execute(sql)
        waiting: list[pa.RecordBatch] = []
        held, given = 0, 0
        for batch in cur.fetch_record_batch():
            waiting.append(batch)
            held += batch.num_rows
            while held >= chunk_rows:
                table = pa.Table.from_batches(waiting)
                yield frame(table.slice(0, chunk_rows))
                given += 1
                rest = table.slice(chunk_rows)
                waiting, held = rest.to_batches(), rest.num_rows
        if held or not given:  # the last part; an empty table still gives one (empty) chunk
            yield frame(pa.Table.from_batches(waiting) if held else _empty(columns))


def _empty(columns: Sequence[str]):
    """An empty result with ``columns`` and the geometry's WKB."""
    import pyarrow as pa

    return pa.table(
        {**{c: pa.array([], pa.null()) for c in columns}, "zonekit_wkb": pa.array([], pa.binary())}
    )


def write_tables(
    url: str | StudyURL,
    tables: Mapping[str, pd.DataFrame | Iterable[pd.DataFrame]],
    *,
    ids: Mapping[str, str] | None = None,
) -> None:
    """Write tables into the study's schema in one transaction: all of them, or (any failing) none.

    Each table replaces one of its name. A GeoDataFrame gets a
    PostGIS geometry column in its CRS's SRID with a GiST index; ``ids`` names the column that gets a
    primary key; every table keeps its row order in a ``zonekit_row`` column.

    Parameters
    ----------
    url : str or StudyURL
        The study (its schema is created when missing).
    tables : mapping
        Table name → frame, or its frames one chunk after another (a large layer in bounded memory).
    ids : mapping, optional
        Table name → its id column (a primary key).
    """
    import sqlalchemy as sa

    u = as_url(url)
    eng = engine(u)
    with eng.begin() as con:  # one transaction: a failure rolls every table back
        con.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {_q(u.schema)}"))
        for name, given in tables.items():
            con.execute(sa.text(f"DROP TABLE IF EXISTS {_q(u.schema)}.{_q(name)} CASCADE"))
            start, columns = 0, list[str]()
            chunks = [given] if isinstance(given, pd.DataFrame) else given  # a table may come in chunks:
            for k, df in enumerate(chunks):  # the first creates it, the others add to it
                frame = df.reset_index(drop=True).assign(zonekit_row=range(start, start + len(df)))
                _write_frame(con, frame, name, u.schema, more=k > 0)
                start += len(df)
                columns = list(frame.columns)
            key = (ids or {}).get(name)
            if key and key in columns:
                con.execute(sa.text(f"ALTER TABLE {_q(u.schema)}.{_q(name)} ADD PRIMARY KEY ({_q(key)})"))


def copy_tables(url: str | StudyURL, copies: Mapping[str, str]) -> None:
    """Copy tables of the study's schema under new names, in one transaction: all of them, or none.

    Each copy gets the source's columns, primary key, GiST index and rows (``CREATE TABLE … (LIKE …
    INCLUDING ALL)``); a table of the copy's name is replaced.

    Parameters
    ----------
    url : str or StudyURL
        The study.
    copies : mapping
        Source table → copy's name (``landuse`` → ``landuse_20241231``).
    """
    import sqlalchemy as sa

    u = as_url(url)
    s = _q(u.schema)
    with engine(u).begin() as con:
        for src, dst in copies.items():
            con.execute(sa.text(f"DROP TABLE IF EXISTS {s}.{_q(dst)} CASCADE"))
            con.execute(sa.text(f"CREATE TABLE {s}.{_q(dst)} (LIKE {s}.{_q(src)} INCLUDING ALL)"))
            con.execute(sa.text(f"INSERT INTO {s}.{_q(dst)} SELECT * FROM {s}.{_q(src)}"))


def _write_frame(con, frame: pd.DataFrame, name: str, schema: str, more: bool) -> None:
    """One frame into table ``name``: a PostGIS geometry column when it has shapes, typed when none yet."""
    mode = "append" if more else "replace"
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame and frame.geometry.notna().any():
        frame.to_postgis(name, con, schema=schema, if_exists=mode, index=False)
    elif isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame:  # no shape at all yet
        from geoalchemy2 import Geometry

        geom, srid = frame.geometry.name, frame.crs.to_epsg() if frame.crs is not None else -1
        pd.DataFrame(frame).assign(**{geom: None}).to_sql(
            name,
            con,
            schema=schema,
            if_exists=mode,
            index=False,
            dtype={geom: Geometry("GEOMETRY", srid=srid or -1)},
        )
    else:
        pd.DataFrame(frame).to_sql(name, con, schema=schema, if_exists=mode, index=False)


def copy_study_in(study: str | Path, url: str | StudyURL) -> list[str]:
    """Copy a study GeoPackage, every table of it, into the schema of ``url`` in one transaction.

    Parameters
    ----------
    study : str or Path
        A zonekit study GeoPackage.
    url : str or StudyURL
        Where it goes (tables of the same names are replaced).

    Returns
    -------
    list of str
        The tables copied.
    """
    from zonekit.layers.study import list_tables as gpkg_tables

    names = gpkg_tables(study)
    write_tables(url, _study_tables(study, names), ids=_layer_ids())
    return names


def _study_tables(study: str | Path, names: Sequence[str]) -> dict:
    """Tables of a study GeoPackage to write: a layer chunk by chunk (bounded memory), any other whole."""
    from zonekit.layers.schema import SCHEMAS
    from zonekit.layers.stream import LayerStream
    from zonekit.layers.study import read_table, study_crs

    crs = study_crs(study)
    return {
        n: LayerStream.from_study(study, n, crs, strict=False).chunks()
        if n in SCHEMAS and SCHEMAS[n].geometry == "required"
        else read_table(study, n)
        for n in names
    }


def _layer_ids() -> dict[str, str]:
    """Each study layer's id column: its primary key in PostgreSQL."""
    from zonekit.layers.schema import SCHEMAS

    return {n: s.id_column for n, s in SCHEMAS.items() if s.id_column}


def copy_study_out(url: str | StudyURL, study: str | Path) -> list[str]:
    """Copy every table of the study in ``url`` into a new study GeoPackage ``study``.

    Parameters
    ----------
    url : str or StudyURL
        The study in PostgreSQL.
    study : str or Path
        The GeoPackage to create (an existing file is never replaced).

    Returns
    -------
    list of str
        The tables copied.
    """
    from zonekit.geo import gpkg

    tables = read_tables(url)
    if "zonekit_study" not in tables:
        raise StudyError("postgis.not_study", path=str(as_url(url)))

    def write(tmp: Path) -> None:
        for name, df in tables.items():
            gpkg.write_frame(df, tmp, name, append=False)

    if not gpkg.create_new(study, write):
        raise StudyError("postgis.file_exists", path=study)
    return list(tables)


def import_into(url: str | StudyURL, run: Callable[[Path], T], *, layer: str, crs: str | int = 4490) -> T:
    """Run an import (``run(study_path)``) against a study in PostgreSQL, in one transaction there.

    The tables the import reads and writes — the layer, ``<layer>_rejected``, ``<layer>_previous`` and the
    bookkeeping tables — are copied into a temporary study GeoPackage, the import runs on it as on any
    study (every check, ``--replace``, ``--append``, ``--stat-date``), and those tables with any the import
    made (a dated snapshot) are written back in one transaction: a failed import leaves the schema as it
    was.

    Parameters
    ----------
    url : str or StudyURL
        The study (created, with ``crs``, when the schema holds none).
    run : callable
        Path of a study GeoPackage → the import's result.
    layer : str
        The layer imported.
    crs : str or int
        The storage CRS of a new study.

    Returns
    -------
    T
        What ``run`` returned.
    """
    import tempfile

    from zonekit.geo import gpkg
    from zonekit.layers.study import IMPORTS_TABLE, META_TABLE, REPAIRS_TABLE, create_study, rejected_name
    from zonekit.layers.study import list_tables as gpkg_tables

    u = as_url(url)
    touched = [layer, rejected_name(layer), f"{layer}{gpkg.PREVIOUS_SUFFIX}", IMPORTS_TABLE, REPAIRS_TABLE]
    have = read_tables(u, [META_TABLE, *touched])
    with tempfile.TemporaryDirectory(prefix="zonekit-pg-") as tmp:
        stage = Path(tmp) / "study.gpkg"
        if META_TABLE in have:
            meta = dict(zip(have[META_TABLE]["key"], have[META_TABLE]["value"], strict=True))
            create_study(stage, crs=meta.get("crs", crs))
            gpkg.write_layers(stage, {META_TABLE: have[META_TABLE]})  # the study's own record, as it is
        else:
            create_study(stage, crs=crs)
        present = {n: df for n, df in have.items() if n != META_TABLE}
        if present:
            gpkg.write_layers(stage, present)
        before = set(gpkg_tables(stage)) - ({META_TABLE} if META_TABLE not in have else set())
        try:
            result = run(stage)
        except ZonekitError as err:  # the message names the study the user gave, not the working copy
            err.path = err.path.replace(str(stage), str(u)) if err.path else err.path
            err.values = {
                k: v.replace(str(stage), str(u)) if isinstance(v, str) else v for k, v in err.values.items()
            }
            raise
        after = gpkg_tables(stage)
        made = [n for n in after if n not in before]  # a new study's record, a dated snapshot (--stat-date)
        names = list(dict.fromkeys([*made, *(n for n in touched if n in after)]))
        write_tables(u, _study_tables(stage, names), ids=_layer_ids())  # while the working copy exists
    return result
