"""Dense vectors from an embedding GGUF through llama.cpp's embedding mode (optional).

Configured by the `embedding_model_path` setting; retrieval fuses its ranking with BM25 by
reciprocal rank fusion. Vectors of texts seen before are kept in memory, so re-ranking the same
notes question after question only embeds the question.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

from nocturne.engine.local import _load_llama, default_thread_plan, set_llama_threads
from nocturne.engine.threads import ThreadPlan

CACHE_LIMIT = 20_000


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


class EmbeddingModel:
    def __init__(self, llama: Any, model_id: str, thread_plan: ThreadPlan | None = None) -> None:
        """`thread_plan`: fit each embedding call's threads to the free CPU (None: as loaded)."""
        self._llama = llama
        self.model_id = model_id
        self._lock = threading.Lock()
        self._vectors: dict[str, list[float]] = {}
        self.thread_plan = thread_plan
        self._threads_now = thread_plan.limit if thread_plan is not None else 0

    @classmethod
    def load(cls, path: str | Path, *, threads: int = 0, context_size: int = 512) -> EmbeddingModel:
        model = Path(path).expanduser()
        plan = default_thread_plan(threads)
        llama = _load_llama(
            model,
            embedding=True,
            n_ctx=context_size,
            n_threads=plan.limit,
            n_threads_batch=plan.limit,
        )
        return cls(llama, model.name, plan)

    def _adapt_threads(self) -> None:
        if self.thread_plan is None:
            return
        threads = self.thread_plan.choose().threads
        if threads != self._threads_now:
            set_llama_threads(self._llama, threads)
            self._threads_now = threads

    def embed(self, text: str) -> list[float]:
        cached = self._vectors.get(text)
        if cached is not None:
            return cached
        with self._lock:
            self._adapt_threads()
            raw = self._llama.embed(text, truncate=True)
        # Models without pooling return one vector per token: mean-pool them.
        if raw and isinstance(raw[0], list):
            width = len(raw[0])
            vector = [sum(row[i] for row in raw) / len(raw) for i in range(width)]
        else:
            vector = [float(x) for x in raw]
        if len(self._vectors) >= CACHE_LIMIT:
            self._vectors.clear()
        self._vectors[text] = vector
        return vector

    def similarities(self, query: str, texts: list[str]) -> list[float]:
        wanted = self.embed(query)
        return [cosine(wanted, self.embed(text)) for text in texts]
