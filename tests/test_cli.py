"""The command line through a real subprocess, with NOCTURNE_HOME in a temporary folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nocturne.answer import plain
from nocturne.answer.result import Answer, Savings, SleepShare, Timing
from nocturne.engine.base import Usage
from nocturne.library.store import Store

from support import FAKE_ENGINE, SAMPLES, cli_env


def nocturne(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nocturne", *args],
        capture_output=True,
        text=True,
        env=cli_env(home, **env),
        timeout=300,
    )


def test_version_and_help(home: Path) -> None:
    assert nocturne(home, "--version").stdout.startswith("nocturne ")
    help_text = nocturne(home, "--help").stdout
    for command in ("gui", "add", "digest", "ask", "status", "bench", "daemon"):
        assert command in help_text


def test_add_then_status_json(home: Path, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("The deposit is two months of rent.")
    (tmp_path / "b.txt").write_bytes(b"")
    added = nocturne(
        home, "add", str(tmp_path / "a.md"), str(tmp_path / "b.txt"), NOCTURNE_ENGINE=FAKE_ENGINE
    )
    assert added.returncode == 1
    report = json.loads(nocturne(home, "status", "--json", NOCTURNE_ENGINE=FAKE_ENGINE).stdout)
    by_name = {d["name"]: d for d in report["documents"]}
    assert by_name["a.md"]["chunks"] == 1 and by_name["a.md"]["error"] is None
    assert by_name["b.txt"]["state"] == "error" and by_name["b.txt"]["error"] == "the file is empty"
    assert report["totals"]["documents"] == 2 and report["totals"]["errors"] == 1
    again = nocturne(home, "add", str(tmp_path / "a.md"), NOCTURNE_ENGINE=FAKE_ENGINE)
    assert again.returncode == 0 and again.stdout.startswith("unchanged")


def test_ask_with_an_empty_library_says_so(home: Path) -> None:
    run = nocturne(
        home, "ask", "What is the rent?", "--mode", "raw", "--json", NOCTURNE_ENGINE=FAKE_ENGINE
    )
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["citations"] == []
    assert answer["answer"].startswith("Your library is empty: add documents first")
    auto = nocturne(home, "ask", "What is the rent?", "--json", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert json.loads(auto.stdout)["answer"] == json.loads(run.stdout)["answer"]


GUIDE = """# Widget guide

## 1 Introduction

The widget is a small tool for sorting bolts.

## 2 Setup

