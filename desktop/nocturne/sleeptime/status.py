"""What the digest has done, for `nocturne status` and for the window's document list.

Counts come from the store only (no model, no plan side effects): steps done against the steps
the budget needs, notes kept by kind, candidates dropped by the support check and deduplication,
and the sleep-time tokens spent — both as committed with finished steps and as logged for every
digest model call (the difference is work lost to interrupted steps).
"""

from __future__ import annotations

from typing import Any

from nocturne.errors import KnownError
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.plan import BUDGETS, Step, all_steps, in_budget, steps_per_document
from nocturne.sleeptime.prompts import STEP_VERSIONS


def expected_model_id(settings: Settings) -> str | None:
    """The model id the next digest will use, when known without loading or asking it.

    A digest with another model redoes every step, so status must not call such work done. Local
    models are named by their file; a remote model by its configured name (None when the server
    is to be asked, in which case any model counts).
    """
    import os

    if os.environ.get("NOCTURNE_ENGINE") == "fake":
        from nocturne.engine.fake import FakeEngine

        return FakeEngine().model_id  # what `engine.factory.make_engine` gives then
    try:
        if settings.digest_engine == "remote":
            return str(settings.remote_model) or None
        from nocturne.engine.model_file import resolve_model_path

        return resolve_model_path(settings.model_path).name
    except KnownError:
        return None


def _done_keys(store: Store, model_id: str | None = None) -> set[str]:
    """Steps whose row is current (prompt version, model) and whose notes are not stale."""
    rows = store.query(
        "SELECT s.step_key, s.kind, s.prompt_version, s.model_id, "
        "EXISTS(SELECT 1 FROM notes n WHERE n.step_id = s.id AND n.stale = 1) AS stale "
        "FROM digest_steps s"
    )
    return {
        row["step_key"]
        for row in rows
        if not row["stale"]
        and row["prompt_version"] == STEP_VERSIONS.get(row["kind"])
        and (model_id is None or row["model_id"] == model_id)
    }


def ocr_enabled() -> bool:
    """The `ocr` setting (on when the settings cannot be read: the digest would say why)."""
    try:
        return bool(Settings.load().ocr)
    except KnownError:
        return True


def _budget_steps(store: Store, budget: str) -> list[Step]:
    if budget not in BUDGETS:
        budget = "medium"
    return [s for s in all_steps(store, ocr_enabled()) if in_budget(s.kind, budget)]


def document_progress(
    store: Store, budget: str = "medium", model_id: str | None = None
) -> dict[int, dict[str, Any]]:
    """Per document id: state, steps done and total for `budget`, fraction, notes kept.

    With `model_id` (see `expected_model_id`), steps done by another model do not count.
    """
    steps = _budget_steps(store, budget)
    done = _done_keys(store, model_id)
    total, finished = steps_per_document(steps, done)
    notes = {
        row["document_id"]: row["n"]
        for row in store.query(
            "SELECT document_id, COUNT(*) AS n FROM notes WHERE stale = 0 "
            "AND document_id IS NOT NULL GROUP BY document_id"
        )
    }
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
        row["kind"]: {"kept": int(row["kept"]), "stale": int(row["stale"])}
        for row in store.query(
            "SELECT kind, SUM(stale = 0) AS kept, SUM(stale = 1) AS stale FROM notes GROUP BY kind"
        )
    }
    by_step = {
        row["kind"]: {
            "steps": int(row["steps"]),
            "kept": int(row["kept"]),
            "dropped": int(row["dropped"]),
            "tokens": int(row["tokens"]),
            "seconds": round(float(row["seconds"]), 1),
        }
        for row in store.query(
            "SELECT kind, COUNT(*) AS steps, SUM(kept) AS kept, SUM(dropped) AS dropped, "
            "SUM(prompt_tokens + completion_tokens) AS tokens, SUM(seconds) AS seconds "
            "FROM digest_steps GROUP BY kind"
        )
    }
    logged = store.scalar(
        "SELECT SUM(prompt_tokens + completion_tokens) FROM model_calls "
        "WHERE purpose LIKE 'digest:%'"
    )
    return {
        "budget": budget,
        "steps_done": sum(1 for s in steps if s.key in done),
        "steps_total": len(steps),
        "notes": kept,
        "kept": sum(v["kept"] for v in kept.values()),
        "dropped": sum(v["dropped"] for v in by_step.values()),
        "by_step_kind": by_step,
        "sleep_tokens": sum(v["tokens"] for v in by_step.values()),
        "sleep_tokens_logged": int(logged or 0),
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
