import numpy as np
import pyproj
import pytest
import shapely

from zonekit.geo.offsets import (
    apply_offset,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    remove_offset,
    wgs84_to_gcj02,
)

GEOD = pyproj.Geod(ellps="GRS80")


def china_grid():
    lon, lat = np.meshgrid(np.arange(73.5, 135.0, 0.37), np.arange(18.2, 53.5, 0.29))
    return lon.ravel(), lat.ravel()


def metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def test_gcj02_round_trip_under_a_centimetre_across_china():
    lon, lat = china_grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    shift = metres(lon, lat, glon, glat)
    assert np.median(shift) > 100  # the offset is real: hundreds of metres
    back_lon, back_lat = gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, back_lon, back_lat).max() < 0.01


def test_bd09_round_trip_under_a_centimetre_across_china():
    lon, lat = china_grid()
    blon, blat = gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    back_lon, back_lat = bd09_to_wgs84(blon, blat)
    assert metres(lon, lat, back_lon, back_lat).max() < 0.01


def test_offset_size_matches_published_values():
    # domain.md §8: Beijing 556 m, Shanghai 482 m with the forward algorithm
    lon, lat = np.array([116.391, 121.4737]), np.array([39.907, 31.2304])
    d = metres(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert d[0] == pytest.approx(556, abs=25)
    assert d[1] == pytest.approx(482, abs=25)


def test_outside_china_unchanged():
    lon, lat = np.array([2.35, -74.0]), np.array([48.85, 40.7])
    out = wgs84_to_gcj02(lon, lat)
    assert np.array_equal(out[0], lon) and np.array_equal(out[1], lat)


def test_geometries_round_trip():
    poly = shapely.box(120.9, 31.9, 121.0, 32.0)
    shifted = apply_offset([poly], "gcj02")
    back = remove_offset(shifted, "gcj02")[0]
    assert shapely.hausdorff_distance(back, poly) < 1e-9
    assert shapely.hausdorff_distance(shifted[0], poly) > 1e-3
