"""The remote engine against a scripted server: retries, errors and server dialects.

Every failure a person can meet must end in one clear sentence, and passing failures (503, 429,
a refused connection) must be retried with backoff; the backoff is recorded, never slept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from remote_servers import Reply, ScriptedServer, SleepRecorder, chat_reply, delta

from nocturne.engine.base import Engine, GenerationOptions, Message
from nocturne.engine.remote import RemoteEngine, context_size_in
from nocturne.engine.remote_tokens import TEMPLATE_TOKENS_PER_MESSAGE, TEMPLATE_TOKENS_PER_PROMPT
from nocturne.errors import ModelError
from nocturne.keychain import set_secret
from nocturne.settings import Settings

CHAT = "/v1/chat/completions"
HELLO: list[Message] = [{"role": "user", "content": "Hello"}]


def engine_for(server: ScriptedServer, sleep: SleepRecorder, **kwargs: object) -> RemoteEngine:
    return RemoteEngine(server.url, "m", sleep=sleep, **kwargs)  # type: ignore[arg-type]


def test_remote_engine_keeps_the_engine_protocol(scripted: ScriptedServer) -> None:
    assert isinstance(RemoteEngine(scripted.url, "m"), Engine)


def test_a_url_that_is_not_http_is_refused_clearly() -> None:
    with pytest.raises(ModelError, match="remote_url must look like"):
        RemoteEngine("gpu-box:8080")


def test_complete_sends_options_and_reads_usage(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(body=chat_reply("Hi there", 11, 2)))
    options = GenerationOptions(max_tokens=9, grammar='root ::= "a"', stop=("\n",))
    completion = engine_for(scripted, no_wait).complete(HELLO, options)
    assert completion.text == "Hi there"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (11, 2)
    sent = scripted.requests_to(CHAT)[0].body
    assert sent["model"] == "m"
    assert sent["max_tokens"] == 9
    assert sent["grammar"] == 'root ::= "a"'
    assert sent["repeat_penalty"] == pytest.approx(1.15)
    assert sent["stop"] == ["\n"]
    assert sent["stream"] is False


def test_stream_yields_deltas_and_takes_usage_from_the_final_event(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    usage_event = {"choices": [], "usage": {"prompt_tokens": 20, "completion_tokens": 2}}
    scripted.on(
        "POST",
        CHAT,
        Reply(
            events=[
                delta("Hel"),
                delta("lo"),
                delta(finish="length"),
                usage_event,
            ]
        ),
    )
    stream = engine_for(scripted, no_wait).stream(HELLO)
    assert list(stream) == ["Hel", "lo"]
    assert stream.completion is not None
    assert stream.completion.text == "Hello"
    assert stream.completion.usage.prompt_tokens == 20
    assert stream.completion.finish_reason == "length"
    assert scripted.requests_to(CHAT)[0].body["stream_options"] == {"include_usage": True}


def test_context_overflow_is_explained_and_teaches_the_context_size(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    message = (
        "This model's maximum context length is 2048 tokens. However, you requested "
        "2139 tokens (2131 in the messages, 8 in the completion)."
    )
    scripted.on(
        "POST", CHAT, Reply(400, {"error": {"message": message, "code": "context_length_exceeded"}})
    )
    engine = engine_for(scripted, no_wait, fallback_context_size=8192)
    with pytest.raises(ModelError, match="too long for the remote model's context"):
        engine.complete(HELLO)
    assert engine.context_size == 2048
    assert no_wait.waits == []


def test_llama_cpp_overflow_wording_is_recognised() -> None:
    assert context_size_in("request (3000 tokens) exceeds the available context size") is None
    from nocturne.engine.remote_http import is_context_overflow

    assert is_context_overflow("the request exceeds the available context size, try increasing")


def test_a_strict_server_gets_the_request_again_without_llama_cpp_fields(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(400, {"error": {"message": "Unrecognized request argument supplied: grammar"}}),
        Reply(body=chat_reply("fine")),
    )
    engine = engine_for(scripted, no_wait)
    assert engine.complete(HELLO, GenerationOptions(grammar='root ::= "x"')).text == "fine"
    first, second = (seen.body for seen in scripted.requests_to(CHAT))
    assert "grammar" in first
    assert "grammar" not in second and "repeat_penalty" not in second


def test_a_server_without_stream_options_is_asked_again_without(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(400, {"detail": "unknown field stream_options"}),
        Reply(events=[delta("ok"), delta(finish="stop")]),
        Reply(body=chat_reply("", prompt_tokens=30)),
    )  # the template-overhead probe
    scripted.on("POST", "/tokenize", Reply(body={"tokens": [1]}))
    completion = engine_for(scripted, no_wait).stream(HELLO).collect()
    assert completion.text == "ok"
    assert "stream_options" not in scripted.requests_to(CHAT)[1].body
    # No usage in the stream: the prompt is counted (the probe "Hi" measured 30 tokens, so the
    # template adds 30 - 1 - 5 beyond role markers; "Hello" is 1 token + 5 markers) and the
    # completion tokenized.
    assert completion.usage.prompt_tokens == 30
    assert completion.usage.completion_tokens == 1


def test_vllm_counts_chat_prompts_with_its_own_template(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST", "/tokenize", Reply(body={"count": 42, "max_model_len": 32768, "tokens": [1] * 42})
    )
    engine = engine_for(scripted, no_wait)
    assert engine.count_prompt_tokens(HELLO) == 42
    assert scripted.requests_to("/tokenize")[-1].body["messages"] == HELLO


def test_context_size_comes_from_vllm_models_or_llama_cpp_props(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("GET", "/v1/models", Reply(body={"data": [{"id": "m", "max_model_len": 32768}]}))
    assert engine_for(scripted, no_wait).context_size == 32768
    scripted.on("GET", "/v1/models", Reply(body={"data": [{"id": "m"}]}))
    scripted.on("GET", "/props", Reply(body={"default_generation_settings": {"n_ctx": 8192}}))
    assert engine_for(scripted, no_wait).context_size == 8192


def test_the_model_name_is_asked_of_the_server_when_unset(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("GET", "/v1/models", Reply(body={"data": [{"id": "qwen2.5-7b"}]}))
    scripted.on("POST", CHAT, Reply(body=chat_reply("x")))
    engine = RemoteEngine(scripted.url, sleep=no_wait)
    assert engine.complete(HELLO).model_id == "qwen2.5-7b"
    assert scripted.requests_to(CHAT)[0].body["model"] == "qwen2.5-7b"


def test_from_settings_reads_the_key_from_the_keyring_only(
    scripted: ScriptedServer, settings: Settings
) -> None:
    scripted.on("POST", CHAT, Reply(body=chat_reply("x")))
    settings.set("remote_url", scripted.url)
    settings.set("remote_model", "m")
    settings.set("remote_timeout_s", 5)
    settings.set("remote_concurrency", 3)
    set_secret("s3cret")
    engine = RemoteEngine.from_settings(settings)
    engine.complete(HELLO)
    assert scripted.requests_to(CHAT)[0].headers["Authorization"] == "Bearer s3cret"
    assert engine.concurrency == 3
    assert engine.client.timeout_s == 5.0
    assert "s3cret" not in settings.path.read_text() if settings.path.exists() else True


def test_from_settings_without_a_url_says_what_to_set(settings: Settings) -> None:
    with pytest.raises(ModelError, match="'Remote server URL' is empty"):
        RemoteEngine.from_settings(settings)


def test_an_unreadable_keyring_matters_only_when_the_server_wants_a_key(
    scripted: ScriptedServer, settings: Settings
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())  # a headless machine; tests/conftest.py restores it
    settings.set("remote_url", scripted.url)
    settings.set("remote_model", "m")
    scripted.on("POST", CHAT, Reply(body=chat_reply("no key needed")))
    assert RemoteEngine.from_settings(settings).complete(HELLO).text == "no key needed"
    scripted.on("POST", CHAT, Reply(401, {"detail": "Invalid API key"}))
    with pytest.raises(ModelError, match=r"needs an API key .*no system keyring is available"):
        RemoteEngine.from_settings(settings).complete(HELLO)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("This model's maximum context length is 2048 tokens.", 2048),
        ("Requested tokens (5000) exceed context window of 4096", 4096),
        ("prompt too long: n_ctx = 8192", 8192),
        ("the request exceeds the available context size", None),
        ("context size 12", None),  # too short to be a context window
    ],
)
def test_the_context_window_is_read_from_an_overflow_error(
    message: str, expected: int | None
) -> None:
    assert context_size_in(message) == expected


def test_a_server_that_lists_no_model_asks_for_the_name(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("GET", "/v1/models", Reply(body={"object": "list", "data": []}))
    engine = RemoteEngine(scripted.url, sleep=no_wait)
    with pytest.raises(ModelError, match="lists no model; set 'Remote model name'"):
        _ = engine.model_id


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"id": "x", "choices": []}, "answered without a completion"),
        ({"id": "x", "choices": ["text"]}, "answered without a completion"),
        (["not", "a", "completion"], "sent an odd answer"),
    ],
)
def test_an_answer_without_a_completion_is_an_error_not_an_empty_reply(
    scripted: ScriptedServer, no_wait: SleepRecorder, body: object, said: str
) -> None:
    scripted.on("POST", CHAT, Reply(body=body))
    with pytest.raises(ModelError, match=said):
        engine_for(scripted, no_wait).complete(HELLO)


def test_only_the_options_that_differ_from_the_servers_defaults_are_sent(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(body=chat_reply("x")))
    engine = engine_for(scripted, no_wait)
    engine.complete(HELLO, GenerationOptions(repeat_penalty=1.0, temperature=0.7, seed=3))
    sent = scripted.requests_to(CHAT)[0].body
    assert (sent["temperature"], sent["top_p"], sent["seed"]) == (0.7, 1.0, 3)
    assert not {"stop", "grammar", "repeat_penalty", "repetition_penalty"} & set(sent)
    assert "stream_options" not in sent  # only streams ask for usage


def test_a_strict_server_is_remembered_for_the_next_requests(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(422, {"detail": "extra fields not permitted: repetition_penalty"}),
        Reply(body=chat_reply("one")),
        Reply(body=chat_reply("two")),
    )
    engine = engine_for(scripted, no_wait)
    assert [engine.complete(HELLO).text for _ in range(2)] == ["one", "two"]
    sent = [seen.body for seen in scripted.requests_to(CHAT)]
    assert len(sent) == 3
    assert "repeat_penalty" in sent[0] and "repeat_penalty" not in sent[2]


def test_a_rejection_that_is_not_about_our_fields_is_not_resent(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(400, {"error": {"message": "messages must alternate"}}))
    with pytest.raises(ModelError, match=r"rejected the request \(HTTP 400: messages must"):
        engine_for(scripted, no_wait).complete(HELLO)
    assert len(scripted.requests_to(CHAT)) == 1


def test_without_a_tokenizer_a_stream_counts_one_token_per_piece(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(events=[delta("a"), delta("b"), delta("c"), delta(finish="stop")]),
        Reply(body={"choices": [{"message": {"content": ""}}]}),  # a probe without usage
    )
    completion = engine_for(scripted, no_wait).stream(HELLO).collect()
    assert completion.text == "abc"
    assert completion.usage.completion_tokens == 3  # the estimate of "abc" would say 1
    # "Hello" estimated at 1 token, 5 role markers, and the template's default overhead.
    assert completion.usage.prompt_tokens == 1 + TEMPLATE_TOKENS_PER_MESSAGE + (
        TEMPLATE_TOKENS_PER_PROMPT
    )


def test_the_template_overhead_is_measured_once_with_and_once_without_a_system_message(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(body=chat_reply("", prompt_tokens=40)),  # the template adds a default system
        Reply(body=chat_reply("", prompt_tokens=14)),
    )
    engine = engine_for(scripted, no_wait)
    with_system: list[Message] = [{"role": "system", "content": "Be brief."}, *HELLO]
    # "Hi" and "Hello" are one token each (estimated), so the prompt counts what the probe did.
    assert [engine.count_prompt_tokens(HELLO) for _ in range(2)] == [40, 40]
    # Two "Hi" with 5 markers each came to 14: 2 more; "Be brief." 3 + 5, "Hello" 1 + 5.
    assert engine.count_prompt_tokens(with_system) == 8 + 6 + 2
    probes = [seen.body["messages"] for seen in scripted.requests_to(CHAT)]
    assert probes == [
        [{"role": "user", "content": "Hi"}],
        [{"role": "system", "content": "Hi"}, {"role": "user", "content": "Hi"}],
    ]


def test_a_context_size_listed_for_another_model_is_not_taken(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "GET", "/v1/models", Reply(body={"data": [{"id": "other", "max_model_len": 131072}]})
    )
    engine = engine_for(scripted, no_wait, fallback_context_size=4096)
    assert engine.context_size == 4096


def test_concurrency_is_at_least_one_and_there_is_no_local_prefix_cache(tmp_path: Path) -> None:
    engine = RemoteEngine("http://gpu-box:8080", "m", concurrency=0)
    assert engine.concurrency == 1
    assert engine.prefix_cache(tmp_path) is None
