"""The parcels of each park, packed for the page: drawn as vectors and clickable once a planner zooms in.

A province's land use is an image at low zoom (it cannot be vector in one page). At park scale the page
draws the parcels of the parks in view from this pack and answers a click with the parcel under it (its
number, land-use class and code, and area in 公顷 and 亩) inside the park's panel.

The pack is flat arrays, made without a Python loop over parcels: coordinates quantised to 1e-6° (about
0.1 m) and delta-coded, with offsets from parks to parcels and counts of rings per parcel and points per
ring. Its texts are plain (the page writes them with ``textContent``); the JSON is made inert
inside ``<script>`` by the page script's writer.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonekit.geo.area import ellipsoidal_area
from zonekit.layers.stream import stream_of

MAX_PARK_PARCELS = 150_000
"""Parcels in parks past which none are packed (about 10 MB of page); the land-use image stays."""

SCALE = 1_000_000
"""Quantisation of degrees: 1e-6° is about 0.1 m."""


def pack_park_parcels(
    parks: gpd.GeoDataFrame,
    parcels,
    display,
    classes: dict[str, str],
    labels: dict,
    *,
    limit: int = MAX_PARK_PARCELS,
) -> dict | None:
    """The parcels meeting each park, packed for the page; ``None`` past ``limit`` of them.

    Parameters
    ----------
    parks : GeoDataFrame
        The parks, in the page's order (any CRS: they are matched in the parcels').
    parcels : GeoDataFrame or LayerStream
        The study's parcels (read chunk by chunk).
    display : callable
        Frame → its display copy (lon/lat; GCJ-02 over Gaode tiles), applied to the parcels packed.
    classes : dict
        Analysis class → its colour, in legend order; a parcel's class is its index here (``len``: none).
    labels : dict
        Class → its label in the page's language.
    limit : int
        Most parcel-park pairs to pack.

    Returns
    -------
    dict or None
        ``o`` origin (lon, lat), ``ps`` park → parcel offsets, ``id``, ``code``, ``cls``, ``m2`` (ellipsoidal
        area, m²), ``rn`` rings per parcel, ``cn`` points per ring, ``xy`` delta-coded integers (a ring's
        first point from the previous ring's, the others from the point before),
        ``labels`` and ``colours`` of the classes; ``None`` when more than ``limit`` parcels meet the parks.

    Examples
    --------
    >>> parks = gpd.GeoDataFrame({"park_id": ["A"]}, geometry=[shapely.box(120, 32, 120.01, 32.01)], crs=4326)
    >>> lu = gpd.GeoDataFrame({"parcel_id": ["p1", "p2"], "land_use_code": ["0601", "0701"],
    ...     "analysis_class": ["industrial", "residential"]},
    ...     geometry=[shapely.box(120, 32, 120.001, 32.001), shapely.box(121, 32, 121.001, 32.001)], crs=4326)
    >>> classes = {"industrial": "#b07a4a", "residential": "#f6d55c"}
    >>> got = pack_park_parcels(parks, lu, lambda f: f, classes, {"industrial": "工业"})
    >>> got["ps"], got["id"], got["cls"], got["rn"], got["cn"], got["xy"][:4]
    ([0, 1], ['p1'], [0], [1], [5], [1000, 0, 0, 1000])
    """
    stream = stream_of(parcels, "landuse")
    near = parks.to_crs(stream.crs) if stream.crs is not None and parks.crs is not None else parks
    tree = shapely.STRtree(np.asarray(near.geometry.values))  # matched in the parcels' own CRS
    parts, total = [], 0
    for chunk in stream.chunks(["parcel_id", "land_use_code", "analysis_class"]):
        i, k = tree.query(np.asarray(chunk.geometry.values), predicate="intersects")
        total += len(i)
        if total > limit:
            return None
        if not len(i):
            continue
        hit = chunk.iloc[i]  # only the parcels meeting a park are measured and brought to display
        parts.append(
            pd.DataFrame(
                {
                    "park": k,
                    "id": hit["parcel_id"].astype(str).to_numpy(),
                    "code": hit["land_use_code"].fillna("").astype(str).to_numpy()
                    if "land_use_code" in hit
                    else "",
                    "cls": pd.Categorical(hit["analysis_class"].to_numpy(), categories=list(classes)).codes,
                    "m2": ellipsoidal_area(np.asarray(hit.geometry.values), chunk.crs),
                    "geometry": np.asarray(display(hit).geometry.values),
                }
            )
        )
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True).sort_values("park", kind="stable")
    cls = table["cls"].to_numpy()
    cls = np.where(cls < 0, len(classes), cls)  # no class: the last label
    coords, rings, parcel_rings = _ragged(table["geometry"].to_numpy())
    origin = coords.min(axis=0) if len(coords) else np.zeros(2)
    q = np.round((coords - origin) * SCALE).astype(np.int64)
    delta = np.diff(q, axis=0, prepend=q[:1])
    first = q[rings[:-1]]  # each ring's first point from the previous ring's first point, then steps
    delta[rings[:-1]] = np.diff(first, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    starts = np.searchsorted(table["park"].to_numpy(), np.arange(len(parks) + 1))
    return {
        "o": [float(origin[0]), float(origin[1])],
        "s": SCALE,
        "ps": starts.tolist(),
        "id": table["id"].tolist(),
        "code": table["code"].tolist(),
        "cls": cls.tolist(),
        "m2": np.round(table["m2"].to_numpy()).astype(np.int64).tolist(),
        "rn": np.diff(parcel_rings).tolist(),
        "cn": np.diff(rings).tolist(),
        "xy": delta.ravel().tolist(),
        "labels": [labels.get(c, c) for c in classes] + [labels.get("unknown", "unknown")],
        "colours": [*classes.values(), "#000000"],
    }


def _ragged(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Polygons and multipolygons as coordinates, ring → coordinate offsets and parcel → ring offsets."""
    _, coords, offsets = shapely.to_ragged_array(shapely.force_2d(np.asarray(geoms, dtype=object)))
    if len(offsets) == 2:  # polygons only: rings, then polygons
        return coords, offsets[0], offsets[1]
    return coords, offsets[0], offsets[1][offsets[2]]  # multipolygons: a parcel's parts' rings in a row
