"""Area units used in China's land administration: m², 公顷 (ha) and 亩 (mu)."""

from __future__ import annotations

import numpy as np

M2_PER_HA = 10_000.0
MU_PER_HA = 15.0
M2_PER_MU = M2_PER_HA / MU_PER_HA  # 666.666…


def m2_to_ha(m2: np.ndarray | float) -> np.ndarray | float:
    """Square metres to hectares (公顷)."""
    return np.asarray(m2, dtype=float) / M2_PER_HA if np.ndim(m2) else float(m2) / M2_PER_HA


def m2_to_mu(m2: np.ndarray | float) -> np.ndarray | float:
    """Square metres to 亩 (1 ha = 15 亩)."""
    return np.asarray(m2, dtype=float) / M2_PER_MU if np.ndim(m2) else float(m2) / M2_PER_MU
