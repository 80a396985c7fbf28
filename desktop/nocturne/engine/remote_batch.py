"""Several completions in flight at once, for servers that batch (vLLM, llama.cpp `-np N`).

A batch server finishes eight requests in little more time than one, so the digest may keep
`remote_concurrency` requests running. Results are yielded in the order they finish so the caller
can store each one at once: if the server dies halfway, everything finished is already saved.

Store writes must stay on the caller's thread (the store shares one SQLite connection whose
transactions are not per-thread), so a `LoggedEngine` is unwrapped: its inner engine runs in the
worker threads and the call is logged here, on the caller's thread, as each result is yielded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from nocturne.engine.base import Completion, Engine, GenerationOptions, Message
from nocturne.engine.logged import LoggedEngine
from nocturne.errors import ModelError

DEFAULT_OPTIONS = GenerationOptions()


@dataclass(frozen=True)
class CompletionRequest:
    messages: list[Message]
    options: GenerationOptions = DEFAULT_OPTIONS
    purpose: str = ""
    key: Any = None  # the caller's handle (e.g. a chunk id), handed back with the result


@dataclass
class MappedResult:
    """One finished request: `completion` on success, else `error` (a clear ModelError)."""

    index: int
    request: CompletionRequest
    completion: Completion | None = None
    error: ModelError | None = None
    log_id: int | None = field(default=None, repr=False)


def map_complete(
    engine: Engine, requests: Iterable[CompletionRequest], concurrency: int = 1
) -> Iterator[MappedResult]:
    """Run `requests` with up to `concurrency` in flight; yield each result as it finishes.

    A ModelError fails only its own request (it comes back in `error`); closing the iterator
    stops submitting new requests. With concurrency 1 everything runs on the caller's thread.
    """
    if concurrency <= 1:
        for index, request in enumerate(requests):
            yield _run(engine, index, request)
        return
    worker_engine, store_engine = _split_logging(engine)
    pending: dict[Future[MappedResult], int] = {}
    queue = iter(enumerate(requests))
    executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="nocturne-remote")
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < concurrency:
                try:
                    index, request = next(queue)
                except StopIteration:
                    exhausted = True
                    break
                pending[executor.submit(_run, worker_engine, index, request)] = index
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f]):
                del pending[future]
                result = future.result()  # bugs (not ModelError) propagate from here
                if store_engine is not None and result.completion is not None:
                    result.log_id = _log(store_engine, result)
                yield result
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _run(engine: Engine, index: int, request: CompletionRequest) -> MappedResult:
    try:
        completion = engine.complete(request.messages, request.options, purpose=request.purpose)
    except ModelError as exc:
        return MappedResult(index, request, error=exc)
    log_id = engine.last_call_id if isinstance(engine, LoggedEngine) else None
    return MappedResult(index, request, completion=completion, log_id=log_id)


def _split_logging(engine: Engine) -> tuple[Engine, LoggedEngine | None]:
    if isinstance(engine, LoggedEngine):
        return engine.inner, engine
    return engine, None


def _log(logged: LoggedEngine, result: MappedResult) -> int:
    completion = result.completion
    assert completion is not None
    call_id = logged.store.log_model_call(
        purpose=result.request.purpose or "unspecified",
        model_id=completion.model_id,
        usage=completion.usage,
        seconds=completion.seconds,
        first_token_s=completion.first_token_s,
    )
    logged.last_call_id = call_id
    return call_id
