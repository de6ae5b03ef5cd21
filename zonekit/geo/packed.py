"""Polygons kept as their well-known binary, measured without a GEOS object each.

A study file hands its parcels over as WKB (GDAL's Arrow stream). Turning a million of them into shapely
geometries costs more than most of what a command then does with them, and most parcels need nothing but
their own area and their box: the parcels that lie deep inside a park or far outside every park. So a
chunk of parcels is kept packed: the WKB as read, every ring's vertices in flat numpy arrays read straight
from it (:func:`rings_from_wkb`, the layout of :class:`~zonekit.geo.rings.Rings`), and each polygon's
box. Only the polygons a computation must hand to GEOS are decoded (:meth:`PackedPolygons.geometries`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from zonekit.geo.rings import Rings, polygon_rings, ring_bounds

_POLYGON, _MULTIPOLYGON = 3, 6


@dataclass
class PackedPolygons:
    """Polygons as WKB, their rings as flat arrays and their boxes; decoded one subset at a time.

    Attributes
    ----------
    rings : Rings
        Every ring's vertices, in the order :func:`shapely.get_coordinates` gives them.
    bounds : numpy.ndarray
        (n, 4) boxes (NaN for an empty or missing polygon).
    wkb : pyarrow.Array or None
        The WKB of each polygon (null for a missing one); None when built from geometries.
    geoms : numpy.ndarray or None
        The geometries when built from them (nothing then needs decoding).
    """

    _rings: Rings | None
    _bounds: np.ndarray | None
    wkb: Any = None
    geoms: np.ndarray | None = None
    _decoded: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.geoms) if self.geoms is not None else self.rings.n_geoms

    @property
    def rings(self) -> Rings:
        """Every ring's vertices (laid out from the geometries when first asked, if built from them)."""
        if self._rings is None:
            assert self.geoms is not None
            self._rings = polygon_rings(self.geoms)
        return self._rings

    @property
    def bounds(self) -> np.ndarray:
        """(n, 4) boxes (NaN for an empty or missing polygon)."""
        if self._bounds is None:
            self._bounds = shapely.bounds(self.geoms)
        return self._bounds

    @property
    def missing(self) -> int:
        """How many polygons are missing (a null WKB, a None geometry); an empty polygon is not."""
        if self.geoms is not None:
            return int(shapely.is_missing(self.geoms).sum())
        return int(self.wkb.null_count)

    @classmethod
    def from_geometries(cls, geoms) -> PackedPolygons:
        """Polygons already decoded (a frame in memory, a database's chunk): packed without a copy.

        Parameters
        ----------
        geoms : array-like of shapely geometries
            Polygons or multipolygons; None and empty ones have no rings.

        Returns
        -------
        PackedPolygons
            The geometries with their rings and boxes.
        """
        return cls(None, None, geoms=np.asarray(geoms, dtype=object))

    @classmethod
    def from_wkb(cls, wkb) -> PackedPolygons:
        """Polygons from their WKB, read in numpy where they are plain 2-D (multi)polygons.

        Parameters
        ----------
        wkb : pyarrow.BinaryArray or array-like of bytes
            One WKB per polygon (null: missing).

        Returns
        -------
        PackedPolygons
            Their rings and boxes; a batch holding anything else (big-endian, Z or M coordinates, another
            geometry type) is decoded by shapely instead, to the same arrays.

        Examples
        --------
        >>> holed = shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 0)], [[(1, 0.5), (3, 1), (3, 2), (1, 0.5)]])
        >>> p = PackedPolygons.from_wkb([shapely.to_wkb(holed), None])
        >>> p.rings.is_ext.tolist(), p.bounds[0].tolist(), len(p)
        ([True, False], [0.0, 0.0, 4.0, 4.0], 2)
        >>> p.geometries(np.array([0]))[0].equals(holed)
        True
        """
        arr, offsets, data = _buffers(wkb)
        parsed = rings_from_wkb(offsets, data)
        if parsed is None:
            geoms = shapely.from_wkb(arr.to_numpy(zero_copy_only=False))
            return cls(None, None, wkb=arr, geoms=geoms)
        return cls(parsed, ring_bounds(parsed), wkb=arr)

    def areas(self, crs, which: np.ndarray | None = None) -> np.ndarray:
        """Ellipsoidal areas (:func:`~zonekit.geo.area.rings_area`) of the polygons at ``which`` (all).

        Each polygon is measured once however often it is asked for, and alone, so its area is the one
        :func:`~zonekit.geo.area.ellipsoidal_area` gives it, to the last bit.

        Parameters
        ----------
        crs : CRS of the coordinates
        which : numpy.ndarray of int, optional
            Positions (default: every polygon).

        Returns
        -------
        numpy.ndarray
            As long as the polygons: the areas at ``which`` (and at any position measured before), NaN
            elsewhere.
        """
        from zonekit.geo.area import rings_area

        out = self._decoded.get("area")
        if out is None:
            out = self._decoded["area"] = np.full(len(self), np.nan)
        need = np.zeros(len(self), dtype=bool)
        need[np.arange(len(self)) if which is None else np.asarray(which, dtype=np.int64)] = True
        need &= np.isnan(out)
        if need.any():
            out[need] = rings_area(self.rings.subset(need), self.bounds[need], crs)
        return out

    def geometries(self, which: np.ndarray) -> np.ndarray:
        """The shapely geometries of the polygons at positions ``which`` (decoded once, then kept).

        Parameters
        ----------
        which : numpy.ndarray of int
            Positions.

        Returns
        -------
        numpy.ndarray
            An array as long as the polygons, holding the geometries at ``which`` (None elsewhere); the
            whole array of geometries when they were given.
        """
        if self.geoms is not None:
            return self.geoms
        assert self.wkb is not None
        out = self._decoded.get("geometries")
        if out is None:
            out = self._decoded["geometries"] = np.full(len(self), None, dtype=object)
            self._decoded["done"] = np.zeros(len(self), dtype=bool)
        done = self._decoded["done"]
        need = np.asarray(which, dtype=np.int64)
        need = np.unique(need[~done[need]])
        if len(need):
            out[need] = shapely.from_wkb(self.wkb.take(need).to_numpy(zero_copy_only=False))
            done[need] = True
        return out


