"""Exact geometric predicates in numpy, for the few cases floating point cannot decide.

The building block for deciding degenerate overlay pairs (shared edges, vertices on the other boundary)
without GEOS: exact signs plus simulation of simplicity. :mod:`zonekit.geo.clip` does not use it yet and
hands such pairs to GEOS; see the README's benchmark notes.

``orient_sign`` is the sign of the 2-D orientation determinant computed exactly, with error-free
transformations (Dekker's TwoProduct, Knuth's TwoSum; Shewchuk 1997, "Adaptive precision floating-point
arithmetic and fast robust geometric predicates"): the determinant becomes a sum of 16 doubles whose sum
is exact, and its sign is read after a few error-free summation passes. Rows still unresolved then (very
rare) are summed with :func:`math.fsum`, which rounds the exact sum correctly.
"""

from __future__ import annotations

import math

import numpy as np

_SPLITTER = 134217729.0  # 2**27 + 1
_EPS = 2.0**-53


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = a + b
    bv = x - a
    av = x - bv
    return x, (a - av) + (b - bv)


def _two_diff(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = a - b
    bv = a - x
    av = x + bv
    return x, (a - av) + (bv - b)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = a * b
    ahi, alo = _split(a)
    bhi, blo = _split(b)
    err = x - ahi * bhi - alo * bhi - ahi * blo
    return x, alo * blo - err


def _product_terms(u: tuple[np.ndarray, np.ndarray], v: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """The exact product of two 2-term numbers as 8 doubles."""
    out = []
    for p in u:
        for q in v:
            out.extend(_two_product(p, q))
    return out


def sum_sign(terms: np.ndarray, passes: int = 6) -> np.ndarray:
    """Sign (-1, 0, 1) of the exact sum of each row of ``terms`` (an (m, k) array of doubles)."""
    t = np.array(terms, dtype=float, copy=True)
    sign = np.zeros(len(t), dtype=np.int8)
    todo = np.arange(len(t))
    k = t.shape[1]
    for _ in range(passes):
        if not len(todo):
            return sign
        w = t[todo]
        for i in range(1, k):  # error-free: the row's exact sum is unchanged, it gathers in the last slot
            w[:, i], w[:, i - 1] = _two_sum(w[:, i], w[:, i - 1])
        t[todo] = w
        s = w[:, -1]
        rest = np.abs(w[:, :-1]).sum(axis=1)
        done = np.abs(s) > rest * (1 + 4 * k * _EPS)  # the rest cannot change the sign
        zero = (s == 0) & (rest == 0)
        sign[todo[done]] = np.sign(s[done]).astype(np.int8)
        todo = todo[~(done | zero)]
    for i in todo:  # not settled by the passes (very rare): a correctly rounded sum
        sign[i] = int(np.sign(math.fsum(t[i].tolist())))
    return sign


def orient_sign(ax, ay, bx, by, cx, cy) -> np.ndarray:
    """Exact sign of ``(b - a) × (c - a)``: 1 if c lies left of a→b, -1 right, 0 on the line.

    Parameters
    ----------
    ax, ay, bx, by, cx, cy : numpy.ndarray
        Coordinates (doubles); the result is exact for them, whatever their magnitude (no overflow).
    """
    ax, ay, bx, by, cx, cy = (np.asarray(v, dtype=float) for v in (ax, ay, bx, by, cx, cy))
    if not ax.size:
        return np.zeros(0, dtype=np.int8)
    left = _product_terms(_two_diff(bx, ax), _two_diff(cy, ay))
    right = _product_terms(_two_diff(by, ay), _two_diff(cx, ax))
    return sum_sign(np.column_stack(left + [-r for r in right]))
