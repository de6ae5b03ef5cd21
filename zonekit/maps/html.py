"""Writing a map as one HTML file: online (pinned CDN assets) or offline (every asset inlined).

Only what the map uses is loaded — Leaflet, jQuery (folium's popups use it) and the Fullscreen and Search
plugins (measuring is zonekit's own script); folium's Bootstrap, icon fonts and marker icons are dropped.
Offline, each of those is replaced by the vendored copy in ``zonekit/maps/assets`` (versions pinned,
licences beside them, images inside the stylesheets as data URIs), so the page requests nothing from any
host.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import folium

from zonekit.geo.io import atomic_output
from zonekit.layers.study import refuse_overwriting_study

# folium's asset name → vendored file
ASSETS = {
    "leaflet": "leaflet.js",
    "jquery": "jquery.min.js",
    "leaflet_css": "leaflet.css",
    "Control.Fullscreen.js": "Control.FullScreen.js",
    "Control.FullScreen.css": "Control.FullScreen.css",
    "Leaflet.Search.js": "leaflet-search.min.js",
    "Leaflet.Search.css": "leaflet-search.min.css",
}
_SCHEME = "zonekit-asset:"
_SCRIPT = re.compile(r'<script src="zonekit-asset:([^"]+)"></script>')
_LINK = re.compile(r'<link rel="stylesheet" href="zonekit-asset:([^"]+)"\s*/?>')


def _elements(el):
    yield el
    for child in getattr(el, "_children", {}).values():
        yield from _elements(child)


def _asset(name: str) -> str:
    return resources.files("zonekit.maps").joinpath("assets", name).read_text(encoding="utf-8")


def map_html(m: folium.Map, *, offline: bool = False) -> str:
    """The map's HTML; with ``offline`` every script and stylesheet inlined.

    Parameters
    ----------
    m : folium.Map
        The map.
    offline : bool, default False
        Inline every script and style so the page needs no network.

    Returns
    -------
    str
        The map's HTML; with ``offline`` every script and stylesheet inlined.
    """
    for el in _elements(m):
        for attr in ("default_js", "default_css"):
            if hasattr(el, attr):
                kept = [
                    (n, (_SCHEME + ASSETS[n]) if offline else url)
                    for n, url in getattr(el, attr)
                    if n in ASSETS
                ]
                setattr(el, attr, kept)
    html = m.get_root().render()
    if offline:
        html = _SCRIPT.sub(
            lambda mm: "<script>" + _asset(mm.group(1)).replace("</script", "<\\/script") + "</script>", html
        )
        html = _LINK.sub(
            lambda mm: "<style>" + _asset(mm.group(1)).replace("</style", "<\\/style") + "</style>", html
        )
        left = re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(https?:[^"]+)"', html)
        if left:
            raise RuntimeError(f"offline map still references {left[:3]}")
    return html


def write_map(m: folium.Map, out: str | Path, *, offline: bool = False) -> Path:
    """Write the map to ``out`` atomically (UTF-8); never over a study.

    Parameters
    ----------
    m : folium.Map
        The map.
    out : str | Path
        The output path.
    offline : bool, default False
        Inline every script and style so the page needs no network.

    Returns
    -------
    Path
        The file written.
    """
    out = Path(out)
    refuse_overwriting_study(out)
    html = map_html(m, offline=offline)
    with atomic_output(out) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return out


FIGURE_SIZE = (1600, 1000)  # pixels: wide enough that the legend is unfolded
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    """The headless browser a static figure is drawn with: ``ZONEKIT_CHROMIUM``, else one on the ``PATH``.

    Returns
    -------
    str or None
        Its path, or None when there is none.
    """
    import os
    import shutil

    given = os.environ.get("ZONEKIT_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def write_figure(m: folium.Map, out: str | Path, *, size: tuple[int, int] = FIGURE_SIZE) -> Path:
    """A static figure of the map for a report: ``.png`` (the screen) or ``.pdf`` (the print view).

    The map is written offline to a temporary page and drawn by headless Chromium with the network off:
    a PNG shows the view as it opens (legend unfolded), a PDF the print view (title block with date and
    north arrow, legend, scale bar; no controls).

    Parameters
    ----------
    m : folium.Map
        The map.
    out : str or Path
        ``.png`` or ``.pdf``.
    size : (int, int)
        The window in pixels.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        When there is no Chromium, or it fails.
    """
    import subprocess
    import tempfile

    from zonekit.errors import InputError

    out = Path(out)
    refuse_overwriting_study(out)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise InputError(
            "output.format_unknown", path=out, suffix=out.suffix or out.name, formats=".png, .pdf"
        )
    browser = find_chromium()
    if browser is None:
        raise InputError("map.no_chromium", path=out)
    with tempfile.TemporaryDirectory(prefix="zonekit-figure-") as tmp:
        page = write_map(m, Path(tmp) / "map.html", offline=True)
        drawn = Path(tmp) / f"figure{suffix}"
        what = f"--screenshot={drawn}" if suffix == ".png" else f"--print-to-pdf={drawn}"
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-background-networking", "--proxy-server=127.0.0.1:9",
            f"--window-size={size[0]},{size[1]}", "--virtual-time-budget=4000", "--no-pdf-header-footer",
            what, page.as_uri() + "#figure",
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)  # noqa: S603
        if done.returncode != 0 or not drawn.exists() or drawn.stat().st_size == 0:
            err = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise InputError("map.figure_failed", path=out, err=err[0][:200])
        with atomic_output(out) as target:
            target.write_bytes(drawn.read_bytes())
    return out
