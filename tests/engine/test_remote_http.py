"""HTTP to an OpenAI-compatible server: retries with backoff, and errors a person can act on.

Most tests go through `RemoteEngine` against a scripted server, as the app does; the backoff is
recorded, never slept. The pure parts (URL splitting, error bodies, status mapping) are fed
directly.
"""

from __future__ import annotations

import pytest
from remote_servers import Reply, ScriptedServer, SleepRecorder, chat_reply, delta, free_port

from nocturne.engine.base import Message
from nocturne.engine.remote import RemoteEngine
from nocturne.engine.remote_http import (
    MAX_RETRY_AFTER_S,
    RemoteStatusError,
    RetryPolicy,
    ServerClient,
    error_message,
    split_base_url,
)
from nocturne.errors import ModelError

CHAT = "/v1/chat/completions"
HELLO: list[Message] = [{"role": "user", "content": "Hello"}]


def engine_for(server: ScriptedServer, sleep: SleepRecorder, **kwargs: object) -> RemoteEngine:
    return RemoteEngine(server.url, "m", sleep=sleep, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "base", "root"),
    [
        ("http://gpu:8080", "http://gpu:8080/v1", "http://gpu:8080"),
        ("http://gpu:8080/v1/", "http://gpu:8080/v1", "http://gpu:8080"),
        ("https://h/api/openai", "https://h/api/openai", "https://h/api/openai"),
    ],
)
def test_base_url_accepts_with_or_without_v1(url: str, base: str, root: str) -> None:
    assert split_base_url(url) == (base, root)


def test_503_then_success_is_retried_with_exponential_backoff(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(503, {"error": "loading model"}),
        Reply(502, "bad gateway"),
        Reply(body=chat_reply("ok")),
    )
    completion = engine_for(scripted, no_wait, retry=RetryPolicy(4, 0.5, 8)).complete(HELLO)
    assert completion.text == "ok"
    assert no_wait.waits == [0.5, 1.0]


def test_429_waits_as_long_as_the_server_asks(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "3"}),
        Reply(body=chat_reply("ok")),
    )
    assert engine_for(scripted, no_wait).complete(HELLO).text == "ok"
    assert no_wait.waits == [3.0]


def test_a_server_that_keeps_failing_gives_up_with_the_reason(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(500, {"error": {"message": "CUDA out of memory"}}))
    with pytest.raises(ModelError, match=r"CUDA out of memory.*gave up after 3 attempts"):
        engine_for(scripted, no_wait, retry=RetryPolicy(3, 0.5, 8)).complete(HELLO)
    assert len(scripted.requests_to(CHAT)) == 3
    assert no_wait.waits == [0.5, 1.0]


def test_nobody_listening_is_unreachable_after_retries(no_wait: SleepRecorder) -> None:
    engine = RemoteEngine(f"http://127.0.0.1:{free_port()}/v1", "m", sleep=no_wait)
    with pytest.raises(ModelError, match=r"cannot reach the remote server.*is it running"):
        engine.complete(HELLO)
    assert no_wait.waits == [0.5, 1.0, 2.0]


def test_missing_key_and_wrong_key_say_which(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(401, {"detail": "Invalid API key"}))
    with pytest.raises(ModelError, match=r"needs an API key .* none is set"):
        engine_for(scripted, no_wait).complete(HELLO)
    with pytest.raises(ModelError, match="refused the API key"):
        engine_for(scripted, no_wait, api_key="nope").complete(HELLO)
    assert no_wait.waits == []  # a wrong key is not retried


def test_unknown_model_is_named(scripted: ScriptedServer, no_wait: SleepRecorder) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(
            404,
            {
                "object": "error",
                "type": "NotFoundError",
                "message": "The model `m` does not exist.",
            },
        ),
    )
    with pytest.raises(ModelError, match="does not serve the model 'm'"):
        engine_for(scripted, no_wait).complete(HELLO)


def test_a_wrong_url_path_is_explained(scripted: ScriptedServer, no_wait: SleepRecorder) -> None:
    engine = RemoteEngine(f"http://127.0.0.1:{scripted.port}/api", "m", sleep=no_wait)
    with pytest.raises(ModelError, match="usually ending in /v1"):
        engine.complete(HELLO)


