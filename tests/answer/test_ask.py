"""Which route a question takes, what it cites, and when it refuses to answer."""

from __future__ import annotations

import pytest

from nocturne.answer.ask import INSTANT_THRESHOLD, answer_question, ask
from nocturne.answer.raw import NOT_FOUND
from nocturne.errors import KnownError
from nocturne.library.store import ChunkDraft
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine


def test_auto_before_any_digest_answers_from_raw_sentences(
    library: Library, settings: Settings
) -> None:
    # Never the slow raw read unless asked: the learned pipeline runs over raw sentences.
    engine = FakeEngine(["308 points"])
    answer = ask(library.store, engine, "What did the Panthers defense give up?", settings)
    assert answer.mode == "learned", answer
    assert [c.purpose for c in engine.calls] == ["answer:learned"], answer.extra
    assert answer.citations[0].document == "Super_Bowl_50.md"
    assert "308 points" in answer.answer


def test_the_span_of_the_kind_asked_for_is_the_short_answer_without_a_model(
    digested: Library, settings: Settings
) -> None:
    engine = FakeEngine(["a regex engine"])
    answer = ask(digested.store, engine, "How many yards did Peyton Manning throw for?", settings)
    assert answer.answer.startswith("2,249 yards — “Peyton Manning")
    assert engine.calls == []  # copied from the evidence: nothing to generate
    assert answer.usage.total == 0 < answer.baseline.total
    assert answer.extra["short_answer"] == "2,249 yards"


def test_close_anticipated_question_is_answered_instantly(
    digested: Library, settings: Settings
) -> None:
    engine = FakeEngine()
    answer = ask(
        digested.store, engine, "How many points did the Panthers defense give up?", settings
    )
    assert answer.mode == "instant"
    assert "308 points" in answer.answer
    assert engine.calls == []  # nothing generated
    assert answer.usage.total == 0
    assert answer.savings.tokens == answer.baseline.total > 0
    assert [(c.document, c.page) for c in answer.citations] == [("Super_Bowl_50.md", 1)]
    assert answer.extra["similarity"] >= INSTANT_THRESHOLD


def test_other_questions_go_to_learned_with_a_short_passage_and_a_quote(
    digested: Library, settings: Settings
) -> None:
    engine = FakeEngine(["2,249 yards"])
    answer = ask(digested.store, engine, "What did Peyton Manning throw for?", settings)
    assert answer.mode == "learned"
    assert [c.purpose for c in engine.calls] == ["answer:learned"], answer.extra
    prompt = engine.calls[0].messages[-1]["content"]
    assert "Peyton Manning threw for 2,249 yards" in prompt
    assert "Nikola Tesla" not in prompt  # only the best sentences, not raw pages
    assert answer.answer.startswith("2,249 yards — “Peyton Manning")
    assert [(c.document, c.page) for c in answer.citations] == [("Super_Bowl_50.md", 2)]
    assert answer.extra["supported"] is True
    assert answer.usage.prompt_tokens < answer.baseline.prompt_tokens


def test_an_unsupported_model_answer_is_replaced_by_the_quote(
    digested: Library, settings: Settings
) -> None:
    engine = FakeEngine(["a regex engine"])
    answer = ask(digested.store, engine, "What did Peyton Manning throw for?", settings)
    assert "regex" not in answer.answer
    assert answer.answer == "“Peyton Manning threw for 2,249 yards in the regular season.”"
    assert answer.extra["supported"] is False


def test_stale_notes_are_never_served(library: Library, settings: Settings) -> None:
    library.add_note(
        "question",
        "How many points did the Panthers defense give up?",
        ["Super_Bowl_50.md#1"],
        answer="A stale answer: 999 points.",
        stale=1,
    )
    library.add_note(
        "fact", "Luke Kuechly led the team in tackles with 118.", ["Super_Bowl_50.md#1"]
    )
    engine = FakeEngine(["308"])
    answer = ask(
        library.store, engine, "How many points did the Panthers defense give up?", settings
    )
    assert answer.mode == "learned"
    assert "999" not in answer.answer


