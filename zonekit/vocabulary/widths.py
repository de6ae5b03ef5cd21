"""How wide text shows in a terminal or a spreadsheet column, and wrapping that knows Chinese.

Python's :mod:`textwrap` breaks lines only at spaces and counts every character as one column, so a
Chinese paragraph (no spaces, each character two columns wide) comes out as one overlong line. Here a
line may break between any two Chinese characters and between words, never before closing punctuation
(，。、；：）…) and never inside a run of Latin letters or digits, and East Asian wide characters count two columns.
"""

from __future__ import annotations

import re
import unicodedata

_WIDE = "\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CLOSING = "，。、；：！？）》」』】〕"
# where a word (no spaces) may break: between two wide characters that do not touch a Latin letter,
# digit or sign, and not before closing punctuation (园区.shp, 县/*.shp and 公顷(ha) stay whole)
_BREAK = re.compile(
    f"(?:(?<=[{_WIDE}][{_WIDE}])|(?<=^[{_WIDE}]))(?=[{_WIDE}](?:[{_WIDE}]|$))(?![{_CLOSING}])"
)


def display_width(text: str) -> int:
    """Width of ``text`` in columns: East Asian wide characters count 2.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    int
        Its width in terminal columns (Excel character units).

    Examples
    --------
    >>> display_width("苏州工业园区"), display_width("abc"), display_width("园区 A")
    (12, 3, 6)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines at most ``width`` columns wide (a longer word keeps a line of its own).

    Parameters
    ----------
    text : str
        One paragraph; its runs of spaces and newlines count as one space.
    width : int
        The most columns a line may take.

    Returns
    -------
    list of str
        The lines, without trailing spaces.

    Examples
    --------
    >>> wrap("园区的面积以公顷和亩表示，面积按椭球计算。", 16)
    ['园区的面积以公顷', '和亩表示，面积按', '椭球计算。']
    >>> wrap("zonekit import 园区.shp --into s.gpkg", 20)
    ['zonekit import', '园区.shp --into', 's.gpkg']
    >>> wrap("面积（公顷）", 4)
    ['面积', '（公', '顷）']
    """
    tokens = [piece for word in text.split() for piece in (" ", *_BREAK.split(word))][1:]
    lines: list[str] = []
    line, used = "", 0
    for token in tokens:
        w = display_width(token)
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + token, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines
