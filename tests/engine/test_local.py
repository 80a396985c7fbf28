"""llama.cpp in this process: prompts, budgets, token counts and threads.

Most tests run `LocalEngine` on a fake llama object (no weights, nothing sleeps); the few marked
`integration` use the bundled model with short prompts and a handful of tokens.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nocturne.engine.base import GenerationOptions, Message
from nocturne.engine.local import (
    LocalEngine,
    LocalTokenizer,
    _quiet_stderr,
    default_thread_plan,
)
from nocturne.engine.model_file import physical_cores
from nocturne.engine.threads import ThreadPlan
from nocturne.errors import ModelError

# On the fake llama (a token per word, no chat template) this renders to 5 tokens.
QUESTION: list[Message] = [{"role": "user", "content": "one two three"}]


# -- with the bundled model ---------------------------------------------------------------------


@pytest.mark.integration
def test_local_engine_streams_with_usage_and_timing(real_engine: LocalEngine) -> None:
    messages = [{"role": "user", "content": "Say hello."}]
    stream = real_engine.stream(messages, GenerationOptions(max_tokens=8))
    pieces = list(stream)
    completion = stream.completion
    assert completion is not None
    assert "".join(pieces) == completion.text
    assert 0 < completion.usage.completion_tokens <= 8
    assert completion.usage.prompt_tokens == real_engine.count_prompt_tokens(messages)
    assert 0 < completion.first_token_s <= completion.seconds
    assert real_engine.model_id.endswith(".gguf") and real_engine.context_size == 2048


@pytest.mark.integration
def test_grammar_constrains_the_output(real_engine: LocalEngine) -> None:
    grammar = 'root ::= ("yes" | "no")'
    completion = real_engine.complete(
        [{"role": "user", "content": "Is water wet?"}],
        GenerationOptions(max_tokens=4, grammar=grammar),
    )
    assert completion.text in {"yes", "no"}


@pytest.mark.integration
def test_tokenizer_matches_the_engine(real_engine: LocalEngine, model_path: Path) -> None:
    tokenizer = LocalTokenizer(model_path)
    text = "The security deposit equals two months' rent: 2,500 euros."
    listed = real_engine.llama.tokenize(text.encode(), add_bos=False, special=False)
    assert tokenizer.count_tokens(text) == real_engine.count_tokens(text) == len(listed) > 5
    assert tokenizer.count_tokens("") == 0


@pytest.mark.integration
def test_a_grammar_llama_cpp_cannot_parse_is_an_error_not_a_crash(
    real_engine: LocalEngine,
) -> None:
    """llama-cpp-python parses the grammar only once sampling starts and then dies on a NULL
    sampler (SIGSEGV): the engine parses it first."""
    with pytest.raises(ModelError, match="invalid GBNF grammar"):
        real_engine.complete(QUESTION, GenerationOptions(max_tokens=2, grammar="nonsense"))
    after = real_engine.complete(QUESTION, GenerationOptions(max_tokens=2))  # still serving
    assert after.usage.prompt_tokens == real_engine.count_prompt_tokens(QUESTION)


# -- the thread count follows the load, on the loaded context ------------------------------


class FakeLlama:
    """Enough of llama_cpp.Llama for LocalEngine: tokens, a two-token completion, metadata."""

    def __init__(self) -> None:
        self.metadata: dict[str, str] = {}
        self.calls: list[str] = []

    def tokenize(self, data: bytes, special: bool = False) -> list[int]:
        return list(range(len(data.split())))

    def create_completion(self, tokens: list[int], **kw: Any) -> Iterator[dict[str, Any]]:
        self.calls.append("complete")
        yield {"choices": [{"text": "forty", "finish_reason": None}]}
        yield {"choices": [{"text": " two", "finish_reason": "stop"}]}

    def reset(self) -> None:
        self.calls.append("reset")

    def eval(self, tokens: list[int]) -> None:
        self.calls.append("eval")


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeLlama, list[int]]:
    llama = FakeLlama()
    applied: list[int] = []
    monkeypatch.setattr("nocturne.engine.local._load_llama", lambda path, **kw: llama)
    monkeypatch.setattr(
        "nocturne.engine.local.set_llama_threads", lambda _llama, n: applied.append(n)
    )
    return llama, applied


def _engine(readings: list[float | None]) -> Any:
    values = iter(readings)
    return LocalEngine(Path("model.gguf"), thread_plan=ThreadPlan(2, 2, lambda: next(values)))


def test_each_call_runs_with_the_threads_the_load_leaves(
    fake_model: tuple[FakeLlama, list[int]],
) -> None:
    _, applied = fake_model
    engine = _engine([0.0, 2.0, 1.9, 0.1])
    messages: list[Message] = [{"role": "user", "content": "how many?"}]
    threads = [engine.complete(messages, GenerationOptions()).threads for _ in range(4)]
    assert threads == [2, 1, 1, 2]
    # Only changes reach llama.cpp (loaded with 2): 2 -> 1, then 1 -> 2. No reload.
    assert applied == [1, 2]
    assert engine.threads_now == 2


class LongLlama(FakeLlama):
    def create_completion(self, tokens: list[int], **kw: Any) -> Iterator[dict[str, Any]]:
        for word in ("one", " two", " three"):
            yield {"choices": [{"text": word, "finish_reason": None}]}
        yield {"choices": [{"text": "", "finish_reason": "stop"}]}


def test_a_long_call_refits_its_threads_between_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A busy program starting mid-call (or a digest resumed beside one) must not leave the
    call on the threads it started with: a starved thread would hold every token back."""
    applied: list[int] = []
    monkeypatch.setattr("nocturne.engine.local._load_llama", lambda path, **kw: LongLlama())
    monkeypatch.setattr(
        "nocturne.engine.local.set_llama_threads", lambda _llama, n: applied.append(n)
    )
    readings = iter([0.0, 0.0, 1.0, 1.0, 1.0])  # quiet at the start, one core busy after
    engine = LocalEngine(Path("model.gguf"), thread_plan=ThreadPlan(2, 2, lambda: next(readings)))
    engine.refit_every_s = 0.0  # every token
    done = engine.complete([{"role": "user", "content": "count"}], GenerationOptions())
    assert done.text == "one two three"
    assert applied == [1]  # 2 at the start, 1 from the second token on
    assert done.threads == 1 and engine.threads_now == 1