def test_a_question_the_library_cannot_answer_is_refused_plainly(
    digested: Library, settings: Settings
) -> None:
    engine = FakeEngine(["Paris"])
    answer = ask(digested.store, engine, "What is the capital of Australia?", settings)
    assert answer.abstained
    assert answer.answer == NOT_FOUND
    assert answer.citations == []
    assert engine.calls == []


def test_forced_instant_without_a_match_refuses(digested: Library, settings: Settings) -> None:
    answer = ask(
        digested.store,
        FakeEngine(),
        "How many yards did Manning throw for?",
        settings,
        mode="instant",
    )
    assert answer.mode == "instant"
    assert answer.abstained


def test_forced_raw_and_learned_modes(digested: Library, settings: Settings) -> None:
    engine = FakeEngine(["308", "308"])
    question = "What did the Panthers defense give up?"
    raw = answer_question(digested.store, engine, question, settings, "raw")
    learned = answer_question(digested.store, engine, question, settings, "learned")
    assert (raw.mode, learned.mode) == ("raw", "learned")
    assert [c.purpose for c in engine.calls] == ["answer:raw", "answer:learned"]


def test_summaries_come_from_document_summaries(digested: Library, settings: Settings) -> None:
    engine = FakeEngine()
    answer = ask(digested.store, engine, "Summarize the Super Bowl 50 document", settings)
    assert answer.answer == "Super Bowl 50 pitted the Panthers against the Broncos."
    assert answer.route == "summary:summary"
    assert {c.page for c in answer.citations} == {1, 2}
    assert engine.calls == []


def test_what_is_x_about_and_compare(digested: Library, settings: Settings) -> None:
    about = ask(digested.store, FakeEngine(), "What is Nikola Tesla about?", settings)
    assert about.answer == "Tesla was an inventor who worked for Edison."
    compare = ask(digested.store, FakeEngine(), "Compare Super Bowl 50 and Nikola Tesla", settings)
    assert "Super_Bowl_50.md: Super Bowl 50 pitted" in compare.answer
    assert "Nikola_Tesla.md: Tesla was an inventor" in compare.answer
    assert "Both documents mention famous Americans." in compare.answer
    library = ask(digested.store, FakeEngine(), "What is this library about?", settings)
    assert library.answer == "Two documents: a football final and an inventor."


def test_summary_without_summaries_is_answered_normally(
    library: Library, settings: Settings
) -> None:
    library.add_note(
        "fact", "Luke Kuechly led the team in tackles with 118.", ["Super_Bowl_50.md#1"]
    )
    engine = FakeEngine(["football"])
    answer = ask(library.store, engine, "Summarize Super Bowl 50", settings)
    assert answer.route != "summary:summary"


def test_bad_questions_and_modes_are_known_errors(digested: Library, settings: Settings) -> None:
    with pytest.raises(KnownError):
        ask(digested.store, FakeEngine(), "   ", settings)
    with pytest.raises(KnownError):
        ask(digested.store, FakeEngine(), "Why?", settings, mode="psychic")


def test_streamed_text_matches_the_answer(digested: Library, settings: Settings) -> None:
    pieces: list[str] = []
    answer = ask(
        digested.store,
        FakeEngine(["2,249 yards"]),
        "What did Peyton Manning throw for?",
        settings,
        on_text=pieces.append,
    )
    assert "".join(pieces) == answer.answer
    unsupported: list[str] = []
    answer = ask(
        digested.store,
        FakeEngine(["a regex engine"]),
        "What did Peyton Manning throw for?",
        settings,
        on_text=unsupported.append,
    )
    assert "".join(unsupported) == answer.answer  # nothing streamed that the answer takes back
    assert "regex" not in "".join(unsupported)
    instant: list[str] = []
    answer = ask(
        digested.store,
        FakeEngine(),
        "When was Nikola Tesla born?",
        settings,
        on_text=instant.append,
    )
    assert "".join(instant) == answer.answer


