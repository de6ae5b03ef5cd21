"""Chunked work on a thread pool: GEOS and large numpy operations release the GIL."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

CHUNK = 50_000


def threads(requested: int | None) -> int:
    """Worker threads to use: the number asked for, else up to 4 (the cores available)."""
    return max(1, requested if requested is not None else min(4, os.cpu_count() or 1))


def map_chunks(fn: Callable[[int, int], T], n: int, n_threads: int, chunk: int = CHUNK) -> list[T]:
    """``fn(lo, hi)`` over consecutive slices of ``range(n)``, in order, on ``n_threads`` threads.

    There are enough chunks to keep every thread busy and none so small that per-call overhead shows.
    """
    chunk = max(min(2_000, chunk), min(chunk, -(-n // (n_threads * 4))))
    bounds = [(i, min(i + chunk, n)) for i in range(0, n, chunk)]
    if n_threads == 1 or len(bounds) == 1:
        return [fn(lo, hi) for lo, hi in bounds]
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        return list(pool.map(lambda lh: fn(*lh), bounds))
