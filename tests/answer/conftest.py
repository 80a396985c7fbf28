"""A small digested library written directly into the store (no digest code needed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from nocturne.library.store import ChunkDraft, Store

PANTHERS = (
    "The Panthers defense gave up just 308 points, ranking sixth in the league. "
    "Luke Kuechly led the team in tackles with 118 and intercepted four passes."
)
BRONCOS = (
    "The Broncos defeated the Pittsburgh Steelers in the divisional round, 23–16. "
    "Peyton Manning threw for 2,249 yards in the regular season."
)
TESLA = (
    "Nikola Tesla was born on 10 July 1856 in Smiljan. "
    "He worked for Thomas Edison in New York before founding his own laboratory."
)


@dataclass
class Library:
    store: Store
    documents: dict[str, int] = field(default_factory=dict)
    chunks: dict[str, int] = field(default_factory=dict)

    def add_document(self, name: str, pages: list[str]) -> int:
        drafts = [ChunkDraft(i, i + 1, text, len(text.split())) for i, text in enumerate(pages)]
        document_id = self.store.save_document(
            path=f"/docs/{name}",
            name=name,
            kind="text",
            content_hash=name,
            size=1,
            mtime=0,
            pages=len(pages),
            chunks=drafts,
        )
        self.documents[name] = document_id
        for row in self.store.chunks(document_id):
            self.chunks[f"{name}#{row.page}"] = int(row.id)
        return document_id

    def add_note(
        self,
        kind: str,
        text: str,
        chunk_keys: list[str],
        answer: str | None = None,
        stale: int = 0,
        document: str | None = None,
    ) -> int:
        first = self.store.chunk(self.chunks[chunk_keys[0]])
        assert first is not None
        document_id = (
            None
            if kind in ("library_brief", "cross_document")
            else (self.documents[document] if document else first.document_id)
        )
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO notes(kind, document_id, page, text, answer, model_id, "
                "prompt_version, tokens, stale) VALUES (?, ?, ?, ?, ?, 'test', 'test', 10, ?)",
                (kind, document_id, first.page, text, answer, stale),
            )
            note_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO note_sources(note_id, chunk_id) VALUES (?, ?)",
                [(note_id, self.chunks[key]) for key in chunk_keys],
            )
        return note_id

    def add_digest_step(self, document: str | None, tokens: int, key: str) -> None:
        document_id = self.documents[document] if document else None
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO digest_steps(step_key, kind, document_id, model_id, prompt_version, "
                "prompt_tokens, completion_tokens) VALUES (?, 'chunk', ?, 'test', 'test', ?, 0)",
                (key, document_id, tokens),
            )


@pytest.fixture
def library(store: Store) -> Library:
    lib = Library(store)
    lib.add_document("Super_Bowl_50.md", [PANTHERS, BRONCOS])
    lib.add_document("Nikola_Tesla.md", [TESLA])
    return lib


@pytest.fixture
def digested(library: Library) -> Library:
    """The library after a digest: anticipated questions, facts, summaries, a brief."""
    library.add_note(
        "question",
        "How many points did the Panthers defense give up?",
        ["Super_Bowl_50.md#1"],
        answer="The Panthers defense gave up just 308 points, ranking sixth in the league.",
    )
    library.add_note(
        "question",
        "When was Nikola Tesla born?",
        ["Nikola_Tesla.md#1"],
        answer="Nikola Tesla was born on 10 July 1856 in Smiljan.",
    )
    library.add_note(
        "fact",
        "Peyton Manning threw for 2,249 yards in the regular season.",
        ["Super_Bowl_50.md#2"],
    )
    library.add_note(
        "document_summary",
        "Super Bowl 50 pitted the Panthers against the Broncos.",
        ["Super_Bowl_50.md#1", "Super_Bowl_50.md#2"],
    )
    library.add_note(
        "document_summary", "Tesla was an inventor who worked for Edison.", ["Nikola_Tesla.md#1"]
    )
    library.add_note(
        "cross_document",
        "Both documents mention famous Americans.",
        ["Super_Bowl_50.md#1", "Nikola_Tesla.md#1"],
    )
    library.add_note(
        "library_brief",
        "Two documents: a football final and an inventor.",
        ["Super_Bowl_50.md#1", "Nikola_Tesla.md#1"],
    )
    library.add_digest_step("Super_Bowl_50.md", 1000, "sb:1")
    library.add_digest_step("Nikola_Tesla.md", 400, "nt:1")
    return library
