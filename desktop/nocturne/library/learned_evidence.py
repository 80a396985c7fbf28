"""Whether an answer's quoted sentence is one the digest learned, for the savings line.

An answer quotes a sentence from its cited chunks. When the digest kept that sentence as a note
(a key fact, an anticipated question's answer, a definition, a resolved reference, a summary's
sentence), what Nocturne learned carried the answer; when no fresh note of those chunks holds it,
the answer came from the documents' own sentences, as it would with no digest at all. The
question-time pipeline does not yet report which kind of evidence won, so this is read back from
the notes: one query over the few notes written from the cited chunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nocturne.library.store import Store

MIN_MATCH_CHARS = 20
"""Shorter common text (a name, a number) says nothing about which sentence was quoted."""
_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    return _SPACE.sub(" ", text).strip().strip("“”\"'.").casefold()


def learned_notes_holding(store: Store, chunk_ids: Iterable[int], sentence: str) -> list[str]:
    """Kinds of the fresh notes written from `chunk_ids` whose text (or stored answer) holds
    `sentence` or is held by it (a quote may be trimmed to its clause, a note may be a clause)."""
    ids = sorted({int(c) for c in chunk_ids})
    wanted = _plain(sentence)
    if not ids or len(wanted) < MIN_MATCH_CHARS:
        return []
    marks = ",".join("?" * len(ids))
    rows = store.query(
        "SELECT DISTINCT n.id, n.kind, n.text, n.answer FROM notes n "
        "JOIN note_sources s ON s.note_id = n.id "
        f"WHERE n.stale = 0 AND s.chunk_id IN ({marks})",
        ids,
    )
    kinds: list[str] = []
    for row in rows:
        for text in (row["text"], row["answer"]):
            held = _plain(str(text or ""))
            if len(held) >= MIN_MATCH_CHARS and (wanted in held or held in wanted):
                kinds.append(str(row["kind"]))
                break
    return sorted(set(kinds))
