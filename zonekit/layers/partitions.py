"""A study's parcels as a partitioned GeoParquet store, for a province or a country on a cluster.

``zonekit partition`` cuts the ``landuse`` layer into partitions of at most ``rows`` parcels — by Hilbert
tile (parcels near each other together) or by county (the admin layer's counties, a large county in
several pieces) — and writes them as GeoParquet files in a folder with a manifest
(``_zonekit_partitions.json``: each partition's file, rows and bounds, the layer's CRS and the state of
the study layer it was cut from). The study records the folder, and from then on every command reads
the parcels from it, partition by partition, in place of the study's own layer; ``--cluster`` sends one
task per partition to a dask.distributed cluster (:mod:`zonekit.geo.cluster`).

An import into the layer rewrites or extends the store it names (:func:`zonekit.layers.importer.import_layers`,
``partitions=``); a store that no longer stands for the layer (edited elsewhere since) is refused,
naming the fix.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.compute as pc
import shapely

from zonekit.errors import StudyError
from zonekit.geo.cluster import Cluster, cluster_of

if TYPE_CHECKING:
    from zonekit.layers.postgis import StudyURL

MANIFEST = "_zonekit_partitions.json"
"""The manifest in a store's folder (a leading underscore: GeoParquet readers skip it)."""
META_KEY = "partitions:{layer}"
"""The key of ``zonekit_study`` that names a layer's store."""
HILBERT_LEVEL = 16
ROW_GROUP = 100_000
"""Rows per Parquet row group: readers use one thread per row group."""


@dataclass(frozen=True)
class PartitionStore:
    """A partitioned layer on disk: its folder and manifest."""

    folder: Path
    manifest: dict

    @property
    def files(self) -> list[Path]:
        """Each partition's file, in order."""
        return [self.folder / p["file"] for p in self.manifest["partitions"]]

    @property
    def rows(self) -> list[int]:
        """Each partition's row count, in order."""
        return [int(p["rows"]) for p in self.manifest["partitions"]]

    @property
    def bounds(self) -> np.ndarray:
        """(n, 4) bounds of each partition (minx, miny, maxx, maxy)."""
        return np.array([p["bounds"] for p in self.manifest["partitions"]], dtype=float).reshape(-1, 4)

    def __len__(self) -> int:
        return sum(self.rows)

    @classmethod
    def open(cls, folder: str | Path) -> PartitionStore:
        """The store in ``folder``.

        Parameters
        ----------
        folder : str or Path
            A folder written by :func:`partition`.

        Returns
        -------
        PartitionStore

        Raises
        ------
        StudyError
            When the folder or its manifest is missing or unreadable.
        """
        folder = Path(folder)
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise StudyError("partitions.missing", path=str(folder)) from None
        return cls(folder, manifest)

    def read(self, k: int, columns: Sequence[str] | None = None, *, bbox=None) -> gpd.GeoDataFrame:
        """Partition ``k`` with the attribute ``columns`` asked for (default: all) and the geometry.

        Parameters
        ----------
        k : int
            The partition.
        columns : sequence of str, optional
            Attribute columns (those the layer lacks are left out).
        bbox : tuple of float, optional
            Only the rows whose boxes meet it (by the files' bbox covering column).

        Returns
        -------
        GeoDataFrame
            Its rows, in the order the layer had them.
        """
        have = self.manifest["columns"]
        wanted = None if columns is None else [c for c in dict.fromkeys(columns) if c in have]
        got = gpd.read_parquet(
            self.files[k], columns=None if wanted is None else [*wanted, "geometry"], bbox=bbox
        )
        return got.reset_index(drop=True)

    def chunks(
        self, k: int, columns: Sequence[str] | None = None, rows: int = 50_000
    ) -> Iterator[gpd.GeoDataFrame]:
        """Partition ``k`` in chunks of at most ``rows`` (memory holds one chunk, not the partition).

        Parameters
        ----------
        k : int
            The partition.
        columns : sequence of str, optional
            Attribute columns (default: all).
        rows : int, default 50,000
            Rows per chunk.

        Yields
        ------
        GeoDataFrame
            The next chunk, in the layer's order, indexed from 0.
        """
        import pyarrow.parquet as pq

        from zonekit.geo.io import arrow_frame

        have = self.manifest["columns"]
        wanted = have if columns is None else [c for c in dict.fromkeys(columns) if c in have]
        crs = self.manifest.get("crs")
        reader = pq.ParquetFile(self.files[k])
        for batch in reader.iter_batches(batch_size=rows, columns=[*wanted, "geometry"]):
            attrs, geoms = arrow_frame(batch, "geometry")
            yield gpd.GeoDataFrame(attrs, geometry=geoms, crs=crs)