def test_an_anticipated_answer_without_the_kind_asked_for_is_not_served_instantly(
    library: Library, settings: Settings
) -> None:
    library.add_note(
        "question",
        "How many yards did Peyton Manning throw for?",
        ["Super_Bowl_50.md#2"],
        answer="Peyton Manning was the quarterback.",
    )
    answer = ask(
        library.store, FakeEngine(), "How many yards did Peyton Manning throw for?", settings
    )
    assert answer.route != "instant", answer.answer
    assert "2,249 yards" in answer.answer


def test_only_ask_logs_the_answer(digested: Library, settings: Settings) -> None:
    question = "  When was Nikola Tesla born?  "
    answer_question(digested.store, FakeEngine(), question, settings)
    assert digested.store.scalar("SELECT COUNT(*) FROM answers") == 0  # the benchmark's way
    answer = ask(digested.store, FakeEngine(model_id="model-x"), question, settings)
    rows = digested.store.query("SELECT question, route, model_id FROM answers")
    assert [tuple(r) for r in rows] == [("When was Nikola Tesla born?", "instant", "model-x")]
    assert answer.document_ids == (digested.documents["Nikola_Tesla.md"],)


def test_without_the_digests_notes_nothing_is_answered_from_them(
    digested: Library, settings: Settings
) -> None:
    question = "When was Nikola Tesla born?"
    with_notes = answer_question(digested.store, FakeEngine(), question, settings)
    assert (with_notes.route, with_notes.learned_evidence) == ("instant", True)
    plain = answer_question(digested.store, FakeEngine(), question, settings, use_notes=False)
    assert plain.route == "learned"
    assert plain.answer.startswith("10 July 1856 — “Nikola Tesla was born")  # its own sentence
    assert plain.learned_evidence is False
    summary = answer_question(
        digested.store, FakeEngine(), "Summarize the Super Bowl 50 document", settings
    )
    assert summary.route == "summary:summary" and summary.learned_evidence is True


def test_the_same_question_anticipated_is_answered_with_high_confidence(
    digested: Library, settings: Settings
) -> None:
    same = ask(digested.store, FakeEngine(), "When was Nikola Tesla born?", settings)
    assert same.extra["similarity"] == 1.0 and same.confidence == "high"
    assert same.extra["anticipated_question"] == "When was Nikola Tesla born?"


def test_think_harder_with_nothing_to_think_about_says_why(
    digested: Library, settings: Settings
) -> None:
    # The fake engine is a small model: Think harder does not read raw pages with it.
    answer = answer_question(
        digested.store, FakeEngine(), "When was Nikola Tesla born?", settings, harder=True
    )
    assert answer.route == "instant"
    assert answer.extra["note"].startswith("Thought harder: ")


def test_an_answer_cites_each_place_once_and_at_most_three(
    library: Library, settings: Settings
) -> None:
    question = "How many points did the Panthers defense give up in each game?"
    pages = [1, 1, 2, 3, 4]  # the first two chunks lie on the same page
    texts = [f"In game {n} the Panthers defense gave up 308 points." for n in range(5)]
    document_id = library.store.save_document(
        path="/docs/Season.md",
        name="Season.md",
        kind="text",
        content_hash="season",
        size=1,
        mtime=0,
        pages=4,
        chunks=[
            ChunkDraft(i, page, text, 9)
            for i, (page, text) in enumerate(zip(pages, texts, strict=True))
        ],
    )
    chunk_ids = [int(row.id) for row in library.store.chunks(document_id)]
    with library.store.transaction() as conn:
        note_id = conn.execute(
            "INSERT INTO notes(kind, document_id, page, text, answer, model_id, prompt_version, "
            "tokens, stale) VALUES ('question', ?, 1, ?, ?, 'test', 'test', 10, 0)",
            (document_id, question, "The Panthers defense gave up 308 points in each game."),
        ).lastrowid
        conn.executemany(
            "INSERT INTO note_sources(note_id, chunk_id) VALUES (?, ?)",
            [(note_id, chunk_id) for chunk_id in chunk_ids],
        )
    answer = ask(library.store, FakeEngine(), question, settings)
    assert answer.route == "instant", answer.answer
    assert [(c.document, c.page) for c in answer.citations] == [
        ("Season.md", 1),
        ("Season.md", 2),
        ("Season.md", 3),
    ]
