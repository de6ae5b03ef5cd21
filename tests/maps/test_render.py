"""The map's HTML, checked structurally (no browser): layers, legend, bounds, escaping, offline assets."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.maps.conftest import HOSTILE
from zonekit import read_study
from zonekit.errors import InputError
from zonekit.maps.escape import escape_for_script
from zonekit.maps.html import map_html
from zonekit.maps.render import study_map

EXTERNAL = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(https?:[^"]+)"')


def test_hostile_names_never_reach_html_raw(hostile_study):
    html = map_html(study_map(hostile_study, basemap="none"), offline=True)
    assert re.search(r"<img[^>]*onerror", html) is None  # onerror= occurs only inside escaped text
    assert "${window.__xss" not in html and "`;window.__xss" not in html
    assert "<script>window.__xss=4" not in html
    assert escape_for_script(HOSTILE[0]) in html  # shown as text
    # parsed as a browser does, the page holds no element the data injected
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.seen = set()

        def handle_starttag(self, tag, attrs):
            self.seen.add(tag)

    parser = Tags()
    parser.feed(html)
    assert "img" not in parser.seen


def test_layers_legend_and_bounds(sample_study):
    st = read_study(sample_study)
    m = study_map(st, basemap="none", lang="zh")
    html = map_html(m)
    for name in ("行政区划", "开发区", "园区", "飞地与飞出地", "土地利用", "保护区（红线）"):
        assert f'"{name}"' in html or name in html, name
    assert 'id="zonekit-legend"' in html and "示例数据" in html  # the sample says it is illustrative
    b = st["parks"].to_crs(4326).total_bounds
    fit = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", html)
    np.testing.assert_allclose([float(x) for x in fit.groups()], [b[1], b[0], b[3], b[2]], atol=1e-9)
    assert "L.control.scale({metric: true, imperial: false})" in html


def test_offline_inlines_everything_and_online_uses_only_pinned_assets(hostile_study):
    m = study_map(hostile_study, basemap="none")
    assert EXTERNAL.findall(map_html(m, offline=True)) == []
    online = set(EXTERNAL.findall(map_html(study_map(hostile_study, basemap="osm"))))
    assert online and all(("leaflet" in u or "jquery" in u) for u in online)
    assert not any("bootstrap" in u or "fontawesome" in u or "d3" in u for u in online)


def test_tianditu_needs_a_key(hostile_study, monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    with pytest.raises(InputError, match="TIANDITU_KEY"):
        study_map(hostile_study, basemap="tianditu")
    html = map_html(study_map(hostile_study, basemap="tianditu", tianditu_key="abc123"))
    assert "vec_w/wmts" in html and "cva_w/wmts" in html and "tk=abc123" in html


def test_gaode_draws_a_shifted_display_copy(hostile_study):
    html = map_html(study_map(hostile_study, basemap="gaode", lang="en"))
    assert "GCJ-02" in html
    plain = map_html(study_map(hostile_study, basemap="none", lang="en"))
    fit_g = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\]", html).groups()
    fit_p = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\]", plain).groups()
    dlat, dlon = float(fit_g[0]) - float(fit_p[0]), float(fit_g[1]) - float(fit_p[1])
    assert 0.001 < abs(dlat) + abs(dlon) < 0.01  # a few hundred metres, as GCJ-02 is


def test_large_landuse_becomes_an_image(sample_study):
    st = read_study(sample_study, layers=["parks", "landuse"])
    st = {
        "parks": st["parks"],
        "landuse": st["landuse"].iloc[:3000],
    }  # 3,000 parcels, either side of the line
    html = map_html(study_map(st, basemap="none", max_vector_parcels=1000))
    assert "L.imageOverlay(" in html and "data:image/png;base64" in html
    small = map_html(study_map(st, basemap="none", max_vector_parcels=3000))
    assert "L.imageOverlay(" not in small and html.count('"parcel_id"') < small.count('"parcel_id"')


def test_parcel_simplification_opens_no_gaps(sample_study):
    import geopandas as gpd
    import shapely

    from zonekit.maps.render import _light

    # a valid coverage (neighbours share identical edges, with many vertices): simplified, still valid
    k = 50  # vertices per cell edge, taken from one shared array so neighbours share identical vertices
    xs = 120 + np.arange(20 * k + 1) * (0.001 / k)
    ys = 32 + np.arange(20 * k + 1) * (0.001 / k)

    def cell(i, j):
        x, y = xs[i * k : (i + 1) * k + 1], ys[j * k : (j + 1) * k + 1]
        ring = (
            [(xx, y[0]) for xx in x]
            + [(x[-1], yy) for yy in y[1:]]
            + [(xx, y[-1]) for xx in x[::-1][1:]]
            + [(x[0], yy) for yy in y[::-1][1:]]
        )
        return shapely.Polygon(ring)

    cells = [cell(i, j) for i in range(20) for j in range(20)]
    grid = gpd.GeoDataFrame(geometry=cells, crs=4326)
    assert shapely.coverage_is_valid(np.asarray(grid.geometry.values))
    light = _light(grid, simplify_m=1.0)
    assert shapely.coverage_is_valid(np.asarray(light.geometry.values), gap_width=0.0)
    assert (
        sum(len(shapely.get_coordinates(g)) for g in light.geometry)
        < sum(len(shapely.get_coordinates(g)) for g in cells) / 3
    )
    assert shapely.union_all(light.geometry.values).area == pytest.approx(
        shapely.union_all(cells).area, rel=1e-9
    )
    # the sample's reprojected parcels are not a valid coverage: rounded only, so nothing opens between them
    lu = read_study(sample_study)["landuse"].to_crs(4326)
    part = lu.cx[120.95:121.0, 31.93:31.97]
    light = _light(part, simplify_m=1.0)
    overlap_before = shapely.area(part.geometry.values).sum() / shapely.union_all(part.geometry.values).area
    overlap_after = shapely.area(light.geometry.values).sum() / shapely.union_all(light.geometry.values).area
    assert overlap_after - overlap_before < 1e-5


def test_landuse_image_from_a_stream_equals_the_whole_layer(sample_study, monkeypatch):
    """The command line burns the parcels chunk by chunk (on forked workers): the image is the one of the
    layer read whole, and the workers' image is one process's to the pixel."""
    import numpy as np

    from zonekit.layers import stream as stream_module
    from zonekit.layers.stream import LayerStream
    from zonekit.maps.render import rasterise_classes

    st = read_study(sample_study, layers=["landuse"])
    whole, bounds = rasterise_classes(st["landuse"], max_side=512)
    stream = LayerStream.from_study(sample_study, "landuse", st.crs, chunk_rows=4000)
    chunked, _ = rasterise_classes(stream, max_side=512)
    with monkeypatch.context() as m:
        m.setattr(stream_module, "can_fork", lambda: False)
        assert np.array_equal(rasterise_classes(stream, max_side=512)[0], chunked)
    assert whole.shape[2] == 4 and max(whole.shape[:2]) == 512 and (whole[..., 3] > 0).mean() > 0.01
    if np.allclose(stream.bounds, st["landuse"].total_bounds, rtol=0, atol=1e-9):
        assert np.array_equal(whole, chunked)
    else:  # the file's extent is stored in single precision: a pixel's width at most
        assert chunked.shape == whole.shape and (whole != chunked).any(axis=2).mean() < 0.02
    _, gaode = rasterise_classes(st["landuse"], basemap="gaode", max_side=512)
    d = np.subtract(gaode, bounds)
    assert 0.001 < np.abs(d).max() < 0.01  # GCJ-02 moves the image a few hundred metres, like the vectors
