"""A model on an OpenAI-compatible server: llama.cpp's server, vLLM, Ollama, LM Studio.

Where one laptop is not enough, the heavy sleep-time work goes to a server that is good at it
(a GPU box, a batch server) and keeps the same Engine contract as the local model, so the digest
and the answers need no change to use it. Usage comes from the server where it reports it; the
tokenizer is the server's where it exposes one (else an estimate, flagged by
`token_count_is_estimate`). The API key is read from the system keyring only.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    Engine,
    GenerationOptions,
    Message,
    Usage,
)
from nocturne.engine.remote_http import RemoteStatusError, RetryPolicy, ServerClient
from nocturne.engine.remote_tokens import TEMPLATE_TOKENS_PER_PROMPT, RemoteTokenizer
from nocturne.errors import KnownError, ModelError
from nocturne.settings import Settings

# Fields only llama.cpp-family servers know; strict servers reject them, and then we resend
# without them (the output is then unconstrained, which a large model tolerates).
LLAMA_CPP_FIELDS = ("grammar", "repeat_penalty", "repetition_penalty")
DEFAULT_OPTIONS = GenerationOptions()
_CONTEXT_IN_ERROR = re.compile(
    r"(?:maximum context length|context window|context size|n_ctx)\D{0,20}(\d{3,7})",
    re.IGNORECASE,
)
DEFAULT_RETRY = RetryPolicy()


class RemoteEngine:
    """One model on one server. Thread-safe: each call is its own HTTP request."""

    def __init__(
        self,
        url: str,
        model: str = "",
        *,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        concurrency: int = 1,
        fallback_context_size: int = 4096,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = ServerClient(
            url, api_key=api_key, timeout_s=timeout_s, retry=retry, sleep=sleep, model_hint=model
        )
        self.url = url
        self.concurrency = max(1, concurrency)
        self.fallback_context_size = fallback_context_size
        self._model = model
        self._context_size: int | None = None
        self._tokenizer = RemoteTokenizer(self.client, model)
        self._send_llama_cpp_fields = True
        self._send_stream_options = True
        self._overhead: dict[bool, int] = {}

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> RemoteEngine:
        """The engine the settings describe; the key comes from the keyring, never a file."""
        from nocturne.keychain import get_secret

        url = str(settings.remote_url or "").strip()
        if not url:
            raise ModelError(
                "the remote engine is chosen but 'Remote server URL' is empty; set it in "
                "Settings → Remote (e.g. http://gpu-box:8080/v1) or choose the local engine"
            )
        # Most servers on a home network need no key, and headless machines often have no
        # keyring: a keyring that cannot be read only matters if the server asks for a key.
        try:
            api_key, keyring_problem = get_secret(), ""
        except KnownError as exc:
            api_key, keyring_problem = None, str(exc)
        engine = cls(
            url,
            str(settings.remote_model or ""),
            api_key=api_key,
            timeout_s=float(settings.remote_timeout_s),
            concurrency=int(settings.remote_concurrency),
            fallback_context_size=int(settings.context_size),
            **kwargs,
        )
        engine.client.keyring_problem = keyring_problem
        return engine

    # -- what the model is -------------------------------------------------------------------

    @property
    def model_id(self) -> str:
        """The configured model name, else the first (usually only) model the server lists."""
        if not self._model:
            data = self.client.get_json("/models")
            models = data.get("data") if isinstance(data, dict) else None
            if not models or not isinstance(models[0], dict) or not models[0].get("id"):
                raise ModelError(
                    f"the remote server at {self.client.root} lists no model; set "
                    "'Remote model name' in Settings"
                )
            self._model = str(models[0]["id"])
            self.client.model_hint = self._model
            self._tokenizer.model = self._model
        return self._model

    @property
    def context_size(self) -> int:
        """The server's context window where it says (vLLM `/models`, llama.cpp `/props`),
        else the `context_size` setting."""
        if self._context_size is None:
            self._context_size = self._probe_context_size() or self.fallback_context_size
        return self._context_size

    def _probe_context_size(self) -> int | None:
        models = self.client.probe_json("GET", "/models", api=True)
        if isinstance(models, dict):
            for entry in models.get("data") or []:
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("max_model_len"), int)
                    and (not self._model or entry.get("id") == self._model)
                ):
                    return int(entry["max_model_len"])
        props = self.client.probe_json("GET", "/props")
        if isinstance(props, dict):
            settings = props.get("default_generation_settings")
            if isinstance(settings, dict) and isinstance(settings.get("n_ctx"), int):
                return int(settings["n_ctx"])
        return None

    @property
    def token_count_is_estimate(self) -> bool:
        """True when the server has no tokenizer endpoint and counts are estimated locally."""
        return self._tokenizer.is_estimate

    def count_tokens(self, text: str) -> int:
        return self._tokenizer.count(text)

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        """Exact where the server renders its chat template for us; otherwise the contents plus
        the template's fixed overhead (a default system prompt, say), measured once."""
        exact = self._tokenizer.count_messages_exactly(messages)
        if exact is not None:
            return exact
        with_system = bool(messages) and messages[0]["role"] == "system"
        return self._tokenizer.count_contents(messages) + self._template_overhead(with_system)

    def prefix_cache(self, directory: Path) -> None:
        return None  # no model state in this process to keep

    def _template_overhead(self, with_system: bool) -> int:
        """Prompt tokens the template adds beyond the role markers (such as a default system
        prompt, which templates drop when a system message is given), learned from one tiny
        request whose usage the server reports (every server does for non-streamed calls)."""
        if with_system not in self._overhead:
            probe: list[Message] = [{"role": "user", "content": "Hi"}]
            if with_system:
                probe.insert(0, {"role": "system", "content": "Hi"})
            data = self._post_chat(
                self._payload(probe, GenerationOptions(max_tokens=1), stream=False)
            )
            usage = data.get("usage")
            reported = usage.get("prompt_tokens") if isinstance(usage, dict) else None
            if isinstance(reported, int):
                overhead = max(0, reported - self._tokenizer.count_contents(probe))
            else:
                overhead = TEMPLATE_TOKENS_PER_PROMPT
            self._overhead[with_system] = overhead
        return self._overhead[with_system]

    # -- generating ---------------------------------------------------------------------------

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = DEFAULT_OPTIONS,
        *,
        purpose: str = "",
    ) -> Completion:
        """One non-streaming request: every server reports exact usage for those."""
        started = time.perf_counter()
        data = self._post_chat(self._payload(messages, options, stream=False))
        seconds = time.perf_counter() - started
        choice = _first_choice(data, self.client.root)
        message = choice.get("message") or {}
        text = str(message.get("content") or "")
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else None
        return Completion(
            text=text,
            usage=self._usage(usage, messages, text, pieces=None),
            seconds=seconds,
            first_token_s=seconds,
            model_id=self.model_id,
            finish_reason=str(choice.get("finish_reason") or "stop"),
        )

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions = DEFAULT_OPTIONS,
        *,
        purpose: str = "",
    ) -> CompletionStream:
        return CompletionStream(self._generate(messages, options))

    def _generate(
        self, messages: list[Message], options: GenerationOptions
    ) -> Generator[str, None, Completion]:
        started = time.perf_counter()
        response = self._open_stream(self._payload(messages, options, stream=True))
        first_token_s = 0.0
        pieces: list[str] = []
        finish_reason = "stop"
        usage: dict[str, Any] | None = None
        for event in self.client.iter_events(response):
            if isinstance(event.get("usage"), dict):
                usage = event["usage"]
            for choice in event.get("choices") or []:
                delta = choice.get("delta") or {}
                text = delta.get("content") or ""
                if text:
                    if not first_token_s:
                        first_token_s = time.perf_counter() - started
                    pieces.append(text)
                    yield text
                if choice.get("finish_reason"):
                    finish_reason = str(choice["finish_reason"])
        seconds = time.perf_counter() - started
        text = "".join(pieces)
        return Completion(
            text=text,
            usage=self._usage(usage, messages, text, pieces=len(pieces)),
            seconds=seconds,
            first_token_s=first_token_s or seconds,
            model_id=self.model_id,
            finish_reason=finish_reason,
        )

    # -- requests -----------------------------------------------------------------------------

    def _payload(
        self, messages: list[Message], options: GenerationOptions, *, stream: bool
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.model_id,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
            "seed": options.seed,
            "stream": stream,
        }
        if options.stop:
            payload["stop"] = list(options.stop)
        if self._send_llama_cpp_fields:
            if options.grammar:
                payload["grammar"] = options.grammar
            if options.repeat_penalty != 1.0:
                payload["repeat_penalty"] = options.repeat_penalty  # llama.cpp
                payload["repetition_penalty"] = options.repeat_penalty  # vLLM
        if stream and self._send_stream_options:
            payload["stream_options"] = {"include_usage": True}
        return payload

    def _post_chat(self, payload: dict[str, Any]) -> dict[str, Any]:
        data = self._with_fallbacks(
            lambda p: self.client.post_json("/chat/completions", p), payload
        )
        if not isinstance(data, dict):
            raise ModelError(f"the remote server at {self.client.root} sent an odd answer")
        return data

    def _open_stream(self, payload: dict[str, Any]) -> Any:
        return self._with_fallbacks(
            lambda p: self.client.open("POST", "/chat/completions", p), payload
        )

    def _with_fallbacks(
        self, send: Callable[[dict[str, Any]], Any], payload: dict[str, Any]
    ) -> Any:
        """Send; if a strict server rejects our optional fields, drop them and send again."""
        while True:
            try:
                return send(payload)
            except RemoteStatusError as exc:
                learned = context_size_in(exc.server_message)
                if learned:
                    self._context_size = learned
                if exc.status not in (400, 422):
                    raise
                said = exc.server_message.lower()
                if "stream_options" in payload and "stream_options" in said:
                    self._send_stream_options = False
                    payload = {k: v for k, v in payload.items() if k != "stream_options"}
                    continue
                extra = [k for k in LLAMA_CPP_FIELDS if k in payload]
                if extra and any(word in said for word in (*extra, "unrecognized", "extra")):
                    self._send_llama_cpp_fields = False
                    payload = {k: v for k, v in payload.items() if k not in LLAMA_CPP_FIELDS}
                    continue
                raise

    def _usage(
        self,
        reported: dict[str, Any] | None,
        messages: list[Message],
        text: str,
        *,
        pieces: int | None,
    ) -> Usage:
        """The server's own counts; else our count (each streamed piece is about one token)."""
        if reported and isinstance(reported.get("prompt_tokens"), int):
            return Usage(int(reported["prompt_tokens"]), int(reported.get("completion_tokens", 0)))
        prompt = self.count_prompt_tokens(messages)
        if pieces is not None and self._tokenizer.is_estimate:
            return Usage(prompt, pieces)
        return Usage(prompt, self.count_tokens(text))


def context_size_in(message: str) -> int | None:
    """The context window a server names in its overflow error, e.g. vLLM's and
    llama-cpp-python's "maximum context length is 2048 tokens"."""
    found = _CONTEXT_IN_ERROR.search(message)
    return int(found.group(1)) if found else None


def _first_choice(data: dict[str, Any], root: str) -> dict[str, Any]:
    choices = data.get("choices")
    if not choices or not isinstance(choices[0], dict):
        raise ModelError(f"the remote server at {root} answered without a completion")
    return choices[0]


def _check_protocol(engine: RemoteEngine) -> Engine:
    """Keeps mypy honest that RemoteEngine satisfies the Engine protocol."""
    return engine