Install the widget by running the setup script. The setup script needs about 40 megabytes of disk
space.
"""


def test_ask_shows_the_section_of_each_source(home: Path, tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    assert nocturne(home, "add", str(guide), NOCTURNE_ENGINE=FAKE_ENGINE).returncode == 0
    question = "How much disk space does the setup script need?"
    plain = nocturne(home, "ask", question, NOCTURNE_ENGINE=FAKE_ENGINE)
    assert plain.returncode == 0, plain.stderr
    assert "40 megabytes" in plain.stdout
    assert "Sources:\n  - guide.md › 2 Setup\n" in plain.stdout
    run = nocturne(home, "ask", question, "--json", NOCTURNE_ENGINE=FAKE_ENGINE)
    answer = json.loads(run.stdout)
    assert answer["citations"][0]["document"] == "guide.md"
    assert answer["citations"][0]["section"] == "2 Setup"
    assert answer["confidence"] in ("high", "medium", "low")


LEASE = (
    "Residential lease agreement. The lease runs for twelve months from 1 March 2025. "
    "The deposit is two months of rent and is returned within 30 days after the lease ends."
)


def test_an_answer_citing_a_file_changed_since_it_was_read_says_so(
    home: Path, tmp_path: Path
) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    assert nocturne(home, "add", str(guide), NOCTURNE_ENGINE=FAKE_ENGINE).returncode == 0
    question = "How much disk space does the setup script need?"
    assert "Note:" not in nocturne(home, "ask", question, NOCTURNE_ENGINE=FAKE_ENGINE).stdout
    guide.write_text(GUIDE + "\n\nThe script now needs 80 megabytes.", encoding="utf-8")
    plain = nocturne(home, "ask", question, NOCTURNE_ENGINE=FAKE_ENGINE)
    assert plain.returncode == 0, plain.stderr
    assert "Sources:\n  - guide.md › 2 Setup\nNote: guide.md changed since it was read: " in (
        plain.stdout
    )
    status = nocturne(home, "status", NOCTURNE_ENGINE=FAKE_ENGINE).stdout
    assert "guide.md  (" in status and ") — changed since read: run `nocturne add` again" in status
    guide.unlink()
    run = nocturne(home, "ask", question, "--json", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert json.loads(run.stdout)["sources_note"].startswith(
        "Note: guide.md is no longer there (file missing): "
    )


def test_plain_ask_shows_kind_confidence_and_savings_in_words(home: Path, tmp_path: Path) -> None:
    lease = tmp_path / "lease.txt"
    lease.write_text(LEASE, encoding="utf-8")
    assert nocturne(home, "add", str(lease), NOCTURNE_ENGINE=FAKE_ENGINE).returncode == 0
    answered = nocturne(home, "ask", "How much is the deposit?", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert answered.returncode == 0, answered.stderr
    lines = answered.stdout.splitlines()
    confidence = json.loads(
        nocturne(
            home, "ask", "How much is the deposit?", "--json", NOCTURNE_ENGINE=FAKE_ENGINE
        ).stdout
    )["confidence"]
    kind = "best guess — check the source" if confidence == "low" else f"{confidence} confidence"
    assert f"learned · {kind}" in lines
    savings = lines[-1]
    # The model's phrase, or a quote with no model at all: either way, what it saved in words.
    assert (" tokens instead of " in savings and "fewer" in savings) or (
        "no model needed (reading the documents: " in savings
    )
    assert " instead of $" in savings
    # Before any digest the answer comes from the documents' own sentences, and says so.
    assert savings.startswith("Answered from the documents' own sentences: ")
    for jargon in ("sleep-time share", "baseline", "digest tokens", "$0.00000"):
        assert jargon not in answered.stdout

    absent = nocturne(home, "ask", "What is the Wi-Fi password?", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert absent.returncode == 0, absent.stderr
    assert absent.stdout.splitlines()[-2:] == [
        "not in your documents",
        "No answer, so nothing saved.",
    ]
    assert "instead of 0" not in absent.stdout and "$0.0" not in absent.stdout

    pending = nocturne(home, "ask", "Summarize the lease", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert pending.returncode == 0, pending.stderr
    assert "no summary yet" in pending.stdout.splitlines()
    assert pending.stdout.splitlines()[-1].startswith("Summaries are written by the digest: run")
    assert "`nocturne digest`" in pending.stdout


def test_ask_think_harder_reads_passages_one_by_one_and_says_so(home: Path, tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    assert nocturne(home, "add", str(guide), NOCTURNE_ENGINE=FAKE_ENGINE).returncode == 0
    question = "What is the widget for?"
    run = nocturne(home, "ask", question, "--think-harder", "--json", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["mode"] in ("instant", "learned", "raw")  # the contract's modes only
    assert answer["mode"] == "learned"
    assert answer["note"].startswith("Thought harder:") and "one by one" in answer["note"]
    plain_run = nocturne(home, "ask", question, "--think-harder", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert plain_run.returncode == 0, plain_run.stderr
    assert plain_run.stdout.splitlines()[-1] == answer["note"]
    with Store.open() as store:  # the fake model is no large model: it never read raw pages
        purposes = {row[0] for row in store.query("SELECT purpose FROM model_calls")}
    assert "answer:harder" in purposes and "answer:raw" not in purposes
    assert "note" not in json.loads(
        nocturne(home, "ask", question, "--json", NOCTURNE_ENGINE=FAKE_ENGINE).stdout
    )


def fake_answer(text: str, **changes: Any) -> Answer:
    fields: dict[str, Any] = {
        "answer": text,
        "mode": "learned",
        "citations": [],
        "usage": Usage(50, 10),
        "baseline": Usage(1100, 31),
        "baseline_method": "raw-bm25-prompt-tokenized",
        "savings": Savings(1071, 18.85, 0.00096, 0.00113),
        "timing": Timing(0.14, 0.5),
        "sleep": SleepShare(1551, 155.1),
        "route": "learned",
        "learned_evidence": True,
        "confidence": "medium",
    }
    return Answer(**(fields | changes))


def test_savings_lines_are_plain_words_with_their_numbers() -> None:
    learned = plain.savings_line(fake_answer("x"))
    assert learned == (
        "Answered from what Nocturne learned: 60 tokens instead of 1,131 (19× fewer), 0.50 s"
        " · $0.00017 instead of $0.0011."
        " Counts 155 of the 1,551 tokens spent learning these documents, shared with the other"
        " questions about them."
    )
    own = plain.savings_line(fake_answer("x", learned_evidence=False), 3.0 / 1131)
    assert own.startswith(
        "Answered from the documents' own sentences: 60 tokens instead of 1,131 (19× fewer),"
        " 0.50 s instead of about 3 s"
    )
    first = plain.savings_line(fake_answer("x", sleep=SleepShare(1551, 1551.0)))
    assert first.endswith(
        "Counts all 1,551 tokens spent learning these documents (the first question about them)."
    )
    instant = plain.savings_line(fake_answer("x", mode="instant", usage=Usage(), route="instant"))
    assert instant == (
        "Instant answer from what Nocturne learned: no model needed, 0.50 s"
        " (reading the documents: 1,131 tokens)."
    )
    none = fake_answer(
        "The documents do not say.",
        usage=Usage(),
        baseline=Usage(),
        savings=Savings(0, 0.0, 0.0, 0.0),
        sleep=SleepShare(0, 0.0),
        abstained=True,
        route="abstain",
    )
    assert plain.savings_line(none) == "No answer, so nothing saved."
    assert plain.plain_output(none) == ["not in your documents", "No answer, so nothing saved."]
    raw = plain.savings_line(fake_answer("x", mode="raw", usage=Usage(1100, 31)))
    assert (
        raw
        == "Read the documents themselves: 1,131 tokens in 0.50 s (the full cost; nothing saved)."
    )
    low = plain.plain_output(fake_answer("x", confidence="low"))
    assert low[0] == "learned · best guess — check the source"


def test_a_streamed_phrase_the_answer_dropped_is_erased_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a terminal the answer streams; what streamed and then changed is erased, so only the
    final answer stays, and the core's "(not supported …)" note is never printed."""
    import contextlib
    import types

    import nocturne.answer.ask
    import nocturne.answer.follow_up
    import nocturne.engine.factory
    import nocturne.engine.logged
    from nocturne import cli

    final = "“The water tank holds 1.8 litres.”"

    def ask(*_args: Any, on_text: Any = None, **_kw: Any) -> Answer:
        for delta in (
            "The tank holds",
            " 2 litres",
            "\n(not supported by the sources; the best passage says:) " + final,
        ):
            on_text(delta)
        return fake_answer(final)

    monkeypatch.setattr(nocturne.answer.ask, "ask", ask)
    monkeypatch.setattr(nocturne.answer.follow_up, "just_asked", lambda *_a: [])
    monkeypatch.setattr(nocturne.engine.factory, "make_engine", lambda *_a: None)
    monkeypatch.setattr(nocturne.engine.logged, "LoggedEngine", lambda *_a: None)
    writable = types.SimpleNamespace(can_write=lambda: True)
    monkeypatch.setattr(cli, "_store", lambda: contextlib.nullcontext(writable))
    monkeypatch.setattr(cli, "_settings", lambda: None)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert cli.main(["ask", "How much does the water tank hold?"]) == 0
    out = capsys.readouterr().out
    assert "not supported" not in out
    streamed, rest = out.split("\x1b[J", 1)
    assert streamed.startswith("The tank holds 2 litres") and streamed.endswith("\r")
    assert rest.startswith(final + "\n")


