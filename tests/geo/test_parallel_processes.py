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
