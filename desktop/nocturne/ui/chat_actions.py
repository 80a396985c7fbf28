"""The chat half of the main window: conversations, asking, and the savings panel's refresh.

A mixin of `MainWindow`, kept apart so each file reads in a sitting. Questions run on the model
pool (one at a time); the question is recorded before it is answered and the answer (or the
error) after, so a conversation survives a crash in between. While a question is answered the
digest is told to give up the CPU, in this process (`question_started`) and in a daemon's
(the question flag file).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from nocturne.errors import KnownError
from nocturne.ui.background_digest import Background
from nocturne.ui.chat_view import AnswerCard, ChatPane
from nocturne.ui.conversation_list import ConversationList
from nocturne.ui.conversations import answer_record
from nocturne.ui.core_calls import Backend
from nocturne.ui.savings_view import SavingsPane
from nocturne.ui.workers import TaskRunner


@contextlib.contextmanager
def question_flag() -> Iterator[None]:
    """Tell a digest in another process (the daemon) that a question is being answered."""
    from nocturne.schedule.questions_in_flight import question_in_flight

    with question_in_flight():
        yield


STOPPED = "Stopped before the answer was complete."


class AnswerStopped(KnownError):
    """The person pressed Stop; raised from the stream callback to end generation."""


class ChatActions:
    backend: Backend
    background: Background
    chat: ChatPane
    conversations: ConversationList
    savings: SavingsPane
    disk: TaskRunner
    model: TaskRunner
    conversation_id: int | None
    show_error: Callable[[str], None]
    answer_finished: Any  # the window's Signal(dict)
    stop_event: threading.Event | None = None

    # -- conversations -----------------------------------------------------------------------

    def refresh_conversations(self) -> None:
        current = self.conversation_id
        self.disk.submit(
            lambda _r: self.backend.conversations(),
            lambda rows: self.conversations.set_conversations(rows, current),
            self.show_error,
        )

    def new_conversation(self) -> None:
        self.conversation_id = None
        self.chat.clear()
        self.chat.edit.setFocus()
        self.refresh_conversations()

    def open_conversation(self, conversation_id: int) -> None:
        def shown(messages: Any) -> None:
            self.conversation_id = conversation_id
            title = next((m.text for m in messages if m.role == "user"), "")
            self.chat.clear(title[:80])
            question = ""
            for message in messages:
                if message.role == "user":
                    question = message.text
                    self.chat.add_question(message.text)
                elif message.role == "assistant" and message.answer is not None:
                    self.chat.add_answer(question).finish(message.answer)
                elif message.role == "error":
                    self.chat.add_answer(question).fail(message.text)

        self.disk.submit(lambda _r: self.backend.messages(conversation_id), shown, self.show_error)

    def delete_conversation(self, conversation_id: int) -> None:
        def done(_result: Any) -> None:
            if conversation_id == self.conversation_id:
                self.new_conversation()
            else:
                self.refresh_conversations()
            self.refresh_savings()

        self.disk.submit(
            lambda _r: self.backend.delete_conversation(conversation_id), done, self.show_error
        )

    # -- questions ---------------------------------------------------------------------------

    def ask(self, question: str, mode: str) -> AnswerCard:
        self.chat.add_question(question)
        card = self.chat.add_answer(question, mode)
        if mode == "raw":
            card.thinking.setText("Reading the documents themselves (raw mode)…")
        elif mode == "harder":
            card.thinking.setText("Thinking harder: reading more passages one by one…")
        self.chat.set_busy(True)
        conversation_id = self.conversation_id
        if conversation_id is None:
            self.chat.title.setText(question[:80])

        stop = threading.Event()
        self.stop_event = stop

        def work(report: Callable[[Any], None]) -> tuple[int, dict[str, Any]]:
            backend = self.backend
            nonlocal conversation_id
            if conversation_id is None:
                conversation_id = backend.new_conversation()
            backend.record(conversation_id, "user", question)

            def stream(delta: str) -> None:
                if stop.is_set():
                    raise AnswerStopped(STOPPED)
                report(delta)

            self.background.question_started()
            try:
                with question_flag():
                    answer = backend.ask(question, mode, stream, conversation_id)
            except KnownError as exc:
                backend.record(conversation_id, "error", exc.message)
                raise
            finally:
                self.background.question_finished()
            line = backend.savings_line(answer)
            backend.record(conversation_id, "assistant", answer.answer, answer, line)
            return conversation_id, answer_record(answer, line)  # with Think harder's note

        def done(result: tuple[int, dict[str, Any]]) -> None:
            self.conversation_id, record = result
            card.finish(record)
            self.chat.set_busy(False)
            self.refresh_conversations()
            self.refresh_savings()
            self.answer_finished.emit(record)

        def failed(message: str) -> None:
            if stop.is_set():
                card.stopped()
            else:
                card.fail(message)
            self.chat.set_busy(False)
            self.conversation_id = conversation_id
            self.refresh_conversations()

        self.model.submit(work, done, failed, card.append)
        return card

    def stop_answer(self) -> None:
        """Stop the answer being written (at its next token; instant answers are done already)."""
        if self.stop_event is not None:
            self.stop_event.set()

    def refresh_savings(self) -> None:
        self.disk.submit(
            lambda _r: self.backend.savings(), self.savings.set_summary, self.show_error
        )