def test_unknown_setting_values_are_reported(home: Path) -> None:
    config = home / "config"
    config.mkdir(parents=True)
    (config / "settings.json").write_text('{"threads": "many"}')
    run = nocturne(home, "status")
    assert run.returncode == 1
    assert "setting 'threads' must be a whole number" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.integration
def test_ask_raw_json_cites_the_right_page_with_the_real_model(home: Path) -> None:
    assert nocturne(home, "add", str(SAMPLES)).returncode == 0
    run = nocturne(home, "ask", "How much is the security deposit?", "--mode", "raw", "--json")
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["mode"] == "raw"
    assert set(answer) >= {"answer", "citations", "usage", "baseline", "savings", "timing", "sleep"}
    assert {k: answer["citations"][0][k] for k in ("document", "page")} == {
        "document": "lease-agreement.pdf",
        "page": 2,
    }
    # What the 135M model writes after reading raw chunks is not reliable (raw mode is the
    # baseline; `nocturne bench` measures it): the contract and the cited page are what count.
    assert answer["answer"].strip()
    assert answer["usage"]["prompt_tokens"] > 100
    assert answer["timing"]["first_token_s"] <= answer["timing"]["total_s"]
    status = json.loads(nocturne(home, "status", "--json").stdout)
    logged = status["totals"]["tokens_by_purpose"]["answer:raw"]
    assert logged == answer["usage"]["prompt_tokens"] + answer["usage"]["completion_tokens"]


