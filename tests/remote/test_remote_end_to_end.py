"""A digest and an answer end to end through a real llama.cpp-family server on loopback.

The set-up a person with a GPU box would use: `digest_engine = remote`, `answer_engine = remote`
(or local), the server's tokenizer counting the chunks. And the failure that matters most at
night: the server dies mid-digest; the digest stops with a clear error, keeps every finished
step, and the next run picks up where it stopped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from remote_servers import LlamaServer, SleepRecorder

from nocturne.answer.ask import ask
from nocturne.engine.factory import make_engine
from nocturne.engine.logged import LoggedEngine
from nocturne.engine.remote import RemoteEngine
from nocturne.errors import ModelError
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.plan import plan_digest
from nocturne.sleeptime.runner import DigestRunner

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "lisbon-trip-notes.txt"
MODEL_NAME = "smollm2-on-the-gpu-box"


def use_server(settings: Settings, server: LlamaServer) -> None:
    settings.set("remote_url", server.url)
    settings.set("remote_model", MODEL_NAME)
    settings.set("digest_engine", "remote")
    settings.set("answer_engine", "remote")


def add_sample(store: Store, settings: Settings, engine: RemoteEngine) -> None:
    results = list(add_paths(store, [SAMPLE], settings, engine))
    assert [r.failed for r in results] == [0]


def test_a_digest_and_an_answer_run_through_the_server(
    llama_server: LlamaServer, store: Store, settings: Settings
) -> None:
    use_server(settings, llama_server)
    digest_engine = make_engine(settings, role="digest")
    assert isinstance(digest_engine, RemoteEngine)
    add_sample(store, settings, digest_engine)  # chunked with the server's tokenizer

    result = DigestRunner(store, digest_engine, "low").run()
    assert result.reason == "done"
    assert result.done == result.total > 0
    assert result.kept > 0
    calls = store.query("SELECT model_id, purpose, prompt_tokens FROM model_calls")
    assert calls and all(row["model_id"] == MODEL_NAME for row in calls)
    assert all(row["purpose"].startswith("digest") and row["prompt_tokens"] > 0 for row in calls)

    answer_engine = LoggedEngine(make_engine(settings, role="answer"), store)
    # A question for no number, date or name: the model phrases the answer (a typed one is copied).
    answer = ask(
        store,
        answer_engine,
        "What should we buy at the airport metro station?",
        settings,
        "learned",
    )
    assert answer.mode == "learned"
    assert answer.citations and answer.citations[0].document == SAMPLE.name
    assert answer.usage.prompt_tokens > 0
    answered = store.query("SELECT model_id FROM model_calls WHERE purpose NOT LIKE 'digest%'")
    assert [row["model_id"] for row in answered] == [MODEL_NAME]


def test_a_server_killed_mid_digest_loses_nothing_and_the_rerun_resumes(
    own_server: LlamaServer, store: Store, settings: Settings, gguf: Path, tmp_path: Path
) -> None:
    use_server(settings, own_server)
    no_wait = SleepRecorder()
    engine = RemoteEngine.from_settings(settings, sleep=no_wait)
    add_sample(store, settings, engine)
    total = len(plan_digest(store, "low", MODEL_NAME).pending)
    assert total >= 2

    killed_after: list[int] = []

    def kill_after_first_step(event: DigestEvent) -> None:
        # The first step that asks the model (the structure step before it needs none).
        if event.kind == STEP and event.step_kind == "chunk_notes" and not killed_after:
            killed_after.append(event.done)
            own_server.kill()

    runner = DigestRunner(store, engine, "low", on_event=kill_after_first_step)
    with pytest.raises(ModelError, match="cannot reach the remote server"):
        runner.run()
    assert no_wait.waits == [0.5, 1.0, 2.0]  # retried with backoff before giving up
    finished = store.query("SELECT step_key FROM digest_steps")
    assert len(finished) == killed_after[0] >= 1
    notes_before = {row["id"]: row["text"] for row in store.query("SELECT id, text FROM notes")}
    assert notes_before

    restarted = LlamaServer(gguf, tmp_path / "restarted.log")
    try:
        use_server(settings, restarted)
        result = DigestRunner(store, RemoteEngine.from_settings(settings), "low").run()
    finally:
        restarted.stop()
    assert result.reason == "done"
    assert result.already_done == killed_after[0]
    assert result.done == total - killed_after[0]
    assert plan_digest(store, "low", MODEL_NAME).pending == []
    notes_after = {row["id"]: row["text"] for row in store.query("SELECT id, text FROM notes")}
    assert notes_before.items() <= notes_after.items()  # nothing finished was lost or redone
    assert len(notes_after) > len(notes_before)
