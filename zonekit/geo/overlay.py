"""The overlay engine: exact ellipsoidal intersection areas of polygons A against polygons B.

Built for A = a few thousand park or zone polygons against B = up to millions of parcels:

1. bulk candidate search: one :class:`shapely.STRtree` over A, queried with the B in chunks; each A is
   prepared once, so the ``contains_properly`` and ``intersects`` tests of a park against its candidate
   parcels are cheap;
2. a fast path: a parcel that a park contains properly contributes its own area — no intersection is
   computed (most parcels in a park are inside it); a parcel inside the park but for a hair along its
   boundary (covered by the park grown by a hair, :func:`hair_bands`) — the pieces of parcels cut along
   the park line, which share its edges up to rounding — contributes its own area too, and one clear
   of the park shrunk by a hair contributes nothing: prepared predicates of the park, no overlay;
3. the remaining pairs (parcels cut by a boundary) are measured without building their intersection:
   :func:`zonekit.geo.clip.clipped_areas` clips edges against edges in numpy and sums the boundary
   (Green's theorem). The pairs it cannot decide exactly (a vertex on the other's boundary) go to
   shapely 2's ``intersection``. Everything runs in chunks on a thread pool (GEOS and large numpy
   operations release the GIL), and a park's prepared geometry is only ever used by one thread (GEOS
   prepared geometries are not thread-safe);
4. every area is ellipsoidal (:func:`zonekit.geo.area.ellipsoidal_area`); pairs that only touch along an
   edge or at a point (area 0) are dropped.

There is no Python loop per parcel. The result is one row per intersecting pair with the share of B's area
that falls in A, by which B's extensive attributes (floor area, investment, tax, …) are apportioned.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonekit.geo.area import ellipsoidal_area, flagged_in_coverage
from zonekit.geo.boundary_grid import BoundaryGrid, boundary_grid, box_pairs
from zonekit.geo.clip import clipped_areas
from zonekit.geo.packed import PackedPolygons
from zonekit.geo.parallel import map_chunks, map_groups
from zonekit.geo.parallel import threads as thread_count
from zonekit.geo.progress import bar as progress_bar


def intersection_areas(
    a: np.ndarray,
    b,
    crs,
    *,
    b_area_m2: np.ndarray | None = None,
    threads: int | None = None,
    grid: BoundaryGrid | None = None,
) -> pd.DataFrame:
    """Ellipsoidal area of every intersecting pair of ``a`` and ``b``.

    Parameters
    ----------
    a : array-like of shapely (multi)polygons
        The small side (parks).
    b : array-like of shapely (multi)polygons, or PackedPolygons
        The large side (parcels), in the CRS of ``a``. Packed (:class:`~zonekit.geo.packed.PackedPolygons`),
        only the parcels near a park's boundary are decoded: the others are decided by their box and one
        point (:class:`~zonekit.geo.boundary_grid.BoundaryGrid`) and measured from their vertices.
    crs : CRS of both
    b_area_m2 : numpy.ndarray, optional
        Ellipsoidal area of every ``b``, if already known.
    threads : int, optional
        Worker threads for the intersections (default: up to 4, the cores available).
    grid : BoundaryGrid, optional
        The boundary grid of the parts of ``a`` (:func:`~zonekit.geo.boundary_grid.boundary_grid` of
        :func:`shapely.get_parts`), when ``b`` is packed and the caller overlays many chunks with the same
        ``a`` (built here otherwise).

    Returns
    -------
    DataFrame
        Columns ``a`` and ``b`` (positions in the inputs), ``area_m2`` (> 0), ``b_share`` (``area_m2`` over
        the area of ``b``) and ``inside`` (True where ``b`` lies wholly inside ``a``); sorted by ``a``, ``b``.

    Examples
    --------
    >>> import shapely
    >>> park = [shapely.box(120, 32, 120.02, 32.02)]
    >>> parcels = [shapely.box(120.001, 32.001, 120.002, 32.002), shapely.box(120.019, 32.0, 120.021, 32.001)]
    >>> r = intersection_areas(park, parcels, 4490)
    >>> r["inside"].tolist(), [round(s, 3) for s in r["b_share"]]
    ([True, False], [1.0, 0.5])
    >>> from zonekit.geo.packed import PackedPolygons
    >>> packed = intersection_areas(park, PackedPolygons.from_wkb(shapely.to_wkb(parcels)), 4490)
    >>> packed.equals(r)
    True
    """
    a = np.asarray(a, dtype=object)
    packed = b if isinstance(b, PackedPolygons) else None
    if packed is None:
        b = np.asarray(b, dtype=object)
    n_threads = thread_count(threads)
    empty = pd.DataFrame(
        {
            "a": np.array([], dtype=np.int64),
            "b": np.array([], dtype=np.int64),
            "area_m2": np.array([], dtype=float),
            "b_share": np.array([], dtype=float),
            "inside": np.array([], dtype=bool),
        }
    )
    if not len(a) or not len(b):
        return empty
    parts, owner = shapely.get_parts(a, return_index=True)
    if len(parts) > len(a):  # each part of a multi-part A alone: a box query then finds only parcels near it
        found = intersection_areas(parts, b, crs, b_area_m2=b_area_m2, threads=n_threads, grid=grid)
        return _merge_parts(found, owner)
    shapely.prepare(a)
    if packed is None:
        tree = shapely.STRtree(a)  # the small side: cheap to build; B is streamed through it in chunks
        tree.query(shapely.Point(0, 0))  # the tree is complete before threads share it

        def query(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
            bi_, ai_ = tree.query(b[lo:hi])  # pairs whose boxes meet
            return ai_, bi_ + lo

        found = map_chunks(query, len(b), n_threads)
        ai = np.concatenate([f[0] for f in found])
        bi = np.concatenate([f[1] for f in found])
        order = np.argsort(ai, kind="stable")
        ai, bi = ai[order], bi[order]
        clear = np.zeros(len(ai), dtype=bool)
        centre = np.zeros((0, 2))
    else:
        ai, bi = box_pairs(shapely.bounds(a), packed.bounds)  # sorted by A, then B
        grid = grid if grid is not None else boundary_grid(a)
        if len(grid) != len(a):
            raise ValueError("the grid is not that of the parts of a")
        box = packed.bounds[bi]
        clear = grid.clear(ai, box)  # B's box meets no point of A's boundary: B is inside A or clear of it
        centre = np.column_stack([(box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2])
        b = packed.geometries(bi[~clear])  # only those near the boundary are decoded (here: one thread)

    def classify(lo: int, hi: int) -> np.ndarray:
        # B clear of A's boundary: inside iff its box's centre is; else B properly inside A (prepared A:
        # cheap). Each A on one thread only
        inside = np.zeros(hi - lo, dtype=bool)
        far = np.flatnonzero(clear[lo:hi])
        if len(far):
            at = far + lo
            inside[far] = shapely.contains_xy(a[ai[at]], centre[at, 0], centre[at, 1])
        near = np.flatnonzero(~clear[lo:hi])
        inside[near] = shapely.contains_properly(a[ai[near + lo]], b[bi[near + lo]])
        return inside

    done = map_groups(classify, ai, n_threads)
    inside = np.concatenate(done) if done else np.zeros(0, dtype=bool)
    hit = inside.copy()
    rest = np.flatnonzero(~clear & ~inside)  # B touches or crosses A's boundary (sorted by A)
    grown, shrunken, band_of = hair_bands(a, np.unique(ai[rest]))
    # by band, not by A: two As of one shape (duplicates) share their bands, and a prepared band is used by
    # one thread only
    by_band = rest[np.argsort(band_of[ai[rest]], kind="stable")]

    def settle(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        # inside A but for a hair (covered by A grown by a hair): its own area, as if inside; clear of A
        # shrunk by a hair: no pair; the rest are cut by A's boundary
        at = by_band[lo:hi]
        covered = shapely.covers(grown[ai[at]], b[bi[at]])
        meets = covered.copy()
        other = np.flatnonzero(~covered)
        meets[other] = shapely.intersects(shrunken[ai[at[other]]], b[bi[at[other]]])
        return covered, meets

    settled = map_groups(settle, band_of[ai[by_band]], n_threads)
    if settled:
        inside[by_band] = np.concatenate([d[0] for d in settled])
        hit[by_band] = np.concatenate([d[1] for d in settled])
    ai, bi, inside = ai[hit], bi[hit], inside[hit]
    if not len(ai):
        return empty

    seen = np.zeros(len(b), dtype=bool)
    seen[bi] = True
    used = np.flatnonzero(seen)
    cut = np.flatnonzero(~inside)
    ca, cb = ai[cut], bi[cut]

    def own_areas() -> np.ndarray:
        if b_area_m2 is not None:
            return np.asarray(b_area_m2, dtype=float)
        if packed is not None:
            return np.nan_to_num(packed.areas(crs, used))
        out = np.zeros(len(b))
        out[used] = ellipsoidal_area(b[used], crs, threads=n_threads)
        return out

    def degenerate(lo: int, hi: int) -> np.ndarray:
        # pairs the clipper left (a vertex on the other's boundary): GEOS intersects them
        sel = rest[lo:hi]
        return ellipsoidal_area(shapely.intersection(a[ca[sel]], b[cb[sel]]), crs)

    with ThreadPoolExecutor(max_workers=1) as side:
        # B's own areas and the cut pairs are independent: the serial parts of one overlap the other
        pending = side.submit(own_areas) if n_threads > 1 else None
        cut_area = clipped_areas(a, b, ca, cb, crs, n_threads)
        area_b = pending.result() if pending else own_areas()
    rest = np.flatnonzero(np.isnan(cut_area))
    if len(rest):
        cut_area[rest] = np.concatenate(map_groups(degenerate, ca[rest], n_threads))
    area = np.empty(len(ai))
    area[inside] = area_b[bi[inside]]
    area[cut] = cut_area
    keep = np.flatnonzero(area > 0)
    keep = keep[np.lexsort((bi[keep], ai[keep]))]
    ai, bi, area, inside = ai[keep], bi[keep], area[keep], inside[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(area_b[bi] > 0, area / area_b[bi], 0.0)
    return pd.DataFrame(
        {
            "a": ai.astype(np.int64),
            "b": bi.astype(np.int64),
            "area_m2": area,
            "b_share": np.minimum(share, 1.0),
            "inside": inside,
        }
    )


SELF_BATCH = 50_000  # polygons validated at once (with their neighbours) by maybe_overlapping


def maybe_overlapping(
    geoms: np.ndarray,
    *,
    threads: int | None = None,
    batch: int = SELF_BATCH,
    members: np.ndarray | None = None,
    shown=None,
) -> np.ndarray:
    """Which polygons of one layer may overlap another of it: the only ones its overlay with itself needs.

    Parcels tile the land: nearly all of them only touch their neighbours, and an overlay of the layer with
    itself would clip every touching pair to find an area of 0. GEOS's coverage validation tells the few
    that do more (an edge of theirs inside another polygon, a shared edge whose vertices do not match, a
    duplicate): those, and the polygons that meet them (a polygon wholly inside another flags only
    itself), are the candidates; no other pair can have an area. The layer is validated in batches of
    ``batch`` polygons consecutive on a Hilbert curve, each with every polygon whose box meets one of
    them (so each batch's flags are the whole layer's), on threads (the validation releases the GIL).

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        The layer's geometries.
    threads : int, optional
        Threads for the batches (default: the cores, up to 4).
    batch : int, default SELF_BATCH
        Polygons per batch.
    members : numpy.ndarray of int, optional
        Only these positions are validated (default: all); the others are their neighbours, read with
        them (a tile of a layer and the features around it): a candidate is then a polygon flagged (a
        member, exactly; one around them, among those read), any polygon meeting one, or a member
        neither polygon nor empty.
    shown : tqdm, optional
        A bar to advance by the polygons validated (default: a bar of its own).

    Returns
    -------
    numpy.ndarray of bool
        True for a candidate (and for a geometry that is neither a polygon nor empty: decided exactly).

    Examples
    --------
    >>> import shapely
    >>> tiles = [shapely.box(i, 0, i + 1, 1) for i in range(4)]  # side by side
    >>> maybe_overlapping(np.array([*tiles, shapely.box(2.5, 0.2, 3.5, 0.8)])).tolist()  # over two tiles
    [False, False, True, True, True]
    """
    geoms = np.asarray(geoms, dtype=object)
    absent = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6)) & ~absent
    asked = np.ones(len(geoms), dtype=bool)
    if members is not None:
        asked[:] = False
        asked[np.asarray(members, dtype=np.int64)] = True
    near = ~polygonal & ~absent & asked
    at = np.flatnonzero(polygonal)
    mine = np.flatnonzero(asked[at])  # the members among the polygons
    if not len(mine):
        return near
    poly = geoms[at]
    tree = shapely.STRtree(poly)
    tree.query(shapely.Point(0, 0))  # the tree is complete before threads share it
    hilbert = gpd.GeoSeries(poly[mine]).hilbert_distance().to_numpy()
    order = mine[np.argsort(hilbert, kind="stable")]  # neighbours in one batch
    lock = threading.Lock()  # the batches' threads advance one bar

    def flagged(lo: int, hi: int) -> np.ndarray:
        batch_ = order[lo:hi]
        every = np.union1d(batch_, tree.query(poly[batch_])[1])  # with every polygon their boxes meet
        bad = every[flagged_in_coverage(poly[every])]  # the members' flags are exact: all they touch is here
        with lock:
            bar_.update(hi - lo)
        return bad  # those around flagged too: an extra candidate costs only its overlay

    with (
        contextlib.nullcontext(shown)
        if shown is not None
        else progress_bar("progress.self_overlap", total=len(order), unit="unit.features") as bar_
    ):
        bad = np.unique(np.concatenate(map_chunks(flagged, len(order), thread_count(threads), chunk=batch)))
    near[at[bad]] = True
    near[at[tree.query(poly[bad], predicate="intersects")[1]]] = True
    return near


BANDS_KEPT = 4096
"""Polygons whose hair bands are kept between calls (the parks, overlaid with chunk after chunk)."""
_BANDS = threading.local()  # each thread its own: a prepared band is never shared by two callers' threads
_NONE = np.zeros(0, dtype=object)


def hair_bands(
    polygons: np.ndarray, which: np.ndarray, ulps: float = 64.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The polygons at ``which`` grown and shrunk by a hair (GEOS buffers, prepared), kept for the next call.

    The hair is ``ulps`` units in the last place of the polygon's largest coordinate: about 0.1 µm on
    longitude/latitude. A parcel covered by the park grown so lies inside the park but for a band that
    thin along its boundary, so its area in the park is its own to within perimeter × width (under
    1e-3 m² for a parcel ten kilometres round); a parcel clear of the park shrunk so meets it in at most
    that band. The pieces of parcels cut along the park line share its edges only up to rounding: they
    are decided so, without an overlay each.

    Parameters
    ----------
    polygons : numpy.ndarray of shapely geometries
        The parks.
    which : numpy.ndarray of int
        Positions whose bands are needed (those of the last ``BANDS_KEPT`` polygons asked for are kept,
        by their WKB, so a park overlaid with chunk after chunk of parcels is buffered once; kept per
        calling thread, so two callers on two threads never share a prepared band).
    ulps : float, default 64
        The hair's width, in units in the last place of the largest coordinate.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Grown and shrunk polygons, as long as ``polygons`` (None where not asked for), and which band
        each has (-1 where not asked for): polygons of one shape share their (prepared) bands, so work on
        them in threads is grouped by this number, never by position.

    Examples
    --------
    >>> square = shapely.box(120.0, 32.0, 120.001, 32.001)
    >>> twice = np.array([square, shapely.box(120.0, 32.0, 120.001, 32.001)])
    >>> grown, shrunken, band = hair_bands(twice, np.array([0, 1]))
    >>> band.tolist()  # one shape, one band
    [0, 0]
    >>> bool(shapely.contains_properly(grown[0], square)), bool(shapely.contains_properly(square, shrunken[0]))
    (True, True)
    >>> band = 64 * np.spacing(120.001) * square.length  # width × perimeter
    >>> round(float((grown[0].area - square.area) / band), 3), round(float((square.area - shrunken[0].area) / band), 3)
    (1.0, 1.0)
    """
    grown = np.full(len(polygons), None, dtype=object)
    shrunken = np.full(len(polygons), None, dtype=object)
    band = np.full(len(polygons), -1, dtype=np.int64)
    which = np.asarray(which, dtype=np.int64)
    if not len(which):
        return grown, shrunken, band
    codes, shapes = pd.factorize(shapely.to_wkb(polygons[which]))  # one band per distinct shape
    band[which] = codes
    kept: dict[float, tuple[pd.Index, np.ndarray, np.ndarray]] = _BANDS.__dict__.setdefault("by_ulps", {})
    keys, kept_grown, kept_shrunk = kept.get(ulps, (pd.Index([], dtype=object), _NONE, _NONE))
    at = keys.get_indexer(shapes)
    new = np.flatnonzero(at < 0)
    if len(new):
        first = np.unique(codes, return_index=True)[1]  # a position of each shape
        made = polygons[which[first[new]]]
        width = ulps * np.spacing(np.abs(np.nan_to_num(shapely.bounds(made))).max(axis=1))
        out = shapely.buffer(made, width, quad_segs=1, join_style="mitre")
        inn = shapely.buffer(made, -width, quad_segs=1, join_style="mitre")
        shapely.prepare(out)
        shapely.prepare(inn)
        at[new] = len(keys) + np.arange(len(new))
        keys = keys.append(pd.Index(shapes[new], dtype=object))
        kept_grown, kept_shrunk = np.concatenate([kept_grown, out]), np.concatenate([kept_shrunk, inn])
    grown[which], shrunken[which] = kept_grown[at][codes], kept_shrunk[at][codes]
    drop = max(0, len(keys) - max(BANDS_KEPT, len(shapes)))  # the oldest forgotten (never this call's)
    kept[ulps] = (keys[drop:], kept_grown[drop:], kept_shrunk[drop:])
    return grown, shrunken, band


