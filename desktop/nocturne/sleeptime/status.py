"""What the digest has done, for `nocturne status` and for the window's document list.

Counts come from the store only (no model, no plan side effects): steps done against the steps
the budget needs, notes kept by kind, candidates dropped by the support check and deduplication,
and the sleep-time tokens spent — both as committed with finished steps and as logged for every
digest model call (the difference is work lost to interrupted steps).
"""

from __future__ import annotations

from typing import Any

from nocturne.errors import KnownError
from nocturne.library import digest_steps, sleep_tokens
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.plan import BUDGETS, Step, budget_steps, done_keys, steps_per_document


def expected_model_id(settings: Settings) -> str | None:
    """The model id the next digest will use, when known without loading or asking it.

    A digest with another model redoes every step, so status must not call such work done. Local
    models are named by their file; a remote model by its configured name (None when the server
    is to be asked, in which case any model counts). `engine.factory.engine_choice` decides.
    """
    from nocturne.engine.factory import engine_choice

    return engine_choice(settings, "digest").model_id


def _done_keys(store: Store, model_id: str | None = None) -> set[str]:
    """Steps done as the digest's plan counts them (`plan.done_keys`), without its side effects."""
    return done_keys(digest_steps.step_records(store), model_id)


def ocr_enabled() -> bool:
    """The `ocr` setting (on when the settings cannot be read: the digest would say why)."""
    try:
        return bool(Settings.load().ocr)
    except KnownError:
        return True


def _budget_steps(store: Store, budget: str) -> list[Step]:
    """A status never fails on an unknown budget in the settings: it shows medium (a digest with
    that budget says what is wrong with it)."""
    if budget not in BUDGETS:
        budget = "medium"
    return budget_steps(store, budget, ocr_enabled())


def document_progress(
    store: Store, budget: str = "medium", model_id: str | None = None
) -> dict[int, dict[str, Any]]:
    """Per document id: state, steps done and total for `budget`, fraction, notes kept.

    With `model_id` (see `expected_model_id`), steps done by another model do not count.
    """
    steps = _budget_steps(store, budget)
    done = _done_keys(store, model_id)
    total, finished = steps_per_document(steps, done)
    notes = digest_steps.fresh_notes_per_document(store)
    progress: dict[int, dict[str, Any]] = {}
    for row in store.documents():
        doc_id = int(row["id"])
        count = total[doc_id]
        progress[doc_id] = {
            "state": row["state"],
            "steps_done": finished[doc_id],
            "steps_total": count,
            "fraction": finished[doc_id] / count if count else 0.0,
            "notes": int(notes.get(doc_id, 0)),
        }
    return progress


def digest_status(
    store: Store, budget: str = "medium", model_id: str | None = None
) -> dict[str, Any]:
    """The digest part of `nocturne status --json` (`model_id` as in `document_progress`)."""
    steps = _budget_steps(store, budget)
    done = _done_keys(store, model_id)
    kept = {
        kind: {"kept": counts.kept, "stale": counts.stale}
        for kind, counts in digest_steps.notes_by_kind(store).items()
    }
    by_step = {
        kind: {
            "steps": totals.steps,
            "kept": totals.kept,
            "dropped": totals.dropped,
            "tokens": totals.tokens,
            "seconds": round(totals.seconds, 1),
        }
        for kind, totals in digest_steps.totals_by_kind(store).items()
    }
    return {
        "budget": budget,
        "steps_done": sum(1 for s in steps if s.key in done),
        "steps_total": len(steps),
        "notes": kept,
        "kept": sum(v["kept"] for v in kept.values()),
        "dropped": sum(v["dropped"] for v in by_step.values()),
        "by_step_kind": by_step,
        "sleep_tokens": sleep_tokens.total_tokens(store),
        "sleep_tokens_logged": sleep_tokens.logged_tokens(store),
        "documents": {str(k): v for k, v in document_progress(store, budget, model_id).items()},
    }


def format_digest_status(report: dict[str, Any]) -> str:
    """A few lines for plain `nocturne status`."""
    notes = ", ".join(
        f"{kind} {values['kept']}"
        for kind, values in sorted(report["notes"].items())
        if values["kept"]
    )
    lines = [
        f"Digest ({report['budget']}): {report['steps_done']}/{report['steps_total']} steps, "
        f"{report['kept']} notes kept, {report['dropped']} dropped, "
        f"{report['sleep_tokens']} sleep-time tokens",
    ]
    if notes:
        lines.append(f"  notes: {notes}")
    stale = sum(v["stale"] for v in report["notes"].values())
    if stale:
        lines.append(f"  {stale} stale notes wait for the next digest")
    return "\n".join(lines)
