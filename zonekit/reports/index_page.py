"""The atlas index page: one HTML file a planner opens from the file system.

It links every file of the atlas, shows the headline numbers and draws two charts as inline SVG (no
script, no web font, no request). Every string from the data is HTML-escaped.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from zonekit.geo.io import atomic_output
from zonekit.vocabulary.classes import CLASS_COLOURS as _CLASS_COLOURS
from zonekit.vocabulary.classes import CLASS_ZH as _CLASS_ZH

CLASS_COLOURS = {f"{k}_ha": c for k, c in _CLASS_COLOURS.items()}
CLASS_ZH = {f"{k}_ha": n for k, n in _CLASS_ZH.items()}
GRADE_COLOURS = {"A": "#1a9641", "B": "#a6d96a", "C": "#fdae61", "D": "#d7191c"}


def _e(v: object) -> str:
    return html.escape("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v), quote=True)


def score_chart(ind: pd.DataFrame) -> str:
    """Horizontal bars of the intensity score per park, coloured by grade."""
    d = ind.dropna(subset=["score"]).sort_values("score", ascending=True)
    row, left, width = 22, 190, 360
    h = row * len(d) + 30
    bars = []
    for i, r in enumerate(d.itertuples()):
        y = 10 + i * row
        w = width * float(r.score) / 100.0
        bars.append(
            f"<text x='{left - 6}' y='{y + 14}' text-anchor='end' font-size='12'>{_e(r.name)}</text>"
            f"<rect x='{left}' y='{y}' width='{w:.1f}' height='{row - 6}' fill='{GRADE_COLOURS.get(r.grade, '#999')}'>"
            f"<title>{_e(r.name)}: {float(r.score):.1f} ({_e(r.grade)})</title></rect>"
            f"<text x='{left + w + 4:.1f}' y='{y + 14}' font-size='11'>{float(r.score):.1f} {_e(r.grade)}</text>"
        )
    size = f"width='{left + width + 60}' height='{h}'"
    return f"<svg xmlns='http://www.w3.org/2000/svg' {size} role='img'>{''.join(bars)}</svg>"


def composition_chart(ind: pd.DataFrame) -> str:
    """Stacked bars: each park's land-use composition (share of its surveyed area by class)."""
    cols = [c for c in CLASS_COLOURS if c in ind]
    d = ind.dropna(subset=["surveyed_ha"])
    row, left, width = 22, 190, 420
    h = row * len(d) + 30 + 16 * (-(-len(cols) // 4)) + 10  # bars, then the legend rows
    parts = []
    for i, r in enumerate(d.itertuples()):
        y = 10 + i * row
        total = sum(float(getattr(r, c)) for c in cols) or 1.0
        x = float(left)
        parts.append(
            f"<text x='{left - 6}' y='{y + 14}' text-anchor='end' font-size='12'>{_e(r.name)}</text>"
        )
        for c in cols:
            w = width * float(getattr(r, c)) / total
            if w > 0:
                parts.append(
                    f"<rect x='{x:.1f}' y='{y}' width='{w:.1f}' height='{row - 6}' fill='{CLASS_COLOURS[c]}'>"
                    f"<title>{_e(r.name)} {CLASS_ZH[c]}: {float(getattr(r, c)):.1f} 公顷</title></rect>"
                )
                x += w
    ly = 20 + row * len(d)
    for k, c in enumerate(cols):
        lx = left + (k % 4) * 105
        yy = ly + (k // 4) * 16
        parts.append(
            f"<rect x='{lx}' y='{yy}' width='10' height='10' fill='{CLASS_COLOURS[c]}'/>"
            f"<text x='{lx + 14}' y='{yy + 9}' font-size='11'>{CLASS_ZH[c]}</text>"
        )
    size = f"width='{left + width + 20}' height='{h}'"
    return f"<svg xmlns='http://www.w3.org/2000/svg' {size} role='img'>{''.join(parts)}</svg>"


def write_index(
    out_dir: Path,
    *,
    title: str,
    headline: dict[str, object],
    intensity: pd.DataFrame | None,
    files: list[tuple[str, str]],
    notes: list[str],
) -> Path:
    """Write ``out_dir/index.html``.

    Parameters
    ----------
    headline : dict
        Label → value (already formatted or numbers).
    intensity : DataFrame, optional
        Per-park indicators, for the charts.
    files : list of (file name, what it holds)
    notes : list of str
        Shown above everything (e.g. that the sample is illustrative).
    """
    cards = "".join(
        f"<div class='card'><div class='v'>{_e(v)}</div><div class='k'>{_e(k)}</div></div>"
        for k, v in headline.items()
    )
    links = "".join(
        f"<li><a href='{_e(f)}'>{_e(f)}</a> — {_e(what)}</li>" for f, what in files if (out_dir / f).exists()
    )
    charts = ""
    if intensity is not None and len(intensity):
        charts = (
            f"<h2>集约度分值 Intensity score by park</h2>{score_chart(intensity)}"
            f"<h2>土地利用构成 Land-use composition by park</h2>{composition_chart(intensity)}"
        )
    note_html = "".join(f"<p class='note'>{_e(n)}</p>" for n in notes)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
       margin: 24px; color: #222; max-width: 1100px; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 12px; }}
.card {{ border: 1px solid #ccc; border-radius: 6px; padding: 10px 14px; min-width: 140px; }}
.card .v {{ font-size: 22px; font-weight: bold; }} .card .k {{ font-size: 12px; color: #555; }}
.note {{ color: #b00; }} a {{ color: #0b57d0; }} h2 {{ margin-top: 28px; font-size: 18px; }}
</style></head><body>
<h1>{_e(title)}</h1>{note_html}
<p><a href="map.html"><b>打开地图 Open the map</b></a></p>
<div class="cards">{cards}</div>
{charts}
<h2>文件 Files</h2><ul>{links}</ul>
<p style="font-size:12px;color:#777">zonekit atlas, {date.today().isoformat()}</p>
</body></html>"""
    path = out_dir / "index.html"
    with atomic_output(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path
