"""Counting tokens the way a remote server does, or saying plainly that we estimate.

Budgets (chunk sizes, raw-mode context, the savings baseline) are counted in the serving model's
tokens. llama.cpp's server (`/tokenize`), llama-cpp-python's (`/extras/tokenize`) and vLLM's
(`/tokenize`) expose their tokenizer; Ollama, LM Studio and hosted APIs do not, and then a local
estimate is used and `is_estimate` says so, so that nobody mistakes it for a measurement.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from nocturne.engine.base import Message
from nocturne.engine.remote_http import ServerClient

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
# Chat templates wrap each message in role markers (ChatML: "<|im_start|>user\n ... <|im_end|>\n").
TEMPLATE_TOKENS_PER_MESSAGE = 5
TEMPLATE_TOKENS_PER_PROMPT = 3
CACHE_SIZE = 2048


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate: BPE vocabularies average about 4 characters per token on
    English prose, and never fewer tokens than words and symbols by much."""
    if not text:
        return 0
    return max(len(_WORD.findall(text)), round(len(text) / 4))


class RemoteTokenizer:
    """The server's tokenizer when it has one, found on first use; else `estimate_tokens`."""

    def __init__(self, client: ServerClient, model: str = "") -> None:
        self.client = client
        self.model = model
        self.kind: str | None = None  # "llama.cpp", "llama-cpp-python", "vllm", "estimate"
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, int] = OrderedDict()

    @property
    def is_estimate(self) -> bool:
        self._discover()
        return self.kind == "estimate"

    def count(self, text: str) -> int:
        if not text:
            return 0
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        self._discover()
        count = self._count_with(self.kind or "estimate", text)
        if count is None:  # the endpoint went away (server swapped); fall back for good
            self.kind = "estimate"
            count = estimate_tokens(text)
        with self._lock:
            self._cache[text] = count
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return count

    def count_messages_exactly(self, messages: list[Message]) -> int | None:
        """Prompt tokens for a chat where the server renders its own template (llama.cpp's
        `/apply-template`, vLLM's chat `/tokenize`); None where it cannot."""
        self._discover()
        if self.kind == "vllm":
            payload: dict[str, Any] = {"messages": list(messages)}
            if self.model:
                payload["model"] = self.model
            data = self.client.probe_json("POST", "/tokenize", payload)
            if isinstance(data, dict) and isinstance(data.get("count"), int):
                return int(data["count"])
        if self.kind == "llama.cpp":
            data = self.client.probe_json("POST", "/apply-template", {"messages": list(messages)})
            if isinstance(data, dict) and isinstance(data.get("prompt"), str):
                return self._llama_cpp_tokens(data["prompt"], with_special=True)
        return None

    def count_contents(self, messages: list[Message]) -> int:
        """The messages' own tokens plus the role markers a chat template wraps each in."""
        return sum(self.count(m["content"]) + TEMPLATE_TOKENS_PER_MESSAGE for m in messages)

    # -- discovery ---------------------------------------------------------------------------

    def _discover(self) -> None:
        if self.kind is not None:
            return
        probe = "Nocturne counts tokens."
        data = self._post_tokenize(probe)
        if _token_count(data) is not None:
            # llama.cpp answers {"tokens": [...]}, vLLM adds "count" and "max_model_len".
            self.kind = "vllm" if "count" in data else "llama.cpp"
            return
        if self._count_with("llama-cpp-python", probe) is not None:
            self.kind = "llama-cpp-python"
            return
        self.kind = "estimate"

    def _count_with(self, kind: str, text: str) -> int | None:
        if kind == "estimate":
            return estimate_tokens(text)
        if kind == "llama-cpp-python":
            data = self.client.probe_json("POST", "/extras/tokenize", {"input": text})
            return _token_count(data)
        return _token_count(self._post_tokenize(text))

    def _post_tokenize(self, text: str) -> Any:
        """llama.cpp and vLLM share the path; this one payload is understood by both."""
        payload: dict[str, Any] = {
            "content": text,
            "add_special": False,
            "prompt": text,
            "add_special_tokens": False,
        }
        if self.model:
            payload["model"] = self.model
        return self.client.probe_json("POST", "/tokenize", payload)

    def _llama_cpp_tokens(self, text: str, *, with_special: bool) -> int | None:
        data = self.client.probe_json(
            "POST",
            "/tokenize",
            {"content": text, "add_special": with_special, "parse_special": with_special},
        )
        return _token_count(data)


def _token_count(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("count"), int):
        return int(data["count"])
    tokens = data.get("tokens")
    if isinstance(tokens, list):
        return len(tokens)
    return None
