from pathlib import Path

import pytest

from nocturne.engine.base import Engine, GenerationOptions
from nocturne.engine.local import LocalEngine, LocalTokenizer
from nocturne.engine.logged import LoggedEngine
from nocturne.library.store import Store

from fakes.engine import FakeEngine


def test_fake_engine_replays_and_records() -> None:
    engine = FakeEngine(["first reply", "second"])
    assert isinstance(engine, Engine)
    one = engine.complete([{"role": "user", "content": "hi there"}], purpose="t")
    stream = engine.stream([{"role": "user", "content": "again"}], GenerationOptions(max_tokens=5))
    assert list(stream) == ["second"]
    assert one.text == "first reply" and one.usage.completion_tokens == 2
    assert stream.completion is not None and stream.completion.text == "second"
    assert [c.purpose for c in engine.calls] == ["t", ""]


def test_every_call_is_logged_with_its_purpose(store: Store) -> None:
    engine = LoggedEngine(FakeEngine(["an answer here"]), store)
    engine.complete([{"role": "user", "content": "question words"}], purpose="answer:raw")
    row = store.query("SELECT * FROM model_calls")[0]
    assert row["purpose"] == "answer:raw" and row["completion_tokens"] == 3
    assert row["prompt_tokens"] > 0 and row["seconds"] >= 0


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