def _buffers(wkb) -> tuple:
    """A WKB column as an Arrow array, with its offsets and bytes (zero-copy)."""
    import pyarrow as pa

    arr = wkb if isinstance(wkb, pa.Array) else pa.array(list(wkb), type=pa.binary())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    kind: type = np.int64
    if arr.type != pa.large_binary():
        arr = arr.cast(pa.binary())
        kind = np.int32
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=kind)[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    if arr.null_count:  # a missing polygon reads as no bytes
        valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        offsets = np.column_stack([offsets[:-1], np.where(valid, offsets[1:], offsets[:-1])])
    return arr, offsets, data


def _u32(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Little-endian unsigned 32-bit integers at byte positions ``pos``."""
    raw = data[pos[:, None] + np.arange(4)]  # the four bytes of each, side by side
    return np.ascontiguousarray(raw).view("<u4").ravel().astype(np.int64)


def rings_from_wkb(offsets: np.ndarray, data: np.ndarray) -> Rings | None:
    """The rings of little-endian 2-D Polygon/MultiPolygon WKB, read in numpy (loops over parts only).

    Parameters
    ----------
    offsets : numpy.ndarray of int
        ``n + 1`` offsets of each WKB in ``data`` (Arrow's layout), or (n, 2) start and end of each.
    data : numpy.ndarray of uint8
        The bytes.

    Returns
    -------
    Rings or None
        The layout :func:`~zonekit.geo.rings.rings` gives for the decoded polygons (the same vertices in
        the same order); None if any WKB is something else (the caller decodes those with shapely). A
        WKB of no bytes (a missing polygon) and an empty polygon have no rings.

    Examples
    --------
    >>> import shapely
    >>> g = [shapely.box(0, 0, 1, 1), shapely.MultiPolygon([shapely.box(2, 2, 3, 3), shapely.box(5, 5, 6, 6)])]
    >>> blobs = [shapely.to_wkb(x) for x in g]
    >>> offsets = np.cumsum([0] + [len(b) for b in blobs])
    >>> r = rings_from_wkb(offsets, np.frombuffer(b"".join(blobs), dtype=np.uint8))
    >>> r.ring_geom.tolist(), len(r.xy), bool((r.xy == shapely.get_coordinates(g)).all())
    ([0, 1, 1], 15, True)
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    if offsets.ndim == 2:
        start, end = offsets[:, 0], offsets[:, 1]
    else:
        start, end = offsets[:-1], offsets[1:]
    n = len(start)
    has = end - start >= 9  # byte order, type and a count: anything shorter is a missing polygon
    at = np.flatnonzero(has)
    s = start[at]
    if len(at) and not (data[s] == 1).all():
        return None  # big-endian
    kind = _u32(data, s + 1)
    if not np.isin(kind, (_POLYGON, _MULTIPOLYGON)).all():
        return None  # another type, or Z/M coordinates (their type numbers are others)
    multi = kind == _MULTIPOLYGON
    n_parts = np.where(multi, _u32(data, s + 5), 1)
    pos = np.where(multi, s + 9, s)  # each part's own header
    geom_l, key_l, rpos_l, rlen_l, ext_l = [], [], [], [], []
    for k in range(int(n_parts.max()) if len(at) else 0):  # part by part (most polygons have one)
        g = np.flatnonzero(n_parts > k)
        p = pos[g]
        if not (data[p] == 1).all() or not (_u32(data, p + 1) == _POLYGON).all():
            return None
        n_rings = _u32(data, p + 5)
        rp = p + 9
        for r in range(int(n_rings.max()) if len(g) else 0):  # ring by ring (most parts have one)
            h = np.flatnonzero(n_rings > r)
            npts = _u32(data, rp[h])
            geom_l.append(at[g[h]])
            key_l.append(np.full(len(h), k * 2**20 + r, dtype=np.int64))
            rpos_l.append(rp[h] + 4)
            rlen_l.append(npts)
            ext_l.append(np.full(len(h), r == 0))
            rp[h] = rp[h] + 4 + 16 * npts
        pos[g] = rp
    if not geom_l:
        return Rings(np.zeros((0, 2)), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool), n)
    geom, key = np.concatenate(geom_l), np.concatenate(key_l)
    order = np.lexsort((key, geom))  # geometry, then part, then ring: shapely's order
    geom = geom[order]
    rpos, rlen = np.concatenate(rpos_l)[order], np.concatenate(rlen_l)[order]
    is_ext = np.concatenate(ext_l)[order]
    if len(rpos) and ((rpos + 16 * rlen > end[geom]).any()):
        return None  # counts that run past the polygon's bytes: let GEOS say what is wrong
    if len(rpos) > 1 and (rpos[1:] < (rpos + 16 * rlen)[:-1]).any():
        return None  # not in the order of their bytes (an Arrow array's WKB always is)
    return Rings(_doubles(data, rpos, rlen), np.repeat(np.arange(len(geom)), rlen), geom, is_ext, n)


def _doubles(data: np.ndarray, rpos: np.ndarray, rlen: np.ndarray) -> np.ndarray:
    """The (x, y) pairs of every ring: their bytes kept, the headers between them dropped, in one pass.

    The rings come in the order of their bytes (as the WKB of a batch lies in its buffer; the caller
    checks), so a mask that alternates between the bytes before a ring and the ring's own is one
    :func:`numpy.repeat`.
    """
    ends = rpos + 16 * rlen
    gaps = rpos - np.r_[0, ends[:-1]]
    lengths = np.empty(2 * len(rpos) + 1, dtype=np.int64)
    lengths[0:-1:2], lengths[1:-1:2], lengths[-1] = (
        gaps,
        16 * rlen,
        len(data) - (ends[-1] if len(ends) else 0),
    )
    kept = np.zeros(len(lengths), dtype=bool)
    kept[1::2] = True
    keep = np.repeat(kept, lengths)
    return np.ascontiguousarray(data[keep]).view("<f8").reshape(-1, 2)
