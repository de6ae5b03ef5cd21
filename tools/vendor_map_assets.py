"""Vendor the JavaScript and CSS that offline maps inline, from npm package tarballs.

Usage (needs the npm client; run from the repository root)::

    python tools/vendor_map_assets.py

It runs ``npm pack`` for the pinned versions (the ones folium 0.20 loads from CDNs), copies the files the
map needs into ``zonekit/maps/assets/`` with each package's licence, and inlines every image a stylesheet
references as a data URI, so that an offline map makes no request at all.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "zonekit" / "maps" / "assets"
# package@version: [(file in the package, name in assets)], licence file
PACKAGES = {
    "leaflet@1.9.3": ([("dist/leaflet.js", "leaflet.js"), ("dist/leaflet.css", "leaflet.css")], "LICENSE"),
    "jquery@3.7.1": ([("dist/jquery.min.js", "jquery.min.js")], "LICENSE.txt"),
    "leaflet.fullscreen@3.0.0": (
        [
            ("Control.FullScreen.js", "Control.FullScreen.js"),
            ("Control.FullScreen.css", "Control.FullScreen.css"),
        ],
        "LICENSE",
    ),
    "leaflet-search@2.9.7": (
        [
            ("dist/leaflet-search.min.js", "leaflet-search.min.js"),
            ("dist/leaflet-search.min.css", "leaflet-search.min.css"),
        ],
        "license.txt",
    ),
}
URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")


def inline_urls(css: str, base: Path) -> str:
    def repl(m: re.Match) -> str:
        ref = m.group(2)
        if ref.startswith(("data:", "#", "http")):
            return m.group(0)
        path = (base / ref).resolve()
        if not path.exists():
            return "none"
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"url(data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()})"

    return URL.sub(repl, css)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec, (files, licence) in PACKAGES.items():
            tgz = (
                subprocess.run(
                    ["npm", "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True, check=True
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            root = Path(tmp) / spec.replace("@", "-")
            with tarfile.open(Path(tmp) / tgz) as tf:
                tf.extractall(root, filter="data")
            pkg = root / "package"
            for src, dst in files:
                text = (pkg / src).read_text(encoding="utf-8")
                if dst.endswith(".css"):
                    text = inline_urls(text, (pkg / src).parent)
                (OUT / dst).write_text(text, encoding="utf-8")
            name = spec.rsplit("@", 1)[0]
            (OUT / f"LICENSE.{name}.txt").write_text(
                (pkg / licence).read_text(encoding="utf-8"), encoding="utf-8"
            )
            print(f"vendored {spec}")


if __name__ == "__main__":
    main()
