"""The pace of the digest on this machine: mean seconds of a step, by model and kind.

Read from `step_timings` (migration m014), which keeps every finished step's time after the step,
its notes or its document are gone, so an estimate priced from it does not forget what the machine
has shown it can do. One place prices both the horizon (`sleeptime/horizon.py`) and a run's first
ETA (`sleeptime/runner.py`).
"""

from __future__ import annotations

from nocturne.library.store import Store

OCR_PAGE = "ocr_page"
"""The kind under which read OCR pages are timed (any model: OCR is not the language model)."""


def step_means(store: Store, model_id: str, *, untimed: bool = False) -> dict[str, float]:
    """Mean seconds of a step of each kind done by `model_id`, and of an OCR page (by any model).

    Kinds whose steps all took 0 s (nothing to ask the model) are left out unless `untimed`: a
    running digest's ETA counts them as instant, a horizon prices a kind it has no time for at
    `typical_step_seconds` instead.
    """
    rows = store.query(
        "SELECT kind, steps, seconds FROM step_timings "
        "WHERE (model_id = ? AND kind != ?) OR (model_id = '' AND kind = ?)",
        (model_id, OCR_PAGE, OCR_PAGE),
    )
    means = {str(row["kind"]): float(row["seconds"]) / int(row["steps"]) for row in rows}
    return {kind: mean for kind, mean in means.items() if untimed or mean > 0}


def typical_step_seconds(store: Store, model_id: str) -> float | None:
    """The mean of every timed step `model_id` did, whatever its kind (None: it did none)."""
    row = store.query(
        "SELECT SUM(timed) AS timed, SUM(seconds) AS seconds FROM step_timings "
        "WHERE model_id = ? AND kind != ?",
        (model_id, OCR_PAGE),
    )[0]
    timed = int(row["timed"] or 0)
    return float(row["seconds"]) / timed if timed else None


def has_timings(store: Store, model_id: str) -> bool:
    """Whether `model_id` has done a digest step on this machine."""
    count = store.scalar(
        "SELECT COUNT(*) FROM step_timings WHERE model_id = ? AND kind != ?", (model_id, OCR_PAGE)
    )
    return bool(count)
