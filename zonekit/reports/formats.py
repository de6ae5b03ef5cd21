"""How each kind of number shows in a workbook, decided by its column: counts, areas and money, rates, scores.

One table of rules serves every sheet, so 2026 parcels never show as ``2,026.``, a development rate of
0.8082 shows as ``80.8%``, an area as ``1,099.76`` and a score as ``93.2``. Values stay numbers (Excel
sums and sorts them); only their look changes. Percentages that zonekit keeps as 0–100 (``pct_of_a``)
are divided by 100 for the sheet, so that ``%`` shows them right.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

FORMATS = {
    "count": "#,##0",
    "year": "0",
    "measure": "#,##0.00",
    "percent": "0.0%",
    "score": "0.0",
    "ratio": "0.00",
}
"""Excel number formats by kind."""

_RULES: tuple[tuple[str, str], ...] = (
    (r"^(year|.*_year)$", "year"),
    (r"^(score|score_.*|.*_score|total|utilisation|structure|intensity|land_use|efficiency|management)$", "score"),
    (r"^(pct_.*|.*_pct|rank_pct|share_.*|.*_share)$", "percent"),
    (r"^(.*_rate|.*_ratio|building_density|.*building_coefficient)$", "percent"),
    (r"^(.*_far|far|composite_far|similarity|ratio|national)$", "ratio"),
    (r"^(.*_(m2|ha|mu|km|m|wan|tce)|.*_per_(ha|mu|energy)|investment_intensity|threshold|quantity|value)$", "measure"),
    (r"^(parcels|parcels_.*|read|loaded|repaired|rejected|features|import_id|source_position|employees|"
     r"rank_in_region|zones_in_region|units|priority|n_.*|.*_count)$", "count"),
)  # fmt: skip
DECIMALS = {"count": 0, "year": 0, "measure": 4, "percent": 6, "score": 2, "ratio": 4}
"""Decimals a CSV keeps, by kind; areas keep more where their unit is larger (see :func:`csv_decimals`)."""
_UNIT_DECIMALS = ((r".*_m2$", 2), (r".*_ha$", 6), (r".*_mu$", 4), (r"^(pct_.*|.*_pct)$", 4), (r".*_wan$", 2))


def csv_decimals(column: str, values: pd.Series) -> int:
    """How many decimals a CSV keeps of a numeric column.

    m² 2 (1 cm²), 公顷 6 (1 cm²), 亩 4, 万元 2, rates and shares 6, 0–100 percentages 4, scores 2,
    ratios 4, counts 0, other measures 4.

    Parameters
    ----------
    column : str
        The machine name of the column.
    values : pandas.Series
        Its values.

    Returns
    -------
    int
        Decimals.

    Examples
    --------
    >>> [csv_decimals(c, pd.Series([0.5])) for c in ("overlap_m2", "area_ha", "development_rate", "score")]
    [2, 6, 6, 2]
    """
    for pattern, n in _UNIT_DECIMALS:
        if re.match(pattern, column):
            return n
    return DECIMALS[number_kind(column, values)]


LONG_DIGITS = re.compile(r"^(0\d+|\d{12,})$")
"""Text that Excel would turn into a number and spoil: a leading zero (0601) or 12 digits and more."""


HUNDREDS = re.compile(r"^(pct_.*|.*_pct)$")
"""Columns zonekit keeps as 0–100 (``rank_pct`` is a fraction and is not among them)."""


def number_kind(column: str, values: pd.Series) -> str:
    """The kind of a numeric column: by its name, else whole numbers are counts and the rest measures.

    Parameters
    ----------
    column : str
        The machine name of the column.
    values : pandas.Series
        Its values (numbers).

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Examples
    --------
    >>> s = pd.Series([1.5])
    >>> [number_kind(c, s) for c in ("development_rate", "area_ha", "score", "year", "composite_far")]
    ['percent', 'measure', 'score', 'year', 'ratio']
    >>> number_kind("score_supply_rate", s)  # the score of a rate is a score (0–100), not a rate
    'score'
    >>> number_kind("something", pd.Series([3.0, 4.0])), number_kind("something", pd.Series([0.25]))
    ('count', 'measure')
    """
    for pattern, kind in _RULES:
        if re.match(pattern, column):
            return kind
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    v = v[np.isfinite(v)]
    return "count" if len(v) and bool(np.all(v == np.round(v))) else "measure"


ROW_NAMES = ("indicator", "measure")
"""Columns that name what each row of a long table measures (全国对比, 控制指标违规, 整合前后对比, 分版本指标)."""
ROW_MEASURED = re.compile(r"^(value|national|threshold|before|after|change|version_\d+)$")
"""The columns of a long table whose numbers are in the kind of their row (a rate row in %, a count row whole)."""


def row_kinds(df: pd.DataFrame) -> pd.Series | None:
    """The kind of number on each row of a long table, from the row's name; ``None`` for any other table.

    Parameters
    ----------
    df : pd.DataFrame
        A table under its machine names.

    Returns
    -------
    pandas.Series or None
        A key of :data:`FORMATS` per row, for the :data:`ROW_MEASURED` columns.

    Examples
    --------
    >>> t = pd.DataFrame({"indicator": ["development_rate", "far"], "value": [0.81, 1.2], "ratio": [0.9, 1.1]})
    >>> row_kinds(t).tolist()
    ['percent', 'ratio']
    >>> row_kinds(pd.DataFrame({"measure": ["zones", "area_ha"], "before": [10, 7207.8]})).tolist()
    ['count', 'measure']
    """
    named = next((c for c in ROW_NAMES if c in df.columns), None)
    measured = [c for c in df.columns if ROW_MEASURED.match(str(c))]
    if named is None or not measured:
        return None
    names = df[named].astype(str).reset_index(drop=True)
    numbers = pd.concat(
        [pd.to_numeric(df[c], errors="coerce").reset_index(drop=True) for c in measured], axis=1
    )
    kinds = {  # one decision per distinct measure (a dozen), each from its name, else from its numbers
        n: number_kind(n, pd.Series(numbers[(names == n).to_numpy()].to_numpy().ravel()))
        for n in names.unique()
    }
    return names.map(kinds)


def sheet_values(column: str, values: pd.Series) -> pd.Series:
    """The numbers as the sheet holds them: 0–100 percentages as fractions, the rest as they are.

    Parameters
    ----------
    column : str
        The machine name of the column.
    values : pandas.Series
        Its values (numbers).

    Returns
    -------
    pandas.Series
        float64.

    Examples
    --------
    >>> sheet_values("pct_of_a", pd.Series([17.3, 100.0])).tolist(), sheet_values("rank_pct", pd.Series([0.5])).tolist()
    ([0.17300000000000001, 1.0], [0.5])
    """
    out = values.astype(float)
    return out / 100.0 if HUNDREDS.match(column) and column != "rank_pct" else out
