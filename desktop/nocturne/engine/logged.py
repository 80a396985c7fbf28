"""An engine wrapper that logs every call in the store: purpose, tokens, seconds.

The savings shown to people are computed from this log, so nothing is estimated twice.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    Engine,
    GenerationOptions,
    Message,
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
        inner = self.inner.stream(messages, options, purpose=purpose)
        return CompletionStream(self._logged(inner, purpose or "unspecified"))

    def _logged(self, inner: CompletionStream, purpose: str) -> Generator[str, None, Completion]:
        yield from inner
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
