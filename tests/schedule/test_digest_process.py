"""The scheduler's adapter around the digest process: what counts as done, how long a stop waits,
what the log says. A scripted process stands in for the real one (test_real_digest_process.py
drives a real one)."""

from __future__ import annotations

import logging
from typing import cast

import pytest

from nocturne.schedule.daemon import default_controller_factory
from nocturne.schedule.digest_process import (
    PAUSED_STOP_GRACE_S,
    DigestProcessController,
    _log_event,
    digest_process_controller,
    runs_at_lowest_priority,
)
from nocturne.settings import Settings
from nocturne.sleeptime.events import FINISH, STEP, DigestEvent
from nocturne.sleeptime.process import DigestProcess


class ScriptedProcess:
    """What the controller reads of a `DigestProcess`, set by the test; records the calls."""

    def __init__(self) -> None:
        self.budget: str | None = "low"
        self.documents: tuple[int, ...] | None = None
        self.pid: int | None = 4242
        self.is_running = False
        self.is_paused = False
        self.has_ended = False
        self.exitcode: int | None = None
        self.result: DigestEvent | None = None
        self.last_event: DigestEvent | None = None
        self.late_result: DigestEvent | None = None  # delivered while the controller waits
        self.calls: list[str] = []

    def start(self) -> None:
        self.calls.append("start")
        self.is_running = True

    def pause(self) -> None:
        self.calls.append("pause")
        self.is_paused = True

    def resume(self) -> None:
        self.calls.append("resume")
        self.is_paused = False

    def stop(self, grace_s: float) -> None:
        self.calls.append(f"stop {grace_s}")

    def wait(self, timeout: float | None = None) -> bool:
        self.calls.append(f"wait {timeout}")
        self.result = self.late_result
        return True

    def end(self, reason: str | None, message: str = "", exitcode: int = 0) -> None:
        self.is_running = False
        self.has_ended = True
        self.exitcode = exitcode
        if reason is not None:
            self.result = finish(reason, message)


def finish(reason: str, message: str = "") -> DigestEvent:
    return DigestEvent(kind=FINISH, done=3, total=3, reason=reason, message=message)


def controller(process: ScriptedProcess, stop_grace_s: float = 30.0) -> DigestProcessController:
    return DigestProcessController(cast(DigestProcess, process), stop_grace_s=stop_grace_s)


def test_a_running_digest_gets_the_grace_period_to_finish_its_step() -> None:
    process = ScriptedProcess()
    controlled = controller(process, stop_grace_s=12.0)
    controlled.start()
    controlled.stop()
    assert process.calls == ["start", "stop 12.0"]


def test_a_paused_digest_is_stopped_at_once() -> None:
    process = ScriptedProcess()
    controlled = controller(process, stop_grace_s=12.0)
    controlled.start()
    controlled.pause()
    assert controlled.is_paused
    controlled.stop()
    assert process.calls == ["start", "pause", f"stop {PAUSED_STOP_GRACE_S}"]


def test_done_only_when_the_run_ended_because_everything_was_digested() -> None:
    process = ScriptedProcess()
    controlled = controller(process)
    process.start()
    process.result = finish("done")  # the event came, the process is still exiting
    assert not controlled.completed
    assert controlled.error is None
    process.end("done")
    assert controlled.completed
    assert controlled.error is None


@pytest.mark.parametrize(
    ("reason", "message", "error"),
    [
        ("error", "the model file is missing", "the model file is missing"),
        ("stopped", "", "stopped"),
        ("time", "", "time"),
    ],
)
def test_a_run_that_ended_otherwise_is_not_done_and_says_why(
    reason: str, message: str, error: str
) -> None:
    process = ScriptedProcess()
    process.end(reason, message)
    controlled = controller(process)
    assert not controlled.completed
    assert controlled.error == error


