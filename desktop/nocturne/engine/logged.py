"""An engine wrapper that logs every call in the store: purpose, tokens, seconds.

The savings shown to people are computed from this log, so nothing is estimated twice. A stream
closed before its end (a cancelled answer, a digest step preempted) or broken off by an error
after its first words still spent tokens: it is logged with what is known then, the prompt as
the engine counts it and the completion produced so far.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    Engine,
    GenerationOptions,
    Message,
    Usage,
)
from nocturne.library.store import Store

if TYPE_CHECKING:
    from nocturne.engine.kv_cache import PrefixCache


class LoggedEngine:
    def __init__(self, engine: Engine, store: Store) -> None:
        self.inner = engine
        self.store = store
        self.last_call_id: int | None = None

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def context_size(self) -> int:
        return self.inner.context_size

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        return self.inner.count_prompt_tokens(messages)

    def prefix_cache(self, directory: Path) -> PrefixCache | None:
        return self.inner.prefix_cache(directory)

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
        started = time.perf_counter()
        inner = self.inner.stream(messages, options, purpose=purpose)
        return CompletionStream(self._logged(inner, messages, purpose or "unspecified", started))

    def _logged(
        self, inner: CompletionStream, messages: list[Message], purpose: str, started: float
    ) -> Generator[str, None, Completion]:
        pieces: list[str] = []
        first_token_s = 0.0
        try:
            for piece in inner:
                if not pieces:
                    first_token_s = time.perf_counter() - started
                pieces.append(piece)
                yield piece
        except BaseException:
            # Closed early (GeneratorExit), stopped by the person or broken off: the engine
            # reports no completion, but the prompt was read and these words were written.
            inner.close()  # the engine lets go of the model (a local one holds its lock)
            if pieces:
                self._log_unfinished(messages, purpose, pieces, started, first_token_s)
            raise
        completion = inner.completion
        assert completion is not None
        self.last_call_id = self.store.log_model_call(
            purpose=purpose,
            model_id=completion.model_id,
            usage=completion.usage,
            seconds=completion.seconds,
            first_token_s=completion.first_token_s,
        )
        return completion

    def _log_unfinished(
        self,
        messages: list[Message],
        purpose: str,
        pieces: list[str],
        started: float,
        first_token_s: float,
    ) -> None:
        """Log a call that ended without the engine's counts: the prompt as the engine counts it
        and the text produced so far (each streamed piece is at least one token)."""
        text = "".join(pieces)
        usage = Usage(
            self.inner.count_prompt_tokens(messages),
            max(len(pieces), self.inner.count_tokens(text)),
        )
        self.last_call_id = self.store.log_model_call(
            purpose=purpose,
            model_id=self.inner.model_id,
            usage=usage,
            seconds=time.perf_counter() - started,
            first_token_s=first_token_s,
        )
