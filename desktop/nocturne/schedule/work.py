"""Is there anything for the digest to do? Asked every tick, so it must be cheap.

The cheap answer is "some document is new or changed" (`learned_stale`). It misses work that is
not tied to one document (notes across documents, the library brief, after a document was
removed), so the exact answer, counting the budget's steps against the finished ones
(`sleeptime.progress`, the progress `nocturne status` and the window show), is computed too —
but only when the library changed since it was last computed, or every `exact_every_s`. Without
it the scheduler would never redo library-wide notes; computed every second it would plan the
whole library every second. The planning itself is shared: `sleeptime.progress` caches it per
change of the library, so the scheduler, the window and `nocturne status` plan it once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.digest_steps import work_fingerprint
from nocturne.library.store import Store

EXACT_EVERY_S = 600.0


def _steps_pending(store: Store, budget: str, model_id: str | None = None) -> bool:
    """Steps of `budget` not yet done by `model_id` (None: by any model)."""
    from nocturne.sleeptime.progress import steps_pending

    return steps_pending(store, budget, model_id)


class WorkLeft:
    def __init__(
        self,
        store: Store,
        budget: Callable[[], str],
        *,
        exact_every_s: float = EXACT_EVERY_S,
        steps_pending: Callable[[Store, str], bool] | None = None,
        model_id: Callable[[], str | None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`model_id` names the model the next digest will use: notes by another model are
        work left, so changing the model in settings leads to a re-digest."""
        self.store = store
        self.budget = budget
        self.exact_every_s = exact_every_s
        self._steps_pending = steps_pending or (
            lambda store, budget: _steps_pending(store, budget, model_id())
        )
        self._clock = clock
        self._checked: tuple[tuple[Any, ...], str, float] | None = None
        self._pending = False

    def __call__(self) -> bool:
        if documents_waiting(self.store) > 0:
            return True
        fingerprint, budget, now = work_fingerprint(self.store), self.budget(), self._clock()
        checked = self._checked
        if (
            checked is None
            or checked[0] != fingerprint
            or checked[1] != budget
            or now - checked[2] >= self.exact_every_s
        ):
            self._pending = self._steps_pending(self.store, budget)
            self._checked = (fingerprint, budget, now)
        return self._pending
