"""What `nocturne status` reports: the library, the digest, tokens spent and saved."""

from __future__ import annotations

from typing import Any

from nocturne import paths
from nocturne.answer.totals import answer_totals, format_answer_totals
from nocturne.engine.engine_report import engine_choices
from nocturne.engine.factory import engine_choice
from nocturne.library.file_changes import CHANGED, MISSING, STATUS_WORDS, file_change
from nocturne.library.index_check import check_search_indexes
from nocturne.library.store import Store
from nocturne.schedule.schedule_report import format_schedule_status, schedule_status
from nocturne.settings import Settings
from nocturne.sleeptime.digest_report import expected_model_id, format_digest_status
from nocturne.sleeptime.horizon import library_horizon
from nocturne.sleeptime.progress import digest_progress, shown_state


def library_status(store: Store, settings: Settings) -> dict[str, Any]:
    # What a question reads and the rest of the report does not: a damaged search index is the
    # same "… is damaged …" StoreError a question would meet, not a status that looks fine.
    check_search_indexes(store)
    documents = [
        {
            "id": row.id,
            "name": row.name,
            "path": row.path,
            "pages": row.pages,
            "chunks": row.chunk_count,
            "tokens": row.token_count,
            "state": shown_state(row.state, row.learned_stale),
            "error": row.error,
            # A stat per document: a file edited or deleted since it was read is said here,
            # also when no window or daemon watched it happen.
            "file": file_change(row),
        }
        for row in store.documents()
    ]
    # One progress for the whole report: the schedule's "work left" reads the same (cached) plan.
    progress = digest_progress(store, settings.digest_budget, expected_model_id(settings))
    calls = store.model_call_totals()
    spent = {
        purpose: int(values["prompt_tokens"] + values["completion_tokens"])
        for purpose, values in calls.items()
    }
    return {
        "data_dir": str(paths.data_dir()),
        "digest": progress.as_dict(),
        "horizon": library_horizon(store, settings, progress).as_dict(),
        "answers": answer_totals(store, settings=settings),
        "schedule": schedule_status(store, settings),
        "engines": engine_choices(settings),
        "documents": documents,
        "totals": {
            "documents": len(documents),
            "ready": sum(1 for d in documents if d["state"] == "ready"),
            "errors": sum(1 for d in documents if d["state"] == "error"),
            "changed": sum(1 for d in documents if d["file"] == CHANGED),
            "missing": sum(1 for d in documents if d["file"] == MISSING),
            "chunks": sum(d["chunks"] for d in documents),
            "tokens": sum(d["tokens"] for d in documents),
            "model_calls": int(sum(v["calls"] for v in calls.values())),
            "tokens_by_purpose": spent,
        },
    }


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def format_status(report: dict[str, Any]) -> str:
    lines = [f"Library: {report['data_dir']}"]
    documents = report["documents"]
    if not documents:
        lines.append("  (empty — add documents with: nocturne add PATH...)")
    for doc in documents:
        pages = f"{doc['pages']} p., " if doc["pages"] else ""
        detail = f"{pages}{_count(doc['chunks'], 'chunk')}, {_count(doc['tokens'], 'token')}"
        if doc["state"] == "error":
            detail = str(doc["error"])
        file = f" — {STATUS_WORDS[doc['file']]}" if doc.get("file") in STATUS_WORDS else ""
        lines.append(f"  {doc['state']:<9} {doc['name']}  ({detail}){file}")
    totals = report["totals"]
    out_of_date = [
        f"{totals[key]} {words}"
        for key, words in (("changed", "changed since read"), ("missing", "missing"))
        if totals.get(key)
    ]
    lines.append(
        f"Totals: {_count(totals['documents'], 'document')} ({totals['errors']} with errors"
        + "".join(f", {part}" for part in out_of_date)
        + f"), {_count(totals['chunks'], 'chunk')}, {_count(totals['tokens'], 'token')}"
    )
    spent = totals["tokens_by_purpose"]
    if spent:
        parts = ", ".join(f"{purpose} {tokens}" for purpose, tokens in sorted(spent.items()))
        lines.append(f"Model tokens spent: {parts}")
    lines.append("")
    lines.append(format_digest_status(report["digest"]))
    lines.append(f"  whole library: {report['horizon']['text']}")
    lines.append("")
    lines.append(format_answer_totals(report["answers"]))
    lines.append("")
    lines.extend(format_schedule_status(report["schedule"]))
    return "\n".join(lines)


def format_engines(settings: Settings) -> list[str]:
    return [engine_choice(settings, role).line() for role in ("digest", "answer")]
