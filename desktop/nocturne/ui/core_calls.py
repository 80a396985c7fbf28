"""What the window asks of the core, as plain functions that run in worker threads (no Qt).

Each worker thread gets its own connection to the library (SQLite connections are not shared
between threads here); WAL lets them read while the digest process writes. The answering engine
is loaded once, on first use, in the model thread, and dropped when the settings change.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from nocturne.answer.ask import answer_question, ask
from nocturne.answer.plain import READ_ONLY_NOTE
from nocturne.answer.result import Answer
from nocturne.engine.base import Engine
from nocturne.engine.factory import make_engine, make_tokenizer
from nocturne.engine.logged import LoggedEngine
from nocturne.library import ocr_pages
from nocturne.library.ingest import IngestResult, add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.ui import conversations as chats
from nocturne.ui.answer_savings import answer_savings_line
from nocturne.ui.savings_data import SavingsSummary, savings_summary

EngineFactory = Callable[[Settings], Engine]


@dataclass(frozen=True)
class DocumentRow:
    id: int
    name: str
    path: str
    kind: str
    pages: int | None
    chunk_count: int
    token_count: int
    state: str  # queued, digesting, ready, stale, error
    error: str | None
    progress: float | None = None  # 0..1 while digesting, when the digest reports it
    # Scanned pages OCR could not read, (page, why), as `library/ocr_pages.py` keeps them.
    page_problems: tuple[tuple[int, str], ...] = ()


def _digest_progress(store: Store, settings: Settings) -> dict[int, float]:
    """Per-document fraction of the digest done (`sleeptime.progress`, as `nocturne status`)."""
    from nocturne.sleeptime.digest_report import expected_model_id
    from nocturne.sleeptime.progress import digest_progress

    progress = digest_progress(store, settings.digest_budget, expected_model_id(settings))
    return {document_id: value.fraction for document_id, value in progress.documents.items()}


def remember_folders(store: Store, paths: Iterable[str | Path]) -> None:
    """Folders that were added are watched from now on (by the window or the daemon)."""
    from nocturne.schedule.folders import watch_folders_among

    watch_folders_among(store, paths)


def display_state(state: str, learned_stale: int) -> str:
    """What a row shows: a ready document whose text changed since its digest is stale (as
    `nocturne status` counts it: `sleeptime.progress.shown_state`)."""
    from nocturne.sleeptime.progress import shown_state

    return shown_state(state, learned_stale)


class Backend:
    def __init__(
        self,
        settings: Settings,
        db_path: Path | str | None = None,
        engine_factory: EngineFactory | None = None,
    ) -> None:
        self.settings = settings
        self.db_path = db_path
        self.engine_factory: EngineFactory = engine_factory or (lambda s: make_engine(s, "answer"))
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        self._engine: Engine | None = None

    # -- connections ------------------------------------------------------------------------

    def store(self) -> Store:
        """This thread's connection to the library."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.db_path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                with contextlib.suppress(Exception):
                    store.close()
            self._stores.clear()

    # -- library ---------------------------------------------------------------------------

    def documents(self) -> list[DocumentRow]:
        store = self.store()
        rows = store.documents()
        digesting = any(row.state == "digesting" for row in rows)
        progress = _digest_progress(store, self.settings) if digesting else {}
        unread = ocr_pages.problems_by_document(store)
        return [
            DocumentRow(
                id=row.id,
                name=row.name,
                path=row.path,
                kind=row.kind,
                pages=row.pages,
                chunk_count=row.chunk_count,
                token_count=row.token_count,
                state=display_state(row.state, row.learned_stale),
                error=row.error,
                progress=progress.get(row.id),
                page_problems=unread.get(row.id, ()),
            )
            for row in rows
        ]

    def add(
        self, paths: Iterable[str | Path], report: Callable[[IngestResult], None] | None = None
    ) -> list[IngestResult]:
        results = []
        counter = make_tokenizer(self.settings)
        paths = list(paths)
        for result in add_paths(self.store(), paths, self.settings, counter):
            results.append(result)
            if report is not None:
                report(result)
        remember_folders(self.store(), paths)
        return results

    def errors_without_rows(self, results: list[IngestResult]) -> list[IngestResult]:
        """Failures the library keeps no row for (unsupported types, missing paths)."""
        store = self.store()
        return [r for r in results if r.failed and store.document_by_path(r.path) is None]

    def remove(self, document_id: int) -> None:
        self.store().remove_document(document_id)

    # -- questions -------------------------------------------------------------------------

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = self.engine_factory(self.settings)
        return self._engine

    def reset_engine(self) -> None:
        """Forget the loaded model (the settings changed); the next question loads it again."""
        self._engine = None

    def ask(
        self,
        question: str,
        mode: str,
        on_text: Callable[[str], None] | None,
        conversation_id: int | None = None,
    ) -> Answer:
        """`mode` is an answer mode, or "harder" for Think harder (auto, thinking harder).
        `conversation_id`: the conversation the question was just recorded in; a follow-up is
        read with the questions asked in it before."""
        store = self.store()
        harder = mode == "harder"
        if not store.can_write():  # answers from what it holds; nothing can be kept
            answer = answer_question(
                store,
                self.engine(),
                question,
                self.settings,
                "auto" if harder else mode,
                on_text,
                harder=harder,
                use_kv_cache=False,
            )
            note = " ".join(filter(None, (str(answer.extra.get("note") or ""), READ_ONLY_NOTE)))
            return replace(answer, extra={**answer.extra, "note": note})
        return ask(
            store,
            LoggedEngine(self.engine(), store),
            question,
            self.settings,
            "auto" if harder else mode,
            on_text=on_text,
            harder=harder,
            earlier=self.earlier_questions(conversation_id, question),
        )

    def earlier_questions(self, conversation_id: int | None, question: str) -> list[str]:
        """The questions asked in the conversation before `question` (its last message)."""
        if conversation_id is None:
            return []
        asked = [
            m.text for m in chats.conversation_messages(self.store(), conversation_id)
            if m.role == "user"
        ]  # fmt: skip
        if asked and asked[-1] == question:
            asked.pop()
        return asked

    # -- conversations and savings --------------------------------------------------------

    def conversations(self) -> list[chats.Conversation]:
        return chats.list_conversations(self.store())

    def messages(self, conversation_id: int) -> list[chats.StoredMessage]:
        return chats.conversation_messages(self.store(), conversation_id)

    def new_conversation(self) -> int:
        """A new conversation's id (0 in a read-only library, where nothing can be kept)."""
        if not self.store().can_write():
            return 0
        return chats.create_conversation(self.store())

    def delete_conversation(self, conversation_id: int) -> None:
        chats.delete_conversation(self.store(), conversation_id)

    def record(
        self,
        conversation_id: int,
        role: str,
        text: str,
        answer: Answer | None = None,
        savings_line: str | None = None,
    ) -> int:
        """The message's id (0 when it cannot be kept: a read-only library)."""
        if not conversation_id or not self.store().can_write():
            return 0
        return chats.add_message(self.store(), conversation_id, role, text, answer, savings_line)

    def savings_line(self, answer: Answer) -> str:
        """The card's savings line: from what Nocturne learned, or from the documents' own
        sentences (`ui.answer_savings`)."""
        return answer_savings_line(self.store(), answer)

    def savings(self) -> SavingsSummary:
        return savings_summary(self.store(), self.settings)
