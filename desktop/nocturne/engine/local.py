"""llama.cpp in this process, through llama-cpp-python."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nocturne.engine.base import (
    Completion,
    CompletionStream,
    GenerationOptions,
    Message,
    Usage,
)
from nocturne.engine.model_file import check_model_file, physical_cores
from nocturne.engine.threads import ThreadChoice, ThreadPlan
from nocturne.errors import ModelError

if TYPE_CHECKING:
    from nocturne.engine.kv_cache import PrefixCache


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """llama.cpp writes load chatter to fd 2 even with verbose=False; keep the terminal clean."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _load_llama(path: Path, **kwargs: Any) -> Any:
    check_model_file(path)
    try:
        from llama_cpp import Llama
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelError(f"llama-cpp-python is not installed properly ({exc})") from exc
    try:
        with _quiet_stderr():
            return Llama(model_path=str(path), verbose=False, **kwargs)
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelError(
            f"llama.cpp could not load this model; the file may be truncated, damaged or of an "
            f"unsupported architecture ({exc})",
            path=str(path),
        ) from exc


def _count_tokens(llama: Any, text: str) -> int:
    """Tokens in `text`, counted without building the token list.

    llama.cpp returns the negated count when the output buffer is too small; with a buffer of
    size zero this is a pure count, which matters when a whole library is chunked.
    """
    if not text:
        return 0
    import llama_cpp

    data = text.encode("utf-8")
    counted = llama_cpp.llama_tokenize(llama._model.vocab, data, len(data), None, 0, False, False)
    return abs(int(counted))


def _check_grammar(llama: Any, grammar: str) -> None:
    """Raise ModelError unless llama.cpp can parse `grammar`.

    llama-cpp-python (0.3) parses a grammar only when sampling starts, and a grammar it cannot
    parse then crashes the process (a NULL sampler); parsing it here first makes it an error.
    """
    import llama_cpp
    from llama_cpp.llama_grammar import LLAMA_GRAMMAR_DEFAULT_ROOT

    with _quiet_stderr():
        sampler = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar.encode("utf-8"), LLAMA_GRAMMAR_DEFAULT_ROOT.encode()
        )
    if not sampler:
        raise ModelError("invalid GBNF grammar: llama.cpp cannot parse it")
    llama_cpp.llama_sampler_free(sampler)


class LocalTokenizer:
    """Only the vocabulary of a GGUF: counts tokens for chunking without loading weights."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._llama = _load_llama(path, vocab_only=True)

    def count_tokens(self, text: str) -> int:
        return _count_tokens(self._llama, text)


def default_thread_plan(threads: int = 0, *, adaptive: bool = True) -> ThreadPlan:
    """At most `threads` (0: one per physical core), fewer while other programs keep cores
    busy (`engine/threads.py`), measured by the process's shared sampler."""
    from nocturne.engine.cpu_share import logical_cpus, shared_load

    limit = threads or physical_cores()
    if not adaptive:
        return ThreadPlan(limit, logical_cpus(), lambda: None, adaptive=False)
    load = shared_load()
    return ThreadPlan(limit, load.cpus, load.busy_cores)


def set_llama_threads(llama: Any, threads: int) -> None:
    """Change the thread count of a loaded model's context; the next decode uses it."""
    import llama_cpp

    llama_cpp.llama_set_n_threads(llama.ctx, threads, threads)
    # Kept in step so that what llama-cpp-python reports (and pickles) is what runs.
    llama.n_threads = llama.n_threads_batch = threads
    llama.context_params.n_threads = llama.context_params.n_threads_batch = threads


