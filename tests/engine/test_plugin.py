"""`NOCTURNE_ENGINE=package.module:callable`: an engine plugged in from outside the package.

A value that leads to an engine is used for both roles and reported by `engine_choice`; any other
value is one sentence naming the variable and the value, in the code and through the CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nocturne.engine.base import GenerationOptions
from nocturne.engine.factory import engine_choice, make_engine, make_tokenizer
from nocturne.engine.plugin import load_engine_plugin, plugin_spec
from nocturne.errors import KnownError, ModelError
from nocturne.settings import Settings
from nocturne.sleeptime.grammars import QUESTION_GRAMMAR

from fakes.engine import FakeEngine
from support import FAKE_ENGINE, SAMPLES, cli_env

PLUGINS = """
from fakes.engine import FakeEngine
from nocturne.errors import KnownError

NOT_CALLABLE = 3
roles = []


def without_role():
    return FakeEngine(model_id="no-role-model")


def with_role(role):
    roles.append(role)
    return FakeEngine(model_id=f"{role}-model")


class Factories:
    @staticmethod
    def nested(role="answer"):
        return FakeEngine(model_id="nested-model")


def raises(role):
    raise RuntimeError("the GPU is on fire")


def says_why(role):
    raise KnownError("the server is down.")


def not_an_engine():
    return "an engine"
