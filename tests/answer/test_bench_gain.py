"""What `nocturne bench` says sleep-time compute buys, with the fake engine.

The sleep-time gain (auto with and without the digest's notes), accuracy per kind, the first
citation's document, instant hit rate and precision, calibration, cut answers, answer length, the
warnings, and the replay that makes the no-digest pass cheap.
"""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from nocturne.answer.bench import (
    NO_DIGEST,
    BenchQuestion,
    ModeStats,
    ReplayEngine,
    add_answer,
    is_cut,
    load_questions,
    question_kinds,
    run_bench,
    run_bench_command,
    short_part,
    sleep_time_gain,
)
from nocturne.answer.bench_report import format_report
from nocturne.answer.result import Answer, Citation, Savings, SleepShare, Timing
from nocturne.engine.base import GenerationOptions, Message, Usage
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine
from support import FAKE_ENGINE

KINDED: list[dict[str, Any]] = [
    {
        "id": "a",
        "question": "How many points did the Panthers defense give up?",
        "answers": ["308"],
        "kind": "lookup",
        "doc": "Super_Bowl_50.md",
    },
    {
        "id": "b",
        "question": "How many yards did Peyton Manning throw for?",
        "answers": ["2,249"],
        "kind": "lookup",
        "doc": "Super_Bowl_50.md",
    },
    {
        "id": "c",
        "question": "When was Nikola Tesla born?",
        "answers": ["1856"],
        "kind": "multi-hop",
        "document": "Nikola_Tesla.md",  # the other spelling of "doc"
    },
    {
        "id": "d",
        "question": "Compare Super_Bowl_50 and Nikola_Tesla",
        "answers": ["Panthers"],
        "kind": "compare",
        "doc": ["Super_Bowl_50.md", "Nikola_Tesla.md"],
    },
    {
        "id": "e",
        "question": "What is the capital of Australia?",
        "answers": [],
        "kind": "unanswerable",
        "doc": None,
    },
]
PLAIN: list[dict[str, Any]] = [
    {"id": "1", "question": "How many yards did Peyton Manning throw for?", "answers": ["2,249"]},
    {"id": "2", "question": "When was Nikola Tesla born?", "answers": ["1856"]},
    {"id": "3", "question": "What is the capital of Australia?", "answers": []},
]