# -- on a fake llama object -----------------------------------------------------------------


class ScriptedLlama(FakeLlama):
    """Streams the chunks it is given ((text, finish_reason) pairs); records the call's options."""

    def __init__(self, chunks: list[tuple[str, str | None]]) -> None:
        super().__init__()
        self.chunks = chunks
        self.options: dict[str, Any] = {}

    def create_completion(self, tokens: list[int], **kw: Any) -> Iterator[dict[str, Any]]:
        self.options = kw
        for text, finish in self.chunks:
            yield {"choices": [{"text": text, "finish_reason": finish}]}


def _scripted(
    monkeypatch: pytest.MonkeyPatch, chunks: list[tuple[str, str | None]], context_size: int
) -> tuple[LocalEngine, ScriptedLlama]:
    llama = ScriptedLlama(chunks)
    monkeypatch.setattr("nocturne.engine.local._load_llama", lambda path, **kw: llama)
    plan = ThreadPlan(1, 1, lambda: None, adaptive=False)
    return LocalEngine(Path("m.gguf"), context_size=context_size, thread_plan=plan), llama


def test_a_prompt_longer_than_the_context_is_refused_before_generating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, llama = _scripted(monkeypatch, [("x", "stop")], context_size=5)
    with pytest.raises(ModelError, match=r"come to 5 tokens, and the model reads 5 at most"):
        engine.complete(QUESTION)
    assert llama.options == {}  # nothing was generated


def test_the_answer_is_capped_by_what_the_context_leaves_and_options_are_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, llama = _scripted(monkeypatch, [("x", "stop")], context_size=8)
    engine.complete(QUESTION, GenerationOptions(max_tokens=64, temperature=0.5, seed=7))
    assert llama.options["max_tokens"] == 3  # 8 - 5 prompt tokens
    assert (llama.options["temperature"], llama.options["seed"]) == (0.5, 7)
    assert llama.options["stop"] is None and llama.options["stream"] is True
    engine.complete(QUESTION, GenerationOptions(max_tokens=2, stop=("\n", ".")))
    assert (llama.options["max_tokens"], llama.options["stop"]) == (2, ["\n", "."])


@pytest.mark.parametrize(
    ("chunks", "text", "tokens", "finish"),
    [
        ([("Lis", None), ("bon", None), ("", "length")], "Lisbon", 2, "length"),
        # A stop-sequence check may hold text back until the closing chunk: it is a token too.
        ([("Lis", None), ("bon", "stop")], "Lisbon", 2, "stop"),
        ([("", "stop")], "", 0, "stop"),
    ],
)
def test_completion_tokens_count_sampled_tokens_not_the_closing_chunk(
    monkeypatch: pytest.MonkeyPatch,
    chunks: list[tuple[str, str | None]],
    text: str,
    tokens: int,
    finish: str,
) -> None:
    engine, _ = _scripted(monkeypatch, chunks, context_size=64)
    done = engine.complete(QUESTION)
    assert (done.text, done.usage.completion_tokens, done.finish_reason) == (text, tokens, finish)
    assert done.usage.prompt_tokens == 5
    assert (done.model_id, done.threads) == ("m.gguf", 1)
    assert 0 < done.first_token_s <= done.seconds


def test_a_model_without_a_chat_template_gets_plain_role_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, _ = _scripted(monkeypatch, [], context_size=64)
    messages: list[Message] = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Why?"},
    ]
    assert engine.render(messages) == "system: Be brief.\nuser: Why?\nassistant: "
    assert engine.count_prompt_tokens(messages) == 6


def test_the_models_chat_template_is_applied_with_its_own_special_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, llama = _scripted(monkeypatch, [], context_size=64)
    llama.metadata["tokenizer.chat_template"] = (
        "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{{ eos_token }}"
        "{% endfor %}[assistant]"
    )
    llama.token_bos = lambda: -1  # type: ignore[attr-defined]  # this model has none
    llama.token_eos = lambda: 2  # type: ignore[attr-defined]
    llama.detokenize = lambda tokens, special=False: b"</s>" if tokens == [2] else b""  # type: ignore[attr-defined]
    assert engine.render(QUESTION) == "[user]one two three</s>[assistant]"


def test_a_fixed_thread_plan_is_the_setting_or_one_thread_per_physical_core() -> None:
    plan = default_thread_plan(3, adaptive=False)
    assert (plan.limit, plan.adaptive, plan.choose().threads) == (3, False, 3)
    assert default_thread_plan(0, adaptive=False).limit == physical_cores()


def test_a_missing_model_file_is_a_clear_error_before_llama_cpp(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model file not found"):
        LocalEngine(tmp_path / "absent.gguf")


def test_llama_cpps_chatter_on_stderr_is_kept_off_the_terminal(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with _quiet_stderr():
        os.write(2, b"llama_model_loader: loaded meta data\n")
    os.write(2, b"our own warning\n")
    assert capfd.readouterr().err == "our own warning\n"
