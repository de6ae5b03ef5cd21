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
