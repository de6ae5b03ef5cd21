"""A layer read piece by piece, so that a province's parcels pass through an analysis in bounded memory.

An analysis that reduces parcels to per-park sums (intensity, the enterprises' land) never needs every
parcel at once: it takes them in chunks, reduces each chunk, and keeps only the reductions. A
:class:`LayerStream` gives those chunks, either from a study file (read with GDAL's Arrow stream, only the
columns asked for, each chunk brought to its schema's types and checked) or from a frame already in memory
(consecutive slices of it), so the analysis has one code path for both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from zonekit.geo.gpkg import chunk_starts, chunk_where, feature_boxes
from zonekit.geo.io import arrow_frame
from zonekit.geo.packed import PackedPolygons
from zonekit.geo.parallel import can_fork, map_forked
from zonekit.geo.progress import tracked
from zonekit.geo.tiles import balanced_tiles
from zonekit.layers.schema import (
    SCHEMAS,
    LayerSchema,
    conform,
    missing_geometry,
    raise_if_invalid,
    validate,
)

if TYPE_CHECKING:
    from zonekit.layers.partitions import PartitionStore
    from zonekit.layers.postgis import StudyURL

T = TypeVar("T")

CHUNK_ROWS = 100_000
"""Parcels per chunk at most: about 0.1 GB of geometry and overlay work in flight, whatever the layer's size.

