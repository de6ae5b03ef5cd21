"""Shared fixtures: files written at test time with GDAL, small studies, the bundled sample."""

from __future__ import annotations

import struct
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from zonekit.layers.sample import sample_path
from zonekit.vocabulary.messages import using

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


@pytest.fixture(autouse=True)
def english_messages():
    """Library messages in English inside a test (asserting on one wording), and back after it.

    The library and the command line speak Chinese unless told otherwise; the tests of that are in
    tests/test_vocabulary.py. Resetting here also undoes a ``--lang`` a command set during the test.
    """
    with using("en"):
        yield


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """Path of a study that does not exist yet (import creates it)."""
    return tmp_path / "study.gpkg"


@pytest.fixture(scope="session")
def sample_study() -> Path:
    return sample_path()


def write_gbk_shapefile_without_cpg(path: Path, gdf: gpd.GeoDataFrame, *, ldid: int = 0) -> Path:
    """Write a GBK shapefile as Chinese Windows software does, then drop the .cpg and set the LDID byte."""
    pyogrio.write_dataframe(gdf, path, encoding="GBK")
    path.with_suffix(".cpg").unlink()
    dbf = path.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = ldid
    dbf.write_bytes(bytes(data))
    for side in (".prj",):
        if gdf.crs is None and path.with_suffix(side).exists():
            path.with_suffix(side).unlink()
    return path


def corrupt_shape_record(path: Path, index: int) -> None:
    """Overwrite one record's shape type in a .shp with garbage, as a damaged file would have."""
    shx = path.with_suffix(".shx").read_bytes()
    offset = struct.unpack(">i", shx[100 + index * 8 : 104 + index * 8])[0] * 2
    data = bytearray(path.read_bytes())
    data[offset + 8 : offset + 12] = struct.pack("<i", 9999)
    data[offset + 12 : offset + 44] = b"\xff" * 32
    path.write_bytes(bytes(data))


def squares(n: int, *, x0: float = 120.0, y0: float = 32.0, size: float = 0.01, crs=4490) -> gpd.GeoDataFrame:
    """``n`` adjacent squares in a row."""
    return gpd.GeoDataFrame(
        {"id": [f"P{i}" for i in range(n)]},
        geometry=[shapely.box(x0 + i * size, y0, x0 + (i + 1) * size, y0 + size) for i in range(n)],
        crs=crs,
    )
