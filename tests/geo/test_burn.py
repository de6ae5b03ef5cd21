"""The scanline burner against rasterio's (GDAL's) rasterize on the same grid: pixel for pixel."""

import numpy as np
import pyproj
import pytest
import shapely
from rasterio.features import rasterize
from rasterio.transform import from_origin

from zonekit.geo.burn import Grid, burn


def _voronoi(n: int, seed: int, size: float = 1000.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    frame = shapely.box(0, 0, size, size)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(rng.uniform(0, size, (n, 2)))))
    return np.asarray(shapely.intersection(cells, frame), dtype=object)


def _gdal(grid: Grid, geoms, values) -> np.ndarray:
    return rasterize(
        zip(geoms, values, strict=True),
        out_shape=(grid.h, grid.w),
        transform=from_origin(grid.x0, grid.y1, grid.res, grid.res),
        fill=0,
        dtype="uint8",
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_irregular_parcels_holes_and_multipolygons_match_gdal(seed):
    cells = _voronoi(3000, seed)
    cells[0] = shapely.box(100, 100, 400, 400).difference(shapely.box(200, 200, 300, 300))  # a hole
    cells[1] = shapely.MultiPolygon([shapely.box(600, 600, 650, 700), shapely.box(700, 600, 720, 610)])
    cells[2] = shapely.MultiPolygon([cells[2]])  # one part, as a GeoPackage holds it
    cells[3] = None
    cells[4] = shapely.Polygon()
    keep = ~(shapely.is_missing(cells) | shapely.is_empty(cells))
    values = (np.arange(len(cells)) % 250 + 1).astype("uint8")
    grid = Grid(-13.3, 1010.7, 3.7, 280, 277)  # not aligned with the cells, and wider than them
    got = burn(np.zeros((grid.h, grid.w), "uint8"), grid, cells, values)
    want = _gdal(grid, cells[keep], values[keep])
    assert (got > 0).mean() > 0.5 and len(np.unique(got)) > 200
    assert np.array_equal(got, want)


def test_projected_coordinates_and_a_grid_that_crops():
    cells = _voronoi(500, 7, size=0.01)  # 1 km of parcels in degrees, moved to Jiangsu below
    cells = shapely.transform(cells, lambda c: c + np.array([120.0, 32.0]))
    to_merc = pyproj.Transformer.from_crs(4490, 3857, always_xy=True)
    merc = shapely.transform(cells, lambda c: np.column_stack(to_merc.transform(c[:, 0], c[:, 1])))
    x0, _, _, y1 = shapely.total_bounds(merc)
    grid = Grid(x0 + 100, y1 - 100, 5.0, 100, 100)  # a window inside the cells
    values = (np.arange(len(cells)) % 200 + 1).astype("uint8")
    got = burn(np.zeros((100, 100), "uint8"), grid, cells, values, to_merc.transform)
    assert np.array_equal(got, _gdal(grid, merc, values))
    assert (got > 0).all()  # the window is covered


def test_grid_covering_keeps_the_longer_side():
    g = Grid.covering((0, 0, 4000, 1000), 2048, 0.5)
    assert g.w == 2048 and g.h == 512 and g.res == pytest.approx(4000 / 2048)
    assert Grid.covering((0, 0, 10, 10), 2048, 2.0).w == 5  # never finer than the smallest pixel