Measured on the 1M-parcel benchmark study (``bench/bench_commands.py``), `intensity` to CSV, nine fresh
runs of each interleaved: 100,000 took 4.01 s and 5.90 s of CPU (median) against 4.13 s and 6.09 s at
50,000 (the chunks read their polygons packed, so the per-chunk overhead is most of what is left),
0.71 GB against 0.65 GB with the workers; 200,000 took 0.98 GB in an earlier measurement."""

CHUNKS_AIMED = 8
"""Chunks a layer is cut into when that keeps them between :data:`CHUNK_MIN_ROWS` and :data:`CHUNK_ROWS`:
enough for the worker processes to finish together. A 106,012-parcel layer in chunks of 100,000 gave
one worker nearly everything: `intensity` to CSV 2.11 s (median of seven) against 1.88 s in five chunks
of 25,000 (1.95 s at 50,000); at 1M, 16 chunks of 63,691 took 4.10 s against 3.98 s for 11 of 100,000."""

CHUNK_MIN_ROWS = 25_000
"""Parcels per chunk at least (below, the per-chunk overhead shows)."""


def rows_for(n: int) -> int:
    """Features per chunk of a layer of ``n`` features.

    A function of ``n`` alone, so every reader of the layer (one process or several, a file or a frame)
    cuts it into the same chunks and adds up the same sums in the same order.

    Parameters
    ----------
    n : int
        The layer's feature count.

    Returns
    -------
    int

    Examples
    --------
    >>> rows_for(106_012), rows_for(1_019_043), rows_for(5_000_000)
    (25000, 100000, 100000)
    """
    return min(CHUNK_ROWS, max(CHUNK_MIN_ROWS, -(-n // CHUNKS_AIMED)))


def narrowed(schema: LayerSchema, names: Sequence[str]) -> LayerSchema:
    """``schema`` with only the columns in ``names``: what is checked when only those are read.

    Parameters
    ----------
    schema : LayerSchema
        The layer's schema.
    names : Sequence[str]
        The columns read.

    Returns
    -------
    LayerSchema
        The same layer, its columns limited to ``names``.

    Examples
    --------
    >>> narrowed(SCHEMAS["landuse"], ["idle", "supplied"]).names
    ['supplied', 'idle']
    """
    return replace(schema, columns=tuple(c for c in schema.columns if c.name in names))


@dataclass
class PackedChunk:
    """A chunk of a polygon layer with its polygons kept packed: attributes, WKB, rings and boxes.

    What :meth:`LayerStream.map_chunks` hands a reduction that asks for ``packed=True``: the polygons are
    not decoded into shapely geometries (most of a chunk's parcels never need to be); their areas and the
    geometries of those that must meet GEOS are had on demand, once each.

    Attributes
    ----------
    frame : pandas.DataFrame
        The attributes, indexed by position in the layer, in the schema's types.
    shapes : PackedPolygons
        The polygons, aligned with ``frame``.
    crs : pyproj.CRS
        Their CRS.
    """

    frame: pd.DataFrame
    shapes: PackedPolygons
    crs: pyproj.CRS | None

    def __len__(self) -> int:
        return len(self.frame)

    @classmethod
    def of(cls, chunk: gpd.GeoDataFrame | PackedChunk) -> PackedChunk:
        """A chunk as packed: itself, or a frame's geometries laid out (nothing to decode then).

        Parameters
        ----------
        chunk : GeoDataFrame or PackedChunk
            The chunk.

        Returns
        -------
        PackedChunk
            The same features.
        """
        if isinstance(chunk, PackedChunk):
            return chunk
        frame = pd.DataFrame(chunk.drop(columns=chunk.geometry.name))
        return cls(frame, PackedPolygons.from_geometries(chunk.geometry.values), chunk.crs)

    def areas(self, which: np.ndarray | None = None) -> np.ndarray:
        """Ellipsoidal areas of the polygons at ``which`` (default: all), each measured once.

        Parameters
        ----------
        which : numpy.ndarray of int, optional
            Positions in the chunk.

        Returns
        -------
        numpy.ndarray
            As long as the chunk (NaN where not measured).
        """
        return self.shapes.areas(self.crs, which)


@dataclass(frozen=True)
class LayerStream:
    """A study layer given in chunks of at most ``chunk_rows`` features: from a file, or from a frame.

    Build one with :meth:`from_study` (a layer of a study GeoPackage, not read until iterated) or
    :meth:`from_frame`; ``len()`` is the feature count, :attr:`columns` the attribute columns there are.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> frame = gpd.GeoDataFrame({"idle": [True, False, None]}, geometry=[shapely.box(0, 0, 1, 1)] * 3)
    >>> s = LayerStream.from_frame(frame, "landuse", chunk_rows=2)
    >>> len(s), [len(c) for c in s.chunks()], [c.index[0] for c in s.chunks()]
    (3, [2, 1], [0, 2])
    """

    name: str
    crs: pyproj.CRS | None
    columns: tuple[str, ...]
    n: int
    path: Path | None = None
    frame: gpd.GeoDataFrame | None = field(default=None, repr=False)
    chunk_rows: int = CHUNK_ROWS
    bounds: tuple[float, float, float, float] | None = None
    """(minx, miny, maxx, maxy) of every feature, from the file's metadata or the frame."""
    strict: bool = True
    """Raise on values that do not fit the schema (else they are read as missing, as ``zonekit check``
    reports them)."""
    table: str | None = None
    """The table read when it is not ``name`` (a dated snapshot, ``landuse_20241231``, read as ``landuse``)."""
    url: StudyURL | None = None
    """The study in PostgreSQL (a :class:`~zonekit.layers.postgis.StudyURL`) when the layer is read from there."""
    store: PartitionStore | None = None
    """The partitioned GeoParquet store the layer is read from (one chunk per partition), when it has one."""
    fid: str | None = None
    """The feature id column of a layer read from a study file (chunks can then be read on their own)."""

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame, name: str, *, chunk_rows: int | None = None) -> LayerStream:
        """Consecutive slices of a frame already checked against its schema.

        Parameters
        ----------
        frame : GeoDataFrame
            The layer, in its schema's types (:func:`~zonekit.layers.frames.prepare`).
        name : str
            The layer name.
        chunk_rows : int, optional
            Features per chunk (default :func:`rows_for` the layer's count).

        Returns
        -------
        LayerStream
            Its chunks are views of ``frame``, indexed by position in it.
        """
        cols = tuple(str(c) for c in frame.columns if c != frame.geometry.name)
        box = tuple(float(v) for v in frame.total_bounds) if len(frame) else None
        return cls(name, frame.crs, cols, len(frame), None, frame, chunk_rows or rows_for(len(frame)), box)  # type: ignore[arg-type]

    @classmethod
    def of(
        cls, study, name: str, crs: pyproj.CRS, *, strict: bool = True, table: str | None = None
    ) -> LayerStream:
        """A layer of a study, file or PostgreSQL URL: :meth:`from_study` or :meth:`from_url`.

        Parameters
        ----------
        study : str, Path or StudyURL
            The study.
        name : str
            The layer name.
        crs : pyproj.CRS
            The study's storage CRS.
        strict : bool, default True
            As for :meth:`from_study`.
        table : str, optional
            The table to read, when it is not ``name``.

        Returns
        -------
        LayerStream
            Nothing read yet.
        """
        from zonekit.layers import postgis

        if postgis.is_url(study):
            return cls.from_url(postgis.as_url(study), name, crs, strict=strict, table=table)
        return cls.from_study(study, name, crs, strict=strict, table=table)

    @classmethod
    def from_study(
        cls,
        path: str | Path,
        name: str,
        crs: pyproj.CRS,
        *,
        chunk_rows: int | None = None,
        strict: bool = True,
        table: str | None = None,
    ) -> LayerStream:
        """A layer of a study file, read only when iterated.

        Parameters
        ----------
        path : str | Path
            The study GeoPackage.
        name : str
            The layer name.
        crs : pyproj.CRS
            The study's storage CRS; a layer in another is a schema problem.
        chunk_rows : int, optional
            Features per chunk (default :func:`rows_for` the layer's count).
        strict : bool, default True
            Raise a :class:`~zonekit.errors.SchemaError` when the layer is in another CRS than the study's,
            or when its values do not fit the schema (else they are read as missing).
        table : str, optional
            The table to read, when it is not ``name`` (a dated snapshot of the layer).

        Returns
        -------
        LayerStream
            Feature count and columns from the file's metadata (``pyogrio.read_info``), nothing read yet.
        """
        path = Path(path)
        info = pyogrio.read_info(path, layer=table or name, force_total_bounds=True)
        found = pyproj.CRS.from_user_input(info["crs"]) if info.get("crs") else None
        if strict and found is not None and not found.equals(crs):
            raise_if_invalid(
                [f"layer '{name}' is in {found.to_string()}, not the study's {crs.to_string()}"],
                path=str(path),
            )
        box = info.get("total_bounds")
        box = tuple(float(v) for v in box) if box is not None and np.all(np.isfinite(box)) else None
        fields = tuple(map(str, info["fields"]))
        n = int(info["features"])
        fid = info.get("fid_column") or None
        return cls(
            name,
            crs,
            fields,
            n,
            path,
            None,
            chunk_rows or rows_for(n),
            box,
            strict=strict,
            table=table,
            fid=fid,
        )

    @classmethod
    def from_url(
        cls,
        url: StudyURL,
        name: str,
        crs: pyproj.CRS,
        *,
        chunk_rows: int | None = None,
        strict: bool = True,
        table: str | None = None,
    ) -> LayerStream:
        """A table of a study in PostgreSQL, read only when iterated (Arrow batches, chunk by chunk).

        Parameters
        ----------
        url : StudyURL
            The study.
        name : str
            The layer.
        crs : pyproj.CRS
            The study's storage CRS.
        chunk_rows : int, optional
            Features per chunk (default :func:`rows_for` the layer's count).
        strict : bool, default True
            As for :meth:`from_study`.
        table : str, optional
            The table to read, when it is not ``name`` (a dated snapshot of the layer).

        Returns
        -------
        LayerStream
            Count, columns and extent from the database, no row read yet.
        """
        from zonekit.layers import postgis

        info = postgis.table_info(url, table or name)
        box = info["total_bounds"]
        box = tuple(float(v) for v in box) if np.all(np.isfinite(box)) else None
        fields = tuple(map(str, info["fields"]))
        n = int(info["features"])
        return cls(
            name,
            crs,
            fields,
            n,
            None,
            None,
            chunk_rows or rows_for(n),
            box,
            strict=strict,
            table=table,
            url=url,
        )

    @classmethod
    def from_partitions(
        cls, store: PartitionStore, name: str, crs: pyproj.CRS, *, strict: bool = True
    ) -> LayerStream:
        """A layer kept in a partitioned GeoParquet store (``zonekit partition``): one chunk per partition.

        Parameters
        ----------
        store : PartitionStore
            The store.
        name : str
            The layer name.
        crs : pyproj.CRS
            The study's storage CRS.
        strict : bool, default True
            As for :meth:`from_study`.

        Returns
        -------
        LayerStream
            Count, columns and extent from the store's manifest, nothing read yet.
        """
        b = store.bounds
        box = None
        if len(b) and np.isfinite(b).any():
            box = (
                float(np.nanmin(b[:, 0])),
                float(np.nanmin(b[:, 1])),
                float(np.nanmax(b[:, 2])),
                float(np.nanmax(b[:, 3])),
            )
        fields = tuple(store.manifest["columns"])
        return cls(name, crs, fields, len(store), None, None, CHUNK_ROWS, box, strict=strict, store=store)

    def __len__(self) -> int:
        return self.n

    @property
    def source(self) -> str:
        """Where the layer is read from, for messages (the password of a URL never shown)."""
        where = self.url or self.path or (self.store.folder if self.store is not None else None)
        return str(where) if where is not None else self.name

    def __contains__(self, column: object) -> bool:
        """Whether the layer has attribute ``column`` (as ``column in frame`` asks of a frame)."""
        return column in self.columns

    def within(self, bounds: Sequence[float], columns: Sequence[str] | None = None) -> gpd.GeoDataFrame:
        """The features whose boxes meet ``bounds`` (minx, miny, maxx, maxy), as one frame.

        From a file the GeoPackage's R-tree finds them (GDAL's ``bbox`` filter): only the features near a
        few parks are read, whatever the size of the layer. Each is brought to the schema's types and
        checked.

        Parameters
        ----------
        bounds : Sequence[float]
            The box, in the layer's CRS.
        columns : Sequence[str], optional
            Attribute columns to read (default: all).

        Returns
        -------
        GeoDataFrame
            The features near ``bounds``, in the layer's order, with a fresh index.
        """
        box = tuple(float(v) for v in bounds)
        wanted = list(self.columns) if columns is None else [c for c in dict.fromkeys(columns) if c in self]
        if self.frame is not None:
            b = shapely.bounds(self.frame.geometry.values)
            near = (b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])
            return self.frame.loc[near, [*wanted, self.frame.geometry.name]].reset_index(drop=True)
        if self.store is not None:
            b = self.store.bounds
            meets = (b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])
            near = [self.store.read(int(k), wanted, bbox=box) for k in np.flatnonzero(meets)]
            found = (
                pd.concat(near) if len(near) > 1 else near[0] if near else self.store.read(0, wanted).iloc[:0]
            )
        elif self.url is not None:
            from zonekit.layers import postgis

            parts = list(
                postgis.read_chunks(self.url, self.table or self.name, wanted, self.n or 1, bbox=box)
            )
            found = pd.concat(parts) if len(parts) > 1 else parts[0]
            b = shapely.bounds(
                found.geometry.values
            )  # the index's boxes are rounded outward: exact boxes now
            meets = (b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])
            found = found[meets]
        else:
            found = pyogrio.read_dataframe(
                self.path, layer=self.table or self.name, columns=wanted, bbox=box, use_arrow=True
            )
        if found.geometry.name != "geometry":
            found = found.rename_geometry("geometry")
        found = found.set_crs(self.crs, allow_override=True)
        if self.name in SCHEMAS:
            schema = narrowed(SCHEMAS[self.name], wanted)
            problems: list[str] = []
            found = conform(found, schema, problems)
            if self.strict:
                raise_if_invalid(problems + validate(found, schema), path=self.source)
        return found.reset_index(drop=True)

    def select(
        self,
        columns: Sequence[str] | None = None,
        keep: Callable[[gpd.GeoDataFrame], np.ndarray] | None = None,
    ) -> gpd.GeoDataFrame:
        """The features for which ``keep(chunk)`` is true (default: all), as one frame, read chunk by chunk.

        Parameters
        ----------
        columns : Sequence[str], optional
            Attribute columns to read (default: all).
        keep : callable, optional
            A boolean mask of a chunk's rows.

        Returns
        -------
        GeoDataFrame
            The features kept, indexed by their positions in the layer.
        """
        parts = [c if keep is None else c[np.asarray(keep(c), dtype=bool)] for c in self.chunks(columns)]
        parts = [p for p in parts if len(p)] or parts[:1]
        return pd.concat(parts) if len(parts) > 1 else parts[0]

    def chunks(self, columns: Sequence[str] | None = None, *, packed: bool = False) -> Iterator:
        """The features, ``chunk_rows`` at a time, with the ``columns`` asked for (default: all) and geometry.

        Each chunk is indexed by the features' positions in the layer (0 … n−1). From a file, each chunk is
        brought to the schema's types and checked; every problem found in any chunk is raised together, as
        one :class:`~zonekit.errors.SchemaError`, after the last chunk (so nothing built on a bad layer is
        written). A column that must be unique is checked within each chunk (``zonekit check`` checks the
        whole layer).

        Parameters
        ----------
        columns : Sequence[str], optional
            Attribute columns to read; those the layer lacks are left out.
        packed : bool, default False
            Give each chunk as a :class:`PackedChunk` (a study file's polygons are then not decoded).

        Yields
        ------
        GeoDataFrame or PackedChunk
            The next chunk.
        """
        wanted = self._wanted(columns)
        pieces = self._slices(wanted) if self.frame is not None else self._read(wanted, packed=packed)
        if packed:
            pieces = (PackedChunk.of(p) for p in pieces)
        if self.n > self.chunk_rows:  # a bar only where there is more than one chunk to wait for
            pieces = tracked(pieces, "progress.parcels", total=self.n, unit="unit.parcels")
        yield from pieces

    def stored_chunks(self) -> Iterator[gpd.GeoDataFrame]:
        """Every column of the features, chunk by chunk, as stored: not brought to the schema's types.

        For copying a layer elsewhere as it is (``zonekit partition``): a value the schema would refuse
        is kept, for ``zonekit check`` to report.

        Yields
        ------
        GeoDataFrame
            The next chunk, indexed from 0.
        """
        pieces = self._slices(list(self.columns)) if self.frame is not None else self._raw(list(self.columns))
        if self.n > self.chunk_rows:
            pieces = tracked(pieces, "progress.parcels", total=self.n, unit="unit.parcels")
        yield from pieces

    def _wanted(self, columns: Sequence[str] | None) -> list[str]:
        """The columns asked for (default: all) that the layer has, each once, in the order asked."""
        asked = self.columns if columns is None else dict.fromkeys(columns)
        return [c for c in asked if c in self.columns]

    def _slices(self, wanted: list[str]) -> Iterator[gpd.GeoDataFrame]:
        if self.frame is not None:
            frame = self.frame[[*wanted, self.frame.geometry.name]]
            for start in range(0, max(self.n, 1), self.chunk_rows):
                piece = frame.iloc[start : start + self.chunk_rows]
                yield piece.set_axis(pd.RangeIndex(start, start + len(piece)))

    def _read(self, wanted: list[str], *, packed: bool = False) -> Iterator:
        problems: list[str] = []
        start = 0
        for chunk in self._raw(wanted, packed=packed):
            yield self._checked(chunk, wanted, start, problems)
            start += len(chunk)
        if self.strict:
            raise_if_invalid(problems, path=self.source)

    def _checked(self, chunk, wanted: list[str], start: int, problems: list[str]):
        """A chunk as read, indexed from ``start``, in its schema's types; its problems added to ``problems``."""
        if isinstance(chunk, PackedChunk):
            frame = self._checked(chunk.frame, wanted, start, problems)
            if self.strict and self.name in SCHEMAS:
                found = missing_geometry(SCHEMAS[self.name], chunk.shapes.missing)
                problems.extend(p for p in found if p not in problems)
            return PackedChunk(frame, chunk.shapes, chunk.crs)
        chunk.index = pd.RangeIndex(start, start + len(chunk))
        if self.name in SCHEMAS:
            schema = narrowed(SCHEMAS[self.name], wanted)
            chunk = conform(chunk, schema, problems if self.strict else None)
            if self.strict:
                problems.extend(p for p in validate(chunk, schema) if p not in problems)
        return chunk

    def part(
        self, k: int, columns: Sequence[str] | None = None
    ) -> Iterator[tuple[gpd.GeoDataFrame, list[str]]]:
        """Partition ``k`` of a partitioned layer in chunks, as :meth:`chunks` gives them, with their problems.

        A task on a cluster worker reads its partition with this (and so does a run on one machine over
        the same store, so both add up the same chunks); the problems of every partition are raised
        together by the caller, as :meth:`chunks` raises them after its last chunk.

        Parameters
        ----------
        k : int
            The partition.
        columns : sequence of str, optional
            Attribute columns to read (default: all).

        Yields
        ------
        (GeoDataFrame, list of str)
            A chunk, indexed by position in the layer, and the schema problems found in it.
        """
        if self.store is None:
            raise ValueError("the layer is not partitioned")
        wanted = self._wanted(columns)
        start = sum(self.store.rows[:k])
        for chunk in self.store.chunks(k, wanted, self.chunk_rows):
            problems: list[str] = []
            checked = self._checked(chunk.set_crs(self.crs, allow_override=True), wanted, start, problems)
            start += len(chunk)
            yield checked, problems

    def _raw(self, wanted: list[str], *, packed: bool = False) -> Iterator:
        """The chunks as stored: by GDAL's Arrow stream (packed if asked), by ADBC, or a partition at a time."""
        if self.store is not None:
            for k in range(len(self.store.files)):
                for chunk in self.store.chunks(k, wanted, self.chunk_rows):
                    yield chunk.set_crs(self.crs, allow_override=True)
            return
        if self.url is not None:
            from zonekit.layers import postgis

            for chunk in postgis.read_chunks(self.url, self.table or self.name, wanted, self.chunk_rows):
                yield chunk.set_crs(self.crs, allow_override=True)
            return
        yield from self._arrow(wanted, packed=packed)

    def _arrow(
        self,
        wanted: list[str],
        where: str | None = None,
        *,
        by_fid: bool = False,
        packed: bool = False,
        **filters,
    ) -> Iterator:
        """The study file's features by GDAL's Arrow stream, a chunk a batch.

        Those ``where`` or a ``bbox``/``fids`` filter selects; indexed by feature id with ``by_fid``;
        as :class:`PackedChunk` (the polygons not decoded) with ``packed``.
        """
        with pyogrio.open_arrow(
            self.path,
            layer=self.table or self.name,
            columns=wanted,
            where=where,
            return_fids=by_fid,
            batch_size=self.chunk_rows,
            use_pyarrow=True,
            **filters,
        ) as (meta, reader):
            geometry = meta["geometry_name"] or "wkb_geometry"
            fid = meta.get("fid_column") or "OGC_FID"
            for batch in reader:
                if packed and meta["geometry_name"]:
                    attrs = batch.drop_columns([geometry]).to_pandas(date_as_object=False)
                    shapes = PackedPolygons.from_wkb(batch.column(geometry))
                    yield PackedChunk(attrs.set_index(fid) if by_fid else attrs, shapes, self.crs)
                    continue
                attrs, geoms = arrow_frame(batch, geometry)
                yield gpd.GeoDataFrame(
                    attrs.set_index(fid) if by_fid else attrs, geometry=geoms, crs=self.crs
                )

    def map_chunks(
        self,
        fn: Callable[[gpd.GeoDataFrame], T],
        columns: Sequence[str] | None = None,
        *,
        workers: int = 1,
        packed: bool = False,
    ) -> Iterator[T]:
        """``fn(chunk)`` for every chunk :meth:`chunks` gives, in order, on ``workers`` processes if it can.

        A study file's layer of more than one chunk is read and handed to ``fn`` by forked worker
        processes, a chunk a task (:func:`~zonekit.geo.parallel.map_forked`): reading, decoding and most
        reductions hold the GIL, so threads would wait on each other. Each worker reads its chunk alone
        (:meth:`chunk`), so ``fn`` sees exactly the chunks a single reader gives, and the results come
        back in the layer's order: folded in that order, they are the same to the last bit. A frame, a
        database or a store, one worker, or a system without fork: the chunks pass through ``fn`` here.
        Problems of the values are raised after the last chunk, as :meth:`chunks` raises them.

        Parameters
        ----------
        fn : callable
            Reduces a chunk; what it returns must pickle (it travels back from the worker).
        columns : sequence of str, optional
            Attribute columns to read (default: all).
        workers : int, default 1
            Processes to use.
        packed : bool, default False
            Hand ``fn`` each chunk as a :class:`PackedChunk` (a study file's chunks are then read without
            decoding their polygons; others are laid out from their geometries).

        Yields
        ------
        object
            ``fn`` of each chunk, in the layer's order.
        """
        starts = self.chunk_starts() if workers > 1 and can_fork() else None
        if starts is None or len(starts) < 2:
            for chunk in self.chunks(columns, packed=packed):
                yield fn(chunk)
            return
        task = functools.partial(
            _chunk_and_apply, layer=self, starts=starts, columns=columns, fn=fn, packed=packed
        )
        done = tracked(
            map_forked(task, len(starts), workers),
            "progress.parcels",
            total=self.n,
            unit="unit.parcels",
            size=lambda r: r[2],
        )
        problems: list[str] = []
        for result, found, _ in done:
            problems.extend(p for p in found if p not in problems)
            yield result
        if self.strict:
            raise_if_invalid(problems, path=self.source)

    def boxes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Every feature's id and box from the study file's R-tree (:func:`~zonekit.geo.gpkg.feature_boxes`).

        Returns
        -------
        (numpy.ndarray, numpy.ndarray) or None
            Feature ids (in PostGIS, the rows' ``zonekit_row``) and n × 4 boxes; None for a frame, a
            store, or a table without an R-tree, a feature id column or a kept row order (then
            :meth:`tiles` cannot be used).
        """
        if self.frame is not None or self.store is not None:
            return None
        if self.url is not None:
            from zonekit.layers import postgis

            return postgis.feature_boxes(self.url, self.table or self.name)
        if self.path is None or not self.fid:
            return None
        return feature_boxes(self.path, self.table or self.name)

    def tiles(
        self,
        boxes: tuple[np.ndarray, np.ndarray],
        size: int,
        columns: Sequence[str] | None = None,
    ) -> Iterator[tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]]:
        """The features tile by tile, each tile with the features around it, never the whole layer at once.

        For work that needs each feature's neighbours (a layer's overlaps with itself). The tiles hold at
        most ``size`` features each (:func:`~zonekit.geo.tiles.balanced_tiles` of the R-tree's boxes); a
        tile is read through the R-tree (GDAL's ``bbox`` filter on the box holding its features' boxes):
        its own features, and every other feature whose box meets that box, so every feature that meets
        one of its own (in PostGIS: the boxes from the database, each tile read through the GiST index,
        a row's position its rank by ``zonekit_row``). The features without a box (no geometry, or an
        empty one) come last, as a tile of
        their own. Every feature is in exactly one tile; its own features are brought to the schema's types
        and checked, and the problems of every tile raised together after the last (as :meth:`chunks`).

        Parameters
        ----------
        boxes : (numpy.ndarray, numpy.ndarray)
            :meth:`boxes`.
        size : int
            Features per tile, at most.
        columns : sequence of str, optional
            Attribute columns to read (default: all).

        Yields
        ------
        (GeoDataFrame, GeoDataFrame)
            The tile's own features, indexed by position in the layer (as :meth:`chunks` indexes them);
            the features around them, indexed likewise (in the schema's types, their problems reported
            with their own tiles).
        """
        if self.url is None and (self.path is None or not self.fid):
            raise ValueError("only a study file's or a study database's layer is read tile by tile")
        wanted = self._wanted(columns)
        fids = self._ids()  # sorted: a feature's position is its rank
        ids, box = boxes
        boxed = np.zeros(len(fids), dtype=bool)
        boxed[np.searchsorted(fids, ids)] = True
        unboxed = fids[~boxed]
        own_mask = np.zeros(len(fids), dtype=bool)  # the tile's own features, by position
        problems: list[str] = []
        pieces = [(np.sort(ids[t]), box[t]) for t in balanced_tiles(box, size)]
        for own_ids, own_boxes in pieces + ([(unboxed, None)] if len(unboxed) else []):
            if own_boxes is None:  # no box: read by id, nothing around them
                read = self._by_id(wanted, fids=own_ids)
            else:
                area = (*own_boxes[:, :2].min(axis=0), *own_boxes[:, 2:].max(axis=0))
                read = self._by_id(wanted, bbox=tuple(float(v) for v in area))
            at, own_at = np.searchsorted(fids, read.index.to_numpy()), np.searchsorted(fids, own_ids)
            read.index = pd.Index(at)
            own_mask[own_at] = True
            mine = own_mask[at]
            own_mask[own_at] = False
            own, around = read[mine], read[~mine]
            if self.name in SCHEMAS:
                schema = narrowed(SCHEMAS[self.name], wanted)
                own = conform(own, schema, problems if self.strict else None)
                if self.strict:
                    problems.extend(p for p in validate(own, schema) if p not in problems)
                around = conform(around, schema, None)  # checked in their own tiles
            yield own, around
        if self.strict:
            raise_if_invalid(problems, path=self.source)

    def _ids(self) -> np.ndarray:
        """Every feature's id, sorted: its feature id in a file, its ``zonekit_row`` in a database."""
        if self.url is not None:
            from zonekit.layers import postgis

            return postgis.row_order(self.url, self.table or self.name)
        _, found = pyogrio.read_arrow(
            self.path, layer=self.table or self.name, read_geometry=False, columns=[], return_fids=True
        )
        return np.sort(found.column(0).to_numpy().astype(np.int64))

    def _by_id(self, wanted: list[str], **where) -> gpd.GeoDataFrame:
        """The features a ``bbox`` or ``fids`` filter selects, as one frame indexed by their ids (:meth:`_ids`).

        In a database ``fids`` are found among the rows without a box (:meth:`boxes` leaves them out: the
        only ids :meth:`tiles` reads by id).
        """
        if self.url is not None:
            from zonekit.layers import postgis

            frames = [
                chunk.set_index("zonekit_row").set_crs(self.crs, allow_override=True)
                for chunk in postgis.read_chunks(
                    self.url,
                    self.table or self.name,
                    [*wanted, "zonekit_row"],
                    self.chunk_rows,
                    bbox=where.get("bbox"),
                    without_box="fids" in where,
                )
            ]
            if "fids" in where:
                frames = [f[f.index.isin(np.asarray(where["fids"]))] for f in frames]
        else:
            frames = list(self._arrow(wanted, by_fid=True, **where))
        if not frames:
            return self._empty(wanted).set_index(pd.Index([], dtype=np.int64))
        return frames[0] if len(frames) == 1 else pd.concat(frames)

    def _empty(self, wanted: list[str]) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({c: [] for c in wanted}, geometry=gpd.GeoSeries([], crs=self.crs))

    def chunk_starts(self) -> list[int] | None:
        """The first feature id of each chunk, when chunks can be read on their own (a study file's layer).

        Returns
        -------
        list of int or None
            One id per chunk (see :func:`zonekit.geo.gpkg.chunk_starts`); None for a frame, a database,
            a store, or a table without a feature id column.
        """
        if self.path is None or self.frame is not None or self.store is not None or not self.fid:
            return None
        return chunk_starts(self.path, self.table or self.name, self.fid, self.n, self.chunk_rows)

    def chunk(
        self, k: int, starts: Sequence[int], columns: Sequence[str] | None = None, *, packed: bool = False
    ) -> tuple:
        """Chunk ``k`` alone, read through the feature ids: the chunk :meth:`chunks` gives ``k``-th.

        Parameters
        ----------
        k : int
            The chunk.
        starts : sequence of int
            :meth:`chunk_starts`.
        columns : sequence of str, optional
            Attribute columns to read (default: all).
        packed : bool, default False
            Give the chunk as a :class:`PackedChunk` (its polygons not decoded).

        Returns
        -------
        (GeoDataFrame or PackedChunk, list of str)
            The chunk, indexed by position in the layer, in its schema's types; and the schema problems
            found in it (the caller raises those of every chunk together, as :meth:`chunks` does).
        """
        wanted = self._wanted(columns)
        # one batch, unless the file changed meanwhile
        pieces = list(self._arrow(wanted, chunk_where(str(self.fid), starts, k), packed=packed))
        if packed and len(pieces) != 1:  # read again as a frame, then laid out
            got, found = self.chunk(k, starts, columns)
            return PackedChunk.of(got), found
        chunk = pieces[0] if len(pieces) == 1 else pd.concat(pieces) if pieces else self._empty(wanted)
        problems: list[str] = []
        return self._checked(chunk, wanted, k * self.chunk_rows, problems), problems


def _chunk_and_apply(k: int, *, layer: LayerStream, starts, columns, fn, packed: bool = False) -> tuple:
    """In a worker: chunk ``k`` read alone and reduced; its problems and row count for the caller."""
    chunk, problems = layer.chunk(k, starts, columns, packed=packed)
    return fn(chunk), problems, len(chunk)


def stream_of(layer: gpd.GeoDataFrame | LayerStream, name: str) -> LayerStream:
    """``layer`` as a stream: itself when it is one, else slices of the frame.

    Parameters
    ----------
    layer : GeoDataFrame or LayerStream
        A layer in memory, or one read piece by piece.
    name : str
        The layer name.

    Returns
    -------
    LayerStream
        The layer's chunks.
    """
    return layer if isinstance(layer, LayerStream) else LayerStream.from_frame(layer, name)
