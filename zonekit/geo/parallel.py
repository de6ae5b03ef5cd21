"""Chunked work on a thread pool: GEOS and large numpy operations release the GIL."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")

CHUNK = 50_000


def threads(requested: int | None) -> int:
    """Worker threads to use: the number asked for, else up to 4 (the cores available).

    Parameters
    ----------
    requested : int
        Threads asked for (0: all cores).

    Returns
    -------
    int
        Worker threads to use: the number asked for, else up to 4 (the cores available).
    """
    return max(1, requested if requested is not None else min(4, os.cpu_count() or 1))


def map_chunks(fn: Callable[[int, int], T], n: int, n_threads: int, chunk: int = CHUNK) -> list[T]:
    """``fn(lo, hi)`` over consecutive slices of ``range(n)``, in order, on ``n_threads`` threads.

    There are enough chunks to keep every thread busy and none so small that per-call overhead shows.
    ``fn`` must not use one GEOS prepared geometry from several chunks: see :func:`map_groups`.

    Parameters
    ----------
    fn : Callable[[int, int], T]
        Called with each (start, stop) span.
    n : int
        How many.
    n_threads : int
        Threads to use.
    chunk : int, default CHUNK
        Rows per task.

    Returns
    -------
    list[T]
        ``fn(lo, hi)`` over consecutive slices of ``range(n)``, in order, on ``n_threads`` threads.
    """
    chunk = _chunk_size(n, n_threads, chunk)
    return _run(fn, [(i, min(i + chunk, n)) for i in range(0, n, chunk)], n_threads)


def map_groups(fn: Callable[[int, int], T], keys: np.ndarray, n_threads: int, chunk: int = CHUNK) -> list[T]:
    """Like :func:`map_chunks` over a *sorted* ``keys`` array, but a run of equal keys is never split.

    GEOS prepared geometries are not thread-safe (their indexes are built lazily and hold state), so work
    that uses the prepared geometry of key k must stay on one thread: give the keys of that geometry.

    Parameters
    ----------
    fn : Callable[[int, int], T]
        Called with each (start, stop) span.
    keys : np.ndarray
        Sorted group keys.
    n_threads : int
        Threads to use.
    chunk : int, default CHUNK
        Rows per task.

    Returns
    -------
    list[T]
        Like :func:`map_chunks` over a *sorted* ``keys`` array, but a run of equal keys is never split.
    """
    n = len(keys)
    chunk = _chunk_size(n, n_threads, chunk)
    cuts = np.unique(np.searchsorted(keys, keys[np.arange(chunk, n, chunk)], side="left"))
    edges = np.r_[0, cuts, n].tolist()
    return _run(fn, [(lo, hi) for lo, hi in itertools.pairwise(edges) if hi > lo], n_threads)


def _chunk_size(n: int, n_threads: int, chunk: int) -> int:
    # enough chunks to keep every thread busy, none so small that the per-call overhead shows
    return max(min(2_000, chunk), min(chunk, -(-n // (n_threads * 4))))


def _run(fn: Callable[[int, int], T], bounds: list[tuple[int, int]], n_threads: int) -> list[T]:
    if n_threads == 1 or len(bounds) <= 1:
        return [fn(lo, hi) for lo, hi in bounds]
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        return list(pool.map(lambda lh: fn(*lh), bounds))
