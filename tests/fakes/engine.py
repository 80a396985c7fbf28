"""A deterministic engine for tests: canned replies, recorded calls, no weights.

In-process tests build a `FakeEngine` directly. A subprocess (the CLI, the digest process, the
window) gets one through the engine plug-in point, `NOCTURNE_ENGINE=fakes.engine:fake_engine`
(`support.FAKE_ENGINE_ENV`): `fake_engine("digest")` answers with the canned digest replies and
waits `NOCTURNE_FAKE_DELAY` seconds per generated word (to make a run slow enough to interrupt).
"""

from __future__ import annotations

import os
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

from fakes.digest_replies import digest_reply

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


def fake_engine(role: str = "answer") -> FakeEngine:
    """The engine factory named by `NOCTURNE_ENGINE=fakes.engine:fake_engine`, for either role.

    The digest's engine replies like a model digesting (`digest_reply`) and waits
    `NOCTURNE_FAKE_DELAY` seconds per word; the answering engine says it does not know.
    """
    if role != "digest":
        return FakeEngine()
    delay = os.environ.get("NOCTURNE_FAKE_DELAY")
    return FakeEngine(responder=digest_reply, delay_s=float(delay) if delay else 0.0)
