"""Describing both engines from settings, and the remote connection check."""

from __future__ import annotations

import pytest
from remote_servers import Reply, ScriptedServer, chat_reply, free_port

from nocturne.engine.engine_report import check_remote, engine_choices
from nocturne.engine.factory import engine_choice
from nocturne.keychain import set_secret
from nocturne.settings import Settings

from support import FAKE_ENGINE


def test_digest_and_answer_engines_are_described_separately(settings: Settings) -> None:
    settings.set("remote_url", "http://gpu-box:8080/v1")
    settings.set("remote_model", "qwen2.5-14b-instruct")
    settings.set("digest_engine", "remote")
    choices = engine_choices(settings)
    assert choices["digest"] == {
        "role": "digest",
        "kind": "remote",
        "model": "qwen2.5-14b-instruct",
        "where": "http://gpu-box:8080/v1",
    }
    assert choices["answer"]["kind"] == "local"
    assert choices["answer"]["model"].endswith(".gguf")
    assert engine_choice(settings, "digest").line() == (
        "digest: remote, qwen2.5-14b-instruct at http://gpu-box:8080/v1"
    )


def test_the_local_model_is_named_without_opening_it(settings: Settings) -> None:
    settings.set("model_path", "/nowhere/model.gguf")
    assert engine_choice(settings, "answer").line() == "answer: local, model.gguf"


def test_check_remote_reports_model_context_and_tokenizer(
    scripted: ScriptedServer, settings: Settings
) -> None:
    scripted.on("GET", "/v1/models", Reply(body={"data": [{"id": "big", "max_model_len": 32768}]}))
    scripted.on("POST", "/tokenize", Reply(body={"count": 3, "tokens": [1, 2, 3]}))
    scripted.on("POST", "/v1/chat/completions", Reply(body=chat_reply("OK")))
    settings.set("remote_url", scripted.url)
    set_secret("k")
    check = check_remote(settings)
    assert check.ok, check.message
    assert (check.model_id, check.context_size, check.token_counts) == (
        "big",
        32768,
        "server tokenizer",
    )
    assert scripted.requests_to("/v1/chat/completions")[0].body["max_tokens"] == 1


def test_check_remote_fails_fast_with_the_reason(settings: Settings) -> None:
    settings.set("remote_url", f"http://127.0.0.1:{free_port()}/v1")
    settings.set("remote_model", "m")
    waits: list[float] = []
    check = check_remote(settings, sleep=waits.append)
    assert not check.ok
    assert "cannot reach" in check.message
    assert waits == []  # one attempt only


def test_one_choice_decides_the_engine_the_status_and_the_digest_model(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nocturne.engine.factory import make_engine
    from nocturne.sleeptime.digest_report import expected_model_id

    from fakes.engine import FakeEngine

    settings.set("remote_url", "http://gpu-box:8080/v1")
    settings.set("remote_model", "qwen2.5-14b-instruct")
    settings.set("digest_engine", "remote")
    assert expected_model_id(settings) == "qwen2.5-14b-instruct"
    assert engine_choice(settings, "answer").model_id == expected_model_id(
        Settings({"digest_engine": "local"})
    )
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    assert engine_choice(settings, "digest").kind == "plugin"
    assert engine_choice(settings, "digest").line() == f"digest: plugin {FAKE_ENGINE}, fake-model"
    assert isinstance(make_engine(settings, "digest"), FakeEngine)
    assert expected_model_id(settings) == FakeEngine().model_id
