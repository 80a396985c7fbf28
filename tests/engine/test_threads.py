"""The thread count of each model call follows the CPU other programs leave free.

The choice is pure and the load reading is fed, so nothing sleeps and no model is loaded. The
reading itself is tested in test_cpu_share.py, and the engines applying the choice in
test_local.py and test_kv_cache.py.
"""

from __future__ import annotations

import pytest

from nocturne.engine.threads import ThreadPlan, threads_for

# -- the choice ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("others", "expected"),
    [
        (None, 2),  # not measured: what the model was loaded with
        (0.0, 2),  # a quiet machine: both cores
        (0.3, 2),  # a browser idling: still two
        (0.5, 1),  # half a core taken: two threads would wait on each other
        (1.0, 1),  # one busy program: the free core
        (1.7, 1),  # nothing free: still one thread (the question must be answered)
        (2.0, 1),
    ],
)
def test_two_cores_one_thread_per_free_core(others: float | None, expected: int) -> None:
    assert threads_for(2, 2, others) == expected


def test_the_limit_caps_and_a_large_machine_uses_what_is_free() -> None:
    assert threads_for(4, 8, 0.0) == 4  # the setting (or physical cores) is the ceiling
    assert threads_for(4, 8, 6.0) == 2  # 2 cores free
    assert threads_for(16, 16, 3.1) == 16  # 12.9 cores free at 0.8 a thread
    assert threads_for(0, 2, 0.0) == 1  # never zero


def test_a_plan_reads_the_load_on_every_call() -> None:
    readings = iter([0.0, 1.2, 2.0, 0.1])
    plan = ThreadPlan(2, 2, lambda: next(readings))
    assert [plan.choose().threads for _ in range(4)] == [2, 1, 1, 2]
    assert plan.last is not None and plan.last.others_busy_cores == 0.1
    assert "0.1 cores" in plan.last.describe()


def test_a_fixed_plan_never_reads_the_load() -> None:
    def no_reading() -> float:
        raise AssertionError("read")

    plan = ThreadPlan(2, 2, no_reading, adaptive=False)
    assert plan.choose().threads == 2
