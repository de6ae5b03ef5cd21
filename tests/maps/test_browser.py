"""The maps in real headless Chromium (Debian's ``chromium``, installed by ``make test``), network disabled.

A screenshot of each page is saved under ``test-output/`` so a person can look at it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import OUTPUT
from tests.maps.conftest import HOSTILE
from zonekit import read_study
from zonekit.maps.escape import escape_for_script
from zonekit.maps.html import write_map
from zonekit.maps.render import study_map

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP_VAR = "window[Object.keys(window).find(k => k.startsWith('map_'))]"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def open_page(browser, path: Path, *, offline: bool = True):
    ctx = browser.new_context(offline=offline, viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    log = {"errors": [], "failed": [], "requests": []}
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("requestfailed", lambda r: log["failed"].append(r.url))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("dialog", lambda d: (log["errors"].append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("Object.keys(window).some(k => k.startsWith('map_'))")
    return page, log


def features_drawn(page) -> int:
    return page.evaluate(
        f"() => {{ let n = 0; {MAP_VAR}.eachLayer(l => {{ if (l.feature) n++; }}); return n; }}"
    )


def test_sample_map_offline_loads_draws_and_requests_nothing(browser, sample_study, tmp_path):
    st = read_study(sample_study)
    out = write_map(study_map(st, basemap="none"), tmp_path / "map.html", offline=True)
    page, log = open_page(browser, out)
    assert features_drawn(page) > 30
    assert log["errors"] == [] and log["failed"] == []
    assert [u for u in log["requests"] if not u.startswith(("file:", "data:"))] == []
    assert page.locator("#zonekit-legend").is_visible()
    assert page.locator(".leaflet-control-layers").is_visible()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "sample-map-offline.png"))


def test_hostile_names_show_as_text_and_run_nothing(browser, hostile_study, tmp_path):
    out = write_map(study_map(hostile_study, basemap="none"), tmp_path / "hostile.html", offline=True)
    page, log = open_page(browser, out)
    # open every popup and tooltip the map has
    page.evaluate(f"""() => {{ {MAP_VAR}.eachLayer(l => {{
        if (l.feature && l.getPopup && l.getPopup()) {{ l.openPopup(); }}
        if (l.getTooltip && l.getTooltip()) {{ l.openTooltip(); }} }}); }}""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert not any(e.startswith("dialog") for e in log["errors"])
    popup_texts = page.locator(".leaflet-popup-content, .leaflet-tooltip").all_inner_texts()
    shown = "\n".join(popup_texts)
    assert HOSTILE[0] in shown  # the name is shown, literally
    assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
    legend = page.locator("#zonekit-legend").inner_text()
    assert HOSTILE[0] in legend and escape_for_script(HOSTILE[0]) not in legend  # text, not double-escaped
    assert log["errors"] == []
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "hostile-map.png"))


def test_atlas_index_and_map_open(browser, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "atlas"
    zonekit = str(Path(sys.executable).with_name("zonekit"))
    r = subprocess.run(
        [zonekit, "atlas", "--out", str(out), "--year", "2025"], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    ctx = browser.new_context(offline=True, viewport={"width": 1200, "height": 1400})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((out / "index.html").as_uri(), wait_until="load")
    text = page.inner_text("body")
    assert "13" in text and "候选组" in text and "示例数据" in text  # headline numbers and the notice
    assert "低效用地(五类)" in text and "5 处" in text  # the sample's five planted plots
    assert page.locator("svg rect").count() > 50  # the charts
    for href in page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))"):
        assert (out / href).exists(), href  # every link points at a written file
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "atlas-index.png"), full_page=True)
    page.click("text=打开地图")
    page.wait_for_function("Object.keys(window).some(k => k.startsWith('map_'))")
    assert features_drawn(page) > 30
    assert errors == []
    page.screenshot(path=str(OUTPUT / "atlas-map.png"))


def test_search_finds_parks_by_zone_name(browser, sample_study, tmp_path):
    out = write_map(study_map(read_study(sample_study), basemap="none"), tmp_path / "map.html", offline=True)
    page, log = open_page(browser, out)
    box = page.locator(".leaflet-control-search input")
    box.press_sequentially("海安 ", delay=50)  # an IME commits with Space; leaflet-search filters on key-up
    box.press("Backspace")
    page.wait_for_selector(".search-tip")
    tips = page.locator(".search-tip").all_inner_texts()
    assert any("海安开发区主园区" in t for t in tips) and any("海安高新区主园区" in t for t in tips)
    assert log["errors"] == []


# a planner's map: click, search, read, print (1280×720 and 1920×1080, offline) -------------------------


