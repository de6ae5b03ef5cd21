"""Overlap reports between study layers (``zonekit overlap``).

Two tables:

- **pairs**: every intersecting pair of an A feature and a B feature with the overlap area (m², 公顷, 亩)
  and its share of each — when A and B are the same layer, each pair once and never a feature with itself;
- **coverage**: per A feature, the area covered by each B layer and B class with **B dissolved first**, so
  that B features overlapping one another are not counted twice. ArcGIS's Tabulate Intersection and a
  plain sum over the pairs both count such areas twice and can report more than 100 %.

``buffer_m`` grows B by a distance in metres (measured in the CGCS2000 3° Gauss-Krüger zone of the data)
before intersecting, e.g. industrial parcels within 500 m of a water-source area.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyproj
import shapely

from zonekit.geo.area import ellipsoidal_area, union_area_by_group
from zonekit.geo.cluster import Cluster, cluster_of, map_partitions
from zonekit.geo.overlay import intersection_areas, maybe_overlapping
from zonekit.geo.parallel import release_free_memory
from zonekit.geo.parallel import threads as thread_count
from zonekit.geo.progress import bar as progress_bar
from zonekit.geo.units import M2_PER_HA, M2_PER_MU
from zonekit.layers.check import parks_outside_zone
from zonekit.layers.schema import SCHEMAS
from zonekit.layers.stream import LayerStream, stream_of

PAIR_COLUMNS = [
    "a_layer",
    "a_id",
    "a_name",
    "b_layer",
    "b_id",
    "b_name",
    "overlap_m2",
    "overlap_ha",
    "overlap_mu",
    "pct_of_a",
    "pct_of_b",
]
CLASS_COLUMN = {
    "landuse": "analysis_class",
    "protected": "kind",
    "parks": "kind",
    "zones": "level",
    "admin": "level",
}


def _ids(gdf: gpd.GeoDataFrame, layer: str) -> np.ndarray:
    col = SCHEMAS[layer].id_column if layer in SCHEMAS else None
    if col and col in gdf:
        return gdf[col].astype(str).to_numpy()
    return gdf.index.astype(str).to_numpy()


def columns_needed(layer: str) -> list[str]:
    """The columns of a layer that the overlap tables use: its id, name and class.

    Parameters
    ----------
    layer : str
        The layer's name.

    Returns
    -------
    list of str
        Its schema's id column, ``name`` and its class column (a reader keeps those the layer has).

    Examples
    --------
    >>> columns_needed("landuse")
    ['parcel_id', 'name', 'analysis_class']
    """
    schema = SCHEMAS.get(layer)
    return [c for c in (schema.id_column if schema else None, "name", CLASS_COLUMN.get(layer)) if c]


def _id_column(gdf: gpd.GeoDataFrame, layer: str) -> pd.Series:
    """The ids of :func:`_ids` as a column, in the type it was read in (Arrow text stays Arrow)."""
    col = SCHEMAS[layer].id_column if layer in SCHEMAS else None
    if col and col in gdf and pd.api.types.is_string_dtype(gdf[col].dtype) and gdf[col].dtype != object:
        return gdf[col]
    return pd.Series(_ids(gdf, layer), index=gdf.index)


def _in_order(first, second, order: np.ndarray):
    """``first`` then ``second`` (a column's values each), taken in ``order``; Arrow text stays Arrow."""
    if (
        isinstance(second, pd.Series)
        and pd.api.types.is_string_dtype(second.dtype)
        and second.dtype != object
    ):
        both = pd.concat(
            [pd.Series(np.asarray(first, dtype=object), dtype=second.dtype), second.reset_index(drop=True)],
            ignore_index=True,
        )
        return both.take(order).reset_index(drop=True)
    return np.concatenate([np.asarray(first), np.asarray(second)])[order]


def _packed(geoms) -> pa.Array:
    """Geometries as WKB in one Arrow buffer (compact, and no GEOS object kept)."""
    return pa.array(shapely.to_wkb(np.asarray(geoms, dtype=object)), type=pa.binary())


def _unpacked(packed: list) -> np.ndarray:
    """The geometries :func:`_packed` kept, one array."""
    if not packed:
        return np.zeros(0, dtype=object)
    return shapely.from_wkb(pa.chunked_array(packed, type=pa.binary()).to_numpy(zero_copy_only=False))


def _names(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return gdf["name"].astype(object).to_numpy() if "name" in gdf else np.full(len(gdf), None, dtype=object)


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """The CGCS2000 3° Gauss-Krüger zone (central meridian without prefix) holding the layer's centre.

    Parameters
    ----------
    gdf : gpd.GeoDataFrame
        The layer.

    Returns
    -------
    pyproj.CRS
        The CGCS2000 3° Gauss-Krüger zone (central meridian without prefix) holding the layer's centre.
    """
    lon = float(np.mean(gdf.to_crs(4490).total_bounds[[0, 2]]))
    cm = round(lon / 3.0) * 3
    return pyproj.CRS.from_epsg(4534 + cm // 3 - 25)


def buffered(gdf: gpd.GeoDataFrame, metres: float) -> gpd.GeoDataFrame:
    """The layer grown by ``metres`` (in its Gauss-Krüger zone), back in its own CRS.

    Parameters
    ----------
    gdf : gpd.GeoDataFrame
        The layer.
    metres : float
        A distance in metres.

    Returns
    -------
    gpd.GeoDataFrame
        The layer grown by ``metres`` (in its Gauss-Krüger zone), back in its own CRS.
    """
    if not metres:
        return gdf
    local = gdf.to_crs(metric_crs(gdf))
    grown = local.geometry.buffer(metres, quad_segs=16)
    return gdf.set_geometry(grown.to_crs(gdf.crs).values)


def _aligned(
    a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, buffer_m: float
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """B in A's CRS, and B grown by ``buffer_m`` metres."""
    if a.crs is not None and b.crs is not None and not a.crs.equals(b.crs):
        b = b.to_crs(a.crs)
    return b, buffered(b, buffer_m)


def overlap_pairs(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    *,
    a_layer: str,
    b_layer: str,
    buffer_m: float = 0.0,
    threads: int | None = None,
    overlapping: np.ndarray | None = None,
) -> gpd.GeoDataFrame:
    """Every intersecting pair of A and B features, with areas and shares (percent).

    Parameters
    ----------
    a, b : GeoDataFrame
        In the same CRS. When ``a_layer == b_layer`` (and no buffer), each pair is reported once.
    buffer_m : float
        Grow B by this many metres first; shares of B are then of the grown feature.
    threads : int, optional
        Threads for the overlay (default: every core).
    overlapping : numpy.ndarray of bool, optional
        A layer with itself: which features may overlap another, when the caller knows
        (:func:`~zonekit.geo.overlay.maybe_overlapping`); default: found here.

    Returns
    -------
    GeoDataFrame
        :data:`PAIR_COLUMNS` and the overlap geometry.
    """
    b, bb = _aligned(a, b, buffer_m)
    ag, bg = a.geometry.values, bb.geometry.values
    if len(ag) > len(bg) and a_layer != b_layer:  # the kernel's small side is its first: parcels × 40 areas
        swapped = intersection_areas(bg, ag, a.crs, threads=threads)  # runs as protected × parcels
        # back in A's terms and order (its own area share is not used here)
        pairs = swapped.drop(columns="b_share").rename(columns={"a": "b", "b": "a", "inside": "a_inside"})
        pairs = pairs.assign(inside=False).sort_values(["a", "b"], kind="stable")
    elif a_layer == b_layer and not buffer_m:  # a layer with itself: only where it may overlap itself
        near = np.flatnonzero(maybe_overlapping(ag, threads=threads) if overlapping is None else overlapping)
        found = intersection_areas(ag[near], ag[near], a.crs, threads=threads)
        pairs = found.assign(a=near[found["a"].to_numpy()], b=near[found["b"].to_numpy()], a_inside=False)
        pairs = pairs[pairs["a"] < pairs["b"]]  # each pair once, never a feature with itself
    else:
        pairs = intersection_areas(ag, bg, a.crs, threads=threads).assign(a_inside=False)
    ai, bi = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    area_a, area_b = _areas_of(ag, ai, a.crs), _areas_of(bg, bi, a.crs)
    m2 = pairs["area_m2"].to_numpy()
    b_inside, a_inside = pairs["inside"].to_numpy(dtype=bool), pairs["a_inside"].to_numpy(dtype=bool)
    ao, bo = np.asarray(ag, dtype=object), np.asarray(bg, dtype=object)
    geom = np.where(b_inside, bo[bi], ao[ai])  # a feature wholly inside the other is the overlap itself
    cut = ~(b_inside | a_inside)  # only the pairs that cross are intersected
    geom[cut] = shapely.intersection(ao[ai[cut]], bo[bi[cut]])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "a_layer": a_layer,
                "a_id": _ids(a, a_layer)[ai],
                "a_name": _names(a)[ai],
                "b_layer": b_layer,
                "b_id": _ids(b, b_layer)[bi],
                "b_name": _names(b)[bi],
                "overlap_m2": m2,
                "overlap_ha": m2 / M2_PER_HA,
                "overlap_mu": m2 / M2_PER_MU,
                "pct_of_a": 100.0 * m2 / area_a[ai],
                "pct_of_b": 100.0 * m2 / area_b[bi],
            }
        )
    return gpd.GeoDataFrame(out, geometry=list(geom), crs=a.crs).reset_index(drop=True)


def _areas_of(geoms: np.ndarray, used: np.ndarray, crs) -> np.ndarray:
    """Ellipsoidal area of the features at ``used``, NaN elsewhere.

    A chunk of parcels meets a park here and there: measuring every parcel of it would cost more than the
    overlay.
    """
    out = np.full(len(geoms), np.nan)
    at = np.unique(used)
    out[at] = ellipsoidal_area(np.asarray(geoms, dtype=object)[at], crs)
    return out


def coverage(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    *,
    a_layer: str,
    b_layer: str,
    buffer_m: float = 0.0,
    class_column: str | None = None,
) -> pd.DataFrame:
    """Per A feature, the area covered by B (per B class), with B dissolved first.

    B is dissolved where it meets each A feature: the parts of the feature that B's features of a class
    cover are joined, so an area covered twice counts once. Joining those parts,
    which lie inside A, is far less work than dissolving the whole of B first, and far closer to the
    exact figure: on a park of thousands of parcels, dissolving the whole parcel layer first was off by
    up to 4 m².

    Returns
    -------
    DataFrame
        a_layer, a_id, a_name, a_area_ha, b_layer, b_class, covered_m2, covered_ha, covered_mu, pct_of_a.

    Parameters
    ----------
    a : gpd.GeoDataFrame
        The first layer.
    b : gpd.GeoDataFrame
        The second layer.
    a_layer : str
        Name of the first layer.
    b_layer : str
        Name of the second layer.
    buffer_m : float, default 0.0
        Buffer of the second layer, metres.
    class_column : str, optional
        The column of classes.
    """
    pairs = overlap_pairs(a, b, a_layer=a_layer, b_layer=b_layer, buffer_m=buffer_m)
    return coverage_from_pairs(a, b, pairs, a_layer=a_layer, b_layer=b_layer, class_column=class_column)


def coverage_from_pairs(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    pairs: gpd.GeoDataFrame,
    *,
    a_layer: str,
    b_layer: str,
    class_column: str | None = None,
) -> pd.DataFrame:
    """:func:`coverage` from the pairs :func:`overlap_pairs` gave (their shapes are the covered parts).

    Parameters
    ----------
    a, b : GeoDataFrame
        The two layers.
    pairs : GeoDataFrame
        Their pairs, with the overlap as geometry (of B grown first, when there was a buffer).
    a_layer, b_layer : str
        Layer names. For a layer with itself the pairs hold each pair once: each is counted both ways,
        and each feature covers itself.
    class_column : str, optional
        B's column of classes (default: the layer's own, e.g. ``analysis_class``).

    Returns
    -------
    DataFrame
        As :func:`coverage`.
    """
    return coverage_table(a, _covered_parts(a, b, pairs, a_layer, b_layer, class_column), a_layer, b_layer)


def _covered_parts(a, b, pairs, a_layer: str, b_layer: str, class_column: str | None = None) -> pd.DataFrame:
    """Per pair, the part of its A feature (``a``, the feature's position) its B feature's class covers."""
    classes = _classes(b, b_layer, class_column)
    if a_layer != b_layer:
        return parts_of_pairs(a, pairs, _pair_classes(b, b_layer, classes, pairs), a_layer)
    a_ids, b_ids = pairs["a_id"].to_numpy(dtype=object), pairs["b_id"].to_numpy(dtype=object)
    ra, rb = _first_rows(a, a_layer, a_ids), _first_rows(a, a_layer, b_ids)  # each pair's features in A
    ca, cb = (
        _classes_at(classes, _first_rows(b, b_layer, a_ids)),
        _classes_at(classes, _first_rows(b, b_layer, b_ids)),
    )
    shapes = np.asarray(pairs.geometry.values, dtype=object)
    m2 = pairs["overlap_m2"].to_numpy(dtype=float)

    def parts(rows, kinds, geometry, area, alone) -> pd.DataFrame:
        return pd.DataFrame({"a": rows, "b_class": kinds, "geometry": geometry, "m2": area, "alone": alone})

    # a layer with itself: each pair once, never a feature with itself, so both ways, and itself; a feature
    # in no pair covers itself alone (nothing to join it with: its area is its coverage)
    own = np.asarray(a.geometry.values, dtype=object)
    kept = np.flatnonzero(~(shapely.is_missing(own) | shapely.is_empty(own)))
    paired = np.zeros(len(own), dtype=bool)
    paired[ra[ra >= 0]] = True
    paired[rb[rb >= 0]] = True
    every = pd.concat(
        [
            parts(ra, cb, shapes, m2, False),
            parts(rb, ca, shapes, m2, False),
            parts(kept, classes[kept], own[kept], ellipsoidal_area(own[kept], a.crs), ~paired[kept]),
        ],
        ignore_index=True,
    )
    return every[every["a"] >= 0]


def _classes(b, b_layer: str, class_column: str | None = None) -> np.ndarray:
    """Each B feature's class (its layer's class column, ``(none)`` where empty; ``(all)`` without one)."""
    cls_col = class_column or CLASS_COLUMN.get(b_layer)
    if cls_col and cls_col in b:
        codes, names = pd.factorize(b[cls_col].astype(str).fillna("(none)"))  # one string per class, shared
        return names.to_numpy(dtype=object)[codes]
    return np.full(len(b), "(all)", dtype=object)


def _first_rows(gdf, layer: str, ids) -> np.ndarray:
    """The row of the first feature of ``gdf`` with each of ``ids`` (its layer's id column), -1 for none."""
    own = pd.Index(_ids(gdf, layer))
    first = np.flatnonzero(~own.duplicated())
    at = own[first].get_indexer(np.asarray(ids, dtype=object))
    return np.where(at >= 0, first[np.maximum(at, 0)], -1)


def _pair_classes(b, b_layer: str, classes: np.ndarray, pairs) -> np.ndarray:
    """The class of each pair's B feature (of the first feature with its id)."""
    return _classes_at(classes, _first_rows(b, b_layer, pairs["b_id"]))


def _classes_at(classes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``classes`` at ``rows``, None where a row is -1."""
    out = np.full(len(rows), None, dtype=object)
    out[rows >= 0] = classes[rows[rows >= 0]]
    return out


def parts_of_pairs(a: gpd.GeoDataFrame, pairs, classes: np.ndarray, a_layer: str) -> pd.DataFrame:
    """The covered parts of A from its pairs with B: the pair's shape, its A feature's position, B's class.

    Parameters
    ----------
    a : GeoDataFrame
        The first layer.
    pairs : GeoDataFrame
        Its pairs with B (:func:`overlap_pairs`), the overlaps as geometry.
    classes : ndarray
        The class of each pair's B feature.
    a_layer : str
        A's layer name.

    Returns
    -------
    DataFrame
        ``a``, ``b_class``, ``geometry`` and its area ``m2`` (the pair's overlap): one row per pair.
    """
    parts = pd.DataFrame(
        {
            "a": _first_rows(a, a_layer, pairs["a_id"]),
            "b_class": classes,
            "geometry": np.asarray(pairs.geometry.values, dtype=object),
            "m2": pairs["overlap_m2"].to_numpy(dtype=float),
        }
    )
    return parts[parts["a"] >= 0]


def coverage_table(a: gpd.GeoDataFrame, parts: pd.DataFrame, a_layer: str, b_layer: str) -> pd.DataFrame:
    """The coverage table from the parts of A features that B covers, per feature and class.

    Parts of one feature and class are joined (:func:`~zonekit.geo.area.union_area_by_group`: what
    several B features cover counts once). B is thus dissolved only where it meets each A feature: far
    less work than dissolving the whole of B, and far closer to the exact figure.

    Parameters
    ----------
    a : GeoDataFrame
        The first layer.
    parts : DataFrame
        ``a`` (the feature's position), ``b_class``, ``geometry``; its area ``m2`` when known, and
        ``alone`` where a part is the only one of its feature and class (its area is their coverage).
    a_layer, b_layer : str
        Layer names.

    Returns
    -------
    DataFrame
        As :func:`coverage`, sorted by feature and class; rows covering nothing left out.
    """
    if len(parts):
        geoms = parts["geometry"].to_numpy(dtype=object)
        areas = parts["m2"].to_numpy(dtype=float) if "m2" in parts else ellipsoidal_area(geoms, a.crs)
        alone = parts["alone"].to_numpy(dtype=bool) if "alone" in parts else np.zeros(len(parts), dtype=bool)
        rest = np.flatnonzero(~alone)
        groups = parts.iloc[rest].groupby(["a", "b_class"], sort=True)
        keys = groups.size().index
        m2_rest = union_area_by_group(
            geoms[rest], groups.ngroup().to_numpy(), len(keys), a.crs, areas=areas[rest]
        )
        # a part alone is its feature and class's one row; the rest, sorted by feature and class, keep their order
        ai = np.concatenate(
            [keys.get_level_values("a").to_numpy(dtype=int), parts["a"].to_numpy(dtype=int)[alone]]
        )
        b_class = np.concatenate(
            [
                keys.get_level_values("b_class").to_numpy(dtype=object),
                parts["b_class"].to_numpy(dtype=object)[alone],
            ]
        )
        m2 = np.concatenate([m2_rest, areas[alone]])
        order = np.argsort(ai, kind="stable")
        ai, b_class, m2 = ai[order], b_class[order], m2[order]
    else:
        m2, ai, b_class = np.zeros(0), np.zeros(0, dtype=int), np.zeros(0, dtype=object)
    area_a = _areas_of(a.geometry.values, ai, a.crs)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "a_layer": a_layer,
                "a_id": _ids(a, a_layer)[ai],
                "a_name": _names(a)[ai],
                "a_area_ha": area_a[ai] / M2_PER_HA,
                "b_layer": b_layer,
                "b_class": b_class,
                "covered_m2": m2,
                "covered_ha": m2 / M2_PER_HA,
                "covered_mu": m2 / M2_PER_MU,
                "pct_of_a": 100.0 * m2 / area_a[ai],
            }
        )
    return out[out["covered_m2"] > 0].reset_index(drop=True)


TILE = 250_000  # features of a layer read at once (with those around them) for its overlaps with itself


def tiled_self_overlap(
    layer: LayerStream, *, a_layer: str, size: int | None = None, threads: int | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame] | None:
    """:func:`overlap_pairs` and :func:`coverage` of a study's layer with itself, never held whole.

    The layer is read tile by tile, each tile with the features around it (:meth:`LayerStream.tiles`).
    In each tile the candidates (:func:`~zonekit.geo.overlay.maybe_overlapping`: the tile's polygons that
    may overlap another, validated among every polygon they touch, and those meeting them) are overlaid
    with one another (:func:`overlap_pairs`). A pair with an area has a flagged feature, whose own tile
    finds the pair; one found by both its features' tiles is kept once. Of a tile only its features' ids,
    names, classes and areas are kept, its pairs, and the features in a pair as WKB (one buffer a tile:
    no GEOS object outlives its tile). The features in a pair get their coverage from their pairs (as
    :func:`coverage_from_pairs`); every other feature covers itself (one row: its own area, its own
    class, 100 %). The same tables as :func:`overlap_pairs` and :func:`coverage_from_pairs` on the whole
    layer, row for row.

    Parameters
    ----------
    layer : LayerStream
        A layer of a study file (tiles through its R-tree) or of a study in PostGIS (through its GiST
        index, the rows' positions from their ``zonekit_row``).
    a_layer : str
        Its name in the tables.
    size : int, optional
        Features per tile (default :data:`TILE`).
    threads : int, optional
        Threads for the validation and the overlay (default: every core).

    Returns
    -------
    (GeoDataFrame, DataFrame) or None
        The pairs and the coverage; None when the layer cannot be read tile by tile (no R-tree or no
        kept row order, a frame, or a partitioned store).
    """
    boxes, crs = layer.boxes(), layer.crs
    if boxes is None or crs is None:
        return None
    own_parts, areas, pair_parts, pair_at, shapes = [], [], [], [], []
    with progress_bar("progress.self_overlap", total=len(layer), unit="unit.features") as shown:
        for own, around in layer.tiles(boxes, size or TILE, columns_needed(a_layer)):
            tile = pd.concat([own, around]) if len(around) else own
            near = maybe_overlapping(
                tile.geometry.to_numpy(dtype=object),
                threads=threads,
                members=np.arange(len(own)),
                shown=shown,
            )
            own_parts.append(pd.DataFrame(own.drop(columns=own.geometry.name)))
            areas.append(ellipsoidal_area(own.geometry.values, crs, threads=thread_count(threads)))
            if near.any():  # the tile's candidates with one another, in the layer's order
                found = tile.iloc[np.flatnonzero(near)].sort_index()
                every_one = np.ones(len(found), dtype=bool)  # candidates all, found just above
                here = overlap_pairs(
                    found, found, a_layer=a_layer, b_layer=a_layer, threads=threads, overlapping=every_one
                )
                at = found.index.to_numpy()
                ends = np.column_stack(
                    [
                        at[_first_rows(found, a_layer, here["a_id"])],
                        at[_first_rows(found, a_layer, here["b_id"])],
                    ]
                )
                # kept as WKB, one buffer a tile: GEOS objects kept across tiles would pin the heap's pages
                pair_parts.append(
                    (pd.DataFrame(here.drop(columns=here.geometry.name)), _packed(here.geometry))
                )
                pair_at.append(ends)
                inpair = np.isin(at, ends)  # the features in a pair, for the coverage
                shapes.append((at[inpair], _packed(found.geometry[inpair])))
                del found, here
            del own, around, tile
            release_free_memory()  # the tile's geometries are gone: their pages too
    order = np.argsort(np.concatenate([o.index.to_numpy() for o in own_parts]), kind="stable")
    every = pd.concat(own_parts).iloc[order]  # the layer's order, indexed by position as chunks are
    del own_parts
    m2_all = np.concatenate(areas)[order]
    # a pair may be found in both its features' tiles: each once, in the order one overlay of the whole
    # layer gives them (by first feature, then second)
    none = gpd.GeoDataFrame(every.iloc[:0], geometry=gpd.GeoSeries([], crs=crs))  # the empty tables' columns
    ends = np.concatenate(pair_at).astype(np.int64) if pair_at else np.zeros((0, 2), dtype=np.int64)
    first = np.unique(ends, axis=0, return_index=True)[1]  # sorted by first feature, then second
    if pair_parts:
        table = pd.concat([t for t, _ in pair_parts], ignore_index=True).iloc[first].reset_index(drop=True)
        pairs = gpd.GeoDataFrame(table, geometry=_unpacked([g for _, g in pair_parts])[first], crs=crs)
    else:
        pairs = overlap_pairs(none, none, a_layer=a_layer, b_layer=a_layer)
    del pair_parts
    # the coverage of the features in a pair, from their pairs, as on the whole layer
    shape = pd.Series(
        _unpacked([g for _, g in shapes]),
        index=np.concatenate([at for at, _ in shapes] or [np.zeros(0, int)]),
    )
    shape = shape[~shape.index.duplicated()].sort_index()
    inpairs = gpd.GeoDataFrame(every.loc[shape.index], geometry=shape.to_numpy(dtype=object), crs=crs)
    covered = coverage_from_pairs(inpairs, inpairs, pairs, a_layer=a_layer, b_layer=a_layer)
    covered_at = shape.index.to_numpy()[_first_rows(inpairs, a_layer, covered["a_id"])]
    del inpairs
    release_free_memory()  # before the table of every feature is laid out
    candidate = every.index.isin(shape.index)
    alone = np.flatnonzero(~candidate & (m2_all > 0))
    place = np.concatenate([covered_at, every.index.to_numpy()[alone]])
    order = np.argsort(place, kind="stable")
    rest, m2 = every.iloc[alone], m2_all[alone]
    del every, m2_all
    # each column made in the layer's order and its parts let go before the next; a feature alone covers
    # its own area (100 % of it), and the hectares and mu of every row are its square metres converted
    own = {
        "a_id": lambda: _id_column(rest, a_layer),
        "a_name": lambda: rest["name"] if "name" in rest else _names(rest),
        "a_area_ha": lambda: m2 / M2_PER_HA,
        "b_class": lambda: _classes(rest, a_layer),
        "covered_m2": lambda: m2,
        "pct_of_a": lambda: 100.0 * m2 / m2,  # as on the whole layer: not always 100.0 to the last bit
    }
    names, columns = list(covered.columns), dict[str, object]()
    for c in names:
        if c.endswith("_layer"):
            columns[c] = a_layer
        elif c in own:
            columns[c] = _in_order(covered.pop(c), own[c](), order)
    columns["covered_ha"] = columns["covered_m2"] / M2_PER_HA  # type: ignore[operator]
    columns["covered_mu"] = columns["covered_m2"] / M2_PER_MU  # type: ignore[operator]
    cover = pd.DataFrame({c: columns[c] for c in names}, index=pd.RangeIndex(len(order)), copy=False)
    return pairs, cover


def partitioned_overlap(
    a: gpd.GeoDataFrame,
    b: LayerStream,
    *,
    a_layer: str,
    b_layer: str,
    buffer_m: float = 0.0,
    cluster: str | Cluster | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """:func:`overlap_pairs` and :func:`coverage` of A with a big B, read piece by piece.

    B kept in a partitioned store goes partition by partition; a study file's layer chunk by chunk, on
    forked workers (:meth:`LayerStream.map_chunks`). Each piece of B is one piece of work — a task on a
    cluster, or a step on this machine, the same function either way (:func:`chunk_overlap`): its pairs
    with A (A sent once to every worker) and the class of each pair's B feature. The pairs' shapes are the
    parts of A that B covers; they are joined per A feature and class over every piece
    (:func:`coverage_table`), so B is dissolved across the pieces' edges and an area covered twice counts
    once — as :func:`coverage` does on a B in memory.

    Parameters
    ----------
    a : GeoDataFrame
        The first layer (small: parks, zones, protected areas).
    b : LayerStream
        The big layer: partitioned (``zonekit partition``), or a study file's layer.
    a_layer, b_layer : str
        Layer names.
    buffer_m : float, default 0.0
        Grow B by this many metres first.
    cluster : str or Cluster, optional
        ``local:N`` or ``tcp://HOST:PORT`` (default ``ZONEKIT_CLUSTER``, else this machine); partitions only.

    Returns
    -------
    (GeoDataFrame, DataFrame)
        The pairs (in partition order) and the coverage, as :func:`overlap_pairs` and :func:`coverage`.
    """
    where = cluster_of(cluster)
    if b.store is None and where is not None:
        raise ValueError("b is not partitioned: a cluster reads partitions")
    args = (a_layer, b_layer, float(buffer_m))
    if b.store is None:  # a study file's layer: its chunks on forked workers
        piece = functools.partial(
            chunk_overlap, a=a, a_layer=a_layer, b_layer=b_layer, buffer_m=float(buffer_m)
        )
        parts = list(b.map_chunks(piece, columns_needed(b_layer), workers=thread_count(None)))
    elif where is None:
        parts = [partition_overlap(k, *args, None, a=a, b=b) for k in range(len(b.store.files))]
    else:
        n = len(b.store.files)
        parts = map_partitions(where, partition_overlap, n, broadcast={"a": a, "b": b}, args=(*args, 1))
    found = [p for p, _ in parts if len(p)]
    empty = overlap_pairs(a, a.iloc[:0], a_layer=a_layer, b_layer=b_layer)
    pairs = pd.concat(found, ignore_index=True) if found else empty
    if a_layer == b_layer:
        covered = pd.concat([c for _, c in parts], ignore_index=True)
    else:  # the pairs' shapes, with the classes the partitions gave
        classes = np.concatenate([c["b_class"].to_numpy(dtype=object) for p, c in parts if len(p)] or [[]])
        if b.store is None:  # a file's chunks are in the layer's order: the pairs as one overlay orders them
            order = np.argsort(_first_rows(a, a_layer, pairs["a_id"]), kind="stable")  # an id's first feature
            pairs, classes = pairs.iloc[order].reset_index(drop=True), classes[order]
        covered = parts_of_pairs(a, pairs, classes, a_layer)
    return gpd.GeoDataFrame(pairs, crs=a.crs), coverage_table(a, covered, a_layer, b_layer)


def chunk_overlap(
    chunk: gpd.GeoDataFrame,
    *,
    a: gpd.GeoDataFrame,
    a_layer: str,
    b_layer: str,
    buffer_m: float,
    threads: int | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """A with one piece of a big B: the pairs, and each pair's B class (with a layer and itself, the parts).

    Parameters
    ----------
    chunk : GeoDataFrame
        Features of B.
    a : GeoDataFrame
        The first layer.
    a_layer, b_layer : str
        Layer names.
    buffer_m : float
        Grow B by this many metres first.
    threads : int, optional
        Threads for the overlay (1 on a worker).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        As :func:`partition_overlap` gives for a partition.
    """
    got = overlap_pairs(a, chunk, a_layer=a_layer, b_layer=b_layer, buffer_m=buffer_m, threads=threads)
    if a_layer == b_layer:
        return got, _covered_parts(a, chunk, got, a_layer, b_layer)
    classes = _pair_classes(chunk, b_layer, _classes(chunk, b_layer), got)  # the shapes are the pairs'
    return got, pd.DataFrame({"b_class": classes})


def partition_overlap(
    k: int,
    a_layer: str,
    b_layer: str,
    buffer_m: float,
    threads: int | None = 1,
    *,
    a: gpd.GeoDataFrame,
    b: LayerStream,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Partition ``k`` of B with A: its pairs, and each pair's B class (with a layer and itself, the parts).

    Parameters
    ----------
    k : int
        The partition.
    a_layer, b_layer : str
        Layer names.
    buffer_m : float
        Grow B by this many metres first.
    threads : int, optional
        Threads for the overlay (1 on a cluster worker).
    a : GeoDataFrame
        The first layer (sent once to every worker).
    b : LayerStream
        The partitioned layer.

    Returns
    -------
    (GeoDataFrame, DataFrame)
        The pairs, and each pair's ``b_class`` (with a layer and itself: ``a``, ``b_class``, ``geometry``,
        the covered parts).
    """
    pairs, parts = [], []
    for chunk, _ in b.part(k, columns_needed(b_layer)):
        got, part = chunk_overlap(
            chunk, a=a, a_layer=a_layer, b_layer=b_layer, buffer_m=buffer_m, threads=threads
        )
        pairs.append(got)
        parts.append(part)
    found = [p for p in pairs if len(p)]
    joined = pd.concat(found, ignore_index=True) if found else pairs[0] if pairs else gpd.GeoDataFrame()
    every = pd.concat([p for p in parts if len(p)] or [pd.DataFrame({"b_class": []})], ignore_index=True)
    return joined, every


def partitioned_overlap_a(
    a: LayerStream,
    b: gpd.GeoDataFrame,
    *,
    a_layer: str,
    b_layer: str,
    buffer_m: float = 0.0,
    cluster: str | Cluster | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """:func:`overlap_pairs` and :func:`coverage` of a big A, read piece by piece, with a small B.

    A kept in a partitioned store goes partition by partition, a study file's layer chunk by chunk on
    forked workers (:func:`chunk_overlap_a`, the same for both). B is grown once and sent once to every
    worker; each piece of A gives its pairs and its features' coverage (a feature's coverage needs only
    B), so the tables are the pieces' tables one after another.

    Parameters
    ----------
    a : LayerStream
        The big layer, partitioned (``zonekit partition``) or a study file's: e.g. the parcels near a
        water source.
    b : GeoDataFrame
        The small layer.
    a_layer, b_layer : str
        Layer names (two different layers).
    buffer_m : float, default 0.0
        Grow B by this many metres first.
    cluster : str or Cluster, optional
        ``local:N`` or ``tcp://HOST:PORT`` (default ``ZONEKIT_CLUSTER``, else this machine).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        The pairs and the coverage, in the layer's order.
    """
    where = cluster_of(cluster)
    if a_layer == b_layer or (a.store is None and where is not None):
        raise ValueError("b must be another layer, and a partitioned for a cluster")
    b = b.to_crs(a.crs) if b.crs is not None and a.crs is not None and not b.crs.equals(a.crs) else b
    grown = buffered(b, buffer_m)  # once, not per partition
    if a.store is None:  # a study file's layer: its chunks on forked workers
        piece = functools.partial(chunk_overlap_a, a_layer=a_layer, b_layer=b_layer, b=grown)
        parts = list(a.map_chunks(piece, columns_needed(a_layer), workers=thread_count(None)))
    elif where is None:
        parts = [
            partition_overlap_a(k, a_layer, b_layer, None, a=a, b=grown) for k in range(len(a.store.files))
        ]
    else:
        n = len(a.store.files)
        parts = map_partitions(
            where, partition_overlap_a, n, broadcast={"a": a, "b": grown}, args=(a_layer, b_layer, 1)
        )
    pairs = [p for p, _ in parts if len(p)]
    cover = [c for _, c in parts if len(c)]
    empty_pairs = overlap_pairs(b.iloc[:0], grown, a_layer=a_layer, b_layer=b_layer)
    return (
        gpd.GeoDataFrame(pd.concat(pairs, ignore_index=True), crs=a.crs) if pairs else empty_pairs,
        pd.concat(cover, ignore_index=True)
        if cover
        else coverage_table(b.iloc[:0], pd.DataFrame(), a_layer, b_layer),
    )


def chunk_overlap_a(
    chunk: gpd.GeoDataFrame, *, a_layer: str, b_layer: str, b: gpd.GeoDataFrame, threads: int | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """One piece of a big A with the (grown) B: its pairs and its features' coverage.

    Parameters
    ----------
    chunk : GeoDataFrame
        Features of A.
    a_layer, b_layer : str
        Layer names.
    b : GeoDataFrame
        The other layer, grown already.
    threads : int, optional
        Threads for the overlay (1 on a worker).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        As :func:`overlap_pairs` and :func:`coverage_from_pairs`, for the piece's features.
    """
    got = overlap_pairs(chunk, b, a_layer=a_layer, b_layer=b_layer, threads=threads)
    return got, coverage_from_pairs(chunk, b, got, a_layer=a_layer, b_layer=b_layer)


def partition_overlap_a(
    k: int, a_layer: str, b_layer: str, threads: int | None = 1, *, a: LayerStream, b: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Partition ``k`` of A with the (grown) B: its pairs and its features' coverage.

    Parameters
    ----------
    k : int
        The partition.
    a_layer, b_layer : str
        Layer names.
    threads : int, optional
        Threads for the overlay (1 on a cluster worker).
    a : LayerStream
        The partitioned layer.
    b : GeoDataFrame
        The other layer, grown already (sent once to every worker).

    Returns
    -------
    (GeoDataFrame, DataFrame)
        As :func:`overlap_pairs` and :func:`coverage_from_pairs`, for the partition's features.
    """
    pairs, cover = [], []
    for chunk, _ in a.part(k, columns_needed(a_layer)):
        got, covered_here = chunk_overlap_a(chunk, a_layer=a_layer, b_layer=b_layer, b=b, threads=threads)
        pairs.append(got)
        cover.append(covered_here)
    found = [p for p in pairs if len(p)]
    covered = [c for c in cover if len(c)]
    return (
        pd.concat(found, ignore_index=True) if found else pairs[0] if pairs else gpd.GeoDataFrame(),
        pd.concat(covered, ignore_index=True) if covered else pd.DataFrame(),
    )


CHEMICAL_INDUSTRIES = ("C25", "C26", "C28")  # 石油加工, 化学原料和化学制品, 化学纤维 (GB/T 4754)


def park_protected_pairs(parks: gpd.GeoDataFrame, protected: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every park × protected-area overlap, with the protected area's kind in ``b_kind``.

    Computed once per run and filtered by kind for the red-line findings, the consolidation rule and the
    overlap report.

    Parameters
    ----------
    parks : gpd.GeoDataFrame
        Parks (``park_id``, ``zone_id``, ``kind``, ``name``).
    protected : gpd.GeoDataFrame
        Protected areas (``kind``: eco_redline, basic_farmland, …).

    Returns
    -------
    gpd.GeoDataFrame
        Every park × protected-area overlap, with the protected area's kind in ``b_kind``.
    """
    pairs = overlap_pairs(parks, protected, a_layer="parks", b_layer="protected")
    kind = dict(zip(protected["area_id"].astype(str), protected["kind"], strict=True))
    return pairs.assign(b_kind=pairs["b_id"].astype(str).map(kind))


def park_self_pairs(parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every pair of overlapping parks, each pair once.

    Parameters
    ----------
    parks : gpd.GeoDataFrame
        Parks (``park_id``, ``zone_id``, ``kind``, ``name``).

    Returns
    -------
    gpd.GeoDataFrame
        Every pair of overlapping parks, each pair once.
    """
    return overlap_pairs(parks, parks, a_layer="parks", b_layer="parks")


def findings(
    study,
    *,
    near_m: float = 500.0,
    chemical_industries=CHEMICAL_INDUSTRIES,
    protected_pairs: gpd.GeoDataFrame | None = None,
    park_pairs: gpd.GeoDataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The overlap findings the policy texts ask for, one table each.

    - ``parks_in_redlines``: parks in ecological red lines and basic farmland;
    - ``chemical_near_protected``: chemical industrial parcels inside a protected area or within ``near_m``
      of one (seed 004 item 21), with ``inside`` telling which;
    - ``parks_across_counties``: parks lying in more than one county, with the area in each;
    - ``parks_outside_zone``: the area of each park outside its zone's boundary (zones with one);
    - ``cross_zone_overlaps``: parks of different zones overlapping each other.

    ``protected_pairs`` (:func:`park_protected_pairs`) and ``park_pairs`` (:func:`park_self_pairs`) are
    used when the caller already has them.

    Parameters
    ----------
    study : object
        The study: a path to a study GeoPackage, or a Study.
    near_m : float, default 500.0
        Distance in metres counted as near.
    chemical_industries : object, default CHEMICAL_INDUSTRIES
        Industry codes counted as chemical.
    protected_pairs : gpd.GeoDataFrame, optional
        Parks × protected pairs when already computed (not computed again).
    park_pairs : gpd.GeoDataFrame, optional
        Parks × parks pairs when already computed.

    Returns
    -------
    dict[str, pd.DataFrame]
        The overlap findings the policy texts ask for, one table each.
    """
    out: dict[str, pd.DataFrame] = {}
    parks = study.get("parks")
    prot = study.get("protected")
    if parks is None:
        return out
    if prot is not None:
        pp = park_protected_pairs(parks, prot) if protected_pairs is None else protected_pairs
        red = pp[pp["b_kind"].isin(["eco_redline", "basic_farmland"])]
        out["parks_in_redlines"] = red.reset_index(drop=True)
    lu = study.get("landuse")
    if prot is not None and lu is not None and "industry_code" in lu:

        def chemical(parcels: pd.DataFrame) -> np.ndarray:
            code = parcels["industry_code"].astype(str).str[:3]
            return (
                (parcels["analysis_class"] == "industrial") & code.isin(list(chemical_industries))
            ).to_numpy()

        # only the chemical plants' parcels are kept, a chunk at a time when the layer is read as a stream
        chem = stream_of(lu, "landuse").select(None, chemical)
        inside = overlap_pairs(chem, prot, a_layer="landuse", b_layer="protected")
        near = overlap_pairs(chem, prot, a_layer="landuse", b_layer="protected", buffer_m=near_m)
        near = near.assign(
            inside=near.set_index(["a_id", "b_id"]).index.isin(inside.set_index(["a_id", "b_id"]).index),
            within_m=near_m,
        )
        out["chemical_near_protected"] = near
    admin = study.get("admin")
    if admin is not None:
        counties = admin[admin["level"] == "county"] if "level" in admin else admin
        cov = coverage(
            parks,
            counties.assign(_county=counties["adcode"].astype(str) + " " + counties["name"].astype(str)),
            a_layer="parks",
            b_layer="admin",
            class_column="_county",
        )
        multi = cov.groupby("a_id")["b_class"].transform("count") > 1
        out["parks_across_counties"] = cov[multi].rename(columns={"b_class": "county"}).reset_index(drop=True)
    zones = study.get("zones")
    if isinstance(zones, gpd.GeoDataFrame) and zones.geometry.notna().any():
        out["parks_outside_zone"] = parks_outside_zone(parks, zones)
    self_pairs = park_self_pairs(parks) if park_pairs is None else park_pairs
    zone_of = dict(zip(parks["park_id"].astype(str), parks["zone_id"].astype(str), strict=True))
    cross = self_pairs["a_id"].map(zone_of) != self_pairs["b_id"].map(zone_of)
    out["cross_zone_overlaps"] = self_pairs[cross].reset_index(drop=True)
    return out
