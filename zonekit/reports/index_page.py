"""The atlas index page: one HTML file a planner opens from the file system.

It links every file of the atlas, shows the headline numbers and draws two charts as inline SVG (no
script, no web font, no request). The page comes from ``templates/index.html`` (Jinja2, autoescaped);
this module only lays the charts out and puts the words in the language asked for.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from zonekit.geo.io import atomic_output
from zonekit.geo.units import MU_PER_HA
from zonekit.vocabulary.classes import CLASS_COLOURS as _CLASS_COLOURS
from zonekit.vocabulary.messages import render

CLASS_COLOURS = {f"{k}_ha": c for k, c in _CLASS_COLOURS.items()}
GRADE_COLOURS = {"A": "#1a9641", "B": "#a6d96a", "C": "#fdae61", "D": "#d7191c"}
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("zonekit.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _word(code: str, lang: str, **values: object) -> str:
    return render(code, lang, values)[0]


def score_chart(ind: pd.DataFrame) -> dict | None:
    """The layout of the bar chart of the intensity score per park, coloured by grade.

    Parameters
    ----------
    ind : DataFrame
        Per-park indicators with ``name``, ``score`` and ``grade``.

    Returns
    -------
    dict or None
        Sizes and one bar per scored park, for the template; None when no park has a score.
    """
    d = ind.dropna(subset=["score"]).sort_values("score", ascending=True)
    if d.empty:
        return None
    row, left, width = 22, 190, 360
    bars = [
        {
            "y": 10 + i * row,
            "w": width * float(score) / 100.0,
            "name": name,
            "score": float(score),
            "grade": grade,
            "colour": GRADE_COLOURS.get(grade, "#999"),
        }
        for i, (name, score, grade) in enumerate(zip(d["name"], d["score"], d["grade"], strict=True))
    ]
    return {"row": row, "left": left, "width": left + width + 60, "height": row * len(d) + 30, "bars": bars}


def composition_chart(ind: pd.DataFrame, lang: str = "zh") -> dict | None:
    """The layout of the stacked bars of each park's land-use composition (share of its surveyed area).

    Parameters
    ----------
    ind : DataFrame
        Per-park indicators with ``name``, ``surveyed_ha`` and one ``<class>_ha`` column per class.
    lang : {"zh", "en"}
        Language of the class names.

    Returns
    -------
    dict or None
        Sizes, one row of segments per park and the colour key, for the template.
    """
    cols = [c for c in CLASS_COLOURS if c in ind]
    d = ind.dropna(subset=["surveyed_ha"])
    if d.empty or not cols:
        return None
    row, left, width = 22, 190, 420
    ha = d[cols].astype(float).to_numpy()
    share = ha / ha.sum(axis=1, keepdims=True).clip(min=1e-12)
    x0 = left + width * (share.cumsum(axis=1) - share)
    labels = [_word(f"class.{c[:-3]}", lang) for c in cols]
    rows = [
        {
            "y": 10 + i * row,
            "name": name,
            "segments": [
                {
                    "x": x0[i, k],
                    "w": width * share[i, k],
                    "colour": CLASS_COLOURS[c],
                    "label": labels[k],
                    "ha": ha[i, k],
                }
                for k, c in enumerate(cols)
                if share[i, k] > 0
            ],
        }
        for i, name in enumerate(d["name"])
    ]
    ly = 20 + row * len(d)
    keys = [
        {"x": left + (k % 4) * 105, "y": ly + (k // 4) * 16, "colour": CLASS_COLOURS[c], "label": labels[k]}
        for k, c in enumerate(cols)
    ]
    height = row * len(d) + 30 + 16 * (-(-len(cols) // 4)) + 10
    return {
        "row": row,
        "left": left,
        "width": left + width + 20,
        "height": height,
        "rows": rows,
        "legend": keys,
    }


def headline_cards(numbers: dict[str, object], lang: str = "zh") -> list[tuple[str, str]]:
    """The headline numbers as (label, text) cards in ``lang``.

    Parameters
    ----------
    numbers : dict
        From :func:`zonekit.api.headline`: ``zones``, ``parks``, ``area_ha``, ``score`` (min, median, max),
        ``grades`` (grade → count), ``redlines`` (count, ha), ``groups``, ``findings``; any may be missing.
    lang : {"zh", "en"}
        The language.

    Returns
    -------
    list of (str, str)
        The cards, in that order.

    Examples
    --------
    >>> headline_cards({"parks": 12, "area_ha": 1000.0}, "zh")
    [('园区', '12'), ('园区面积', '1,000 公顷 / 15,000 亩')]
    """
    out = []
    for key, value in numbers.items():
        v: Any = value
        if key == "area_ha":
            text = _word("index.area_value", lang, ha=v, mu=float(v) * MU_PER_HA)
        elif key == "score":
            text = " / ".join(f"{x:.1f}" for x in v)
        elif key == "grades":
            text = " ".join(f"{g} {n}" for g, n in v.items())
        elif key == "redlines":
            text = _word("index.redlines_value", lang, n=v[0], ha=v[1])
        elif key == "low_efficiency":
            text = _word("index.low_efficiency_value", lang, n=v[0], ha=v[1], mu=float(v[1]) * MU_PER_HA)
        else:
            text = f"{v:,}" if isinstance(v, int) else str(v)
        out.append((_word(f"index.{key}", lang), text))
    return out


def write_index(
    out_dir: Path,
    *,
    title: str,
    headline: dict[str, object],
    intensity: pd.DataFrame | None,
    files: list[tuple[str, str]],
    notes: list[str],
    lang: str = "zh",
) -> Path:
    """Write ``out_dir/index.html`` atomically.

    Parameters
    ----------
    out_dir : Path
        The atlas folder.
    title : str
        The page title.
    headline : dict
        The headline numbers (:func:`zonekit.api.headline`).
    intensity : DataFrame, optional
        Per-park indicators, for the charts.
    files : list of (file name, message id of what it holds)
        Listed when the file exists.
    notes : list of str
        Shown above everything (e.g. that the sample is illustrative).
    lang : {"zh", "en"}
        Language of the page.

    Returns
    -------
    Path
        The page written.
    """
    words = {
        k: _word(f"index.{k}", lang) for k in ("open_map", "score_chart", "composition_chart", "files", "ha")
    }
    has = intensity is not None and len(intensity)
    page = _TEMPLATES.get_template("index.html").render(
        lang=lang,
        title=title,
        notes=notes,
        words=words,
        headline=headline_cards(headline, lang),
        scores=score_chart(intensity) if intensity is not None and has else None,
        composition=composition_chart(intensity, lang) if intensity is not None and has else None,
        files=[(name, _word(what, lang)) for name, what in files if (out_dir / name).exists()],
        today=date.today().isoformat(),
    )
    path = out_dir / "index.html"
    with atomic_output(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path
