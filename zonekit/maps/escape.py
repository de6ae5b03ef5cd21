"""Escaping every user string before it reaches the map's HTML or JavaScript.

folium does not escape for you: ``GeoJsonTooltip`` and ``GeoJsonPopup`` assign the feature's properties to
``innerHTML``, string tooltips go raw into a JavaScript template literal, and GeoJSON data is embedded in a
``<script>`` block where ``</script>`` ends it.

- :func:`escape_html` is for text that goes into HTML only (what Jinja2's autoescape does for templates);
- :func:`escape_for_script` is for text folium carries through JavaScript (GeoJSON properties, tooltips):
  it HTML-escapes and also turns ``` ` ```, ``$``, ``{``, ``}`` and ``\\`` into character references, so
  the text cannot close a tag, open a template substitution or break out of a string; the browser shows
  it as written.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def escape_html(value: object) -> str:
    """``value`` as HTML text (``< > & " '`` escaped); missing values as the empty string.

    Parameters
    ----------
    value : object
        Any value; ``None`` and NaN give ``""``.

    Returns
    -------
    str
        Text that is inert in HTML.

    Examples
    --------
    >>> escape_html("<b>园区</b>")
    '&lt;b&gt;园区&lt;/b&gt;'
    """
    return html.escape(_text(value), quote=True)


def escape_for_script(value: object) -> str:
    """``value`` as text that is inert in HTML, in ``innerHTML`` and inside a ``<script>`` block.

    Parameters
    ----------
    value : object
        Any value; ``None`` and NaN give ``""``.

    Returns
    -------
    str
        The text, HTML-escaped, with the characters of JavaScript templates as character references.

    Examples
    --------
    >>> escape_for_script("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_for_script("${alert(1)}`")
    '&#36;&#123;alert(1)&#125;&#96;'
    """
    return escape_html(value).translate(_EXTRA)