def _fingerprint(study: str | Path | StudyURL, layer: str) -> dict:
    """What a store must agree with to stand for the study's layer: its rows and its last import."""
    from zonekit.layers.study import IMPORTS_TABLE, layer_info, list_tables, read_table

    last = None
    if IMPORTS_TABLE in list_tables(study):
        imports = read_table(study, IMPORTS_TABLE)
        mine = imports.loc[imports["layer"] == layer, "import_id"]
        last = int(mine.max()) if len(mine) else None
    return {"rows": int(layer_info(study, layer)["features"]), "last_import": last}


def store_folder(study: str | Path | StudyURL, where: str) -> Path:
    """The folder a study's record names (a relative one is beside a study file).

    Parameters
    ----------
    study : str, Path or StudyURL
        The study.
    where : str
        The path recorded in ``zonekit_study``.

    Returns
    -------
    Path
    """
    folder = Path(where)
    if not folder.is_absolute() and isinstance(study, str | Path):
        folder = Path(study).resolve().parent / folder
    return folder


def store_of(study: str | Path | StudyURL, layer: str, meta: dict[str, str]) -> PartitionStore | None:
    """The partitioned store the study names for ``layer`` (None when it names none), checked to be current.

    Parameters
    ----------
    study : str, Path or StudyURL
        The study.
    layer : str
        The layer.
    meta : dict
        The study's ``zonekit_study`` table.

    Returns
    -------
    PartitionStore or None

    Raises
    ------
    StudyError
        When the store is missing, or was cut from an older state of the layer.
    """
    where = meta.get(META_KEY.format(layer=layer))
    if not where:
        return None
    folder = store_folder(study, where)
    store = PartitionStore.open(folder)
    now = _fingerprint(study, layer)
    then = store.manifest.get("source", {})
    if then != now:
        raise StudyError(
            "partitions.stale",
            path=str(folder),
            study=str(study),
            layer=layer,
            then=str(then.get("rows")),
            now=str(now["rows"]),
        )
    return store


def cluster_for(cluster, *layers) -> Cluster | None:
    """The cluster asked for (``cluster``, else ``ZONEKIT_CLUSTER``), or None for this machine.

    A cluster works partition by partition: it is refused, naming the fix, when none of ``layers`` is
    read from a partitioned store, rather than the work being quietly done here.

    Parameters
    ----------
    cluster : str, Cluster or None
        ``local:N`` or ``tcp://HOST:PORT``.
    *layers : LayerStream or frame
        The big layers of the command (one of them must be partitioned).

    Returns
    -------
    Cluster or None

    Raises
    ------
    StudyError
        When a cluster is asked for and no layer is partitioned.
    """
    from zonekit.layers.stream import LayerStream

    where = cluster_of(cluster)
    if where is not None and not any(isinstance(x, LayerStream) and x.store is not None for x in layers):
        source = next((x.source for x in layers if isinstance(x, LayerStream)), "landuse")
        raise StudyError("cluster.not_partitioned", path=source)
    return where


def partition(
    study: str | Path | StudyURL,
    out: str | Path,
    *,
    layer: str = "landuse",
    by: str = "hilbert",
    rows: int = 500_000,
) -> PartitionStore:
    """Cut a study layer into a partitioned GeoParquet store and make the study read it from there.

    Two passes over the layer in chunks, so memory holds a chunk or a partition, never the layer: the
    first gives each feature its key (its Hilbert distance on the layer's extent, or its county by the
    middle of its box in the ``admin`` layer's counties) into temporary files; the second writes each
    partition, its rows in the layer's order. The folder replaces ``out`` whole, or (failed, killed)
    leaves it as it was.

    Parameters
    ----------
    study : str, Path or StudyURL
        The study.
    out : str or Path
        The store's folder (``landuse.parquet``).
    layer : str, default ``"landuse"``
        The layer to partition.
    by : {"hilbert", "county"}
        How features are grouped.
    rows : int, default 500,000
        Most rows in a partition (a county larger than this is cut in pieces).

    Returns
    -------
    PartitionStore
        The store written.

    Raises
    ------
    StudyError
        When ``by="county"`` and the study has no counties in its ``admin`` layer.
    """
    from zonekit.geo.io import atomic_folder
    from zonekit.layers.stream import LayerStream
    from zonekit.layers.study import study_crs

    if by not in ("hilbert", "county"):
        raise ValueError("by must be 'hilbert' or 'county'")
    from zonekit.layers.schema import SCHEMAS
    from zonekit.layers.study import list_tables

    rows = max(1, int(rows))
    if layer not in list_tables(study):
        raise StudyError("study.no_layers", path=str(study), layers=layer)
    if layer in SCHEMAS and SCHEMAS[layer].geometry == "none":
        raise StudyError("partitions.table", path=str(out), layer=layer)
    crs = study_crs(study)
    source = _fingerprint(study, layer)
    stream = LayerStream.of(study, layer, crs, strict=False)  # the study's own layer, not a store
    counties = _counties(study) if by == "county" else None
    extent = stream.bounds or (0.0, 0.0, 1.0, 1.0)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="zonekit-partition-", dir=out.resolve().parent) as tmp:
        keys = []
        start = 0
        for i, chunk in enumerate(stream.stored_chunks()):
            key = _keys(chunk.geometry.values, by, extent, counties)
            chunk = chunk.assign(_key=key, _row=np.arange(start, start + len(chunk), dtype=np.int64))
            start += len(chunk)
            chunk.to_parquet(Path(tmp) / f"{i:06d}.parquet", index=False)
            keys.append(key)
        all_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        cuts = _cuts(all_keys, rows, by)
        with atomic_folder(out) as folder:
            parts = [
                write_part(_between(Path(tmp), lo, hi), folder, f"part-{k:05d}.parquet", [lo[0], hi[0]])
                for k, (lo, hi) in enumerate(cuts)
            ]
            write_manifest(
                folder,
                layer=layer,
                by=by,
                rows=rows,
                crs=crs,
                columns=stream.columns,
                source=source,
                parts=parts,
            )
    _register(study, layer, out)
    return PartitionStore.open(out)


def write_part(frame: gpd.GeoDataFrame, folder: Path, name: str, key: Sequence[int] | None = None) -> dict:
    """Write one partition's file (row groups of :data:`ROW_GROUP`, a bbox covering) and say it for the manifest.

    Parameters
    ----------
    frame : GeoDataFrame
        The partition's rows, in the layer's order.
    folder : Path
        The store's folder.
    name : str
        The file's name in it.
    key : sequence of int, optional
        The partition's first and last key (Hilbert distance, county number or source number).

    Returns
    -------
    dict
        Its manifest entry: file, rows, bounds (NaN for an empty one), key.
    """
    frame.to_parquet(folder / name, index=False, row_group_size=ROW_GROUP, write_covering_bbox=True)
    b = frame.total_bounds if len(frame) else np.full(4, np.nan)
    entry = {"file": name, "rows": len(frame), "bounds": [float(v) for v in b]}
    return entry | ({"key": [int(v) for v in key]} if key is not None else {})


