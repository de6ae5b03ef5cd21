"""The rings and edges of many polygons as flat numpy arrays, without a Python object per ring.

Both the area code and the overlay clipper work on this layout: every vertex of every ring in one
coordinate array, plus which ring and which geometry each ring or edge belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


@dataclass(frozen=True)
class Rings:
    """Closed rings of polygonal geometries, in the order :func:`shapely.get_coordinates` gives them.

    Attributes
    ----------
    xy : numpy.ndarray
        (n, 2) vertices; each ring is closed (its last vertex repeats the first).
    ring_of : numpy.ndarray
        Ring of each vertex.
    ring_geom : numpy.ndarray
        Geometry of each ring (position in the input).
    is_ext : numpy.ndarray
        True for the exterior ring of each polygon part, False for holes.
    n_geoms : int
        Number of input geometries.
    """

    xy: np.ndarray
    ring_of: np.ndarray
    ring_geom: np.ndarray
    is_ext: np.ndarray
    n_geoms: int

    @property
    def edges(self) -> np.ndarray:
        """Index of the first vertex of every edge (the edge runs to the next vertex); grouped by ring."""
        return np.flatnonzero(self.ring_of[1:] == self.ring_of[:-1])

    def subset(self, keep: np.ndarray) -> Rings:
        """The rings of the geometries where ``keep`` is true, numbered among those (same vertices, order).

        Parameters
        ----------
        keep : numpy.ndarray of bool
            One flag per geometry.

        Returns
        -------
        Rings
            A layout of ``keep.sum()`` geometries.
        """
        keep = np.asarray(keep, dtype=bool)
        ring_kept = keep[self.ring_geom]
        new_ring = np.cumsum(ring_kept) - 1
        new_geom = np.cumsum(keep) - 1
        vertex_kept = ring_kept[self.ring_of]
        return Rings(
            self.xy[vertex_kept],
            new_ring[self.ring_of[vertex_kept]],
            new_geom[self.ring_geom[ring_kept]],
            self.is_ext[ring_kept],
            int(keep.sum()),
        )


def rings(geoms: np.ndarray) -> Rings:
    """Ring layout of an array of non-empty Polygons and MultiPolygons.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely Polygon or MultiPolygon
        None, empty or other geometry types are not allowed here (filter them first).

    Returns
    -------
    Rings
        Ring layout of an array of non-empty Polygons and MultiPolygons.
    """
    n = len(geoms)
    xy = shapely.get_coordinates(geoms)
    n_coords = shapely.get_num_coordinates(geoms)
    # most polygons are one ring: their ring is all their coordinates, and shapely.to_ragged_array
    # (ten times slower) is only needed for the others
    kind = shapely.get_type_id(geoms)
    simple = (kind == 3) & (shapely.get_num_interior_rings(geoms) == 0)
    single = (kind == 6) & (shapely.get_num_geometries(geoms) == 1)  # a one-part MultiPolygon, as GPKGs hold
    if single.any():
        simple[single] = _one_ring(xy, n_coords)[single]
    if simple.all():
        ring_len, ring_geom, is_ext = n_coords, np.arange(n), np.ones(n, dtype=bool)
    else:
        sub_len, sub_geom, sub_ext = _ragged_rings(geoms[~simple])
        per_geom = np.ones(n, dtype=np.int64)
        per_geom[~simple] = np.bincount(sub_geom, minlength=int((~simple).sum()))
        ring_geom = np.repeat(np.arange(n), per_geom)
        first = np.cumsum(per_geom) - per_geom
        ring_len = np.empty(len(ring_geom), dtype=np.int64)
        is_ext = np.ones(len(ring_geom), dtype=bool)
        ring_len[first[simple]] = n_coords[simple]
        # the other geometries' rings fill the remaining slots in order (both lists follow geometry order)
        rest = np.ones(len(ring_geom), dtype=bool)
        rest[first[simple]] = False
        ring_len[rest], is_ext[rest] = sub_len, sub_ext
    ring_of = np.repeat(np.arange(len(ring_geom)), ring_len)
    return Rings(xy, ring_of, ring_geom, is_ext, n)


def polygon_rings(geoms: np.ndarray) -> Rings:
    """Ring layout of any geometries: those neither Polygon nor MultiPolygon, or empty, have no rings.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries (None allowed)

    Returns
    -------
    Rings
        A layout of ``len(geoms)`` geometries.

    Examples
    --------
    >>> r = polygon_rings(np.array([None, shapely.box(0, 0, 1, 1), shapely.Point(0, 0)]))
    >>> r.n_geoms, r.ring_geom.tolist(), ring_bounds(r)[1].tolist()
    (3, [1], [0.0, 0.0, 1.0, 1.0])
    """
    geoms = np.asarray(geoms, dtype=object)
    ok = np.isin(shapely.get_type_id(geoms), (3, 6)) & ~shapely.is_empty(geoms)
    if ok.all():
        return rings(geoms)
    at = np.flatnonzero(ok)
    r = rings(geoms[at])
    return Rings(r.xy, r.ring_of, at[r.ring_geom], r.is_ext, len(geoms))


def ring_bounds(r: Rings) -> np.ndarray:
    """(n, 4) box of each geometry from its rings' vertices (NaN for one without rings).

    Parameters
    ----------
    r : Rings
        The rings.

    Returns
    -------
    numpy.ndarray
        minx, miny, maxx, maxy of each geometry: the numbers :func:`shapely.bounds` gives.
    """
    out = np.full((r.n_geoms, 4), np.nan)
    if not len(r.xy):
        return out
    owner = r.ring_geom[r.ring_of]
    has = np.flatnonzero(np.bincount(owner, minlength=r.n_geoms) > 0)
    starts = np.searchsorted(owner, has)
    x, y = r.xy[:, 0], r.xy[:, 1]
    out[has, 0] = np.minimum.reduceat(x, starts)
    out[has, 1] = np.minimum.reduceat(y, starts)
    out[has, 2] = np.maximum.reduceat(x, starts)
    out[has, 3] = np.maximum.reduceat(y, starts)
    return out


def _one_ring(xy: np.ndarray, n_coords: np.ndarray) -> np.ndarray:
    """Whether each geometry's coordinates are one closed ring: its first vertex recurs only as its last.

    A second ring would close on its own first vertex after the first ring closed, so the first vertex
    of a geometry with holes either recurs before the end or is not the last. Read from the coordinates,
    without a copy of each part (``shapely.get_geometry``) as the test of its interior rings would need.

    Examples
    --------
    >>> import shapely
    >>> holed = shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 0)], [[(1, 0.5), (3, 1), (3, 2), (1, 0.5)]])
    >>> g = np.array([shapely.box(0, 0, 1, 1), holed, shapely.MultiPolygon([shapely.box(0, 0, 1, 1)])])
    >>> _one_ring(shapely.get_coordinates(g), shapely.get_num_coordinates(g)).tolist()
    [True, False, True]
    """
    n = len(n_coords)
    owner = np.repeat(np.arange(n), n_coords)
    start = np.cumsum(n_coords) - n_coords
    first = xy[np.minimum(start, max(len(xy) - 1, 0))][owner] if len(xy) else xy
    again = (xy[:, 0] == first[:, 0]) & (xy[:, 1] == first[:, 1])
    last = np.flatnonzero(n_coords > 0)
    one = np.zeros(n, dtype=bool)
    one[last] = (np.bincount(owner, weights=again, minlength=n)[last] == 2) & again[
        (start + n_coords - 1)[last]
    ]
    return one


def _ragged_rings(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Length, geometry and exterior flag of every ring, from :func:`shapely.to_ragged_array`."""
    _, _, offsets = shapely.to_ragged_array(geoms)
    ring_off = offsets[0]
    n_rings = len(ring_off) - 1
    if len(offsets) == 3:
        part_off, geom_off = offsets[1], offsets[2]
        ring_part = np.repeat(np.arange(len(part_off) - 1), np.diff(part_off))
        ring_geom = np.repeat(np.arange(len(geom_off) - 1), np.diff(geom_off))[ring_part]
        first_rings = part_off[:-1][np.diff(part_off) > 0]
    else:  # plain polygons: each geometry is one part
        ring_geom = np.repeat(np.arange(len(offsets[1]) - 1), np.diff(offsets[1]))
        first_rings = offsets[1][:-1][np.diff(offsets[1]) > 0]
    is_ext = np.zeros(n_rings, dtype=bool)
    is_ext[first_rings] = True
    return np.diff(ring_off), ring_geom, is_ext