def _merge_parts(pairs: pd.DataFrame, owner: np.ndarray) -> pd.DataFrame:
    """Pairs of A's parts turned into pairs of A: a B meeting two parts of one A gets the sum of both.

    The parts of a valid multipolygon do not overlap, so their areas add; a B inside one part is inside A.
    """
    ai = owner[pairs["a"].to_numpy()].astype(np.int64)
    bi = pairs["b"].to_numpy()
    order = np.lexsort((bi, ai))
    ai, bi = ai[order], bi[order]
    area = pairs["area_m2"].to_numpy()[order]
    share = pairs["b_share"].to_numpy()[order]
    inside = pairs["inside"].to_numpy()[order]
    first = np.r_[True, (ai[1:] != ai[:-1]) | (bi[1:] != bi[:-1])] if len(ai) else np.zeros(0, bool)
    starts = np.flatnonzero(first)
    if len(starts) < len(ai):  # some B meets several parts of one A
        area, share = np.add.reduceat(area, starts), np.add.reduceat(share, starts)
        inside = np.logical_or.reduceat(inside, starts)
        ai, bi = ai[starts], bi[starts]
    return pd.DataFrame(
        {"a": ai, "b": bi, "area_m2": area, "b_share": np.minimum(share, 1.0), "inside": inside}
    )


def apportion(pairs: pd.DataFrame, b_values: pd.DataFrame) -> pd.DataFrame:
    """Extensive attributes of B apportioned to each pair by the pair's share of B's area.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`intersection_areas`.
    b_values : DataFrame
        Numeric columns aligned with the B positions (missing values stay missing).

    Returns
    -------
    DataFrame
        One row per pair, the columns of ``b_values`` multiplied by ``b_share``.
    """
    vals = b_values.to_numpy(dtype=float)[pairs["b"].to_numpy()]
    return pd.DataFrame(
        vals * pairs["b_share"].to_numpy()[:, None], columns=b_values.columns, index=pairs.index
    )
