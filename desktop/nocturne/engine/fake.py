"""A deterministic engine for tests: canned replies, recorded calls, no weights.

Selected in a subprocess with `NOCTURNE_ENGINE=fake` so command-line tests run without a model.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    GenerationOptions,
    Message,
    Usage,
)

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


@dataclass
class RecordedCall:
    messages: list[Message]
    options: GenerationOptions
    purpose: str


class FakeEngine:
    """Replies from a queue (or a function of the messages); a token is a word or a symbol."""

    def __init__(
        self,
        replies: Iterable[str] = (),
        *,
        default_reply: str = "I do not know.",
        responder: Callable[[list[Message], GenerationOptions], str] | None = None,
        model_id: str = "fake-model",
        context_size: int = 4096,
        delay_s: float = 0.0,
    ) -> None:
        self.replies: deque[str] = deque(replies)
        self.default_reply = default_reply
        self.responder = responder
        self._model_id = model_id
        self._context_size = context_size
        self.delay_s = delay_s
        self.calls: list[RecordedCall] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def context_size(self) -> int:
        return self._context_size

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text))

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        return sum(self.count_tokens(m["content"]) + 3 for m in messages)

    def prefix_cache(self, directory: Path) -> None:
        return None  # no model state in this process to keep

    def complete(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> Completion:
        return self.stream(messages, options, purpose=purpose).collect()

    def stream(
        self,
        messages: list[Message],
        options: GenerationOptions = GenerationOptions(),
        *,
        purpose: str = "",
    ) -> CompletionStream:
        self.calls.append(RecordedCall(list(messages), options, purpose))
        if self.replies:
            reply = self.replies.popleft()
        elif self.responder is not None:
            reply = self.responder(messages, options)
        else:
            reply = self.default_reply
        return CompletionStream(self._generate(messages, options, reply))

    def _generate(
        self, messages: list[Message], options: GenerationOptions, reply: str
    ) -> Generator[str, None, Completion]:
        started = time.perf_counter()
        words = reply.split(" ")
        tokens = [w if i == 0 else " " + w for i, w in enumerate(words)][: options.max_tokens]
        first = 0.0
        for piece in tokens:
            if self.delay_s:
                time.sleep(self.delay_s)
            if not first:
                first = time.perf_counter() - started
            yield piece
        seconds = time.perf_counter() - started
        return Completion(
            text="".join(tokens),
            usage=Usage(self.count_prompt_tokens(messages), self.count_tokens("".join(tokens))),
            seconds=seconds,
            first_token_s=first or seconds,
            model_id=self._model_id,
        )