def test_a_killed_process_without_a_finish_event_reports_its_exit_code() -> None:
    process = ScriptedProcess()
    process.end(None, exitcode=-9)
    controlled = controller(process)
    assert not controlled.completed
    assert controlled.error == "the digest process exited with code -9"
    assert "wait 2.0" in process.calls  # it waited briefly for last events first


def test_the_last_events_of_an_ended_process_are_waited_for() -> None:
    process = ScriptedProcess()
    process.end(None)
    process.late_result = finish("done")  # still in the queue when the process exited
    controlled = controller(process)
    assert controlled.completed
    assert process.calls == ["wait 2.0"]


def test_the_controller_passes_through_what_the_scheduler_reads() -> None:
    process = ScriptedProcess()
    process.documents = (7, 9)
    step = DigestEvent(kind=STEP, done=1, total=3)
    process.last_event = step
    controlled = controller(process)
    assert (controlled.budget, controlled.documents, controlled.pid) == ("low", (7, 9), 4242)
    assert controlled.progress is step
    controlled.start()
    assert controlled.is_running and not controlled.is_paused
    controlled.pause()
    controlled.resume()
    assert process.calls == ["start", "pause", "resume"]
    assert not controlled.is_paused


def test_a_scheduled_run_is_started_at_the_lowest_priority() -> None:
    controlled = digest_process_controller(Settings(), budget="low")
    assert controlled.process.low_priority is True
    assert controlled.budget == "low"
    assert digest_process_controller(Settings()).budget == "medium"


def test_the_schedulers_runs_take_the_lowest_priority() -> None:
    """The window's scheduler and `nocturne daemon` start their runs through this factory."""
    make = default_controller_factory(Settings)
    for run in (make(), make(budget="low")):
        assert isinstance(run, DigestProcessController)
        assert run.process.low_priority is True


def test_digest_now_runs_at_normal_priority() -> None:
    """ "Digest now" (the window's button, the tray): the person is waiting for it."""
    controlled = digest_process_controller(Settings(), asked=True)
    assert controlled.process.low_priority is False
    assert controlled.documents is None


def test_a_run_of_chosen_documents_keeps_normal_priority_and_its_documents() -> None:
    """ "Digest this document now": only a person chooses documents, so not the lowest priority
    even when the caller does not say it asked."""
    for asked in (False, True):
        controlled = digest_process_controller(
            Settings({"digest_budget": "high"}), asked=asked, documents=[3, 1]
        )
        assert controlled.process.low_priority is False
        assert controlled.budget == "high"
        assert controlled.documents == (3, 1)
        assert controlled.process.on_event is _log_event
        assert controlled.stop_grace_s == 30.0


def test_one_rule_decides_the_priority() -> None:
    assert runs_at_lowest_priority(asked=False, documents=None) is True
    assert runs_at_lowest_priority(asked=True, documents=None) is False
    assert runs_at_lowest_priority(asked=False, documents=[2]) is False


def test_steps_and_the_end_of_a_run_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="nocturne.schedule.digest_process")
    events = [
        DigestEvent(kind=STEP, done=2, total=5, step_kind="notes", label="boiler.txt", eta_s=185.0),
        DigestEvent(kind=STEP, done=3, total=5, step_kind="brief", label="library"),
        DigestEvent(
            kind=FINISH,
            done=4,
            total=5,
            tokens=1200,
            reason="error",
            message="disk full",
            in_flight=1.52,
        ),
        DigestEvent(kind=FINISH, done=5, total=5, tokens=10, reason="done"),
        DigestEvent(kind="start", done=0, total=5),
    ]
    for event in events:
        _log_event(event)
    assert caplog.messages == [
        "digest step 2/5: notes boiler.txt, about 3 min left",
        "digest step 3/5: brief library",
        "digest run ended (error) after 4/5 steps, 1200 tokens, "
        "1.5 requests in flight on average: disk full",
        "digest run ended (done) after 5/5 steps, 10 tokens",
    ]
