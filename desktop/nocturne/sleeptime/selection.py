"""`nocturne digest PATH...`: which documents the paths name, and what cannot be digested.

A path is a file as it was added, or a folder (every document added from inside it). A path that
names nothing in the library is an error naming it, before anything runs. A document that was
added but could not be read has nothing to digest; it is named with why, and the others go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nocturne.errors import KnownError
from nocturne.library.digest_priorities import documents_at_paths
from nocturne.library.ocr_pages import NEEDS_OCR
from nocturne.library.store import Store


@dataclass(frozen=True)
class Selection:
    document_ids: tuple[int, ...]  # the documents to digest, each once
    unreadable: tuple[str, ...]  # "name: why" for documents with nothing to digest


def select_documents(store: Store, paths: Sequence[str]) -> Selection:
    matches = documents_at_paths(store, paths)
    unknown = [m.path for m in matches if not m.document_ids]
    if unknown:
        them = "it" if len(unknown) == 1 else "them"
        raise KnownError(
            f"not in the library: {', '.join(unknown)} (`nocturne add` adds {them}; "
            "`nocturne status` lists the documents)"
        )
    chosen: list[int] = []
    unreadable: list[str] = []
    for doc_id in dict.fromkeys(d for m in matches for d in m.document_ids):
        row = store.document(doc_id)
        if row is None:
            continue
        if row.state == "error" or (not row.chunk_count and row.state != NEEDS_OCR):
            why = row.error or "no text was found in it"
            unreadable.append(f"{row.name}: nothing to digest ({why})")
        else:
            chosen.append(doc_id)
    return Selection(tuple(chosen), tuple(unreadable))
