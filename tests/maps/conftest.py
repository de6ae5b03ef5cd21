"""A small study whose names try every way out of HTML and JavaScript."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely

from zonekit.layers.study import Study

HOSTILE = [
    '<img src=x onerror="window.__xss=1">',
    "${window.__xss=2}",
    "`;window.__xss=3;`",
    "</script><script>window.__xss=4</script>",
    "\\u003cscript\\u003ewindow.__xss=5\\u003c/script\\u003e",
]


@pytest.fixture
def hostile_study() -> Study:
    parks = gpd.GeoDataFrame(
        {
            "park_id": [f"P{i}" for i in range(len(HOSTILE))],
            "zone_id": ["Z1"] * len(HOSTILE),
            "name": HOSTILE,
            "kind": ["main"] + ["sub"] * (len(HOSTILE) - 1),
            "source": "illustrative",
        },
        geometry=[
            shapely.box(120.9 + i * 0.02, 32.0, 120.915 + i * 0.02, 32.015) for i in range(len(HOSTILE))
        ],
        crs=4490,
    )
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z1"], "name": [HOSTILE[0]], "source": "illustrative"}, geometry=[None], crs=4490
    )
    admin = gpd.GeoDataFrame(
        {"adcode": ["320612"], "name": [HOSTILE[3]], "level": ["county"]},
        geometry=[shapely.box(120.8, 31.9, 121.1, 32.1)],
        crs=4490,
    )
    prot = gpd.GeoDataFrame(
        {"area_id": ["R"], "name": [HOSTILE[1]], "kind": ["eco_redline"]},
        geometry=[shapely.box(120.905, 32.005, 120.95, 32.03)],
        crs=4490,
    )
    enclaves = pd.DataFrame(
        {
            "park_id": ["P1"],
            "home_adcode": ["320612"],
            "host_adcode": ["320612"],
            "metric": ["tax"],
            "home_share": [0.5],
            "host_share": [0.5],
            "valid_from": ["2020-01-01"],
        }
    )
    return Study(
        Path("hostile.gpkg"),
        pyproj.CRS.from_epsg(4490),
        {"admin": admin, "zones": zones, "parks": parks, "protected": prot, "enclaves": enclaves},
    )