@pytest.fixture(scope="module")
def planner_map(tmp_path_factory) -> Path:
    """The atlas map of the bundled sample, as a planner opens it: every default layer on."""
    import zonekit

    out = tmp_path_factory.mktemp("planner") / "atlas"
    zonekit.atlas(None, out, lang="zh", year=2026)  # the bundled sample
    return out / "map.html"


def _page(browser, path: Path, width: int, height: int):
    ctx = browser.new_context(offline=True, viewport={"width": width, "height": height})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("Object.keys(window).some(k => k.startsWith('map_'))")
    return page, errors


def _inside_points(parks) -> list[tuple[str, str, float, float]]:
    """A point inside each park that lies in no smaller park (a theme park sits inside its parent)."""
    import shapely

    out = []
    geoms = parks.to_crs(4326).geometry
    for pid, name, g in zip(parks["park_id"], parks["name"], geoms, strict=True):
        others = shapely.union_all(
            [o for o, p in zip(geoms, parks["park_id"], strict=True) if p != pid and o.within(g)]
        )
        free = g.difference(others) if not others.is_empty else g
        pt = free.representative_point()
        out.append((str(pid), str(name), pt.y, pt.x))
    return out


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_a_click_inside_any_park_opens_its_chinese_panel_whatever_lies_on_top(
    browser, planner_map, sample_study, width, height
):
    parks = read_study(sample_study, layers=["parks"])["parks"]
    page, errors = _page(browser, planner_map, width, height)
    for k, (pid, name, lat, lon) in enumerate(_inside_points(parks)):
        shift = 120 * (k % 2) - 60  # successive clicks apart, never read as a double-click
        xy = page.evaluate(
            f"""() => {{ const m = {MAP_VAR}; m.setView([{lat}, {lon}], 15, {{animate: false}});
                 m.panBy([{shift}, 0], {{animate: false}});
                 const p = m.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}"""
        )
        page.mouse.click(xy[0], xy[1])
        page.wait_for_selector(".leaflet-popup-content", timeout=3000)
        panel = page.locator(".leaflet-popup-content").inner_text()
        assert name in panel and pid in panel and "集约度分值" in panel and "公顷" in panel, (
            pid,
            panel[:200],
        )
    red = page.locator(".leaflet-popup-content").inner_text()
    assert errors == []
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"planner-click-{width}.png"))
    del red


def test_the_panel_names_the_findings_and_candidates_of_its_park(browser, planner_map, sample_study):
    parks = read_study(sample_study, layers=["parks"])["parks"]
    page, errors = _page(browser, planner_map, 1280, 720)
    point = next(p for p in _inside_points(parks) if p[0] == "NT01-1")  # in a red line, candidate G01
    xy = page.evaluate(
        f"""() => {{ const m = {MAP_VAR}; m.setView([{point[2]}, {point[3]}], 14, {{animate: false}});
             const p = m.latLngToContainerPoint([{point[2]}, {point[3]}]); return [p.x, p.y]; }}"""
    )
    page.mouse.click(xy[0], xy[1])
    panel = page.locator(".leaflet-popup-content").inner_text()
    assert "园区占用红线" in panel and "狼山生态保护红线" in panel and "公顷" in panel
    assert "整合候选" in panel and "调整边界" in panel
    assert "土地开发率" in panel and "%" in panel  # a rate as a percentage
    assert errors == []


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_search_by_name_or_code_and_enter_zooms_there_and_opens_the_panel(
    browser, planner_map, width, height
):
    # typed fast and typed slowly: Enter goes by the text in the box, not by suggestions older than it
    cases = (("如东开发区主园区", 0), ("nt06-1", 0), ("如东开发区主园区", 60))
    for (text, delay), expect in zip(
        cases, ("如东开发区主园区", "启东开发区主园区", "如东开发区主园区"), strict=True
    ):
        page, errors = _page(browser, planner_map, width, height)
        before = page.evaluate(f"{MAP_VAR}.getZoom()")
        box = page.locator(".leaflet-control-search input.search-input")
        box.click()
        box.press_sequentially(text, delay=delay)
        page.keyboard.press("Enter")
        page.wait_for_selector(".leaflet-popup-content", timeout=10_000)
        page.wait_for_function(f"{MAP_VAR}.getZoom() >= {before + 3}", timeout=10_000)
        assert expect in page.locator(".leaflet-popup-content").inner_text()
        assert errors == []
        if delay:
            page.screenshot(path=str(OUTPUT / f"planner-search-{width}.png"))
    width_px = page.locator(".leaflet-control-search input.search-input").bounding_box()["width"]
    assert width_px >= 150  # a Chinese placeholder fits


