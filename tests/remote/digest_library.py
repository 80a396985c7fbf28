"""A small library for the remote digest tests: several documents stored directly (no loaders),
chunked like ingest, the same ids in every fresh store."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nocturne.library.chunking import PageText, chunk_pages
from nocturne.library.store import Store

from fakes.engine import FakeEngine

TOPICS = [
    ("Glaciers", "ice", "valleys", "meltwater"),
    ("Volcanoes", "magma", "craters", "ash clouds"),
    ("Coral_reefs", "polyps", "lagoons", "bleaching"),
    ("Deserts", "dunes", "oases", "sandstorms"),
]


def pages_about(topic: str, thing: str, place: str, event: str) -> list[str]:
    name = topic.replace("_", " ")
    return [
        f"{name} are shaped by {thing} over thousands of years. Scientists measured how {thing} "
        f"moved through {place} in 1998 and again in 2012. The survey of {place} found that "
        f"{event} grew more frequent after 1980.",
        f"Local farmers near the {place} depend on {thing} for their harvest. In 2005 a report "
        f"warned that {event} would threaten villages within fifty kilometres. The government "
        f"built stations to watch the {place} every day.",
        f"Tourism to the {place} doubled between 2000 and 2015. Guides explain how {event} "
        f"changed the land and why {thing} matters to the region. Visitors must keep to marked "
        f"paths to protect the {place}.",
    ]


def add_documents(store: Store, count: int = len(TOPICS)) -> list[int]:
    """`count` documents; past the four topics, numbered reports on them (other texts)."""
    ids = []
    counter = FakeEngine()
    for number in range(count):
        topic, *words = TOPICS[number % len(TOPICS)]
        pages = pages_about(topic, *words)
        if number >= len(TOPICS):
            topic = f"{topic}_report_{number}"
            pages = [f"Report {number} of the field station. {page}" for page in pages]
        drafts = chunk_pages(
            [PageText(i + 1, text) for i, text in enumerate(pages)],
            counter,
            chunk_tokens=40,
            overlap_tokens=8,
        )
        content = "\f".join(pages)
        ids.append(
            store.save_document(
                path=f"/docs/{topic}.pdf",
                name=f"{topic}.pdf",
                kind="pdf",
                content_hash=hashlib.sha256(content.encode()).hexdigest(),
                size=len(content),
                mtime=0.0,
                pages=len(pages),
                chunks=drafts,
            )
        )
    return ids


def new_library(path: Path, count: int = len(TOPICS)) -> Store:
    store = Store.open(path)
    add_documents(store, count)
    return store


def notes_of(store: Store) -> list[tuple[object, ...]]:
    """Every note with its step and sources, by step key (steps of different documents may be
    stored in another order when several requests are in flight; each document's are not)."""
    rows = store.query(
        "SELECT d.step_key, n.kind, n.text, n.document_id, n.page, n.model_id, n.prompt_version, "
        "n.answer, n.stale, GROUP_CONCAT(s.chunk_id) AS sources FROM notes n "
        "JOIN digest_steps d ON d.id = n.step_id "
        "LEFT JOIN note_sources s ON s.note_id = n.id GROUP BY n.id ORDER BY d.step_key, n.id"
    )
    return [(*tuple(row)[:-1], sorted(str(row["sources"] or "").split(","))) for row in rows]


def steps_of(store: Store) -> list[tuple[object, ...]]:
    """Every step record but its timing, by key."""
    rows = store.query(
        "SELECT step_key, kind, document_id, model_id, prompt_version, prompt_tokens, "
        "completion_tokens, kept, dropped FROM digest_steps ORDER BY step_key"
    )
    return [tuple(row) for row in rows]


def stored_order(store: Store) -> dict[object, list[str]]:
    """Each document's step keys in the order they were stored."""
    order: dict[object, list[str]] = {}
    for row in store.query("SELECT step_key, document_id FROM digest_steps ORDER BY id"):
        order.setdefault(row["document_id"], []).append(str(row["step_key"]))
    return order
