"""Questions about whole documents: "summarize X", "what is X about", "compare X and Y".

Top-k snippets never see a whole document, so these are answered from the digest's document
summaries, cross-document notes and library brief, which did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nocturne.answer.text_match import stems
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
    for row in store.query("SELECT id, name FROM documents WHERE state != 'error'"):
        name = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", row["name"]).replace("_", " ")
        overlap = len(wanted & stems(name)) / len(wanted)
        if overlap > 0 and (best is None or overlap > best[0]):
            best = (overlap, row["id"])
    return best[1] if best and best[0] >= 0.5 else None


def document_summary(store: Store, document_id: int) -> tuple[int, str] | None:
    """The freshest summary of a document: its document summary, else its section summaries."""
    for kind in ("document_summary", "section_summary", "chunk_summary"):
        rows = store.query(
            "SELECT id, text FROM notes WHERE document_id = ? AND kind = ? AND stale = 0 "
            "ORDER BY id",
            (document_id, kind),
        )
        if rows:
            if kind == "document_summary":
                return rows[-1]["id"], rows[-1]["text"]
            return rows[0]["id"], " ".join(r["text"] for r in rows[:4])
    return None


def cross_document_notes(store: Store, document_ids: list[int]) -> list[tuple[int, str]]:
    """Cross-document notes whose sources touch every one of `document_ids`."""
    if not document_ids:
        return []
    rows = store.query(
        "SELECT n.id, n.text, GROUP_CONCAT(DISTINCT c.document_id) AS docs FROM notes n "
        "JOIN note_sources ns ON ns.note_id = n.id JOIN chunks c ON c.id = ns.chunk_id "
        "WHERE n.kind = 'cross_document' AND n.stale = 0 GROUP BY n.id ORDER BY n.id"
    )
    wanted = set(document_ids)
    found = []
    for row in rows:
        docs = {int(d) for d in str(row["docs"]).split(",") if d}
        if wanted <= docs:
            found.append((row["id"], row["text"]))
    return found


def library_brief_note(store: Store) -> tuple[int, str] | None:
    row = store.query(
        "SELECT id, text FROM notes WHERE kind = 'library_brief' AND stale = 0 "
        "ORDER BY id DESC LIMIT 1"
    )
    return (row[0]["id"], row[0]["text"]) if row else None
