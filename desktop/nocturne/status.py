"""What `nocturne status` reports: the library, the digest, tokens spent and saved."""

from __future__ import annotations

from typing import Any

from nocturne import paths
from nocturne.library.store import Store
from nocturne.settings import Settings


def library_status(store: Store, settings: Settings) -> dict[str, Any]:
    documents = [
        {
            "id": row["id"],
            "name": row["name"],
            "path": row["path"],
            "pages": row["pages"],
            "chunks": row["chunk_count"],
            "tokens": row["token_count"],
            "state": row["state"],
            "error": row["error"],
        }
        for row in store.documents()
    ]
    calls = store.model_call_totals()
    spent = {
        purpose: int(values["prompt_tokens"] + values["completion_tokens"])
        for purpose, values in calls.items()
    }
    return {
        "data_dir": str(paths.data_dir()),
        "documents": documents,
        "totals": {
            "documents": len(documents),
            "ready": sum(1 for d in documents if d["state"] != "error"),
            "errors": sum(1 for d in documents if d["state"] == "error"),
            "chunks": sum(d["chunks"] for d in documents),
            "tokens": sum(d["tokens"] for d in documents),
            "model_calls": int(sum(v["calls"] for v in calls.values())),
            "tokens_by_purpose": spent,
        },
    }


def format_status(report: dict[str, Any]) -> str:
    lines = [f"Library: {report['data_dir']}"]
    documents = report["documents"]
    if not documents:
        lines.append("  (empty — add documents with: nocturne add PATH...)")
    for doc in documents:
        pages = f"{doc['pages']} p., " if doc["pages"] else ""
        detail = f"{pages}{doc['chunks']} chunks, {doc['tokens']} tokens"
        if doc["state"] == "error":
            detail = f"error: {doc['error']}"
        lines.append(f"  {doc['state']:<9} {doc['name']}  ({detail})")
    totals = report["totals"]
    lines.append(
        f"Totals: {totals['documents']} documents ({totals['errors']} with errors), "
        f"{totals['chunks']} chunks, {totals['tokens']} tokens"
    )
    spent = totals["tokens_by_purpose"]
    if spent:
        parts = ", ".join(f"{purpose} {tokens}" for purpose, tokens in sorted(spent.items()))
        lines.append(f"Model tokens spent: {parts}")
    return "\n".join(lines)