def write_questions(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n", encoding="utf-8")
    return path


def reply(messages: list[Message], options: GenerationOptions) -> str:
    return "2,249 yards" if "2,249" in messages[-1]["content"] else "I do not know"


def answer(
    text: str,
    *,
    route: str = "learned",
    documents: tuple[str, ...] = (),
    confidence: str = "medium",
    abstained: bool = False,
    **extra: Any,
) -> Answer:
    return Answer(
        answer=text,
        mode="instant" if route == "instant" else "learned",
        citations=[Citation(name, 1, number) for number, name in enumerate(documents, 1)],
        usage=Usage(10, 2),
        baseline=Usage(100, 2),
        baseline_method="test",
        savings=Savings(90, 8.5, 0.0, 0.0),
        timing=Timing(0.01, 0.02),
        sleep=SleepShare(0, 0.0),
        abstained=abstained,
        extra=dict(extra),
        confidence=confidence,
        route=route,
    )


def question(
    id: str, answers: tuple[str, ...], kind: str = "", docs: tuple[str, ...] = ()
) -> BenchQuestion:
    return BenchQuestion(id, f"question {id}", answers, not answers, "", kind, docs)


# --- reading question files -------------------------------------------------------------------


def test_questions_carry_kind_and_expected_documents(tmp_path: Path) -> None:
    loaded = load_questions(write_questions(tmp_path / "q.jsonl", KINDED))
    assert [q.kind for q in loaded] == ["lookup", "lookup", "multi-hop", "compare", "unanswerable"]
    assert loaded[0].docs == ("Super_Bowl_50.md",) and loaded[0].document == "Super_Bowl_50.md"
    assert loaded[2].docs == ("Nikola_Tesla.md",)  # from "document"
    assert loaded[3].docs == ("Super_Bowl_50.md", "Nikola_Tesla.md")
    assert loaded[4].docs == () and loaded[4].unanswerable
    assert question_kinds(loaded) == ["lookup", "multi-hop", "compare", "unanswerable"]
    plain = load_questions(write_questions(tmp_path / "p.jsonl", PLAIN))
    assert question_kinds(plain) == [] and all(q.docs == () and q.kind == "" for q in plain)


# --- cut answers and the short part ---------------------------------------------------------


def test_short_part_is_the_phrase_before_the_quote() -> None:
    assert short_part("2,249 yards — “Peyton Manning threw for 2,249 yards.”") == "2,249 yards"
    assert short_part("“The Panthers defense gave up just 308 points.”") == ""
    assert short_part("Canberra\n\nmore lines") == "Canberra"
    assert short_part("6.3 Report files: “Each pass writes a report.”") == ""


@pytest.mark.parametrize(
    ("short", "evidence", "cut"),
    [
        ("leaves at 18…", "The train leaves at 18:40 from platform 2.", True),
        ("born in Smil", "Nikola Tesla was born on 10 July 1856 in Smiljan.", True),
        ("leaves at 18", "The train leaves at 18:40 from platform 2.", True),
        ("in Smiljan", "Nikola Tesla was born on 10 July 1856 in Smiljan.", False),
        ("10 July", "Nikola Tesla was born on 10 July 1856 in Smiljan.", False),
        ("2,249 yards.", "Peyton Manning threw for 2,249 yards.", False),
        ("Martin Luther", "This early part of Luther's career was productive.", False),
        ("the King", "He became the King—an office he held for life.", False),  # a dash parts words
        ("a few words …", "anything", False),  # an ellipsis after a space is not a cut word
        ("Smil", "", False),  # nothing to compare with and no ellipsis: not counted
        ("", "anything", False),
    ],
)
def test_cut_mid_word(short: str, evidence: str, cut: bool) -> None:
    assert is_cut(short, evidence) is cut


# --- the numbers from records ---------------------------------------------------------------


def test_numbers_per_mode_from_answers() -> None:
    q_a = question("a", ("308",), "lookup", ("Super_Bowl_50.md",))
    q_b = question("b", ("2,249",), "lookup", ("docs/super_bowl_50.MD",))
    q_c = question("c", ("Panthers",), "compare", ("Super_Bowl_50.md", "Nikola_Tesla.md"))
    q_d = question("d", ("1856",), "lookup")  # answerable, no expected document
    q_e = question("e", (), "unanswerable")
    q_f = question("f", (), "unanswerable")
    stats = ModeStats("auto")
    add_answer(
        stats,
        q_a,
        answer("308 points", route="instant", documents=("Super_Bowl_50.md",), confidence="high"),
    )
    add_answer(
        stats,
        q_b,
        answer(
            "2,2… — “Peyton Manning threw for 2,249 yards.”",
            documents=("Nikola_Tesla.md", "Super_Bowl_50.md"),  # only the first citation counts
            short_answer="2,2",
        ),
    )
    add_answer(
        stats,
        q_c,
        answer("Panthers and Tesla", route="summary:compare", documents=("Nikola_Tesla.md",)),
    )
    add_answer(
        stats,
        q_d,
        answer("1856", route="instant", documents=("Nikola_Tesla.md",), confidence="high"),
    )
    add_answer(
        stats,
        q_e,
        answer("Canberra", route="instant", documents=("Nikola_Tesla.md",), confidence="low"),
    )
    add_answer(
        stats,
        q_f,
        answer("The documents do not say.", route="abstain", abstained=True, confidence="low"),
    )
    s = stats.summary(0.0, 10.0, 2.5, ["lookup", "compare", "unanswerable"])
    assert s["accuracy"] == pytest.approx(5 / 6, abs=1e-4)  # b's quote holds 2,249
    assert s["by_kind"] == {
        "lookup": {"questions": 3, "accuracy": 1.0},
        "compare": {"questions": 1, "accuracy": 1.0},
        "unanswerable": {"questions": 2, "accuracy": 0.5},
    }
    # a: right; b: first citation is the wrong file; c: one of the two. d has no doc.
    assert s["right_document_questions"] == 3
    assert s["right_document_rate"] == pytest.approx(2 / 3, abs=1e-4)
    # Instant: a and d of four answerable questions; a, d right, e (unanswerable) wrong.
    assert s["instant_hit_rate"] == 0.5
    assert s["instant_precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["instant_on_unanswerable"] == 1
    assert s["correct_abstention_rate"] == 0.5
    calibration = s["calibration"]
    assert calibration["high"] == {
        "answers": 2,
        "share": pytest.approx(1 / 3, abs=1e-4),
        "accuracy": 1.0,
    }
    assert calibration["medium"]["answers"] == 2 and calibration["medium"]["accuracy"] == 1.0
    assert calibration["low"] == {
        "answers": 2,
        "share": pytest.approx(1 / 3, abs=1e-4),
        "accuracy": 0.5,
    }
    assert s["cut_answers"] == 1  # "2,2…"
    # Short answers: 10 ("308 points"), 3 ("2,2"), 18, 4, 8; the abstention has none.
    assert s["median_short_answer_chars"] == 8


def test_gain_in_points() -> None:
    with_notes = {
        "accuracy": 0.6,
        "answerable_accuracy": 0.5,
        "correct_abstention_rate": 1.0,
        "right_document_rate": 0.75,
        "by_kind": {"lookup": {"accuracy": 0.5}, "summary": {"accuracy": 1.0}},
    }
    without = {
        "accuracy": 0.55,
        "answerable_accuracy": 0.375,
        "correct_abstention_rate": 1.0,
        "right_document_rate": 0.8,
        "by_kind": {"lookup": {"accuracy": 0.5}, "summary": {"accuracy": 0.0}},
    }
    gain = sleep_time_gain(with_notes, without)
    assert gain["answerable_points"] == 12.5
    assert gain["overall_points"] == 5.0
    assert gain["correct_abstention_points"] == 0.0
    assert gain["right_document_points"] == -5.0
    assert gain["by_kind_points"] == {"lookup": 0.0, "summary": 100.0}
    assert sleep_time_gain({"by_kind": None}, {})["by_kind_points"] is None


# --- replay: the no-digest pass is cheap ------------------------------------------------------


def test_replay_answers_a_seen_prompt_from_memory() -> None:
    inner = FakeEngine(responder=lambda messages, options: "same " + messages[-1]["content"])
    engine = ReplayEngine(inner)
    messages: list[Message] = [{"role": "user", "content": "one"}]
    first = engine.complete(messages, GenerationOptions(max_tokens=4))
    engine.replaying = True
    again = engine.complete(messages, GenerationOptions(max_tokens=4))
    assert again.text == first.text and again.usage == first.usage
    assert len(inner.calls) == 1 and engine.replayed == 1
    engine.complete(messages, GenerationOptions(max_tokens=5))  # other options: a new call
    engine.complete([{"role": "user", "content": "two"}], GenerationOptions(max_tokens=4))
    assert len(inner.calls) == 3 and engine.replayed == 1
    engine.replaying = False
    engine.complete(messages, GenerationOptions(max_tokens=4))  # not replaying: the model runs
    assert len(inner.calls) == 4
    assert engine.count_prompt_tokens(messages) == inner.count_prompt_tokens(messages)


# --- the whole run --------------------------------------------------------------------------


def test_bench_with_kinds_and_documents(
    digested: Library, settings: Settings, tmp_path: Path
) -> None:
    engine = FakeEngine(responder=reply)
    questions = load_questions(write_questions(tmp_path / "q.jsonl", KINDED))
    report = run_bench(digested.store, engine, settings, questions, raw_sample=2)
    modes = report["modes"]
    auto, plain = modes["auto"], modes[NO_DIGEST]
    assert plain["questions"] == 5 and report["digest_notes"] == 7 and report["warnings"] == []
    gain = report["sleep_time_gain"]
    assert gain["answerable_points"] == round(
        100 * (auto["answerable_accuracy"] - plain["answerable_accuracy"]), 1
    )
    assert gain["overall_points"] == round(100 * (auto["accuracy"] - plain["accuracy"]), 1)
    # Without notes nothing is anticipated, so nothing is instant.
    assert auto["instant_hit_rate"] == 0.5 and auto["instant_precision"] == 1.0
    assert plain["instant_hits"] == 0 and plain["instant_hit_rate"] == 0.0
    assert auto["instant_on_unanswerable"] == 0
    # The comparison comes from the digest's summaries and cross-document notes only.
    assert auto["by_kind"]["compare"] == {"questions": 1, "accuracy": 1.0}
    assert gain["by_kind_points"]["compare"] == 100.0
    assert report["kinds"] == ["lookup", "multi-hop", "compare", "unanswerable"]
    for mode in ("reference", "auto", NO_DIGEST, "learned", "raw"):
        assert set(modes[mode]["by_kind"]) <= set(report["kinds"])
    assert auto["right_document_questions"] == 4 and auto["right_document_rate"] == 1.0
    assert modes["raw"]["right_document_questions"] == 2  # a and c were sampled
    assert (
        auto["calibration"]["medium"]["answers"]
        + auto["calibration"]["high"]["answers"]
        + (auto["calibration"]["low"]["answers"])
        == 5
    )
    assert modes["reference"]["calibration"] is None  # the reference has no confidence
    assert auto["cut_answers"] == 0 and auto["median_short_answer_chars"] > 0
    # Without the digest the prompt's library line is the documents' names, not the brief, so
    # the no-digest pass runs prompts of its own; none of them ran twice.
    learned_calls = [c for c in engine.calls if c.purpose == "answer:learned"]
    prompts = {tuple((m["role"], m["content"]) for m in c.messages) for c in learned_calls}
    assert len(prompts) == len(learned_calls)  # no prompt ran twice
    table = format_report(report)
    assert f"sleep-time gain: {gain['answerable_points']:+.1f} points" in table
    assert "auto (no digest)" in table and "accuracy by kind" in table
    assert "calibration" in table and "right doc" in table
    assert all(len(line) <= 100 for line in table.splitlines()), max(table.splitlines(), key=len)


def test_bench_without_kinds_or_documents(
    digested: Library, settings: Settings, tmp_path: Path
) -> None:
    questions = load_questions(write_questions(tmp_path / "q.jsonl", PLAIN))
    report = run_bench(digested.store, FakeEngine(responder=reply), settings, questions)
    modes = report["modes"]
    assert report["kinds"] == [] and modes["auto"]["by_kind"] is None
    assert modes["auto"]["right_document_rate"] is None
    assert modes["auto"]["right_document_questions"] == 0
    assert report["warnings"] == []
    table = format_report(report)
    assert "accuracy by kind" not in table and "sleep-time gain:" in table
    assert all(len(line) <= 100 for line in table.splitlines())


def test_undigested_library_warns_and_gains_nothing(
    library: Library, settings: Settings, tmp_path: Path
) -> None:
    items = [*KINDED, {"id": "z", "question": "What?", "answers": ["x"], "doc": "Missing.pdf"}]
    questions = load_questions(write_questions(tmp_path / "q.jsonl", items))
    engine = FakeEngine(responder=reply)
    report = run_bench(library.store, engine, settings, questions, raw_sample=0)
    assert report["digest_notes"] == 0
    assert report["sleep_time_gain"]["answerable_points"] == 0.0
    assert report["sleep_time_gain"]["overall_points"] == 0.0
    records = report["records"]
    assert [r["correct"] for r in records[NO_DIGEST]] == [r["correct"] for r in records["auto"]]
    warnings = report["warnings"]
    assert any("Missing.pdf" in w and "not in the library" in w for w in warnings)
    assert any("no digest notes" in w for w in warnings)
    table = format_report(report)
    assert "warning: 1 document(s) the questions name are not in the library: Missing.pdf" in table


def test_bench_command_warns_on_stderr(
    digested: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    items = [*KINDED[:2], {"id": "z", "question": "What?", "answers": ["x"], "doc": "Gone.md"}]
    path = write_questions(tmp_path / "q.jsonl", items)
    args = Namespace(questions=str(path), json=True, plot=None, limit=None)
    assert run_bench_command(args) == 0
    captured = capsys.readouterr()
    assert "warning: 1 document(s) the questions name are not in the library: Gone.md" in (
        captured.err
    )
    report = json.loads(captured.out)
    assert (
        report["warnings"]
        and "sleep_time_gain" in report
        and report["kinds"] == ["lookup", "other"]
    )
    for key in (
        "by_kind",
        "right_document_rate",
        "instant_hit_rate",
        "instant_precision",
        "instant_on_unanswerable",
        "calibration",
        "cut_answers",
        "median_short_answer_chars",
        "replayed",
    ):
        assert key in report["modes"][NO_DIGEST], key
