"""A disk cache of llama.cpp's KV state for the stable prefix of learned-mode prompts.

Learned-mode prompts start with the same system block (instructions and the library brief) until
the learned context changes. That prefix is evaluated once per learned-context version, its llama
state saved under `paths.cache_dir()/kv`, and restored in a new process, so a question only
prefills its own part. Within one process llama-cpp-python already reuses a matching prefix of the
previous prompt; this cache makes the first question of a fresh process (every `nocturne ask`)
cheap too, and re-primes the prefix after a raw-mode prompt has overwritten it.

The cache key is the model, the prefix tokens and the learned-context version, so a new digest,
a changed brief or another model never restores a stale state; older files of the same model are
deleted when a new version is saved.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from nocturne.engine.base import Engine, Message

FILE_SUFFIX = ".kv"


class StateBackend(Protocol):
    """What the cache needs from a model: tokens, evaluation, and its state as bytes."""

    model_id: str

    def prefix_tokens(self, system: Message) -> list[int]: ...

    def current_tokens(self) -> list[int]: ...

    def evaluate(self, tokens: list[int]) -> None: ...

    def save_state(self) -> bytes: ...

    def load_state(self, blob: bytes) -> None: ...


@dataclass(frozen=True)
class CacheOutcome:
    how: str  # "memory" (already loaded), "disk" (restored), "computed" (evaluated and saved)
    prefix_tokens: int
    seconds: float


def pack_state(header: dict[str, Any], payload: bytes) -> bytes:
    """A saved state: a length-prefixed JSON header, then llama.cpp's own state bytes."""
    encoded = json.dumps(header).encode()
    return len(encoded).to_bytes(8, "little") + encoded + payload


def unpack_state(blob: bytes) -> tuple[dict[str, Any], bytes]:
    size = int.from_bytes(blob[:8], "little")
    if size <= 0 or size > len(blob) - 8:
        raise ValueError("not a saved prefix state")
    header = json.loads(blob[8 : 8 + size])
    payload = blob[8 + size :]
    if len(payload) != int(header["llama_state_size"]):
        raise ValueError("truncated prefix state")
    return header, payload


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60]


class PrefixCache:
    def __init__(self, backend: StateBackend, directory: Path) -> None:
        self.backend = backend
        self.directory = directory

    def path_for(self, tokens: list[int], version: str) -> Path:
        digest = hashlib.sha256(
            f"{self.backend.model_id}\n{version}\n{tokens}".encode()
        ).hexdigest()[:20]
        return self.directory / f"{_safe(self.backend.model_id)}-{digest}{FILE_SUFFIX}"

    def prepare(self, system: Message, version: str) -> CacheOutcome:
        """Make the model's state start with this system block, as cheaply as possible."""
        started = time.perf_counter()
        tokens = self.backend.prefix_tokens(system)
        if not tokens:
            return CacheOutcome("computed", 0, 0.0)
        if self.backend.current_tokens()[: len(tokens)] == tokens:
            return CacheOutcome("memory", len(tokens), time.perf_counter() - started)
        path = self.path_for(tokens, version)
        if path.exists():
            try:
                self.backend.load_state(path.read_bytes())
                return CacheOutcome("disk", len(tokens), time.perf_counter() - started)
            except (OSError, ValueError, RuntimeError, KeyError):
                path.unlink(missing_ok=True)  # a damaged or foreign file: compute it again
        self.backend.evaluate(tokens)
        self._store(path, self.backend.save_state())
        return CacheOutcome("computed", len(tokens), time.perf_counter() - started)

    def _store(self, path: Path, blob: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob(f"{_safe(self.backend.model_id)}-*{FILE_SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(blob)
        partial.replace(path)

    def clear(self) -> int:
        """Delete every saved state of this model; returns how many files went."""
        removed = 0
        for old in self.directory.glob(f"{_safe(self.backend.model_id)}-*{FILE_SUFFIX}"):
            old.unlink(missing_ok=True)
            removed += 1
        return removed


class LlamaStateBackend:
    """The backend for `LocalEngine`: its llama object, chat template, lock and threads."""

    MAX_PREFIX = 480  # restored logits must fit llama-cpp-python's score buffer (n_batch rows)

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.llama = engine.llama
        self.model_id = str(engine.model_id)

    def _tokens(self, text: str) -> list[int]:
        return list(self.llama.tokenize(text.encode("utf-8"), special=True))

    def prefix_tokens(self, system: Message) -> list[int]:
        """Tokens shared by every prompt that starts with `system` (up to the user's text)."""
        first = self._tokens(self.engine.render([system, {"role": "user", "content": "A"}]))
        second = self._tokens(self.engine.render([system, {"role": "user", "content": "Z"}]))
        shared = 0
        for a, b in zip(first, second, strict=False):
            if a != b:
                break
            shared += 1
        return first[:shared] if shared <= self.MAX_PREFIX else []

    def current_tokens(self) -> list[int]:
        with self.engine.lock:
            return [int(t) for t in self.llama.input_ids[: self.llama.n_tokens]]

    def evaluate(self, tokens: list[int]) -> None:
        with self.engine.lock:
            self.engine.adapt_threads()  # a prefill at question time, like any other call
            self.llama.reset()
            self.llama.eval(tokens)

    def save_state(self) -> bytes:
        with self.engine.lock:
            state = self.llama.save_state()
            header = {
                "input_ids": [int(t) for t in state.input_ids[: state.n_tokens]],
                "n_tokens": int(state.n_tokens),
                "llama_state_size": int(state.llama_state_size),
                "seed": int(state.seed),
            }
            return pack_state(header, bytes(state.llama_state))

    def load_state(self, blob: bytes) -> None:
        import numpy as np
        from llama_cpp.llama import LlamaState

        record, payload = unpack_state(blob)
        n_tokens = int(record["n_tokens"])
        if n_tokens > self.llama.scores.shape[0]:
            raise ValueError("saved prefix longer than the score buffer")
        input_ids = np.zeros(self.llama.input_ids.shape, dtype=np.intc)
        input_ids[:n_tokens] = record["input_ids"]
        state = LlamaState(
            input_ids=input_ids,
            scores=np.zeros((n_tokens, self.llama.scores.shape[1]), dtype=np.single),
            n_tokens=n_tokens,
            llama_state=payload,
            llama_state_size=record["llama_state_size"],
            seed=record["seed"],
        )
        with self.engine.lock:
            self.llama.load_state(state)


def prefix_cache_for(engine: Engine, directory: Path) -> PrefixCache | None:
    """A cache for engines that run llama.cpp in this process (`Engine.prefix_cache`); None for
    any other engine."""
    return engine.prefix_cache(directory)
