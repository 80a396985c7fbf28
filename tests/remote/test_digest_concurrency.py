"""The digest against a server with parallel slots: N requests in flight, the same store as one
at a time, a failed request retried without losing the others, and stopping or pausing without
leaving requests running on the server."""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from digest_library import new_library, notes_of, steps_of, stored_order
from slot_server import SlotServer

from nocturne.engine.remote import RemoteEngine
from nocturne.engine.remote_http import RetryPolicy
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.plan import plan_digest
from nocturne.sleeptime.prefetch import concurrency_of
from nocturne.sleeptime.runner import DigestResult, DigestRunner

from fakes.engine import FakeEngine

BUDGET = "high"  # every step kind: chunks, structure, summaries, pairs, the library brief


@pytest.fixture
def server() -> Iterator[SlotServer]:
    running = SlotServer()
    yield running
    running.close()


class _HungUp(Exception):
    pass


class WatchfulServer(SlotServer):
    """A slot server that, while it holds requests, notices each client that hangs up (as a
    real server does, dropping the request) and counts it."""

    def __init__(self) -> None:
        super().__init__()
        self.hung_up = 0
        self.hung_up_changed = threading.Condition(self.lock)
        self._connection = threading.local()

    def _complete(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        self._connection.socket = handler.connection
        try:
            super()._complete(handler, body)
        except _HungUp:
            handler.close_connection = True
            with self.lock:
                self.hung_up += 1
                self.hung_up_changed.notify_all()

    def _reply(
        self, failing: bool, messages: list[Any], body: dict[str, Any]
    ) -> tuple[str, dict[str, int]] | None:
        if self.hold.is_set():
            connection: socket.socket = self._connection.socket
            while not self.release.wait(0.01):  # the server's own polling, not a test's wait
                readable, _, _ = select.select([connection], [], [], 0)
                if readable and not connection.recv(1, socket.MSG_PEEK):
                    raise _HungUp
        return super()._reply(failing, messages, body)

    def wait_hung_up(self, count: int, timeout: float = 10.0) -> bool:
        with self.lock:
            return self.hung_up_changed.wait_for(lambda: self.hung_up >= count, timeout)


def engine_for(server: SlotServer, concurrency: int, attempts: int = 4) -> RemoteEngine:
    return RemoteEngine(
        server.url,
        "slot-model",
        concurrency=concurrency,
        retry=RetryPolicy(attempts=attempts),
        sleep=lambda _s: None,
    )


def digest(
    store: Store, engine: RemoteEngine, settings: Settings, **kwargs: object
) -> DigestResult:
    return DigestRunner(store, engine, BUDGET, settings=settings, **kwargs).run()  # type: ignore[arg-type]


Stored = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


@pytest.fixture
def baseline(tmp_path: Path, settings: Settings) -> Iterator[Stored]:
    """Notes and step records of the library digested one request at a time."""
    one = SlotServer()
    with new_library(tmp_path / "one.db") as store:
        result = digest(store, engine_for(one, 1), settings)
        assert result.reason == "done" and result.concurrency == 1
        assert one.peak == 1
        yield notes_of(store), steps_of(store)
    one.close()


def in_plan_order_per_document(store: Store, planned: list[str]) -> bool:
    """Each document's steps were stored in the plan's order (a prefix of it, if stopped)."""
    for keys in stored_order(store).values():
        own = [key for key in planned if key in set(keys)]
        if keys != own:
            return False
    return True


def test_n_requests_are_really_in_flight_and_reported(tmp_path: Path, settings: Settings) -> None:
    gated = SlotServer(gate=4)  # the first four requests wait until all four are in together
    try:
        with new_library(tmp_path / "lib.db") as store:
            result = digest(store, engine_for(gated, 4), settings)
    finally:
        gated.close()
    assert result.reason == "done"
    assert not gated.gate_broken, "four requests were never in flight at once"
    assert gated.peak == 4  # never more than remote_concurrency
    assert result.concurrency == 4 and 1.0 < result.in_flight <= 4.0
    assert "of 4 requests in flight on average" in result.summary_line()


def test_the_store_ends_as_with_one_request_at_a_time(
    tmp_path: Path, settings: Settings, baseline: Stored
) -> None:
    server = SlotServer(gate=4)
    events: list[DigestEvent] = []
    with new_library(tmp_path / "four.db") as store:
        planned = [s.key for s in plan_digest(store, BUDGET, "slot-model").pending]
        result = digest(store, engine_for(server, 4), settings, on_event=events.append)
        assert result.reason == "done"
        assert (notes_of(store), steps_of(store)) == baseline
        assert in_plan_order_per_document(store, planned)
        assert notes_of(store), "the digest made no notes"
        logged = store.scalar("SELECT COUNT(*) FROM model_calls WHERE purpose LIKE 'digest:%'")
    server.close()
    assert server.peak == 4 and not server.gate_broken
    assert logged == server.completions  # every answer is logged, used or not
    assert events[-1].in_flight == pytest.approx(result.in_flight)


@pytest.mark.parametrize("attempts", [4, 1])
def test_a_failed_request_is_retried_without_losing_the_others(
    tmp_path: Path,
    settings: Settings,
    server: SlotServer,
    baseline: Stored,
    attempts: int,
) -> None:
    """attempts=4: the engine's own retry; 1: the digest sends the failed request once more."""
    server.fail_first(1, matching="Glaciers")
    with new_library(tmp_path / "lib.db") as store:
        result = digest(store, engine_for(server, 4, attempts), settings)
        assert result.reason == "done"
        assert server.failed, "no request failed"
        assert (notes_of(store), steps_of(store)) == baseline


def test_stop_keeps_whole_steps_only_and_a_rerun_finishes_the_same(
    tmp_path: Path, settings: Settings, server: SlotServer, baseline: Stored
) -> None:
    seen: list[DigestEvent] = []
    with new_library(tmp_path / "lib.db") as store:
        planned = [s.key for s in plan_digest(store, BUDGET, "slot-model").pending]
        result = digest(
            store,
            engine_for(server, 4),
            settings,
            on_event=seen.append,
            should_stop=lambda: sum(e.kind == STEP for e in seen) >= 5,
        )
        assert result.reason == "stopped" and result.done == 5
        assert len(steps_of(store)) == 5 and in_plan_order_per_document(store, planned)
        noted_steps = store.scalar("SELECT COUNT(DISTINCT step_id) FROM notes")
        assert noted_steps is not None and noted_steps <= 5
        assert server.completions > 0
        rerun = digest(store, engine_for(server, 4), settings)
        assert rerun.reason == "done" and rerun.done == len(planned) - 5
        assert (notes_of(store), steps_of(store)) == baseline


def test_only_an_engine_that_says_so_gets_more_than_one_request(server: SlotServer) -> None:
    assert concurrency_of(FakeEngine()) == 1  # the local engine has no `concurrency`
    assert concurrency_of(engine_for(server, 1)) == 1
    assert concurrency_of(engine_for(server, 8)) == 8


def test_step_times_are_each_steps_share_of_the_run(
    tmp_path: Path, settings: Settings, server: SlotServer
) -> None:
    """With requests in flight a step's seconds are the wall time since the step before it
    ended, so step means and ETAs keep the run's real pace (the clock here ticks once per
    answer the server sends, so the steps' seconds must add up to every answer)."""
    with new_library(tmp_path / "lib.db") as store:
        result = digest(
            store, engine_for(server, 4), settings, clock=lambda: float(server.completions)
        )
        assert result.reason == "done"
        total = store.scalar("SELECT SUM(seconds) FROM digest_steps")
    assert server.completions > 10
    assert total == pytest.approx(server.completions)


def test_a_stop_while_answers_are_outstanding_ends_the_run_at_once(
    tmp_path: Path, settings: Settings
) -> None:
    """The server holds every request; the stop comes while four are in flight: the run ends
    without them (nothing of theirs stored or counted), not when the server would have
    answered, and their connections are closed, so the server drops them."""
    server = WatchfulServer()
    server.hold.set()
    server.busy_at = 4
    stop = threading.Event()
    outcome: list[DigestResult] = []
    try:
        with new_library(tmp_path / "lib.db") as store:

            def run() -> None:
                outcome.append(
                    digest(store, engine_for(server, 4), settings, should_stop=stop.is_set)
                )

            runner = threading.Thread(target=run)
            runner.start()
            assert server.busy.wait(10), "four requests never were in flight"
            stop.set()
            runner.join(10)
            assert not runner.is_alive(), "the stop waited for the server"
            kinds = {row[1] for row in steps_of(store)}
            assert outcome[0].reason == "stopped"
            assert kinds <= {"structure"}  # only steps that need no model were done
            assert server.wait_hung_up(4), f"only {server.hung_up} of 4 requests were dropped"
            assert server.completions == 0 and outcome[0].wasted == 0
            assert store.scalar("SELECT COUNT(*) FROM model_calls") == 0
    finally:
        server.close()


def test_the_scheduler_log_says_how_many_were_in_flight(caplog: pytest.LogCaptureFixture) -> None:
    from nocturne.schedule.digest_process import _log_event
    from nocturne.sleeptime.events import FINISH

    with caplog.at_level("INFO", logger="nocturne.schedule.digest_process"):
        _log_event(DigestEvent(FINISH, 9, 9, tokens=120, reason="done", in_flight=3.84))
        _log_event(DigestEvent(FINISH, 9, 9, tokens=120, reason="done"))
    assert [r.getMessage() for r in caplog.records] == [
        "digest run ended (done) after 9/9 steps, 120 tokens, 3.8 requests in flight on average",
        "digest run ended (done) after 9/9 steps, 120 tokens",
    ]


def test_a_paused_digest_leaves_no_request_on_the_server_and_resumes_where_it_was(
    tmp_path: Path, settings: Settings, baseline: Stored
) -> None:
    """Pausing while four requests are held: the server sees all four dropped and gets no
    more; on resume they are sent again, and the store ends as with one request at a time."""
    server = WatchfulServer()
    server.hold.set()
    server.busy_at = 4
    outcome: list[DigestResult] = []
    try:
        with new_library(tmp_path / "lib.db") as store:
            runner = DigestRunner(store, engine_for(server, 4), BUDGET, settings=settings)  # type: ignore[arg-type]
            thread = threading.Thread(target=lambda: outcome.append(runner.run()))
            thread.start()
            assert server.busy.wait(10), "four requests never were in flight"
            runner.pause_requests()
            assert server.wait_hung_up(4), f"only {server.hung_up} of 4 requests were dropped"
            with server.lock:
                assert server.in_flight == 0 and server.completions == 0
            server.hold.clear()
            server.release.set()
            runner.resume_requests()
            thread.join(30)
            assert not thread.is_alive()
            assert outcome[0].reason == "done"
            assert (notes_of(store), steps_of(store)) == baseline
            logged = store.scalar("SELECT COUNT(*) FROM model_calls WHERE purpose LIKE 'digest:%'")
            assert logged == server.completions  # the dropped ones are not logged
    finally:
        server.close()


def test_a_paused_digest_process_drops_its_requests_on_the_server(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's pause of the real digest process: before suspending the child, the parent
    has it let go of its four requests (a suspended process cannot close them), so the server
    drops them at once; resumed, the digest sends them again and finishes."""
    from digest_library import add_documents

    from nocturne.sleeptime.process import DigestProcess

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    server = WatchfulServer()
    server.hold.set()
    server.busy_at = 4
    for name, value in (
        ("digest_engine", "remote"),
        ("remote_url", server.url),
        ("remote_model", "slot-model"),
        ("remote_concurrency", 4),
    ):
        settings.set(name, value)
    settings.save()
    with Store.open() as store:
        add_documents(store)
    digest = DigestProcess(budget=BUDGET)
    try:
        digest.start()
        assert server.busy.wait(60), "four requests never were in flight"
        digest.pause()
        assert digest.is_paused
        assert server.wait_hung_up(4), f"only {server.hung_up} of 4 requests were dropped"
        with server.lock:
            assert server.in_flight == 0 and server.completions == 0
        server.hold.clear()
        server.release.set()
        digest.resume()
        assert digest.wait(60)
        assert digest.result is not None and digest.result.reason == "done"
    finally:
        digest.stop()
        server.close()
