"""Conversations and the answer log carried from a library set aside into the one that replaces
it (`library/kept_history.py`): a rebuild or restore keeps a person's chats."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nocturne.library import answer_log
from nocturne.library import conversations as chats
from nocturne.library.answer_log import AnswerRecord
from nocturne.library.kept_history import KeptHistory, carry_history
from nocturne.library.store import ChunkDraft, Store

from support import damage_pages_of

ANSWER = AnswerRecord(
    question="How much is the deposit?",
    answer="2,500 euros.",
    mode="auto",
    route="learned",
    model_id="m",
    prompt_tokens=40,
    completion_tokens=5,
    baseline_prompt_tokens=400,
    baseline_completion_tokens=5,
    saved_tokens=360,
    cost_usd=0.00001,
    baseline_cost_usd=0.0001,
    sleep_tokens=900,
    amortized_sleep_tokens=90.0,
    first_token_s=0.2,
    total_s=0.4,
    abstained=False,
)


def _add(store: Store, path: str) -> int:
    return store.save_document(
        path=path,
        name=Path(path).name,
        kind="text",
        content_hash=f"hash of {path}",
        size=10,
        mtime=0.0,
        pages=None,
        chunks=[ChunkDraft(0, None, "The deposit is 2,500 euros. " * 40, 300)],
    )


def _old_library(path: Path) -> Path:
    """A library with two documents, a conversation of two messages and two answers."""
    with Store.open(path) as store:
        lease = _add(store, "/docs/lease.txt")
        _add(store, "/docs/trip.md")
        chat = chats.create_conversation(store)
        chats.add_message(store, chat, "user", ANSWER.question, title=ANSWER.question)
        chats.add_message(store, chat, "assistant", ANSWER.answer, {"mode": "auto", "x": [1]})
        answer_log.insert_answer(store, ANSWER, [lease])
        answer_log.insert_answer(store, replace(ANSWER, question="When is it due?"), [])
    return path


def _answers(store: Store) -> list[str]:
    return [str(r["question"]) for r in store.query("SELECT question FROM answers ORDER BY id")]


def test_a_new_library_gets_the_old_conversations_and_answers(tmp_path: Path) -> None:
    old = _old_library(tmp_path / "old.sqlite3")
    with Store.open(tmp_path / "new.sqlite3") as store:
        _add(store, "/docs/other.txt")  # ids differ from the old library's
        lease = _add(store, "/docs/lease.txt")
        kept = carry_history(store, old)
        assert kept == KeptHistory(conversations=1, messages=2, answers=2)
        (chat,) = chats.list_conversations(store)
        assert chat.title == ANSWER.question and chat.message_count == 2
        messages = chats.conversation_messages(store, chat.id)
        assert [(m.role, m.text) for m in messages] == [
            ("user", ANSWER.question),
            ("assistant", ANSWER.answer),
        ]
        assert messages[1].answer == {"mode": "auto", "x": [1]}
        assert _answers(store) == [ANSWER.question, "When is it due?"]
        # the answer is linked to the document it used, by its path
        assert answer_log.questions_asked_about(store, lease) == 1
        row = store.query("SELECT saved_tokens, amortized_sleep_tokens FROM answers LIMIT 1")[0]
        assert (row["saved_tokens"], row["amortized_sleep_tokens"]) == (360, 90.0)


def test_what_the_new_library_has_already_is_not_copied_twice(tmp_path: Path) -> None:
    old = _old_library(tmp_path / "old.sqlite3")
    with Store.open(tmp_path / "new.sqlite3") as store:
        assert carry_history(store, old).conversations == 1
        assert carry_history(store, old) == KeptHistory()
        assert len(chats.list_conversations(store)) == 1
        assert chats.message_count(store) == 2
        assert len(_answers(store)) == 2


def test_a_restored_backup_gets_only_what_came_after_it(tmp_path: Path) -> None:
    old = _old_library(tmp_path / "old.sqlite3")
    backup = tmp_path / "backup.sqlite3"
    with Store.open(old) as store:
        store.conn.execute(f"VACUUM INTO '{backup}'")
        later = chats.create_conversation(store)
        chats.add_message(store, later, "user", "Is there a pool?", title="Is there a pool?")
        answer_log.insert_answer(store, replace(ANSWER, question="Is there a pool?"), [])
    with Store.open(backup) as store:
        assert carry_history(store, old) == KeptHistory(conversations=1, messages=1, answers=1)
        titles = sorted(c.title for c in chats.list_conversations(store))
        assert titles == [ANSWER.question, "Is there a pool?"]
        assert _answers(store) == [ANSWER.question, "When is it due?", "Is there a pool?"]


def test_a_library_damaged_part_way_in_still_gives_its_chats(tmp_path: Path) -> None:
    old = _old_library(tmp_path / "old.sqlite3")
    damage_pages_of(old, "chunks")
    with Store.open(tmp_path / "new.sqlite3") as store:
        kept = carry_history(store, old)
        assert (kept.conversations, kept.messages, kept.answers) == (1, 2, 2)


def test_an_unreadable_or_missing_file_gives_nothing_and_says_nothing(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with Store.open(tmp_path / "new.sqlite3") as store:
        assert carry_history(store, garbage) == KeptHistory()
        assert carry_history(store, tmp_path / "missing.sqlite3") == KeptHistory()
        assert carry_history(store, None) == KeptHistory()
        assert chats.list_conversations(store) == []
    assert KeptHistory().line() == ""


def test_what_was_kept_in_words() -> None:
    assert KeptHistory(1, 2, 0).line() == "kept 1 conversation from the old library"
    assert KeptHistory(2, 5, 1).line() == (
        "kept 2 conversations and 1 answer in the savings history from the old library"
    )
    assert (
        KeptHistory(0, 0, 3).line() == "kept 3 answers in the savings history from the old library"
    )
