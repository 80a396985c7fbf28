"""Which engine each role uses, decided once from settings and the environment.

`engine_choice` must say what `make_engine` will build, without loading a model or opening a
connection; a plug-in (NOCTURNE_ENGINE) overrides both roles.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from remote_servers import ScriptedServer

from nocturne.engine import model_file
from nocturne.engine.factory import (
    EngineChoice,
    engine_choice,
    make_engine,
    make_tokenizer,
)
from nocturne.engine.local import LocalEngine
from nocturne.engine.remote import RemoteEngine
from nocturne.errors import ModelError
from nocturne.settings import Settings

from fakes.engine import FakeEngine
from support import FAKE_ENGINE


def test_the_factory_builds_a_remote_engine_for_the_digest_only(
    scripted: ScriptedServer, settings: Settings
) -> None:

    settings.set("remote_url", scripted.url)
    settings.set("digest_engine", "remote")
    assert isinstance(make_engine(settings, role="digest"), RemoteEngine)


def test_the_local_model_is_named_without_opening_it(settings: Settings) -> None:
    settings.set("model_path", "/nowhere/model.gguf")
    assert engine_choice(settings, "answer").line() == "answer: local, model.gguf"


def test_one_choice_decides_the_engine_the_status_and_the_digest_model(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:

    from nocturne.sleeptime.digest_report import expected_model_id

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


def test_a_remote_choice_without_a_model_name_is_the_servers_model() -> None:
    choice = EngineChoice("digest", "remote", "", "http://gpu-box:8080/v1")
    assert choice.line() == "digest: remote, the server's model at http://gpu-box:8080/v1"
    assert choice.model_id is None  # the server says which, when asked
    assert EngineChoice("answer", "local", "m.gguf", "/m/m.gguf").model_id == "m.gguf"


def test_the_answer_role_may_be_remote_while_the_digest_stays_local(settings: Settings) -> None:
    settings.set("answer_engine", "remote")
    settings.set("remote_url", "http://gpu-box:8080/v1")
    settings.set("model_path", "/models/small.gguf")
    assert engine_choice(settings, "answer").kind == "remote"
    digest = engine_choice(settings, "digest")
    assert (digest.kind, digest.model, digest.where) == (
        "local",
        "small.gguf",
        "/models/small.gguf",
    )


def test_the_model_in_the_environment_wins_over_the_setting(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.set("model_path", "/models/small.gguf")
    monkeypatch.setenv("NOCTURNE_MODEL", "/elsewhere/big.gguf")
    assert engine_choice(settings, "answer").where == "/elsewhere/big.gguf"


def test_no_model_at_all_is_an_unusable_choice_that_says_why(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model_file, "bundled_model_path", lambda: None)
    choice = engine_choice(settings, "answer")
    assert (choice.kind, choice.usable, choice.model_id) == ("local", False, None)
    assert choice.model.startswith("no model (no model is configured and the bundled model")


def test_a_plugin_that_gives_no_engine_is_an_unusable_choice_and_a_clear_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", "no_such_module_here:factory")
    choice = engine_choice(settings, "digest")
    assert (choice.kind, choice.usable, choice.model_id) == ("plugin", False, None)
    assert "the module no_such_module_here cannot be found" in choice.model
    assert choice.where == "no_such_module_here:factory"
    with pytest.raises(ModelError, match="NOCTURNE_ENGINE='no_such_module_here:factory'"):
        make_engine(settings, "digest")


def test_a_local_model_file_is_checked_before_llama_cpp_sees_it(
    settings: Settings, tmp_path: Path
) -> None:
    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_text("these are notes, not weights")
    settings.set("model_path", str(not_a_model))
    with pytest.raises(ModelError, match="not a GGUF model file"):
        make_engine(settings, "answer")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        make_tokenizer(settings)


def test_the_plugins_engine_counts_tokens_for_chunking(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    tokenizer = make_tokenizer(settings)
    assert isinstance(tokenizer, FakeEngine)
    assert tokenizer.count_tokens("three small words") == 3


@pytest.mark.integration
def test_the_local_engine_is_built_with_the_settings_context_and_threads(
    settings: Settings, model_path: Path
) -> None:
    settings.set("context_size", 1024)
    settings.set("threads", 1)
    engine = make_engine(settings, "answer")
    assert isinstance(engine, LocalEngine)
    assert (engine.path, engine.context_size, engine.threads) == (model_path, 1024, 1)