class LocalEngine:
    """One llama.cpp model. Calls are serialised: a llama context is not thread-safe.

    Each call first fits the thread count to the cores other programs leave free
    (`adapt_threads()`), on the loaded context: no reload; a long call fits it again between
    tokens every `refit_every_s`."""

    refit_every_s = 0.5

    def __init__(
        self,
        path: Path,
        *,
        context_size: int = 2048,
        threads: int = 0,
        embedding: bool = False,
        thread_plan: ThreadPlan | None = None,
    ) -> None:
        self.path = path
        self.thread_plan = thread_plan or default_thread_plan(threads)
        self.threads = self.thread_plan.limit
        self._context_size = context_size
        self._llama = _load_llama(
            path,
            n_ctx=context_size,
            n_threads=self.threads,
            n_threads_batch=self.threads,
            embedding=embedding,
            seed=0,
        )
        self._threads_now = self.threads
        self._lock = threading.RLock()
        self._model_id = path.name

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def context_size(self) -> int:
        return self._context_size

    @property
    def llama(self) -> Any:
        """The llama_cpp.Llama object, for engine-internal helpers (KV state, embeddings)."""
        return self._llama

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def threads_now(self) -> int:
        """The thread count the context runs with (the last call's choice)."""
        return self._threads_now

    def adapt_threads(self) -> ThreadChoice:
        """Fit the context's thread count to the CPU left free, for the call about to run."""
        with self._lock:
            choice = self.thread_plan.choose()
            if choice.threads != self._threads_now:
                set_llama_threads(self._llama, choice.threads)
                self._threads_now = choice.threads
            return choice

    def count_tokens(self, text: str) -> int:
        return _count_tokens(self._llama, text)

    def count_prompt_tokens(self, messages: list[Message]) -> int:
        """Tokens the chat template turns these messages into (what a call would prefill)."""
        return len(self._llama.tokenize(self.render(messages).encode("utf-8"), special=True))

    def prefix_cache(self, directory: Path) -> PrefixCache | None:
        from nocturne.engine.kv_cache import LlamaStateBackend, PrefixCache

        return PrefixCache(LlamaStateBackend(self), directory)

    def render(self, messages: list[Message]) -> str:
        """The model's chat template applied to `messages`, ready for the assistant's turn."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = self._llama.metadata.get("tokenizer.chat_template")
        if not template:
            return "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant: "
        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=self._token_text(self._llama.token_eos()),
            bos_token=self._token_text(self._llama.token_bos()),
        )
        return str(formatter(messages=messages).prompt)  # type: ignore[arg-type]

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return bytes(self._llama.detokenize([token], special=True)).decode("utf-8", "ignore")

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
        return CompletionStream(self._generate(messages, options))

    def _generate(
        self, messages: list[Message], options: GenerationOptions
    ) -> Generator[str, None, Completion]:
        from llama_cpp import LlamaGrammar

        grammar = None
        if options.grammar:
            _check_grammar(self._llama, options.grammar)
            try:
                with _quiet_stderr():
                    grammar = LlamaGrammar.from_string(options.grammar, verbose=False)
            except ValueError as exc:
                raise ModelError(f"invalid GBNF grammar: {exc}") from exc
        with self._lock:
            prompt = self.render(messages)
            prompt_tokens = self._llama.tokenize(prompt.encode("utf-8"), special=True)
            budget = self._context_size - len(prompt_tokens)
            if budget <= 0:
                raise ModelError(
                    f"this is too long for the model: the question and its passages come to "
                    f"{len(prompt_tokens):,} tokens, and the model reads {self._context_size:,} "
                    "at most; ask in fewer words (or choose a model with a larger context)"
                )
            threads = self.adapt_threads().threads
            started = time.perf_counter()
            refit_at = started + self.refit_every_s
            first_token_s = 0.0
            pieces: list[str] = []
            finish_reason = "stop"
            completion_tokens = 0
            for chunk in self._llama.create_completion(
                prompt_tokens,
                max_tokens=min(options.max_tokens, budget),
                temperature=options.temperature,
                top_p=options.top_p,
                repeat_penalty=options.repeat_penalty,
                stop=list(options.stop) or None,
                grammar=grammar,
                seed=options.seed,
                stream=True,
            ):
                choice = chunk["choices"][0]
                text = choice.get("text") or ""
                # One chunk per sampled token; the closing chunk only carries finish_reason
                # (and whatever text a stop-sequence check held back).
                if not choice.get("finish_reason") or text:
                    completion_tokens += 1
                if not first_token_s:
                    first_token_s = time.perf_counter() - started
                if time.perf_counter() >= refit_at:
                    # Other programs come and go during a long call (or the digest was
                    # suspended for a question and resumed beside a busy program): keeping its
                    # first thread count would starve a thread behind theirs for the rest of it.
                    threads = self.adapt_threads().threads
                    refit_at = time.perf_counter() + self.refit_every_s
                if text:
                    pieces.append(text)
                    yield text
                if choice.get("finish_reason"):
                    finish_reason = choice["finish_reason"]
            seconds = time.perf_counter() - started
        return Completion(
            text="".join(pieces),
            usage=Usage(len(prompt_tokens), completion_tokens),
            seconds=seconds,
            first_token_s=first_token_s or seconds,
            model_id=self._model_id,
            finish_reason=finish_reason,
            threads=threads,
        )
