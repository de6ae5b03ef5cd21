"""exactextract zonal statistics against a brute-force computation on a small raster."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from zonekit.geo.raster import zonal_summary

X0, Y1, RES, CRS = 500_000.0, 3_550_100.0, 10.0, "EPSG:4549"


def write(path, arr, dtype):
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=arr.shape[1],
        height=arr.shape[0],
        count=1,
        dtype=dtype,
        crs=CRS,
        transform=from_origin(X0, Y1, RES, RES),
    ) as dst:
        dst.write(arr.astype(dtype), 1)


def brute(arr, poly):
    """Coverage fraction of every cell by shapely, then weighted shares or mean."""
    cov = np.zeros(arr.shape)
    for r in range(arr.shape[0]):
        for c in range(arr.shape[1]):
            cell = shapely.box(X0 + c * RES, Y1 - (r + 1) * RES, X0 + (c + 1) * RES, Y1 - r * RES)
            cov[r, c] = cell.intersection(poly).area / cell.area
    return cov


POLYS = [
    shapely.box(X0 + 15, Y1 - 73, X0 + 57, Y1 - 12),
    shapely.Point(X0 + 50, Y1 - 50).buffer(33).difference(shapely.box(X0 + 45, Y1 - 55, X0 + 52, Y1 - 44)),
]


def test_categorical_shares_match_brute_force(tmp_path):
    arr = (np.add.outer(np.arange(10), np.arange(10)) % 3 + 1) * 10
    tif = tmp_path / "lc.tif"
    write(tif, arr, "uint8")
    gdf = gpd.GeoDataFrame({"pid": ["a", "b"]}, geometry=POLYS, crs=CRS)
    got = zonal_summary(gdf, tif, id_column="pid").set_index("pid")
    for pid, poly in zip(["a", "b"], POLYS, strict=True):
        cov = brute(arr, poly)
        for v in (10, 20, 30):
            assert got.loc[pid, f"share_{v}"] == pytest.approx(cov[arr == v].sum() / cov.sum(), abs=1e-9)
        # exactextract keeps coverage fractions in single precision (~5e-9 relative on curved edges)
        assert got.loc[pid, "covered_cells"] == pytest.approx(cov.sum(), rel=1e-7)


def test_continuous_mean_min_max_match_brute_force(tmp_path):
    arr = np.linspace(0, 99, 100).reshape(10, 10).astype(np.float32).astype(float)  # as stored
    tif = tmp_path / "ndvi.tif"
    write(tif, arr, "float32")
    gdf = gpd.GeoDataFrame({"pid": ["a"]}, geometry=[POLYS[0]], crs=CRS)
    got = zonal_summary(gdf, tif, id_column="pid").iloc[0]
    cov = brute(arr, POLYS[0])
    assert got["mean"] == pytest.approx((cov * arr).sum() / cov.sum(), rel=1e-6)
    assert got["min"] == pytest.approx(arr[cov > 0].min()) and got["max"] == pytest.approx(arr[cov > 0].max())


def test_polygons_are_reprojected_to_the_raster(tmp_path):
    arr = np.full((10, 10), 50)
    tif = tmp_path / "lc.tif"
    write(tif, arr, "uint8")
    gdf = gpd.GeoDataFrame({"pid": ["a"]}, geometry=[POLYS[0]], crs=CRS).to_crs(4490)
    got = zonal_summary(gdf, tif, id_column="pid").iloc[0]
    assert got["share_50"] == pytest.approx(1.0)
    assert got["covered_cells"] == pytest.approx(POLYS[0].area / RES**2, rel=1e-4)
