"""Work on forked processes: results in order, computed elsewhere, errors brought back as raised."""

import os

import pytest

from zonekit.errors import InputError
from zonekit.geo.parallel import can_fork, map_forked

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this system")


def test_tasks_run_in_other_processes_and_come_back_in_order():
    me = os.getpid()
    got = list(map_forked(lambda k: (k, os.getpid()), 12, workers=2))
    assert [k for k, _ in got] == list(range(12))
    assert me not in {pid for _, pid in got} and len({pid for _, pid in got}) <= 2


def test_one_worker_or_one_task_runs_here():
    me = os.getpid()
    assert [pid for pid in map_forked(lambda k: os.getpid(), 3, workers=1)] == [me] * 3
    assert list(map_forked(lambda k: os.getpid(), 1, workers=4)) == [me]


def test_an_error_in_a_task_is_raised_here_with_its_message():
    def task(k):
        if k == 3:
            raise InputError("source.missing", path="县3.shp")
        return k

    with pytest.raises(InputError, match=r"县3\.shp"):
        list(map_forked(task, 6, workers=2))


def test_leaving_early_ends_the_workers_at_once():
    import multiprocessing
    import time

    def slow(k):
        time.sleep(0.2 if k else 0)
        return k

    results = map_forked(slow, 50, workers=2)
    assert next(results) == 0
    assert len(multiprocessing.active_children()) == 2
    t = time.perf_counter()
    results.close()  # as an error in the caller, or Ctrl-C, would leave the loop
    assert multiprocessing.active_children() == [] and time.perf_counter() - t < 2


def test_a_worker_that_dies_is_reported_not_waited_for():
    import os
    import signal

    def dies(k):
        if k == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return k

    with pytest.raises(RuntimeError, match="worker process ended"):
        list(map_forked(dies, 6, workers=2))


def test_workers_inherit_frozen_objects_and_the_callers_freeze_is_left_alone():
    """The workers see the parent's objects frozen (their collections leave those pages alone); after the
    fork the parent has none frozen again, and a caller's own gc.freeze() is neither undone nor added to."""
    import gc

    assert gc.get_freeze_count() == 0
    counts = list(map_forked(lambda k: gc.get_freeze_count(), 2, workers=2))
    assert all(c > 1000 for c in counts) and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        assert list(map_forked(lambda k: k, 2, workers=2)) == [0, 1]
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
