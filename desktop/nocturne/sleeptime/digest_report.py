"""What the digest has done, in the words and dicts of `nocturne status`.

The numbers are `sleeptime.progress.DigestProgress` (one computation, cached per change of the
library, shared with the scheduler and the window): steps done against the steps the budget
needs, notes kept by kind, candidates dropped by the support check and deduplication, and the
sleep-time tokens spent — both as committed with finished steps and as logged for every digest
model call (the difference is work lost to interrupted steps).
"""

from __future__ import annotations

from typing import Any

from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.progress import digest_progress, ocr_enabled

__all__ = [
    "digest_progress",
    "digest_status",
    "document_progress",
    "expected_model_id",
    "format_digest_status",
    "ocr_enabled",
]


def expected_model_id(settings: Settings) -> str | None:
    """The model id the next digest will use, when known without loading or asking it.

    A digest with another model redoes every step, so status must not call such work done. Local
    models are named by their file; a remote model by its configured name (None when the server
    is to be asked, in which case any model counts). `engine.factory.engine_choice` decides.
    """
    from nocturne.engine.factory import engine_choice

    return engine_choice(settings, "digest").model_id


def document_progress(
    store: Store, budget: str = "medium", model_id: str | None = None
) -> dict[int, dict[str, Any]]:
    """Per document id: state, steps done and total for `budget`, fraction, notes kept (the
    documents of `digest_progress`, as dicts).

    With `model_id` (see `expected_model_id`), steps done by another model do not count.
    """
    progress = digest_progress(store, budget, model_id)
    return {doc_id: value.as_dict() for doc_id, value in progress.documents.items()}


def digest_status(
    store: Store, budget: str = "medium", model_id: str | None = None
) -> dict[str, Any]:
    """The digest part of `nocturne status --json` (`model_id` as in `document_progress`)."""
    return digest_progress(store, budget, model_id).as_dict()


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
