"""The contract every engine keeps.

An engine turns chat messages into text and always reports what that cost: prompt and completion
tokens, total seconds and time to the first token. Streaming and non-streaming calls share one
shape (`CompletionStream` ends in the same `Completion` that `complete` returns).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypedDict, runtime_checkable

if TYPE_CHECKING:
    from nocturne.engine.kv_cache import PrefixCache


class Message(TypedDict):
    role: str  # "system", "user" or "assistant"
    content: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
        )


@dataclass(frozen=True)
class GenerationOptions:
    """How to generate. The defaults suit a tiny model: greedy, short, discouraged from looping."""

    max_tokens: int = 64
    temperature: float = 0.0
    top_p: float = 1.0
    repeat_penalty: float = 1.15
    grammar: str | None = None  # GBNF text
    stop: tuple[str, ...] = ()
    seed: int = 0


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage
    seconds: float
    first_token_s: float
    model_id: str
    finish_reason: str = "stop"
    threads: int = 0  # CPU threads the call ran with (0: not a local model)


class CompletionStream(Iterator[str]):
    """Text deltas as they arrive; `completion` is set once the stream is exhausted."""

    def __init__(self, generator: Generator[str, None, Completion]) -> None:
        self._generator = generator
        self.completion: Completion | None = None

    def __iter__(self) -> CompletionStream:
        return self

    def __next__(self) -> str:
        try:
            return next(self._generator)
        except StopIteration as stop:
            if self.completion is None:  # a drained generator stops again with no value
                self.completion = stop.value
            raise

    def close(self) -> None:
        self._generator.close()

    def collect(self) -> Completion:
        """Drain the stream and return its completion."""
        for _ in self:
            pass
        if self.completion is None:  # pragma: no cover - a generator that returned nothing
            raise RuntimeError("stream ended without a completion")
        return self.completion


@runtime_checkable
class Engine(Protocol):
    """A language model. `purpose` names why a call is made; it ends up in the call log."""

    @property
    def model_id(self) -> str: ...

    @property
    def context_size(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        """Tokens a call with these messages would prefill (chat template included): what the
        savings baseline counts for a prompt that is not run."""
        ...

    def prefix_cache(self, directory: Path) -> PrefixCache | None:
        """A cache of prompt prefixes' computed state kept in `directory`, for an engine that
        runs the model in this process (llama.cpp); None where there is none (remote)."""
        ...

    def complete(
        self, messages: list[Message], options: GenerationOptions = ..., *, purpose: str = ...
    ) -> Completion: ...

    def stream(
        self, messages: list[Message], options: GenerationOptions = ..., *, purpose: str = ...
    ) -> CompletionStream: ...


@dataclass
class CallRecord:
    """One model call as logged in the store."""

    purpose: str
    completion: Completion
    extra: dict[str, str] = field(default_factory=dict)
