import numpy as np
import pyproj
import pytest

from zonekit.errors import CRSError
from zonekit.geo.crs import candidate_codes, gk3_code, gk6_code, infer_crs, parse_crs


@pytest.mark.parametrize("cm", range(75, 136, 3))
def test_3_degree_codes_match_pyproj(cm):
    zone = cm // 3
    assert f"zone {zone}" in pyproj.CRS.from_epsg(gk3_code(cm, prefixed=True)).name
    assert f"CM {cm}E" in pyproj.CRS.from_epsg(gk3_code(cm, prefixed=False)).name


@pytest.mark.parametrize("cm", range(75, 136, 6))
def test_6_degree_codes_match_pyproj(cm):
    zone = (cm + 3) // 6
    assert f"zone {zone}" in pyproj.CRS.from_epsg(gk6_code(cm, prefixed=True)).name
    assert f"CM {cm}E" in pyproj.CRS.from_epsg(gk6_code(cm, prefixed=False)).name


def test_degrees_are_cgcs2000():
    d = infer_crs(np.array([120.5, 121.0]), np.array([31.5, 32.0]))
    assert d.crs.to_epsg() == 4490 and not d.swapped_xy and d.inferred


def test_swapped_degrees_detected():
    d = infer_crs(np.array([31.5, 32.0]), np.array([120.5, 121.0]))
    assert d.swapped_xy and d.crs.to_epsg() == 4490


def test_zone_39_prefix():
    d = infer_crs(np.array([39_500_100.0, 39_520_000.0]), np.array([3_500_000.0, 3_510_000.0]))
    assert d.crs.to_epsg() == 4527 and "zone 39" in d.how.text("en")


def test_6_degree_prefix():
    d = infer_crs(np.array([20_400_000.0, 20_410_000.0]), np.array([3_500_000.0, 3_510_000.0]))
    assert d.crs.to_epsg() == 4498


def test_swapped_gauss_kruger_detected():
    d = infer_crs(np.array([3_500_000.0, 3_510_000.0]), np.array([40_500_100.0, 40_520_000.0]))
    assert d.crs.to_epsg() == 4528 and d.swapped_xy


def test_six_digit_eastings_ask_for_crs_with_candidates_for_the_location():
    with pytest.raises(CRSError) as err:
        infer_crs(
            np.array([480_000.0, 520_000.0]),
            np.array([3_540_000.0, 3_560_000.0]),
            path="x.shp",
            study_lon_range=(120.4, 121.9),
        )
    msg = str(err.value)
    assert "x.shp" in msg and "--crs" in msg
    assert "EPSG:4549" in msg and "EPSG:4550" in msg  # CM 120E and 123E cover Nantong
    assert "EPSG:4534" not in msg  # CM 75E is far away


def test_candidate_codes_without_location_cover_china():
    codes = [c for c, _ in candidate_codes(None)]
    assert 4534 in codes and 4554 in codes


def test_local_coordinates_are_refused():
    with pytest.raises(CRSError, match="neither degrees"):
        infer_crs(np.array([1000.0, 2000.0]), np.array([1000.0, 2000.0]))


def test_parse_crs_and_esri_names():
    assert parse_crs("4528").to_epsg() == 4528
    esri = pyproj.CRS.from_epsg(4527).to_wkt(pyproj.enums.WktVersion.WKT1_ESRI)
    assert "CGCS2000_3_Degree_GK_Zone_39" in esri
    assert parse_crs(esri).to_epsg() == 4527
    with pytest.raises(CRSError):
        parse_crs("EPSG:999999")