def test_an_error_inside_the_stream_is_reported(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(events=[delta("a"), {"error": {"message": "slot crashed"}}]))
    with pytest.raises(ModelError, match="slot crashed"):
        engine_for(scripted, no_wait).stream(HELLO).collect()


def test_a_connection_cut_mid_stream_is_reported_not_retried(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(events=[delta("part")], cut_after_events=True))
    stream = engine_for(scripted, no_wait).stream(HELLO)
    assert next(stream) == "part"
    with pytest.raises(ModelError, match="broke off mid-answer"):
        next(stream)
    assert len(scripted.requests_to(CHAT)) == 1


def test_a_server_that_never_answers_times_out(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(hang=True))
    engine = engine_for(scripted, no_wait, timeout_s=0.3)
    with pytest.raises(ModelError, match=r"did not answer within 0.3 s"):
        engine.complete(HELLO)
    assert len(scripted.requests_to(CHAT)) == 1  # a slow server is not hammered again


# -- the pure parts -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["gpu-box:8080", "ftp://gpu-box/v1", "http://", "  "])
def test_a_url_without_an_http_scheme_and_host_is_refused(url: str) -> None:
    with pytest.raises(ModelError, match="remote_url must look like http://host:port/v1"):
        split_base_url(url)


def test_the_backoff_doubles_from_the_base_delay_up_to_its_ceiling() -> None:
    policy = RetryPolicy(attempts=6, base_delay_s=0.5, max_delay_s=3.0)
    assert [policy.delay(attempt) for attempt in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"error": {"message": "CUDA out of memory", "code": 500}}', "CUDA out of memory"),
        (b'{"error": {"detail": "no slot free"}}', "no slot free"),
        (b'{"error": "model is loading"}', "model is loading"),
        (b'{"detail": "Not Found"}', "Not Found"),
        (
            b'{"object": "error", "message": "The model `m` does not exist."}',
            ("The model `m` does not exist."),
        ),
        (b"  upstream timed out  ", "upstream timed out"),
        (b'["not", "an", "object"]', '["not", "an", "object"]'),
        (b"\xffbad bytes", "\ufffdbad bytes"),
    ],
)
def test_the_human_part_of_an_error_body_is_found_in_every_dialect(
    body: bytes, expected: str
) -> None:
    assert error_message(body) == expected


def test_a_long_error_body_is_cut_to_300_characters() -> None:
    assert error_message(b"x" * 1000) == "x" * 300
    assert error_message(b'{"detail": "' + b"y" * 1000 + b'"}') == "y" * 300


def test_each_final_status_gets_its_own_sentence_and_passing_ones_none() -> None:
    client = ServerClient("http://gpu:8080/v1", model_hint="qwen")
    overflow = client.status_error(413, "prompt is too long", "/chat/completions")
    assert isinstance(overflow, RemoteStatusError)
    assert (overflow.status, overflow.server_message) == (413, "prompt is too long")
    assert "too long for the remote model's context" in overflow.message
    assert "does not serve the model 'qwen'" in str(client.status_error(404, "model x", "/p"))
    no_endpoint = client.status_error(404, "Not Found", "/props")
    assert "has no endpoint /props (HTTP 404)" in str(no_endpoint)
    rejected = client.status_error(418, "teapot", "/chat/completions")
    assert "rejected the request (HTTP 418: teapot)" in str(rejected)
    # A 500 that is not about the context, a 503, a 429: worth another attempt.
    assert [client.status_error(s, "busy", "/p") for s in (500, 503, 429)] == [None] * 3


def test_a_key_the_keyring_could_not_give_is_named_as_the_reason() -> None:
    client = ServerClient("http://gpu:8080/v1")
    client.keyring_problem = "no system keyring is available"
    error = client.status_error(403, "Forbidden", "/chat/completions")
    assert "needs an API key (HTTP 403), but no system keyring is available" in str(error)
    client.api_key = "k"
    assert "refused the API key (HTTP 403: Forbidden)" in str(
        client.status_error(403, "Forbidden", "/chat/completions")
    )


