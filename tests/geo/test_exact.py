"""Exact orientation against rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from zonekit.geo.exact import orient_sign, sum_sign


def exact(ax, ay, bx, by, cx, cy) -> int:
    f = Fraction
    d = (f(bx) - f(ax)) * (f(cy) - f(ay)) - (f(by) - f(ay)) * (f(cx) - f(ax))
    return (d > 0) - (d < 0)


def test_nearly_collinear_points_get_the_exact_sign():
    rng = np.random.default_rng(2)
    n = 4000
    ax, ay = 120 + rng.uniform(0, 0.01, n), 32 + rng.uniform(0, 0.01, n)
    bx, by = 120 + rng.uniform(0, 0.01, n), 32 + rng.uniform(0, 0.01, n)
    t = rng.uniform(-0.5, 1.5, n)
    # points on the line a-b as far as doubles allow, nudged by a few ulps or not at all
    cx = ax + t * (bx - ax) + rng.integers(-3, 4, n) * np.spacing(120.0)
    cy = ay + t * (by - ay)
    cx[:500], cy[:500] = ax[:500], ay[:500]  # c = a: exactly zero
    cx[500:1000], cy[500:1000] = 2 * bx[500:1000] - bx[500:1000], by[500:1000]  # c = b
    got = orient_sign(ax, ay, bx, by, cx, cy)
    want = np.array([exact(*v) for v in zip(ax, ay, bx, by, cx, cy, strict=True)])
    assert np.array_equal(got, want)
    assert (want == 0).sum() >= 1000 and (want > 0).any() and (want < 0).any()


def test_the_classroom_example_floating_point_gets_wrong():
    """Kettner et al., 'Classroom examples of robustness problems': a 64 × 64 grid of points a few ulps
    apart near the line through (12, 12) and (24, 24)."""
    i, j = np.meshgrid(np.arange(64), np.arange(64))
    cx, cy = 0.5 + i.ravel() * 2.0**-53, 0.5 + j.ravel() * 2.0**-53
    a, b = np.full(cx.shape, 12.0), np.full(cx.shape, 24.0)
    want = np.array([exact(12.0, 12.0, 24.0, 24.0, x, y) for x, y in zip(cx, cy, strict=True)])
    naive = np.sign((a - cx) * (b - cy) - (a - cy) * (b - cx))  # orientation of (c, a, b) as written there
    assert np.array_equal(orient_sign(a, a, b, b, cx, cy), want)
    assert (naive != want).any()  # floating point alone gets some of these wrong


def test_sums_that_cancel_exactly():
    big = np.array([[1e20, 1.0, -1e20, -1.0], [1e20, 1.0, -1e20, 0.0], [1e-300, -1e-300, 5e-324, 0.0]])
    assert sum_sign(big).tolist() == [0, 1, 1]
