"""Benchmark: how large the study map is and how fast it first renders, for 10k and 100k parcels.

For each size the sample generator writes a synthetic study; the map is built (land use as vector up to
20,000 parcels, as an image above), written offline, and opened in headless Chromium (Debian's chromium,
network disabled): time to the map being ready, and time until the land-use layer is switched on and
drawn, and time to zoom into a park at z16 (its parcels drawn as vectors from the page's pack). Median of
3 page loads.

Usage: ``python bench/bench_map.py --parcels 10000 100000``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY = "Object.keys(window).some(k => k.startsWith('map_'))"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parcels", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    import zonekit
    from zonekit.maps.html import write_map
    from zonekit.maps.render import study_map

    tmp = Path(tempfile.mkdtemp(prefix="zonekit-bench-map-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        for n in args.parcels:
            folder = tmp / f"s{n}"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE.parent / "data" / "generate_sample.py"),
                    str(folder),
                    "--parcels",
                    str(n),
                ],
                check=True,
                capture_output=True,
            )
            st = zonekit.read_study(folder / "study.gpkg")
            t = time.perf_counter()
            m = study_map(st, basemap="none")
            out = write_map(m, folder / "map.html", offline=True)
            build = time.perf_counter() - t
            ready, drawn, zoomed = [], [], []
            park = st["parks"].to_crs(4326).geometry.iloc[0].representative_point()
            for _ in range(args.repeat):
                ctx = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
                page = ctx.new_page()
                t = time.perf_counter()
                page.goto(out.as_uri(), wait_until="load")
                page.wait_for_function(READY)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                ready.append(time.perf_counter() - t)
                t = time.perf_counter()
                page.hover(".leaflet-control-layers")  # folded: it opens under the pointer
                page.check(".leaflet-control-layers-overlays label:has-text('土地利用') input")
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                drawn.append(time.perf_counter() - t)
                t = time.perf_counter()  # into a park at zoom 16: its parcels drawn from the page's pack
                page.evaluate(
                    "([y, x]) => { const m = window[Object.keys(window).find(k => k.startsWith('map_'))];"
                    " m.setView([y, x], 16, {animate: false}); }",
                    [park.y, park.x],
                )
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                zoomed.append(time.perf_counter() - t)
                ctx.close()
            mode = "vector" if len(st["landuse"]) <= 20_000 else "image"
            print(
                f"{len(st['landuse']):>7,} parcels ({mode:>6}): HTML {out.stat().st_size / 1e6:6.2f} MB, "
                f"build {build:5.2f} s, first render {statistics.median(ready):5.2f} s, "
                f"land use on {statistics.median(drawn):5.2f} s, into a park at z16 {statistics.median(zoomed):5.2f} s"
            )
        browser.close()


if __name__ == "__main__":
    main()
