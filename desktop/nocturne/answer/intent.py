"""Questions about whole documents: "summarize X", "what is X about", "compare X and Y".

Top-k snippets never see a whole document, so these are answered from the digest's document
summaries, cross-document notes and library brief, which did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.answer.text_match import stems
from nocturne.library.learned_notes import cross_document_notes as all_cross_document_notes
from nocturne.library.learned_notes import (
    document_notes,
    latest_library_brief,
    readable_documents,
)
from nocturne.library.store import Store

_SUMMARY = re.compile(
    r"^\s*(?:please\s+)?(?:summari[sz]e|give (?:me )?(?:a |an )?(?:summary|overview) of|"
    r"(?:a |an )?(?:summary|overview) of|tl;?dr(?: of)?|what(?:'s| is| are)\s+(?P<about>.+?)\s+"
    r"(?:all\s+)?about)\s*(?P<target>.*?)[\s?.!]*$",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"^\s*(?:please\s+)?(?:compare|contrast)\s+(?P<a>.+?)\s+(?:and|with|to|vs\.?|versus)\s+"
    r"(?P<b>.+?)[\s?.!]*$|^\s*(?:what is the )?difference between\s+(?P<c>.+?)\s+and\s+"
    r"(?P<d>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
_LIBRARY_WORDS = frozenset({"library", "documents", "document", "files", "everything", "all"})


@dataclass(frozen=True)
class Intent:
    kind: str  # "summary", "compare" or "library"
    targets: tuple[str, ...]


def detect_intent(question: str) -> Intent | None:
    compare = _COMPARE.match(question)
    if compare:
        a = compare.group("a") or compare.group("c")
        b = compare.group("b") or compare.group("d")
        return Intent("compare", (a.strip(), b.strip()))
    summary = _SUMMARY.match(question)
    if summary:
        target = (summary.group("about") or summary.group("target") or "").strip()
        target = re.sub(r"^(?:the|this|that|my)\s+", "", target, flags=re.IGNORECASE)
        if not target or set(target.lower().split()) <= _LIBRARY_WORDS:
            return Intent("library", ())
        return Intent("summary", (target,))
    return None


def find_document(store: Store, target: str) -> int | None:
    """The document whose name (or summary) best matches `target`, if any matches at all."""
    wanted = stems(target.replace("_", " "))
    if not wanted:
        return None
    best: tuple[float, int] | None = None
    for document in readable_documents(store):
        name = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", document.name).replace("_", " ")
        overlap = len(wanted & stems(name)) / len(wanted)
        if overlap > 0 and (best is None or overlap > best[0]):
            best = (overlap, document.id)
    return best[1] if best and best[0] >= 0.5 else None


def document_summary(store: Store, document_id: int) -> tuple[int, str] | None:
    """The freshest summary of a document: its document summary, else its section summaries."""
    for kind in ("document_summary", "section_summary", "chunk_summary"):
        notes = document_notes(store, document_id, kind)
        if notes:
            if kind == "document_summary":
                return notes[-1].id, notes[-1].text
            return notes[0].id, " ".join(n.text for n in notes[:4])
    return None


def cross_document_notes(store: Store, document_ids: list[int]) -> list[tuple[int, str]]:
    """Cross-document notes whose sources touch every one of `document_ids`."""
    if not document_ids:
        return []
    wanted = set(document_ids)
    return [
        (note.id, note.text) for note, docs in all_cross_document_notes(store) if wanted <= docs
    ]


def library_brief_note(store: Store) -> tuple[int, str] | None:
    note = latest_library_brief(store)
    return (note.id, note.text) if note is not None else None
