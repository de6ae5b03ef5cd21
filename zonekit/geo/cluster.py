"""Work on a dask.distributed cluster: one task per partition, small inputs sent once to every worker.

``--cluster local:N`` starts a cluster of N worker processes on this machine (one thread each: the work
inside a task is already vectorised); ``--cluster tcp://HOST:PORT`` (or ``ZONEKIT_CLUSTER``) connects to
a running scheduler, whose workers must see the partition files at the same path (a shared file system).
Nothing of dask is imported unless a cluster is asked for.

A task returns its partition's reduction (per-park sums, never the pairs), so what crosses the network
is the broadcast inputs once per worker and a small table per task. A worker that dies mid-run has its
tasks run again elsewhere (dask's own recovery); the results are gathered in partition order, so the
caller folds them in the same order as a run on one machine, and gets the same numbers bit for bit.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

ENV = "ZONEKIT_CLUSTER"
"""The environment variable that names a cluster when ``--cluster`` is not given."""
_LOCAL = re.compile(r"^local(?::(\d+))?$")
LOCAL_QUIET = {"dashboard_address": None, "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}}
"""No dashboard, and the scheduler's HTTP endpoint on a free loopback port (never 8787, which another
cluster may hold)."""


@dataclass
class Cluster:
    """A cluster to run on: ``local:N`` or a scheduler's ``tcp://HOST:PORT``, and what the last run moved."""

    spec: str
    stats: dict[str, Any] = field(default_factory=dict)
    """Of the last :func:`map_partitions`: tasks, workers, seconds per stage, bytes sent and received."""
    started: float = 0.0
    """Seconds the last :func:`client_for` took to start (a local cluster) or reach (a scheduler) it."""

    def __post_init__(self) -> None:
        self.spec = self.spec.strip()
        if not (_LOCAL.match(self.spec) or self.spec.startswith(("tcp://", "tls://", "inproc://"))):
            raise ValueError(
                f"{self.spec!r}: give local:N (N worker processes on this machine) or a scheduler's tcp://HOST:PORT"
            )

    @property
    def local_workers(self) -> int | None:
        """N of ``local:N`` (``local`` alone: every core), None for a remote scheduler."""
        m = _LOCAL.match(self.spec)
        if m is None:
            return None
        return int(m.group(1)) if m.group(1) else max(1, os.cpu_count() or 1)


def cluster_of(spec: str | Cluster | None) -> Cluster | None:
    """The cluster asked for: ``spec``, else ``ZONEKIT_CLUSTER``, else None (work on this process).

    Parameters
    ----------
    spec : str, Cluster or None
        ``local:N`` or ``tcp://HOST:PORT``.

    Returns
    -------
    Cluster or None

    Examples
    --------
    >>> cluster_of("local:2").local_workers
    2
    >>> cluster_of("tcp://10.0.0.5:8786").local_workers is None
    True
    """
    if isinstance(spec, Cluster):
        return spec
    spec = spec or os.environ.get(ENV) or None
    return Cluster(spec) if spec else None


@contextlib.contextmanager
def client_for(cluster: Cluster) -> Iterator[Any]:
    """A ``distributed.Client`` on the cluster (a local one started and stopped around the block).

    Parameters
    ----------
    cluster : Cluster
        Where to run.

    Yields
    ------
    distributed.Client
    """
    import time

    import dask
    from distributed import Client, LocalCluster

    n = cluster.local_workers
    began = time.perf_counter()
    with dask.config.set({"distributed.logging.distributed": "error"}):
        if n is None:
            try:
                client = Client(cluster.spec, timeout="10s")
            except (OSError, TimeoutError) as err:
                from zonekit.errors import ZonekitError

                reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                raise ZonekitError("cluster.unreachable", cluster=cluster.spec, reason=reason) from None
            cluster.started = time.perf_counter() - began
            with client:
                yield client
            return
        with warnings.catch_warnings():  # dask's own notices (ports, sockets) are not the user's business
            warnings.simplefilter("ignore")
            local = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                silence_logs=40,
                host="127.0.0.1",
                **LOCAL_QUIET,
            )
        with local, Client(local) as client:
            cluster.started = time.perf_counter() - began
            yield client


