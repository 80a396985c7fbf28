"""Counting tokens the way the server does, or saying plainly that the count is an estimate.

The dialects (llama.cpp, llama-cpp-python, vLLM, none) come from a scripted server on loopback.
"""

from __future__ import annotations

import pytest
from remote_servers import Reply, ScriptedServer, SleepRecorder

from nocturne.engine.base import Message
from nocturne.engine.remote import RemoteEngine
from nocturne.engine.remote_http import ServerClient
from nocturne.engine.remote_tokens import (
    CACHE_SIZE,
    TEMPLATE_TOKENS_PER_MESSAGE,
    RemoteTokenizer,
    estimate_tokens,
)

CHAT: list[Message] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello"},
]


def engine_for(server: ScriptedServer, sleep: SleepRecorder, **kwargs: object) -> RemoteEngine:
    return RemoteEngine(server.url, "m", sleep=sleep, **kwargs)  # type: ignore[arg-type]


def tokenizer_for(server: ScriptedServer, model: str = "") -> RemoteTokenizer:
    return RemoteTokenizer(ServerClient(server.url, sleep=lambda _s: None), model)


def test_tokens_are_counted_by_the_llama_cpp_tokenizer(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", "/tokenize", Reply(body={"tokens": [5, 6, 7, 8]}))
    engine = engine_for(scripted, no_wait)
    assert engine.count_tokens("four tokens here please") == 4
    assert engine.token_count_is_estimate is False
    assert scripted.requests_to("/tokenize")[-1].body["content"] == "four tokens here please"


def test_without_a_tokenizer_endpoint_counts_are_estimates_and_say_so(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    engine = engine_for(scripted, no_wait)  # every endpoint but chat answers 404
    assert engine.token_count_is_estimate is True
    assert engine.count_tokens("one two three four") == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("one two three four", 4),  # words outnumber length / 4 (18 / 4 -> 4)
        ("a, b; c.", 6),  # each symbol is a token
        ("internationalisation", 5),  # one long word: about four characters a token
        ("x" * 41, 10),
    ],
)
def test_the_estimate_is_words_and_symbols_or_four_characters_a_token(
    text: str, expected: int
) -> None:
    assert estimate_tokens(text) == expected


def test_llama_cpp_python_is_found_at_extras_tokenize(scripted: ScriptedServer) -> None:
    scripted.on("POST", "/extras/tokenize", Reply(body={"tokens": [1, 2, 3]}))
    tokenizer = tokenizer_for(scripted)
    assert tokenizer.count("three tokens here") == 3
    assert (tokenizer.kind, tokenizer.is_estimate) == ("llama-cpp-python", False)
    assert scripted.requests_to("/extras/tokenize")[-1].body == {"input": "three tokens here"}
    # llama.cpp's path was tried first, once, at discovery only.
    assert len(scripted.requests_to("/tokenize")) == 1


def test_vllm_is_told_apart_by_its_count_and_named_the_model(scripted: ScriptedServer) -> None:
    scripted.on("POST", "/tokenize", Reply(body={"count": 7, "max_model_len": 4096}))
    tokenizer = tokenizer_for(scripted, model="qwen")
    assert tokenizer.count("anything") == 7
    assert tokenizer.kind == "vllm"
    assert all(seen.body["model"] == "qwen" for seen in scripted.requests_to("/tokenize"))


def test_a_text_counted_once_is_not_sent_again(scripted: ScriptedServer) -> None:
    scripted.on("POST", "/tokenize", Reply(body={"tokens": [1, 2]}))
    tokenizer = tokenizer_for(scripted)
    assert [tokenizer.count("same text") for _ in range(3)] == [2, 2, 2]
    assert tokenizer.count("") == 0  # never sent
    sent = [seen.body["content"] for seen in scripted.requests_to("/tokenize")]
    assert sent == ["Nocturne counts tokens.", "same text"]


def test_the_cache_forgets_the_least_recently_counted_text(scripted: ScriptedServer) -> None:
    tokenizer = tokenizer_for(scripted)  # no endpoint: estimates, still cached
    tokenizer.count("first")
    for i in range(CACHE_SIZE - 1):
        tokenizer.count(f"text {i}")
    tokenizer.count("first")  # used again: now the most recent
    tokenizer.count("one more")  # pushes out the oldest, "text 0"
    assert "first" in tokenizer._cache and "text 0" not in tokenizer._cache
    assert len(tokenizer._cache) == CACHE_SIZE


def test_a_tokenizer_that_goes_away_falls_back_to_estimates_for_good(
    scripted: ScriptedServer,
) -> None:
    scripted.on(
        "POST",
        "/tokenize",
        Reply(body={"tokens": [1]}),  # discovery
        Reply(404, {"detail": "Not Found"}),  # the server was swapped for one without it
    )
    tokenizer = tokenizer_for(scripted)
    assert tokenizer.count("one two three") == 3
    assert tokenizer.is_estimate is True
    asked = len(scripted.requests_to("/tokenize"))
    assert tokenizer.count("a b c d") == 4
    assert len(scripted.requests_to("/tokenize")) == asked  # not asked again


def test_llama_cpp_renders_its_template_and_counts_it_with_special_tokens(
    scripted: ScriptedServer,
) -> None:
    scripted.on("POST", "/tokenize", Reply(body={"tokens": list(range(12))}))
    scripted.on("POST", "/apply-template", Reply(body={"prompt": "<|im_start|>system ..."}))
    assert tokenizer_for(scripted).count_messages_exactly(CHAT) == 12
    assert scripted.requests_to("/apply-template")[0].body == {"messages": CHAT}
    assert scripted.requests_to("/tokenize")[-1].body == {
        "content": "<|im_start|>system ...",
        "add_special": True,
        "parse_special": True,
    }


def test_without_a_template_endpoint_there_is_no_exact_count(scripted: ScriptedServer) -> None:
    assert tokenizer_for(scripted).count_messages_exactly(CHAT) is None  # estimate
    scripted.on("POST", "/extras/tokenize", Reply(body={"tokens": [1]}))
    assert tokenizer_for(scripted).count_messages_exactly(CHAT) is None  # llama-cpp-python
    scripted.on("POST", "/tokenize", Reply(body={"tokens": [1]}))  # llama.cpp, no template
    assert tokenizer_for(scripted).count_messages_exactly(CHAT) is None


def test_contents_are_counted_with_the_role_markers_around_each_message(
    scripted: ScriptedServer,
) -> None:
    tokenizer = tokenizer_for(scripted)  # estimates: "Be brief." 3, "Hello" 1
    assert tokenizer.count_contents(CHAT) == 3 + 1 + 2 * TEMPLATE_TOKENS_PER_MESSAGE
    assert tokenizer.count_contents([]) == 0
