"""`nocturne bench` with the fake engine: scoring, sampling, sweeps, table, plot, command."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import pytest

from nocturne.answer.bench import (
    BenchQuestion,
    evenly_spaced,
    is_correct,
    is_cut,
    load_questions,
    run_bench,
    run_bench_command,
)
from nocturne.answer.bench_report import format_report, write_plot
from nocturne.errors import KnownError
from nocturne.settings import Settings

from .conftest import Library
from fakes.engine import FakeEngine
from support import FAKE_ENGINE

QUESTIONS = [
    {
        "id": "a",
        "question": "How many points did the Panthers defense give up?",
        "answers": ["308"],
    },
    {"id": "b", "question": "How many yards did Peyton Manning throw for?", "answers": ["2,249"]},
    {
        "id": "c",
        "question": "What is the capital of Australia?",
        "answers": [],
        "unanswerable": True,
    },
    {"id": "d", "question": "When was Nikola Tesla born?", "answers": ["1856"]},
    {"id": "e", "question": "When was Peyton Manning born?", "answers": [], "unanswerable": True},
]


def write_questions(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(item) for item in items) + "\n", encoding="utf-8")
    return path


def test_scoring_rules() -> None:
    answerable = BenchQuestion("1", "q", ("308",), False)
    assert is_correct(answerable, "They gave up 308 points", abstained=False)
    assert not is_correct(answerable, "308", abstained=True)
    assert not is_correct(answerable, "300", abstained=False)
    unanswerable = BenchQuestion("2", "q", (), True)
    assert is_correct(unanswerable, "The documents do not say.", abstained=True)
    assert not is_correct(unanswerable, "Canberra", abstained=False)


def test_load_questions(tmp_path: Path) -> None:
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    loaded = load_questions(path, limit=3)
    assert [q.id for q in loaded] == ["a", "b", "c"]
    assert loaded[2].unanswerable and not loaded[0].unanswerable
    (tmp_path / "bad.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(KnownError, match=r"bad\.jsonl:1"):
        load_questions(tmp_path / "bad.jsonl")
    with pytest.raises(KnownError):
        load_questions(tmp_path / "missing.jsonl")


def test_raw_sample_is_evenly_spaced() -> None:
    assert evenly_spaced(10, 20) == set(range(10))
    assert evenly_spaced(10, 5) == {0, 2, 4, 6, 8}


def test_run_bench_reports_every_mode(
    digested: Library, settings: Settings, tmp_path: Path
) -> None:
    def reply(messages, options):  # type: ignore[no-untyped-def]
        text = messages[-1]["content"]
        return "2,249 yards" if "2,249" in text else "I do not know"

    engine = FakeEngine(responder=reply)
    questions = load_questions(write_questions(tmp_path / "q.jsonl", QUESTIONS))
    report = run_bench(digested.store, engine, settings, questions, raw_sample=2)
    modes = report["modes"]
    assert report["raw_sampled"] == 2 and modes["raw"]["questions"] == 2
    assert modes["auto"]["questions"] == modes["learned"]["questions"] == 5
    assert modes["auto"]["instant_hits"] == 2  # a and d were anticipated
    assert modes["auto"]["answerable_accuracy"] == 1.0
    assert modes["auto"]["unanswerable"] == 2
    # The reference quotes whatever sentence matches some words: it invents for e.
    assert modes["reference"]["invention_rate"] == 0.5
    assert report["sleep_time_tokens"] == 1400
    assert report["sleep_time_tokens_per_document"] == 700
    costs = modes["learned"]["cost_per_question"]
    tokens = modes["learned"]["mean_test_time_tokens"]
    assert costs["1"]["tokens"] == pytest.approx(tokens + 700 / 10, abs=0.1)
    assert costs["100"]["tokens"] == pytest.approx(tokens + 700 / 1000, abs=0.1)
    assert modes["raw"]["cost_per_question"]["1"]["tokens"] == modes["raw"]["mean_test_time_tokens"]
    assert report["instant_sweep"]["grid"][0]["hits"] >= 2
    assert report["abstention_sweep"]["grid"][0]["unanswerable_abstained"] == 0.5
    table = format_report(report)
    assert "best BM25 sentence" in table and "instant threshold sweep" in table
    plot = tmp_path / "bench.png"
    write_plot(report, str(plot))
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_command_json(
    digested: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    path = write_questions(tmp_path / "q.jsonl", QUESTIONS)
    args = Namespace(questions=str(path), json=True, plot=None, limit=2)
    assert run_bench_command(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 2
    assert set(report["modes"]) == {"raw", "learned", "auto", "auto_no_digest", "reference"}


def test_a_phrase_cut_mid_word_is_told_from_one_ending_in_a_one_letter_word() -> None:
    """ "Two complexity classes between L and P" was counted as cut: "p" begins "Proving", a
    word of the quote. A one-letter word that ends a phrase is whole."""
    assert is_cut("born in Smil", "Nikola Tesla was born in Smiljan.")
    assert is_cut("leaves at 18", "The flight leaves at 18:40.")
    assert is_cut("the tank holds 1.8 lit…", "The tank holds 1.8 litres.")
    assert not is_cut("Two complexity classes between L and P", "Proving that any of these …")
    assert not is_cut("born in Smiljan", "Nikola Tesla was born in Smiljan.")
