"""Area units used in China's land administration: m², 公顷 (ha) and 亩 (mu)."""

from __future__ import annotations

import numpy as np
import pandas as pd

M2_PER_HA = 10_000.0
MU_PER_HA = 15.0
M2_PER_MU = M2_PER_HA / MU_PER_HA  # 666.666…


def safe_ratio(num, den) -> pd.Series:
    """``num / den`` element-wise, missing (NaN) wherever the denominator is 0 or the result is not finite.

    A ratio over zero is not a number a report can show: ±∞ would otherwise reach the tables and break
    Excel, and a score built on it.

    Parameters
    ----------
    num : object
        A numerator.
    den : object
        A denominator.

    Returns
    -------
    pd.Series
        ``num / den`` element-wise, missing (NaN) wherever the denominator is 0 or the result is not finite.

    Examples
    --------
    >>> safe_ratio(pd.Series([10.0, 5.0, 1.0]), pd.Series([2.0, 0.0, None])).tolist()
    [5.0, nan, nan]
    """
    num = pd.to_numeric(pd.Series(num), errors="coerce").astype(float)
    den = pd.to_numeric(
        pd.Series(den, index=num.index) if np.ndim(den) == 0 else pd.Series(den), errors="coerce"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den.astype(float)
    return out.where(np.isfinite(out))
