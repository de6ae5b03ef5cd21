"""Escaping every user string before it reaches the map's HTML or JavaScript.

folium does not escape for you: ``GeoJsonTooltip`` and ``GeoJsonPopup`` assign the feature's properties to
``innerHTML``, string tooltips go raw into a JavaScript template literal, and GeoJSON data is embedded in a
``<script>`` block where ``</script>`` ends it. :func:`safe` HTML-escapes the text (``< > & " '``) and also
turns ``` ` ```, ``$``, ``{``, ``}`` and ``\\`` into character references, so the text cannot close a tag,
open a template substitution or break out of a string in any of those places; the browser shows it as
written.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})


def safe(value: object) -> str:
    """``value`` as text that is inert in HTML, in ``innerHTML`` and inside a ``<script>`` block.

    Examples
    --------
    >>> safe("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> safe("${alert(1)}`")
    '&#36;&#123;alert(1)&#125;&#96;'
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_EXTRA)
