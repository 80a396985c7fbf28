"""How many threads the next model call gets: no more than the cores other programs leave free.

llama.cpp's worker threads wait for each other at every layer by spinning, so a call with one
thread per core on a machine where other programs keep cores busy keeps waiting for whichever
of its threads the OS has put aside. Measured on two cores with the bundled model: with two
CPU-bound processes beside it a learned-mode answer's first token came 25x later than on a
quiet machine, and a digest sharing the machine fell from a step a second to a step a minute;
with one thread instead of two the same first token came about 2x later. Too few threads costs
at most the parallel speed-up (about 1.6x here); too many costs far more, so the choice leans
low: a thread needs most of a core free (`FREE_SHARE_PER_THREAD`).

Changing the count costs nothing: llama.cpp reads it from the live context at each decode
(`llama_set_n_threads`), so the model is never reloaded for it. The choice is pure; the
reading comes in as a function (`cpu_share.OthersLoad.busy_cores` in the app).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

FREE_SHARE_PER_THREAD = 0.8
"""A thread is added for each 0.8 of a core that other programs leave free (rounding down)."""


def threads_for(limit: int, cpus: int, others_busy_cores: float | None) -> int:
    """Threads for a call: at most `limit`, at least one, one per free core.

    `others_busy_cores` is what other programs use (0 .. `cpus`); None (not measured) gives
    `limit`, which is what the model was loaded with."""
    limit = max(1, limit)
    if others_busy_cores is None:
        return limit
    free = max(0.0, cpus - others_busy_cores)
    fitting = math.floor(free / FREE_SHARE_PER_THREAD + 1e-9)
    return max(1, min(limit, fitting))


@dataclass(frozen=True)
class ThreadChoice:
    threads: int
    others_busy_cores: float | None  # the reading it was made from (None: not measured)

    def describe(self) -> str:
        if self.others_busy_cores is None:
            return f"{self.threads} threads (CPU load not measured)"
        return (
            f"{self.threads} thread{'s' if self.threads != 1 else ''} "
            f"(other programs use {self.others_busy_cores:.1f} cores)"
        )


class ThreadPlan:
    """One engine's thread choices: a limit (the setting, or one per physical core), the
    machine's logical CPUs, and where the load comes from. `adaptive=False` always gives the
    limit (the behaviour before, kept for comparison in the benchmark)."""

    def __init__(
        self,
        limit: int,
        cpus: int,
        load: Callable[[], float | None],
        *,
        adaptive: bool = True,
    ) -> None:
        self.limit = max(1, limit)
        self.cpus = max(1, cpus)
        self._load = load
        self.adaptive = adaptive
        self.last: ThreadChoice | None = None

    def choose(self) -> ThreadChoice:
        if not self.adaptive:
            choice = ThreadChoice(self.limit, None)
        else:
            busy = self._load()
            choice = ThreadChoice(threads_for(self.limit, self.cpus, busy), busy)
        self.last = choice
        return choice
