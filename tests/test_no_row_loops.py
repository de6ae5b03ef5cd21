"""No Python loop over parcels, enterprises or pairs: the Python calls of a run do not grow with the rows.

Every Python-level call of ``zonekit.intensity`` (in every thread) is counted on a small study and on one
with four times the parcels and enterprises. A per-row lambda, ``apply`` or loop adds calls in proportion
to the rows (here 6,000 more parcels and about 2,000 more enterprises); vectorised code adds almost none.
"""

from __future__ import annotations

import sys
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import zonekit


def study(n_side: int):
    parks = gpd.GeoDataFrame(
        {"park_id": ["P1", "P2"], "zone_id": ["Z", "Z"], "name": ["甲", "乙"], "kind": ["main", "sub"]},
        geometry=[shapely.box(120.0, 32.0, 120.05, 32.1), shapely.box(120.05, 32.0, 120.1, 32.1)],
        crs=4490,
    )
    step = 0.1 / n_side
    i, j = np.meshgrid(np.arange(n_side), np.arange(n_side))
    x, y = 119.995 + i.ravel() * step * 1.06, 31.995 + j.ravel() * step * 1.06  # some cut by park lines
    n = len(x)
    industrial = np.arange(n) % 3 == 0
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": [f"L{k}" for k in range(n)],
            "land_use_code": np.where(industrial, "0601", "0701"),
            "code_system": "sandiao",
            "build_status": "built",
            "supplied": True,
            "gfa_m2": 1000.0,
            "footprint_m2": 400.0,
            "investment_wan": np.where(industrial, 500.0, np.nan),
            "tax_wan": np.where(industrial, 30.0, np.nan),
            "enterprise_id": np.where(industrial, np.char.add("E", np.arange(n).astype(str)), None),
        },
        geometry=shapely.box(x, y, x + step, y + step),
        crs=4490,
    )
    firms = pd.DataFrame(
        {
            "enterprise_id": parcels.loc[industrial, "enterprise_id"].to_numpy(),
            "tax_wan": 100.0,
            "revenue_wan": 5000.0,
            "energy_tce": 10.0,
            "industry_code": "C34",
        }
    )
    return parks, parcels, firms


def python_calls(fn) -> int:
    count = [0]

    def profile(frame, event, arg):
        if event == "call":
            count[0] += 1

    sys.setprofile(profile)
    threading.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    return count[0]


def test_intensity_calls_do_not_grow_with_parcels_and_enterprises():
    small, large = study(40), study(80)  # 1,600 and 6,400 parcels; about 530 and 2,130 enterprises
    run = lambda s: zonekit.intensity(s[0], s[1], enterprises=s[2]).tables()  # noqa: E731
    run(small)  # warm up: imports, caches
    calls_small, calls_large = python_calls(lambda: run(small)), python_calls(lambda: run(large))
    added_rows = (len(large[1]) - len(small[1])) + (len(large[2]) - len(small[2]))
    # what grows is the thread pool's work per chunk (O(rows / chunk)); a per-row call adds ≥ 1 per row
    assert calls_large - calls_small < 0.3 * added_rows, (calls_small, calls_large, added_rows)


def test_overlap_of_a_layer_with_itself_calls_do_not_grow_with_pairs():
    """Parcels overlapping their right-hand neighbours (one pair each, joined per parcel and class in the
    coverage): four times the parcels and pairs, not four times the Python calls. The thread pools' chunks
    of at least 2,000 pairs add a few hundred calls each; one Python call per pair or group (a ``groupby``
    lambda joining each group) would add tens per parcel."""

    def layer(n_side: int) -> gpd.GeoDataFrame:
        step = 0.1 / n_side
        i, j = np.meshgrid(np.arange(n_side), np.arange(n_side))
        x, y = 120.0 + i.ravel() * step, 32.0 + j.ravel() * step
        n = len(x)
        return gpd.GeoDataFrame(
            {
                "parcel_id": [f"L{k}" for k in range(n)],
                "analysis_class": np.where(np.arange(n) % 2, "a", "b"),
            },
            geometry=shapely.box(x, y, x + 1.3 * step, y + step),
            crs=4490,
        )

    small, large = layer(40), layer(80)
    run = lambda s: zonekit.overlap(s, s, a_layer="landuse", b_layer="landuse").tables()  # noqa: E731
    assert len(run(small)["pairs"]) > 800
    calls_small, calls_large = python_calls(lambda: run(small)), python_calls(lambda: run(large))
    added_rows = len(large) - len(small)
    assert calls_large - calls_small < added_rows, (calls_small, calls_large, added_rows)