def write_manifest(
    folder: Path,
    *,
    layer: str,
    by: str,
    rows: int,
    crs,
    columns: Sequence[str],
    source: dict,
    parts: list[dict],
) -> None:
    """Write the store's manifest (the last file of a store: a folder without one is no store).

    Parameters
    ----------
    folder : Path
        The store's folder.
    layer : str
        The layer it holds.
    by : {"hilbert", "county", "source"}
        How the rows were grouped.
    rows : int
        The most rows a partition was to hold.
    crs : pyproj.CRS
        The layer's CRS.
    columns : sequence of str
        The attribute columns of every partition.
    source : dict
        The state of the study layer it stands for (its rows and last import).
    parts : list of dict
        The partitions' entries (:func:`write_part`), in the layer's order.
    """
    manifest = {
        "layer": layer,
        "by": by,
        "rows_per_partition": int(rows),
        "crs": crs.to_string(),
        "columns": list(columns),
        "source": source,
        "partitions": parts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def _counties(study) -> gpd.GeoDataFrame:
    """The study's counties (``admin`` at level county), for ``by="county"``."""
    from zonekit.layers.study import read_study

    admin = read_study(study, layers=["admin"], validate_schema=False)["admin"]
    counties = admin[admin["level"] == "county"].sort_values("adcode").reset_index(drop=True)
    if not len(counties):
        raise StudyError("partitions.no_counties", path=str(study))
    return counties


def _keys(geoms: np.ndarray, by: str, extent, counties: gpd.GeoDataFrame | None) -> np.ndarray:
    """Each feature's partition key: Hilbert distance, or county number (−1 outside every county)."""
    b = shapely.bounds(geoms)
    mx, my = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    empty = ~np.isfinite(mx)
    if by == "hilbert":
        mx, my = np.where(empty, extent[0], mx), np.where(empty, extent[1], my)
        return (
            gpd.GeoSeries(shapely.points(mx, my))
            .hilbert_distance(total_bounds=extent, level=HILBERT_LEVEL)
            .to_numpy(dtype=np.int64)
        )
    assert counties is not None
    key = np.full(len(geoms), -1, dtype=np.int64)
    pts = shapely.points(np.where(empty, 0.0, mx), np.where(empty, 0.0, my))
    i, j = counties.sindex.query(pts, predicate="intersects")
    first = np.unique(i, return_index=True)[1]  # a point on a shared border: the lower adcode
    key[i[first]] = j[first]
    key[empty] = -1
    return key


def _cuts(keys: np.ndarray, rows: int, by: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Partitions as half-open ranges of (key, row), in (key, row) order.

    Hilbert: every ``rows`` rows of the curve. County: one partition per county, a county of more than
    ``rows`` rows in pieces of ``rows``.
    """
    n = len(keys)
    if not n:
        return [((0, 0), (0, 1))]
    order = np.lexsort((np.arange(n), keys))
    ks = keys[order]
    if by == "hilbert":
        starts = np.arange(0, n, rows)
    else:  # a loop over counties, not rows
        first = np.r_[0, np.flatnonzero(np.diff(ks)) + 1]
        ends = np.r_[first[1:], n]
        starts = np.concatenate([np.arange(s, e, rows) for s, e in zip(first, ends, strict=True)])
    edges = [(int(ks[s]), int(order[s])) for s in starts] + [(int(ks[-1]), int(order[-1]) + 1)]
    return list(itertools.pairwise(edges))


def _between(tmp: Path, lo: tuple[int, int], hi: tuple[int, int]) -> gpd.GeoDataFrame:
    """The rows whose (key, row) lies in [lo, hi), in the layer's order, without the helper columns."""
    k, r = pc.field("_key"), pc.field("_row")
    after = (k > lo[0]) | ((k == lo[0]) & (r >= lo[1]))
    before = (k < hi[0]) | ((k == hi[0]) & (r < hi[1]))
    got = gpd.read_parquet(tmp, filters=after & before)
    return got.sort_values("_row", kind="stable").drop(columns=["_key", "_row"]).reset_index(drop=True)


def forget(study: str | Path | StudyURL, layer: str = "landuse") -> bool:
    """Make the study read ``layer`` from itself again (the store's folder is left as it is).

    Parameters
    ----------
    study : str, Path or StudyURL
        The study.
    layer : str, default ``"landuse"``
        The layer.

    Returns
    -------
    bool
        Whether the study named a store for the layer.
    """
    return _register(study, layer, None)


def registered(study, layer: str, out: Path | None) -> tuple[pd.DataFrame, bool]:
    """The study's ``zonekit_study`` table naming ``out`` as the store of ``layer`` (None: naming none).

    A store beside a study file is named by its path relative to the study's folder.

    Parameters
    ----------
    study : str, Path or StudyURL
        The study.
    layer : str
        The layer.
    out : Path or None
        The store's folder.

    Returns
    -------
    tuple of (DataFrame, bool)
        The table to write, and whether the study named a store for the layer before.
    """
    from zonekit.layers import postgis
    from zonekit.layers.study import META_TABLE, read_table

    meta = read_table(study, META_TABLE)
    key = META_KEY.format(layer=layer)
    had = bool((meta["key"] == key).any())
    meta = meta[meta["key"] != key]
    if out is not None:
        if postgis.is_url(study):
            value = str(out.resolve())
        else:
            value = os.path.relpath(out.resolve(), Path(study).resolve().parent)
        meta = pd.concat([meta, pd.DataFrame({"key": [key], "value": [value]})])
    return meta.reset_index(drop=True), had


def _register(study, layer: str, out: Path | None) -> bool:
    """Record the store in the study's ``zonekit_study`` table."""
    from zonekit.geo import gpkg
    from zonekit.layers import postgis
    from zonekit.layers.study import META_TABLE, writing

    meta, had = registered(study, layer, out)
    if postgis.is_url(study):
        postgis.write_tables(study, {META_TABLE: meta})
        return had
    with writing(study):
        gpkg.write_layers(study, {META_TABLE: meta})
    return had
