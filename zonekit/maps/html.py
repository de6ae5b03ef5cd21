"""Writing a map as one HTML file: online (pinned CDN assets) or offline (every asset inlined).

Only what the map uses is loaded — Leaflet, jQuery (folium's popups use it) and the Fullscreen and Search
plugins (measuring is zonekit's own script); folium's Bootstrap, icon fonts and marker icons are dropped. Offline, each of those is
replaced by the vendored copy in ``zonekit/maps/assets`` (versions pinned, licences beside them, images
inside the stylesheets as data URIs), so the page requests nothing from any host.
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