def test_search_for_what_no_park_holds_says_so_and_stays(browser, planner_map):
    page, errors = _page(browser, planner_map, 1280, 720)
    before = page.evaluate(f"{MAP_VAR}.getZoom()")
    box = page.locator(".leaflet-control-search input.search-input")
    box.click()
    box.press_sequentially("<b>不存在的园区", delay=0)
    page.keyboard.press("Enter")
    alert = page.locator(".leaflet-control-search .search-alert")
    alert.wait_for(state="visible", timeout=5_000)
    assert "没有" in alert.inner_text()
    assert page.evaluate(f"{MAP_VAR}.getZoom()") == before
    assert page.locator(".leaflet-popup-content").count() == 0
    assert errors == []


def test_the_legend_is_small_folded_and_follows_the_layers(browser, planner_map):
    page, errors = _page(browser, planner_map, 1280, 720)
    box = page.locator("#zonekit-legend").bounding_box()
    assert box["width"] * box["height"] <= 0.06 * 1280 * 720
    assert "示例数据" in page.locator("#zonekit-legend").inner_text()  # the notice, even folded
    z = page.evaluate(
        """() => [getComputedStyle(document.getElementById('zonekit-legend')).zIndex,
                  getComputedStyle(document.querySelector('.leaflet-popup-pane')).zIndex].map(Number)"""
    )
    assert z[0] < z[1]  # an open panel is never hidden under the legend
    page.locator("#zonekit-legend summary").click()
    land = page.locator("#zonekit-legend [data-layer='土地利用']")
    assert land.count() == 1 and not land.is_visible()  # the land-use layer is off: its section too
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label:has-text('土地利用') input").check()
    assert land.is_visible()
    kinds = page.locator("#zonekit-legend [data-layer='园区'] span").evaluate_all(
        "els => els.map(e => getComputedStyle(e).borderTopStyle + ' ' + getComputedStyle(e).backgroundColor)"
    )
    assert len(set(kinds)) == 4  # main, sub, theme and enclave parks look different
    assert errors == []
    page.screenshot(path=str(OUTPUT / "planner-legend-1280.png"))
    big, _ = _page(browser, planner_map, 1920, 1080)
    assert (
        big.locator("#zonekit-legend details").get_attribute("open") is not None
    )  # unfolded on a big screen


def test_the_measuring_tool_speaks_chinese_in_hectares_and_mu(browser, planner_map):
    page, errors = _page(browser, planner_map, 1280, 720)
    page.locator(".zonekit-measure").click()
    for x, y in ((500, 300), (700, 300), (700, 450)):
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
    tip = page.locator(".leaflet-tooltip").last.inner_text()
    assert "距离" in tip and "面积" in tip and "公顷" in tip and "亩" in tip
    assert errors == []


def test_printing_gives_title_legend_north_arrow_and_scale_without_controls(browser, planner_map):
    page, errors = _page(browser, planner_map, 1280, 720)
    assert page.title().endswith("zonekit") and "示例" in page.title()
    page.emulate_media(media="print")
    head = page.locator("#zonekit-print-head")
    assert head.is_visible() and "▲" in head.inner_text() and "北" in head.inner_text()
    assert page.title() in head.inner_text() and "制图日期" in head.inner_text()
    assert page.locator("#zonekit-legend").is_visible()
    assert page.locator(".leaflet-control-scale").is_visible()
    for control in (
        ".leaflet-control-zoom",
        ".leaflet-control-layers",
        ".leaflet-control-search",
        ".zonekit-measure",
    ):
        assert not page.locator(control).is_visible(), control
    assert errors == []
    page.screenshot(path=str(OUTPUT / "planner-print.png"))