"""


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`engine_plugins` (factories good and bad), `broken_plugin` (raises when imported) and
    `needy_plugin` (needs a module that is not installed), importable here and in a
    subprocess."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "engine_plugins.py").write_text(PLUGINS, encoding="utf-8")
    (folder / "broken_plugin.py").write_text("raise ValueError('bad config')\n", encoding="utf-8")
    (folder / "needy_plugin.py").write_text("import no_such_dependency\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    for name in ("engine_plugins", "broken_plugin", "needy_plugin"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return folder


def message(spec: str) -> str:
    with pytest.raises(ModelError) as caught:
        load_engine_plugin(spec, "answer")
    return caught.value.message


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("fake", "it must name an engine factory as package.module:callable"),
        ("engine_plugins:", "it must name an engine factory as package.module:callable"),
        (":with_role", "it must name an engine factory as package.module:callable"),
        ("no_such_module:make", "the module no_such_module cannot be found"),
        (
            "needy_plugin:make",
            "the module needy_plugin cannot be found "
            "(it needs no_such_dependency, which is not installed)",
        ),
        ("broken_plugin:make", "importing broken_plugin failed: ValueError: bad config"),
        ("engine_plugins:missing", "the module engine_plugins has no missing"),
        ("engine_plugins:Factories.gone", "the module engine_plugins has no Factories.gone"),
        ("engine_plugins:NOT_CALLABLE", "NOT_CALLABLE in engine_plugins is not callable"),
        ("engine_plugins:raises", "its factory failed: RuntimeError: the GPU is on fire"),
        ("engine_plugins:says_why", "its factory failed: the server is down"),
        (
            "engine_plugins:not_an_engine",
            "its factory returned str, not an engine (see engine/base.py)",
        ),
    ],
)
def test_a_value_that_gives_no_engine_says_why_in_one_sentence(
    plugins: Path, spec: str, reason: str
) -> None:
    assert message(spec) == f"NOCTURNE_ENGINE={spec!r} does not give an engine: {reason}."


def test_the_factory_gets_the_role_when_it_takes_one(plugins: Path) -> None:
    import engine_plugins

    assert load_engine_plugin("engine_plugins:with_role", "digest").model_id == "digest-model"
    assert load_engine_plugin("engine_plugins:without_role", "digest").model_id == "no-role-model"
    nested = load_engine_plugin("engine_plugins:Factories.nested", "digest")
    assert nested.model_id == "nested-model"
    assert engine_plugins.roles == ["digest"]


def test_a_plugged_in_engine_serves_both_roles_and_is_reported(
    plugins: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.set("digest_engine", "remote")  # the plug-in wins over the settings
    monkeypatch.setenv("NOCTURNE_ENGINE", "engine_plugins:with_role")
    assert plugin_spec() == "engine_plugins:with_role"
    for role in ("digest", "answer"):
        choice = engine_choice(settings, role)
        assert (choice.kind, choice.model, choice.where) == (
            "plugin",
            f"{role}-model",
            "engine_plugins:with_role",
        )
        assert choice.usable and choice.model_id == f"{role}-model"
        assert choice.line() == f"{role}: plugin engine_plugins:with_role, {role}-model"
        assert make_engine(settings, role).model_id == f"{role}-model"
    assert make_tokenizer(settings).count_tokens("two words") == 2


def test_an_unusable_plugin_is_reported_and_refused(
    plugins: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", "engine_plugins:missing")
    choice = engine_choice(settings, "digest")
    assert not choice.usable and choice.model_id is None
    assert choice.model == (
        "no engine (NOCTURNE_ENGINE='engine_plugins:missing' does not give an engine: "
        "the module engine_plugins has no missing.)"
    )
    with pytest.raises(KnownError, match="the module engine_plugins has no missing"):
        make_engine(settings, "answer")
    with pytest.raises(KnownError, match="the module engine_plugins has no missing"):
        make_tokenizer(settings)


def test_an_empty_value_means_no_plugin(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", "  ")
    assert plugin_spec() is None
    assert engine_choice(settings, "answer").kind == "local"


def test_the_tests_fake_engine_digests_with_canned_replies(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    monkeypatch.setenv("NOCTURNE_FAKE_DELAY", "0.25")
    digest = make_engine(settings, "digest")
    answer = make_engine(settings, "answer")
    assert isinstance(digest, FakeEngine) and isinstance(answer, FakeEngine)
    assert digest.delay_s == 0.25 and answer.delay_s == 0.0
    prompt = [{"role": "user", "content": "Write a question about this sentence: Rent is due."}]
    asked = digest.complete(prompt, GenerationOptions(grammar=QUESTION_GRAMMAR)).text
    assert asked == "What about rent due?"
    assert answer.complete(prompt).text == "I do not know."


def cli(home: Path, plugins: Path, spec: str, *args: str) -> subprocess.CompletedProcess[str]:
    pythonpath = os.pathsep.join([str(plugins), os.environ["PYTHONPATH"]])
    return subprocess.run(
        [sys.executable, "-m", "nocturne", *args],
        env=cli_env(home, NOCTURNE_ENGINE=spec, PYTHONPATH=pythonpath),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("fake", "it must name an engine factory as package.module:callable"),
        ("engine_plugins:missing", "the module engine_plugins has no missing"),
        ("engine_plugins:raises", "its factory failed: RuntimeError: the GPU is on fire"),
    ],
)
def test_the_cli_says_why_a_plugin_gives_no_engine(
    home: Path, plugins: Path, spec: str, reason: str
) -> None:
    expected = f"nocturne: error: NOCTURNE_ENGINE={spec!r} does not give an engine: {reason}.\n"
    added = cli(home, plugins, spec, "add", str(SAMPLES / "lisbon-trip-notes.txt"))
    assert (added.returncode, added.stderr) == (1, expected)
    asked = cli(home, plugins, spec, "ask", "What is the rent?")
    assert (asked.returncode, asked.stderr) == (1, expected)


def test_the_cli_runs_with_a_plugged_in_engine(home: Path, plugins: Path) -> None:
    added = cli(
        home, plugins, "engine_plugins:with_role", "add", str(SAMPLES / "lisbon-trip-notes.txt")
    )
    assert added.returncode == 0, added.stderr
    status = cli(home, plugins, "engine_plugins:with_role", "status")
    assert status.returncode == 0, status.stderr
    assert "digest: plugin engine_plugins:with_role, digest-model" in status.stdout
    assert "answer: plugin engine_plugins:with_role, answer-model" in status.stdout