def map_partitions(
    cluster: Cluster,
    fn: Callable[..., T],
    n: int,
    *,
    broadcast: dict[str, Any],
    args: Sequence[Any] = (),
    progress: Callable[[int], None] | None = None,
    client: Any = None,
    each: Callable[[int, T], None] | None = None,
) -> list[T]:
    """``fn(k, *args, **broadcast)`` for every partition ``k`` in ``range(n)``, one task each, in order.

    The ``broadcast`` values (the parks, the configuration) travel once, inside the graph, and each task
    gets them by reference from the worker that holds them; a worker that dies mid-run costs its tasks a
    rerun, never the run (the values are computed again from the graph, which scattered data cannot be).

    Parameters
    ----------
    cluster : Cluster
        Where to run.
    fn : callable
        A function importable on the workers (module level).
    n : int
        How many partitions.
    broadcast : dict
        Keyword arguments sent once to every worker.
    args : sequence
        Small positional arguments after ``k``.
    progress : callable, optional
        Called with the number of tasks finished so far.
    client : distributed.Client, optional
        A client already connected (else one is made for the call).
    each : callable, optional
        Called with ``(k, result)`` in partition order, as soon as partition ``k`` and those before it are
        done: the caller folds results in while the workers go on (progress then counts in that order).

    Returns
    -------
    list
        ``fn``'s results, in partition order.
    """
    import time

    if client is None:
        with client_for(cluster) as own:
            return map_partitions(
                cluster, fn, n, broadcast=broadcast, args=args, progress=progress, client=own, each=each
            )
    from distributed import as_completed

    t0 = time.perf_counter()
    before = _bytes(client)
    with warnings.catch_warnings():  # dask's notice that the graph holds data: that is the point here
        warnings.simplefilter("ignore", UserWarning)
        shared = {  # a task that returns the value, not scattered data: recomputed if its worker dies
            k: client.submit(_held, v, key=f"zonekit-shared-{k}-{os.getpid()}-{t0}", pure=False)
            for k, v in broadcast.items()
        }
    t1 = time.perf_counter()
    futures = [
        client.submit(fn, k, *args, **shared, key=f"zonekit-partition-{k}-{os.getpid()}-{t1}", retries=2)
        for k in range(n)
    ]
    if each is not None:
        for k, future in enumerate(futures):
            each(k, future.result())
            if progress is not None:
                progress(k + 1)
    for done, _ in enumerate(as_completed(futures), start=1):
        if progress is not None and each is None:
            progress(done)
    t2 = time.perf_counter()
    results = client.gather(futures)
    t3 = time.perf_counter()
    after = _bytes(client)
    from dask.sizeof import sizeof

    workers = len(client.scheduler_info()["workers"])
    cluster.stats = {
        "tasks": n,
        "workers": workers,
        "start s": cluster.started,
        "bytes broadcast": sum(len(pickle.dumps(v, protocol=5)) for v in broadcast.values()) * workers,
        "bytes returned": sum(sizeof(r) for r in results),
        "scatter s": t1 - t0,
        "tasks s": t2 - t1,
        "gather s": t3 - t2,
        **{k: after.get(k, 0) - before.get(k, 0) for k in after},
    }
    return results


def _held(value: T) -> T:
    """``value`` itself: the task that keeps a broadcast value in the scheduler's graph.

    Scattered data has no task behind it; when the only worker holding it dies, every task that needs it
    is cancelled ("lost data"). A value returned by this task is computed again instead.
    """
    return value


def _bytes(client: Any) -> dict[str, int]:
    """Bytes the workers have fetched from each other so far (their own counters)."""

    def count(dask_worker) -> int:
        return int(getattr(dask_worker, "transfer_incoming_bytes_total", 0))

    try:
        got = client.run(count)
    except Exception:
        return {}
    return {"bytes between workers": sum(got.values())}
