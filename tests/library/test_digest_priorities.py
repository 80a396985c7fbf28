"""Documents the digest takes first, and finding documents by path (`library/digest_priorities`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nocturne.library.answer_log import AnswerRecord, insert_answer
from nocturne.library.digest_documents import set_digest_state
from nocturne.library.digest_priorities import (
    ASKED,
    REQUESTED,
    documents_at_paths,
    note_asked_about,
    priorities,
    request_documents,
)
from nocturne.library.store import ChunkDraft, Store


def _document(store: Store, path: str) -> int:
    return store.save_document(
        path=path,
        name=os.path.basename(path),
        kind="text",
        content_hash=f"hash-of-{path}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, f"text of {path}", 3)],
    )


def _answer() -> AnswerRecord:
    return AnswerRecord(
        "q?", "a.", "auto", "learned", "m", 1, 1, 2, 1, 1, 0.0, 0.0, 0, 0.0, 0, 0, False
    )


def test_a_question_about_a_document_not_digested_puts_it_at_the_front(store: Store) -> None:
    waiting = _document(store, "/docs/waiting.txt")
    ready = _document(store, "/docs/ready.txt")
    set_digest_state(store, ready, "ready", learned_stale=False)
    insert_answer(store, _answer(), [waiting, ready])
    front = priorities(store)
    assert set(front) == {waiting}  # the digested one needs nothing
    assert front[waiting].reason == ASKED


def test_a_document_leaves_the_front_once_ready(store: Store) -> None:
    doc = _document(store, "/docs/a.txt")
    request_documents(store, [doc])
    assert priorities(store)[doc].reason == REQUESTED
    set_digest_state(store, doc, "queued", learned_stale=True)
    assert doc in priorities(store)
    set_digest_state(store, doc, "ready", learned_stale=False)
    assert priorities(store) == {}


def test_asking_again_moves_the_place_to_now_and_keeps_a_request(store: Store) -> None:
    doc = _document(store, "/docs/a.txt")
    then = datetime(2026, 1, 1, tzinfo=UTC)
    request_documents(store, [doc], at=then)
    note_asked_about(store, [doc], at=then + timedelta(hours=1))
    entry = priorities(store)[doc]
    assert entry.reason == REQUESTED and entry.at.startswith("2026-01-01T01:00")


def test_removing_a_document_removes_its_place(store: Store) -> None:
    doc = _document(store, "/docs/a.txt")
    request_documents(store, [doc])
    store.remove_document(doc)
    assert priorities(store) == {}


def test_documents_are_found_by_the_path_they_were_added_under(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "papers"
    first = _document(store, str(folder / "a.txt"))
    second = _document(store, str(folder / "sub" / "b.txt"))
    _document(store, str(tmp_path / "papers-old" / "c.txt"))  # a prefix, not inside the folder
    monkeypatch.chdir(tmp_path)
    found = documents_at_paths(store, ["papers/a.txt", str(folder), str(folder) + "/", "nope.txt"])
    assert [m.document_ids for m in found] == [(first,), (first, second), (first, second), ()]
    assert found[0].path == "papers/a.txt"  # as given, for the message
