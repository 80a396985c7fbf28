"""What `status` reports about the digest, before, during and after."""

from __future__ import annotations

from collections.abc import Callable

from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.digest_report import (
    digest_status,
    document_progress,
    expected_model_id,
    format_digest_status,
)
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


def test_status_before_any_digest(store: Store, library: Library) -> None:
    docs = library()
    report = digest_status(store, "low")
    assert report["steps_done"] == 0 and report["steps_total"] > 0
    assert report["kept"] == 0 and report["sleep_tokens"] == 0
    progress = document_progress(store, "low")
    assert progress[docs["oil"]]["state"] == "queued"
    assert progress[docs["oil"]]["fraction"] == 0.0


def test_status_counts_kept_dropped_and_tokens(store: Store, library: Library) -> None:
    docs = library()
    engine = FakeEngine(default_reply="What is the answer to this question?")
    runner = DigestRunner(store, engine, "medium")

    def stop_after_three(event: DigestEvent) -> None:
        if event.kind == STEP and event.done == 3:
            runner.stop()

    runner.on_event = stop_after_three
    runner.run()
    partial = digest_status(store, "medium")
    assert partial["steps_done"] == 3 < partial["steps_total"]
    DigestRunner(store, engine, "medium").run()
    report = digest_status(store, "medium")
    assert report["steps_done"] == report["steps_total"]
    assert report["notes"]["fact"]["kept"] > 0
    assert report["dropped"] > 0  # every invented question was dropped
    assert "question" not in report["notes"] or all(
        r["prompt_version"] == "question:template-v1"
        for r in store.query("SELECT prompt_version FROM notes WHERE kind = 'question'")
    )
    logged = store.scalar("SELECT SUM(prompt_tokens + completion_tokens) FROM model_calls")
    assert report["sleep_tokens"] == report["sleep_tokens_logged"] == logged > 0
    progress = document_progress(store, "medium")
    assert progress[docs["oil"]]["fraction"] == 1.0 and progress[docs["oil"]]["notes"] > 0
    assert report["documents"][str(docs["forest"])]["state"] == "ready"
    text = format_digest_status(report)
    assert f"{report['steps_done']}/{report['steps_total']} steps" in text
    assert f"{report['dropped']} dropped" in text


def test_steps_of_another_model_do_not_count_as_done(
    store: Store, library: Library, settings: Settings
) -> None:
    library()
    DigestRunner(store, FakeEngine(model_id="old-model"), "low").run()
    assert digest_status(store, "low")["steps_done"] > 0
    assert digest_status(store, "low", "old-model")["steps_done"] > 0
    assert digest_status(store, "low", "new-model")["steps_done"] == 0
    assert expected_model_id(settings) == "SmolLM2-135M-Instruct.Q4_1.gguf"