def test_a_follow_up_in_the_terminal_is_read_with_the_question_just_asked(
    home: Path, tmp_path: Path
) -> None:
    (tmp_path / "lease.txt").write_text(
        "The monthly rent is 1,200 euros. The rent is due on the third working day of each "
        "month. The deposit is 2,400 euros.",
        encoding="utf-8",
    )
    assert nocturne(home, "add", str(tmp_path / "lease.txt"), NOCTURNE_ENGINE=FAKE_ENGINE)
    first = nocturne(home, "ask", "How much is the rent?", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert first.returncode == 0, first.stderr
    assert "Read with your question" not in first.stdout
    second = nocturne(
        home, "ask", "And when is it due?", "--json", "--follow-up", NOCTURNE_ENGINE=FAKE_ENGINE
    )
    assert json.loads(second.stdout)["follows"] == "How much is the rent?"
    third = nocturne(
        home, "ask", "Is it late on the fifth?", "--follow-up", NOCTURNE_ENGINE=FAKE_ENGINE
    )
    # read with the chain of questions it carries on, from the one that started it
    assert "Read with your questions “How much is the rent? And when is it due?" in third.stdout
    fresh = nocturne(
        home, "ask", "And when is it due?", "--fresh", "--json", NOCTURNE_ENGINE=FAKE_ENGINE
    )
    assert "follows" not in json.loads(fresh.stdout)
    alone = nocturne(home, "ask", "And when is it due?", "--json", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert "follows" not in json.loads(alone.stdout)  # a script's questions are each their own


@pytest.mark.parametrize(
    ("tty", "flags", "expected"),
    [
        (True, {}, True),  # a person typing at a terminal
        (True, {"json": True}, False),
        (True, {"fresh": True}, False),
        (False, {}, False),  # piped: a script's separate questions
        (False, {"follow_up": True, "json": True}, True),
    ],
)
def test_follow_ups_are_read_at_a_terminal_or_when_asked_for(
    monkeypatch: pytest.MonkeyPatch, tty: bool, flags: dict[str, bool], expected: bool
) -> None:
    import argparse

    from nocturne import cli

    monkeypatch.setattr(sys.stdin, "isatty", lambda: tty)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    args = argparse.Namespace(**{"fresh": False, "follow_up": False, "json": False, **flags})
    assert cli._reads_follow_ups(args) is expected


def test_add_fails_only_for_a_file_it_was_given_by_name(home: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lease.txt").write_text(LEASE, encoding="utf-8")
    (docs / "junk.pdf").write_bytes(b"%PDF-1.4 not really")
    folder = nocturne(home, "add", str(docs), NOCTURNE_ENGINE=FAKE_ENGINE)
    assert folder.returncode == 0, folder.stderr
    assert f"error     {docs}/junk.pdf: " in folder.stdout
    assert folder.stderr == "nocturne: 1 file(s) could not be added\n"
    named = nocturne(home, "add", str(docs / "junk.pdf"), NOCTURNE_ENGINE=FAKE_ENGINE)
    assert named.returncode == 1
    assert named.stderr == "nocturne: 1 file(s) could not be added\n"


def test_a_rebuild_with_files_that_cannot_be_read_lists_them_and_succeeds(
    home: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lease.txt").write_text(LEASE, encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    assert nocturne(home, "add", str(docs), NOCTURNE_ENGINE=FAKE_ENGINE).returncode == 0
    assert nocturne(home, "backup").returncode == 0
    database = home / "library.sqlite3"
    data = bytearray(database.read_bytes())
    data[0:16] = b"garbage garbage!"  # the header is gone: the paths come from the backup
    database.write_bytes(bytes(data))
    rebuilt = nocturne(home, "rebuild", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"added     {docs}/lease.txt (1 chunk)" in rebuilt.stdout
    assert f"error     {docs}/empty.txt: the file is empty" in rebuilt.stdout
    assert rebuilt.stderr == "nocturne: 1 file(s) could not be added\n"
    (docs / "lease.txt").unlink()
    database.write_bytes(b"garbage garbage!" + database.read_bytes()[16:])
    nothing = nocturne(home, "rebuild", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert nothing.returncode == 1
    assert nothing.stderr.endswith("nocturne: none of the documents could be added again\n")


def test_status_of_a_library_whose_search_index_is_damaged_says_so_as_ask_does(
    home: Path, tmp_path: Path
) -> None:
    from support import damage_pages_of

    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    assert nocturne(home, "add", str(guide), NOCTURNE_ENGINE=FAKE_ENGINE).returncode == 0
    with Store.open(home / "library.sqlite3") as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage_pages_of(home / "library.sqlite3", "chunks_fts_data")
    asked = nocturne(home, "ask", "How much disk space?", NOCTURNE_ENGINE=FAKE_ENGINE)
    status = nocturne(home, "status", NOCTURNE_ENGINE=FAKE_ENGINE)
    assert (asked.returncode, status.returncode) == (1, 1)
    assert "is damaged" in status.stderr and "`nocturne rebuild`" in status.stderr
    assert status.stderr == asked.stderr
    assert status.stdout == ""
