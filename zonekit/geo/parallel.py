"""Chunked work on threads or on forked processes.

Threads where GEOS and large numpy operations release the GIL; forked processes where the work holds it
(reading, decoding and reducing a chunk of parcels).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

CHUNK = 50_000
_IN_WORKER = False  # True in a worker process of map_forked


def threads(requested: int | None) -> int:
    """Worker threads to use: the number asked for, else up to 4 (the cores available).

    Parameters
    ----------
    requested : int
        Threads asked for (0: all cores).

    Returns
    -------
    int
        Worker threads to use: the number asked for, else up to 4 (the cores available); 1 inside a
        worker process of :func:`map_forked`.
    """
    if _IN_WORKER:  # a forked worker is one of the parallel parts already: no threads of its own
        return 1
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


def can_fork() -> bool:
    """Whether worker processes can be forked here: on Linux.

    Not on Windows (no fork) nor macOS (forking a process that has used system frameworks is unsafe).

    Returns
    -------
    bool
    """
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def map_forked(fn: Callable[[int], T], n: int, workers: int) -> Iterator[T]:
    """``fn(k)`` for ``k`` in ``range(n)``, yielded in order, computed in ``workers`` forked processes.

    Each worker is a fork of this process: ``fn`` and everything it uses (the parks, the layer to read)
    are there already, and only the results travel back (pickled, one pipe per worker). Worker ``w`` takes
    tasks ``w``, ``w + workers``, …, so the results are read back in order, each worker at most one
    result ahead. The objects the workers inherit are frozen for the garbage collector while they fork
    (:func:`gc.freeze`), so the workers' collections leave the pages they share with this process alone
    instead of copying them. For work that holds the GIL, where threads would wait on each other. With one worker,
    one task, or no fork (see :func:`can_fork`), the calls run here, one after another, with the same
    results.

    An error in a task is raised here (the workers stop); leaving early, an error here or Ctrl-C
    (which the workers ignore: it is this process's to handle) ends the workers at once.

    Parameters
    ----------
    fn : Callable[[int], T]
        Called with each task number; its result must pickle.
    n : int
        How many tasks.
    workers : int
        Processes to use.

    Yields
    ------
    T
        ``fn(0)``, ``fn(1)``, … in order.

    Examples
    --------
    >>> list(map_forked(lambda k: k * k, 5, workers=2))
    [0, 1, 4, 9, 16]
    """
    if workers <= 1 or n <= 1 or not can_fork():
        for k in range(n):
            yield fn(k)
        return
    context = multiprocessing.get_context("fork")
    workers = min(workers, n)
    pipes, procs = [], []
    try:
        mine = gc.get_freeze_count() == 0  # a caller's own frozen objects are the caller's to unfreeze
        if mine:
            gc.freeze()  # the objects the workers inherit: their collections never write to (and copy) those pages
        try:
            for w in range(workers):
                receive, send = context.Pipe(duplex=False)
                proc = context.Process(target=_work, args=(fn, range(w, n, workers), send), daemon=True)
                proc.start()
                send.close()  # the worker's end: a worker that dies closes the pipe (EOF here)
                pipes.append(receive)
                procs.append(proc)
        finally:
            if mine:
                gc.unfreeze()
        for k in range(n):
            try:
                ok, value = pipes[k % workers].recv()
            except EOFError:
                raise RuntimeError(
                    f"a worker process ended without the result of task {k} (killed, or out of memory)"
                ) from None
            if not ok:
                raise value
            yield value
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join()
        for pipe in pipes:
            pipe.close()


def _work(fn: Callable[[int], Any], tasks: range, send) -> None:
    """A worker of :func:`map_forked`: its tasks in order, each result (or the error) sent back."""
    global _IN_WORKER
    _IN_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends the workers
    for k in tasks:
        try:
            message = (True, fn(k))
        except Exception as err:  # brought back and raised there
            message = (False, err)
        try:
            send.send(message)
        except Exception as err:  # a result or an error that does not pickle
            send.send((False, RuntimeError(f"task {k}: {type(err).__name__}: {err}")))
        if not message[0]:
            break
    send.close()


def release_free_memory() -> None:
    """Give freed memory back to the system: the C heap's pages (glibc's ``malloc_trim``) and Arrow's.

    GEOS and GDAL allocate with ``malloc``: after a tile of a big layer is done, glibc keeps its freed
    pages for the next, and the pieces kept between tiles keep the heap from shrinking by itself, so the
    process would hold the peak of every tile added up. dask.distributed trims its workers the same way.
    Arrow's own allocator (the text of the layers read) keeps freed blocks too until told.
    """
    import ctypes

    if "pyarrow" in sys.modules:  # only where Arrow has been used
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)