def test_map_figures_for_a_report_are_drawn_headlessly(tmp_path):
    """``zonekit map --png/--pdf``: the view and the print view, by the same Chromium, offline."""
    import struct
    import subprocess
    import sys

    zonekit = str(Path(sys.executable).with_name("zonekit"))
    from zonekit.layers.sample import sample_path

    png, pdf = tmp_path / "园区图.png", tmp_path / "园区图.pdf"
    r = subprocess.run(
        [zonekit, "map", str(sample_path()), "--out", str(tmp_path / "m.html"), "--offline", "--png", str(png),
         "--pdf", str(pdf), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (1600, 1000)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    OUTPUT.mkdir(exist_ok=True)
    shutil.copy(png, OUTPUT / "map-figure.png")
    missing = subprocess.run(
        [zonekit, "map", str(sample_path()), "--out", str(tmp_path / "n.html"), "--png", str(tmp_path / "n.png")],
        capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "ZONEKIT_CHROMIUM": "/nonexistent"},
    )  # fmt: skip
    assert (
        missing.returncode == 1 and "ZONEKIT_CHROMIUM" in missing.stderr and "Traceback" not in missing.stderr
    )


def test_labels_name_counties_overview_and_parks_close_up_never_overlapping(browser, planner_map):
    page, errors = _page(browser, planner_map, 1280, 720)
    page.wait_for_timeout(300)

    def shown(kind: str) -> list[dict]:
        return page.evaluate(
            f"""() => Array.from(document.querySelectorAll('.zonekit-label-{kind} span'))
                 .filter(s => s.style.visibility === 'visible')
                 .map(s => {{ const r = s.getBoundingClientRect();
                              return {{t: s.textContent, l: r.left, r: r.right, top: r.top, b: r.bottom}}; }})"""
        )

    counties = shown("county")
    assert len(counties) >= 5 and not shown("park") and "海门区" in {c["t"] for c in counties}
    page.evaluate(f"() => {{ {MAP_VAR}.setView([32.0, 121.03], 13, {{animate: false}}); return 1; }}")
    page.wait_for_timeout(300)
    parks = shown("park")
    assert parks and not shown("county")
    for i, a in enumerate(parks):  # no two labels shown on top of each other
        for b in parks[i + 1 :]:
            assert not (a["l"] < b["r"] and a["r"] > b["l"] and a["top"] < b["b"] and a["b"] > b["top"]), (
                a,
                b,
            )
    assert errors == []
    page.screenshot(path=str(OUTPUT / "planner-labels.png"))


def test_the_low_efficiency_land_is_drawn_and_listed_in_its_parks_panel(browser, planner_map, sample_study):
    parks = read_study(sample_study, layers=["parks"])["parks"]
    page, errors = _page(browser, planner_map, 1280, 720)
    point = next(p for p in _inside_points(parks) if p[0] == "NT07-1")
    xy = page.evaluate(
        f"""() => {{ const m = {MAP_VAR}; m.setView([{point[2]}, {point[3]}], 14, {{animate: false}});
             const p = m.latLngToContainerPoint([{point[2]}, {point[3]}]); return [p.x, p.y]; }}"""
    )
    page.mouse.click(xy[0], xy[1])
    panel = page.locator(".leaflet-popup-content").inner_text()
    for kind, record in (
        ("批而未供", "苏政地〔2021〕12号"),
        ("供而未用", "3206232021B00101"),
        ("用而未尽", "3206232019B00088"),
        ("建而未投", "3206232019B00088"),
        ("投而未达标", "3206232020B00031"),
    ):
        assert f"{kind} {record}" in panel
    page.locator("#zonekit-legend summary").click()
    assert page.locator("#zonekit-legend [data-layer='低效用地']").is_visible()
    assert errors == []
    page.screenshot(path=str(OUTPUT / "planner-low-efficiency.png"))


def _parcel_inside(study_path, park_id: str):
    """A parcel lying wholly in ``park_id`` and in no other park, a point inside it, and its area (Geod)."""
    import pyproj
    import shapely

    st = read_study(study_path, layers=["parks", "landuse"])
    parks, lu = st["parks"].to_crs(4326), st["landuse"].to_crs(4326)
    park = parks.loc[parks["park_id"] == park_id].geometry.iloc[0]
    others = shapely.union_all(parks.loc[parks["park_id"] != park_id].geometry.values)
    ok = lu.geometry.within(park) & ~lu.geometry.intersects(others) & (lu["analysis_class"] == "industrial")
    row = lu[ok].iloc[len(lu[ok]) // 2]
    pt = row.geometry.representative_point()
    m2 = abs(pyproj.Geod(ellps="GRS80").geometry_area_perimeter(row.geometry)[0])
    return str(row["parcel_id"]), str(row["land_use_code"]), pt.y, pt.x, m2


def test_land_use_at_park_scale_is_vector_and_a_click_names_the_parcel(browser, planner_map, sample_study):
    pid, code, lat, lon, m2 = _parcel_inside(sample_study, "NT01-2")
    page, errors = _page(browser, planner_map, 1280, 720)
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label:has-text('土地利用') input").check()
    image = page.locator(".leaflet-image-layer")
    assert (
        image.count() == 1 and float(image.evaluate("e => getComputedStyle(e).opacity")) > 0.5
    )  # zoomed out
    page.mouse.move(640, 700)  # off the layer switcher, which folds away
    xy = page.evaluate(
        f"""() => {{ const m = {MAP_VAR}; m.setView([{lat}, {lon}], 17, {{animate: false}});
             const p = m.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}"""
    )
    page.wait_for_function("document.querySelector('.leaflet-zonekitParcels-pane canvas') !== null")
    assert float(image.evaluate("e => getComputedStyle(e).opacity")) == 0  # the parcels stand in for it
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector(".leaflet-popup-content .zonekit-parcel", timeout=5_000)
    panel = page.locator(".leaflet-popup-content").inner_text()
    assert "南通开发区竹行分园" in panel  # the park's panel first
    parcel = page.locator(".leaflet-popup-content .zonekit-parcel").inner_text()
    assert "点击处地块" in parcel and pid in parcel and "工业" in parcel and code in parcel
    assert f"{m2 / 1e4:.2f} 公顷" in parcel and f"{m2 * 15 / 1e4:.1f} 亩" in parcel
    assert errors == []
    page.wait_for_timeout(400)  # the panel's fade-in
    page.screenshot(path=str(OUTPUT / "planner-parcel-1280.png"))
    # with land use off the panel is the park's alone
    page.keyboard.press("Escape")
    page.evaluate(f"() => {{ {MAP_VAR}.closePopup(); }}")
    page.wait_for_selector(".leaflet-popup", state="detached")
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label:has-text('土地利用') input").uncheck()
    page.mouse.move(640, 700)
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    assert page.locator(".leaflet-popup-content .zonekit-parcel").count() == 0
    assert errors == []


def test_a_hostile_parcel_number_is_shown_as_text(browser, hostile_study, tmp_path):
    import geopandas as gpd
    import shapely

    parks = hostile_study["parks"]
    cells = [shapely.box(120.9 + i * 0.02, 32.0, 120.915 + i * 0.02, 32.015) for i in range(len(HOSTILE))]
    lu = gpd.GeoDataFrame(
        {
            "parcel_id": HOSTILE,
            "land_use_code": HOSTILE,
            "analysis_class": "industrial",
            "is_construction": True,
        },
        geometry=cells,
        crs=4490,
    )
    layers = {**dict(hostile_study.items()), "landuse": lu}
    st = type(hostile_study)(hostile_study.path, hostile_study.crs, layers)
    out = write_map(study_map(st, basemap="none", max_vector_parcels=0), tmp_path / "h.html", offline=True)
    page, log = open_page(browser, out)
    c = parks.geometry.iloc[0].representative_point()
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label:has-text('土地利用') input").check()
    page.mouse.move(700, 880)
    page.evaluate(f"() => {{ {MAP_VAR}.setView([{c.y}, {c.x}], 16, {{animate: false}}); }}")
    xy = page.evaluate(
        f"() => {{ const p = {MAP_VAR}.latLngToContainerPoint([{c.y}, {c.x}]); return [p.x, p.y]; }}"
    )
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector(".leaflet-popup-content .zonekit-parcel", timeout=5_000)
    text = page.locator(".leaflet-popup-content .zonekit-parcel").inner_text()
    assert HOSTILE[0] in text  # literally
    assert page.evaluate("window.__xss") is None
    assert page.locator(".zonekit-parcel img").count() == 0
    assert log["errors"] == []


@pytest.fixture(scope="module")
def planner_map_en(tmp_path_factory) -> Path:
    """The sample's atlas map under --lang en."""
    import zonekit

    out = tmp_path_factory.mktemp("planner_en") / "atlas"
    zonekit.atlas(None, out, lang="en", year=2026)
    return out / "map.html"


def test_the_parcel_in_the_panel_is_said_in_english_under_lang_en(browser, planner_map_en, sample_study):
    pid, code, lat, lon, m2 = _parcel_inside(sample_study, "NT01-2")
    page, errors = _page(browser, planner_map_en, 1280, 720)
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label:has-text('Land use') input").check()
    page.mouse.move(640, 700)
    xy = page.evaluate(
        f"""() => {{ const m = {MAP_VAR}; m.setView([{lat}, {lon}], 17, {{animate: false}});
             const p = m.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}"""
    )
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector(".leaflet-popup-content .zonekit-parcel", timeout=5_000)
    parcel = page.locator(".leaflet-popup-content .zonekit-parcel").inner_text()
    assert "Parcel here" in parcel and pid in parcel and code in parcel and "Land use" in parcel
    assert f"{m2 / 1e4:.2f} ha" in parcel and f"{m2 * 15 / 1e4:.1f} mu" in parcel
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in parcel.replace(pid, ""))  # no Chinese left
    assert errors == []
