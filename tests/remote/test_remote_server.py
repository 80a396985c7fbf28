"""The remote engine against a real server: llama-cpp-python's, serving the bundled model.

This is what a GPU box running llama.cpp looks like from Nocturne, only smaller. Prompts are kept
short: the machine is small and shared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from remote_servers import LlamaServer, SleepRecorder

from nocturne.engine.base import GenerationOptions, Message
from nocturne.engine.local import LocalTokenizer
from nocturne.engine.remote import RemoteEngine
from nocturne.engine.remote_batch import CompletionRequest, RequestPool
from nocturne.errors import ModelError
from nocturne.keychain import set_secret
from nocturne.settings import Settings

pytestmark = pytest.mark.slow

QUESTION: list[Message] = [
    {"role": "system", "content": "Answer in one short sentence."},
    {"role": "user", "content": "What colour is the sky on a clear day?"},
]
SHORT = GenerationOptions(max_tokens=12)


def test_complete_reports_the_servers_usage(llama_server: LlamaServer, gguf: Path) -> None:
    engine = RemoteEngine(llama_server.url)
    completion = engine.complete(QUESTION, SHORT)
    assert completion.text.strip()
    assert 0 < completion.usage.completion_tokens <= 12
    assert completion.usage.prompt_tokens == engine.count_prompt_tokens(QUESTION)
    assert completion.model_id == engine.model_id
    assert Path(engine.model_id).name == gguf.name  # llama-cpp-python names models by path


def test_stream_matches_complete_and_counts_its_usage(llama_server: LlamaServer) -> None:
    engine = RemoteEngine(llama_server.url)
    whole = engine.complete(QUESTION, SHORT)
    stream = engine.stream(QUESTION, SHORT)
    pieces = list(stream)
    assert len(pieces) > 1
    assert stream.completion is not None
    assert "".join(pieces) == stream.completion.text == whole.text  # greedy, same seed
    # llama-cpp-python's stream carries no usage: it is counted with the server's tokenizer.
    assert stream.completion.usage == whole.usage
    assert 0 < stream.completion.first_token_s <= stream.completion.seconds


def test_tokens_are_counted_by_the_servers_tokenizer(llama_server: LlamaServer, gguf: Path) -> None:
    engine = RemoteEngine(llama_server.url)
    text = "Sleep-time compute turns raw context into learned context, offline."
    assert engine.token_count_is_estimate is False
    assert engine.count_tokens(text) == LocalTokenizer(gguf).count_tokens(text)


def test_a_grammar_constrains_the_servers_output(llama_server: LlamaServer) -> None:
    engine = RemoteEngine(llama_server.url)
    options = GenerationOptions(max_tokens=4, grammar='root ::= "yes" | "no"')
    assert engine.complete(QUESTION, options).text in {"yes", "no"}


def test_context_overflow_is_a_clear_error(llama_server: LlamaServer) -> None:
    engine = RemoteEngine(llama_server.url, fallback_context_size=100_000)
    long: list[Message] = [{"role": "user", "content": "word " * 2100}]
    with pytest.raises(ModelError, match="too long for the remote model's context"):
        engine.complete(long, SHORT)
    assert engine.context_size == 2048


def test_concurrent_requests_all_come_back(llama_server: LlamaServer) -> None:
    engine = RemoteEngine(llama_server.url, concurrency=2)
    requests = [
        CompletionRequest(
            [{"role": "user", "content": f"Name a colour number {i}."}],
            GenerationOptions(max_tokens=4),
            "digest",
            key=i,
        )
        for i in range(3)
    ]
    pool = RequestPool(engine, engine.concurrency)
    try:
        results = [future.result(timeout=300) for future in map(pool.submit, requests)]
    finally:
        pool.close()
    assert sorted(r.request.key for r in results) == [0, 1, 2]
    assert all(r.error is None and r.completion is not None for r in results)


def test_the_right_key_from_the_keyring_is_accepted(
    keyed_server: LlamaServer, settings: Settings
) -> None:
    settings.set("remote_url", keyed_server.url)
    set_secret("right-key")
    assert RemoteEngine.from_settings(settings).complete(QUESTION, SHORT).text


def test_a_wrong_key_is_a_clear_error(keyed_server: LlamaServer, settings: Settings) -> None:
    settings.set("remote_url", keyed_server.url)
    settings.set("remote_model", "smollm2")
    set_secret("wrong-key")
    engine = RemoteEngine.from_settings(settings, sleep=SleepRecorder())
    with pytest.raises(ModelError, match="refused the API key"):
        engine.complete(QUESTION, SHORT)


def test_no_key_at_all_is_a_clear_error(keyed_server: LlamaServer) -> None:
    engine = RemoteEngine(keyed_server.url, "smollm2")
    with pytest.raises(ModelError, match="needs an API key"):
        engine.complete(QUESTION, SHORT)


def test_a_killed_server_is_unreachable_after_retries(own_server: LlamaServer) -> None:
    waits = SleepRecorder()
    engine = RemoteEngine(own_server.url, sleep=waits)
    assert engine.complete(QUESTION, GenerationOptions(max_tokens=2)).text
    own_server.kill()
    with pytest.raises(ModelError, match=r"cannot reach .*gave up after 4 attempts"):
        engine.complete(QUESTION, SHORT)
    assert waits.waits == [0.5, 1.0, 2.0]
