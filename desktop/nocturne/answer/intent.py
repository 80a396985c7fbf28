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
_LIBRARY_WORDS = frozenset(
    "library documents document files file everything all my our your of the these those every "
    "each whole entire".split()
)
EMPTY_LIBRARY = (
    "Your library is empty: add documents first (nocturne add PATH, or Add in the window)."
)
NO_OVERVIEW = (
    "There is no overview of the library yet: the digest writes one at budget high "
    "(nocturne digest --budget high), and each document's summary at budget medium."
)
OVERVIEW_LIMIT = 20  # document summaries listed when the library has no brief


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


def library_is_empty(store: Store) -> bool:
    """No readable document: nothing to answer from, whatever is asked."""
    return not readable_documents(store, limit=1)


def library_overview(store: Store) -> tuple[str, list[int]]:
    """What "summarize all my documents" is answered with, and the notes it comes from: the
    library brief (budget high); else each document's summary (budget medium), by name; else a
    sentence saying which digest writes them."""
    brief = library_brief_note(store)
    if brief is not None:
        return brief[1], [brief[0]]
    parts: list[str] = []
    note_ids: list[int] = []
    documents = readable_documents(store)
    for document in documents:
        summary = document_summary(store, document.id)
        if summary is not None and len(parts) < OVERVIEW_LIMIT:
            parts.append(f"{document.name}: {summary[1]}")
            note_ids.append(summary[0])
    if not parts:
        return NO_OVERVIEW, []
    lead = (
        "No overview of the whole library yet (the digest writes one at budget high); "
        f"the summaries of {len(parts)} of its {len(documents)} documents:"
    )
    if len(parts) == len(documents):
        lead = (
            "No overview of the whole library yet (the digest writes one at budget high); "
            "each document's summary:"
        )
    return "\n\n".join([lead, *parts]), note_ids
