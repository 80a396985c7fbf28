"""Describing both engines from settings, and the remote connection check."""

from __future__ import annotations

import pytest
from remote_servers import Reply, ScriptedServer, chat_reply, free_port

from nocturne.engine import engine_report
from nocturne.engine.engine_report import CHECK_PROMPT, RemoteCheck, check_remote, engine_choices
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


def test_with_a_plugin_both_roles_are_the_plugin(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.set("digest_engine", "remote")
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    plugged = {"kind": "plugin", "model": "fake-model", "where": FAKE_ENGINE}
    assert engine_choices(settings) == {
        "digest": {"role": "digest", **plugged},
        "answer": {"role": "answer", **plugged},
    }


def test_check_remote_without_a_url_says_what_to_set(settings: Settings) -> None:
    check = check_remote(settings)
    assert check.ok is False
    assert "'Remote server URL' is empty" in check.message
    assert (check.model_id, check.context_size, check.token_counts) == ("", 0, "")


def test_check_remote_says_when_token_counts_are_estimated(
    scripted: ScriptedServer, settings: Settings
) -> None:
    scripted.on("POST", "/v1/chat/completions", Reply(body=chat_reply("OK")))
    settings.set("remote_url", scripted.url)
    settings.set("remote_model", "m")
    settings.set("context_size", 3072)  # the server does not say: the setting stands
    check = check_remote(settings)
    assert check.ok, check.message
    assert (check.model_id, check.context_size, check.token_counts) == ("m", 3072, "estimated")
    assert check.message.startswith(f"m answers at {scripted.url} (3072 tokens of context, ")
    assert "token counts: estimated" in check.message
    assert scripted.requests_to("/v1/chat/completions")[0].body["messages"] == CHECK_PROMPT


def test_check_remote_waits_no_longer_than_its_own_timeout(
    scripted: ScriptedServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_report, "CHECK_TIMEOUT_S", 0.3)
    scripted.on("POST", "/v1/chat/completions", Reply(hang=True))
    settings.set("remote_url", scripted.url)
    settings.set("remote_model", "m")
    settings.set("remote_timeout_s", 600)  # a night's patience is not the button's
    check = check_remote(settings)
    assert check.ok is False
    assert "did not answer within 0.3 s" in check.message


def test_a_check_reads_as_a_plain_dict_for_json() -> None:
    check = RemoteCheck(True, "fine", "m", 2048, "estimated", 0.5)
    assert check.as_dict() == {
        "ok": True,
        "message": "fine",
        "model_id": "m",
        "context_size": 2048,
        "token_counts": "estimated",
        "seconds": 0.5,
    }