# -- against the scripted server -----------------------------------------------------------------


def test_the_key_goes_in_a_bearer_header(scripted: ScriptedServer) -> None:
    scripted.on("GET", "/v1/models", Reply(body={"data": []}))
    assert ServerClient(scripted.url, api_key="s3cret").get_json("/models") == {"data": []}
    assert ServerClient(scripted.url).get_json("/models") == {"data": []}
    keyed, bare = scripted.requests_to("/v1/models")
    assert keyed.headers["Authorization"] == "Bearer s3cret"
    assert "Authorization" not in bare.headers


def test_a_probe_is_none_where_the_server_lacks_the_endpoint_or_answers_no_json(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    client = ServerClient(scripted.url, sleep=no_wait)
    scripted.on("GET", "/props", Reply(body={"n_ctx": 4096}))
    scripted.on("POST", "/tokenize", Reply(body="<html>tokenizer</html>"))
    scripted.on("POST", "/extras/tokenize", Reply(405, "Method Not Allowed"))
    assert client.probe_json("GET", "/props") == {"n_ctx": 4096}
    assert client.probe_json("POST", "/tokenize", {"content": "x"}) is None
    assert client.probe_json("POST", "/extras/tokenize", {"input": "x"}) is None
    assert client.probe_json("GET", "/absent") is None
    assert [seen.path for seen in scripted.seen] == [
        "/props",
        "/tokenize",
        "/extras/tokenize",
        "/absent",
    ]  # the root, not the API base, and one attempt each
    assert no_wait.waits == []


def test_an_answer_that_is_not_json_is_said_to_be_from_the_wrong_kind_of_server(
    scripted: ScriptedServer,
) -> None:
    scripted.on("POST", CHAT, Reply(body="<html>router login</html>"))
    with pytest.raises(ModelError, match=r"something that is not JSON .*router login"):
        ServerClient(scripted.url).post_json("/chat/completions", {})


def test_retry_after_is_capped_and_an_unreadable_one_falls_back_to_the_backoff(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on(
        "POST",
        CHAT,
        Reply(429, {"error": "slow down"}, headers={"Retry-After": "3600"}),
        Reply(429, {"error": "slow down"}, headers={"Retry-After": "Wed, 21 Oct 2015"}),
        Reply(body=chat_reply("ok")),
    )
    assert engine_for(scripted, no_wait).complete(HELLO).text == "ok"
    assert no_wait.waits == [MAX_RETRY_AFTER_S, 1.0]  # the second wait is attempt 1's backoff


def test_a_policy_of_no_attempts_still_sends_once(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(503, {"error": "loading"}))
    engine = engine_for(scripted, no_wait, retry=RetryPolicy(attempts=0))
    with pytest.raises(ModelError, match=r"failed \(HTTP 503: loading\) \(gave up after 1 "):
        engine.complete(HELLO)
    assert len(scripted.requests_to(CHAT)) == 1 and no_wait.waits == []


def test_a_stream_cut_after_its_finish_reason_is_a_whole_answer(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    """Some servers close the connection instead of sending `[DONE]`; comments, keep-alive
    lines and unparseable data between the events are skipped."""
    scripted.on(
        "POST",
        CHAT,
        Reply(
            events=[": keep-alive", delta("Hi"), "{not json", delta(finish="stop")],
            cut_after_events=True,
        ),
        Reply(body=chat_reply("", prompt_tokens=9)),  # the template-overhead probe
    )
    completion = engine_for(scripted, no_wait).stream(HELLO).collect()
    assert (completion.text, completion.finish_reason) == ("Hi", "stop")


def test_an_error_event_with_a_status_gets_that_status_sentence(
    scripted: ScriptedServer, no_wait: SleepRecorder
) -> None:
    scripted.on("POST", CHAT, Reply(events=[{"error": {"message": "invalid key", "code": 401}}]))
    with pytest.raises(ModelError, match=r"needs an API key \(HTTP 401\) and none is set"):
        engine_for(scripted, no_wait).stream(HELLO).collect()
