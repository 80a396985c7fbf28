"""Progress events of a digest, and the ETA estimate they carry.

Events are plain data (`to_dict()` gives JSON-able dicts) so that they cross process boundaries
unchanged: the command line draws a progress bar from them, `DigestProcess` forwards them from
its child process, the window shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

START = "start"
STEP = "step"
FINISH = "finish"


@dataclass(frozen=True)
class DigestEvent:
    kind: str  # start | step | finish
    done: int  # steps finished in this run
    total: int  # steps this run has to do
    step_key: str = ""
    step_kind: str = ""
    label: str = ""  # the document (or pair, or "library") the step was about
    step_tokens: int = 0
    tokens: int = 0  # model tokens spent by this run so far
    kept: int = 0  # notes kept by this run so far
    dropped: int = 0  # candidate notes dropped by this run so far
    elapsed_s: float = 0.0
    eta_s: float | None = None
    reason: str = ""  # on finish: done | stopped | time | error
    message: str = ""
    # Per document id still to do in this run: seconds until its last step is done, in the
    # run's order (the document being read first, then the ones queued behind it).
    documents_eta_s: dict[int, float] = field(default_factory=dict)
    in_flight: float = 0.0  # model requests in flight on average so far (0: one at a time)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DigestEvent:
        """The inverse of `to_dict`, also after a trip through JSON (keys become strings)."""
        etas = data.get("documents_eta_s") or {}
        return cls(**{**data, "documents_eta_s": {int(k): float(v) for k, v in dict(etas).items()}})


class EtaEstimator:
    """Remaining time from the mean duration of the steps finished so far, per kind.

    Steps differ a lot by kind (a chunk's questions vs a pure extractive summary), so each kind is
    averaged separately; a kind not seen yet takes `prior` (its mean in earlier runs of this
    model), else the slowest kind seen so far: the first steps of a run are often the quick
    extractive ones, and borrowing their mean promised "less than a minute" for minutes of work.
    """

    def __init__(self, prior: dict[str, float] | None = None) -> None:
        self.prior = dict(prior or {})
        self._seconds: dict[str, list[float]] = {}

    def record(self, kind: str, seconds: float) -> None:
        self._seconds.setdefault(kind, []).append(seconds)

    def mean(self, kind: str) -> float | None:
        seen = self._seconds.get(kind)
        if seen:
            return sum(seen) / len(seen)
        if kind in self.prior:
            return self.prior[kind]
        means = [sum(values) / len(values) for values in self._seconds.values() if values]
        return max(means) if means else None

    def remaining(self, kinds: list[str]) -> float | None:
        total = 0.0
        for kind in kinds:
            mean = self.mean(kind)
            if mean is None:
                return None
            total += mean
        return total

    def by_document(self, steps: Iterable[tuple[str, int | None]]) -> dict[int, float]:
        """Seconds from now until each document's last step is done, for `(kind, document_id)`
        steps in the order they will run; empty while no step kind has a duration yet (no
        number is better than a guess)."""
        elapsed = 0.0
        ready: dict[int, float] = {}
        for kind, document_id in steps:
            mean = self.mean(kind)
            if mean is None:
                return {}
            elapsed += mean
            if document_id is not None:
                ready[document_id] = elapsed
        return ready
