"""The digest loop (`sleeptime/runner.py`): steps done one at a time, events, stopping between
steps, the time limit, documents' states, and the one-line summary of a run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from nocturne.engine.logged import LoggedEngine
from nocturne.library.digest_priorities import request_documents
from nocturne.library.store import Store
from nocturne.sleeptime.events import FINISH, START, STEP, DigestEvent
from nocturne.sleeptime.plan import plan_digest
from nocturne.sleeptime.runner import DigestResult, DigestRunner

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine

Library = Callable[[], dict[str, int]]


def states(store: Store) -> dict[int, str]:
    return {int(row.id): str(row.state) for row in store.documents()}


def test_events_count_every_step_from_start_to_finish(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    pending = len(plan_digest(store, "low", "fake-model").pending)
    events: list[DigestEvent] = []
    result = DigestRunner(store, digest_engine, "low", on_event=events.append).run()
    assert result.reason == "done" and result.done == result.total == pending
    assert [(e.kind, e.done, e.total) for e in events] == [
        (START, 0, pending),
        *((STEP, n, pending) for n in range(1, pending + 1)),
        (FINISH, pending, pending),
    ]
    steps = [e for e in events if e.kind == STEP]
    assert sum(e.step_tokens for e in steps) == result.tokens == events[-1].tokens
    assert events[-1].kept == result.kept and events[-1].reason == "done"
    assert {e.step_kind for e in steps} == {"structure", "chunk_notes"}
    assert set(states(store).values()) == {"ready"}


def test_stop_request_ends_after_the_current_step(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    request_documents(store, [docs["oil"]])  # read first: its passages take model calls
    events: list[DigestEvent] = []
    runner = DigestRunner(store, digest_engine, "low", on_event=events.append)

    def on_event(event: DigestEvent) -> None:
        events.append(event)
        if event.kind == STEP and event.done == 2:
            runner.stop()

    runner.on_event = on_event
    result = runner.run()
    assert result.reason == "stopped" and result.done == 2
    assert store.scalar("SELECT COUNT(*) FROM digest_steps") == 2
    assert events[0].kind == START and events[-1].kind == FINISH
    assert events[-1].reason == "stopped"
    step_events = [e for e in events if e.kind == STEP]
    assert step_events[-1].eta_s is not None and step_events[-1].tokens > 0
    assert {r.state for r in store.documents()} <= {"queued", "ready"}
    rest = DigestRunner(store, digest_engine, "low").run()
    assert rest.already_done == 2 and rest.reason == "done"


def test_should_stop_before_the_first_step_does_nothing_and_leaves_no_document_digesting(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    result = DigestRunner(store, digest_engine, "low", should_stop=lambda: True).run()
    assert result.reason == "stopped"
    assert (result.done, result.tokens, result.kept) == (0, 0, 0)
    assert result.total == len(plan_digest(store, "low", "fake-model").pending) > 0
    assert digest_engine.calls == []
    assert store.scalar("SELECT COUNT(*) FROM digest_steps") == 0
    assert set(states(store).values()) == {"queued"}


def test_max_seconds_stops_before_a_step_that_would_not_fit(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0  # every look at the clock costs a second
        return now[0]

    result = DigestRunner(store, digest_engine, "low", max_seconds=6, clock=clock).run()
    assert result.reason == "time"
    assert 0 < result.done < len(plan_digest(store, "low", "fake-model").steps)


def test_no_time_at_all_does_no_step(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    result = DigestRunner(store, digest_engine, "low", max_seconds=0, clock=lambda: 5.0).run()
    assert result.reason == "time" and result.done == 0 and result.seconds == 0.0
    assert result.summary_line().startswith(f"Digest stopped at the time limit: 0/{result.total}")


def test_a_half_done_document_with_old_notes_goes_back_to_stale(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    request_documents(store, [docs["oil"]])
    DigestRunner(store, digest_engine, "low").run()
    # Another model: every note is stale; the run stops inside the first document.
    bigger = FakeEngine(responder=digest_reply, model_id="bigger-model")
    runner = DigestRunner(store, bigger, "low")

    def stop_after_one(event: DigestEvent) -> None:
        if event.kind == STEP and event.done == 1:
            runner.stop()

    runner.on_event = stop_after_one
    assert runner.run().reason == "stopped"
    assert states(store) == {docs["oil"]: "stale", docs["forest"]: "stale"}


def test_a_document_removed_during_the_run_has_its_steps_skipped_as_superseded(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    docs = library()
    request_documents(store, [docs["oil"]])  # the forest comes second
    pending = plan_digest(store, "low", "fake-model").pending
    forest_steps = sum(1 for step in pending if step.document_id == docs["forest"])
    runner = DigestRunner(store, digest_engine, "low")

    def remove_forest(event: DigestEvent) -> None:
        if event.kind == STEP and event.done == 1:
            store.remove_document(docs["forest"])

    runner.on_event = remove_forest
    result = runner.run()
    assert result.reason == "done"
    assert result.superseded == forest_steps > 0
    assert result.done == result.total - forest_steps
    assert states(store) == {docs["oil"]: "ready"}
    assert (
        store.scalar("SELECT COUNT(*) FROM digest_steps WHERE document_id = ?", (docs["forest"],))
        == 0
    )


def test_model_calls_are_logged_once_whether_or_not_the_engine_came_logged(
    store: Store, library: Library, digest_engine: FakeEngine
) -> None:
    library()
    logged = LoggedEngine(digest_engine, store)
    runner = DigestRunner(store, logged, "low")
    assert runner.engine is logged  # not wrapped twice
    runner.run()
    assert digest_engine.calls
    assert store.scalar("SELECT COUNT(*) FROM model_calls") == len(digest_engine.calls)
    plain = DigestRunner(store, FakeEngine(), "low")
    assert isinstance(plain.engine, LoggedEngine)


BASE = DigestResult(
    reason="done",
    done=3,
    total=4,
    already_done=2,
    tokens=120,
    kept=5,
    dropped=1,
    seconds=12.34,
)


def result(**changes: Any) -> DigestResult:
    return replace(BASE, **changes)


DONE = "3/4 steps in 12.3 s (2 done earlier), 5 notes kept, 1 dropped, 120 model tokens"


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({}, f"Digest finished: {DONE}"),
        ({"reason": "stopped"}, f"Digest stopped: {DONE}"),
        ({"reason": "time"}, f"Digest stopped at the time limit: {DONE}"),
        ({"reason": "odd"}, f"Digest odd: {DONE}"),
        ({"total": 0, "done": 0}, "Digest: nothing to do (2 steps done earlier)"),
        (
            {"concurrency": 4, "in_flight": 3.84},
            f"Digest finished: {DONE}, 3.8 of 4 requests in flight on average",
        ),
        (
            {"concurrency": 4, "in_flight": 2.0, "wasted": 3},
            f"Digest finished: {DONE}, 2.0 of 4 requests in flight on average, 3 sent ahead unused",
        ),
    ],
)
def test_the_summary_line(changes: dict[str, Any], line: str) -> None:
    assert result(**changes).summary_line() == line


def test_one_request_at_a_time_says_nothing_of_parallelism() -> None:
    assert result(concurrency=1, in_flight=1.0, wasted=2).parallelism_line() == ""
    assert result(concurrency=0).parallelism_line() == ""


class PageReader:
    """A stand-in OCR reader: every page says `text`; records each page read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.read_pages = 0

    def read(self, image: Any) -> Any:
        from nocturne.ocr.layout import OcrLine
        from nocturne.ocr.reader import PageReading

        self.read_pages += 1
        return PageReading(self.text, [OcrLine(self.text, 0.97, 0, 0, 100, 10)], 0.97, 0, 0.01)


def _digest_of(
    store: Store,
    settings: Any,
    tmp_path: Any,
    *,
    scans: dict[str, int],
    texts: dict[str, str],
    asked_for: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """Scans of so many pages and text files added together, digested at budget low with a
    stand-in OCR; each step run as (kind, document name)."""
    from nocturne.library.ingest import add_paths
    from nocturne.sleeptime.ocr_step import OcrWork

    from scan_maker import page_image, scanned_pdf

    folder = tmp_path / "docs"
    folder.mkdir()
    for name, pages in scans.items():
        (folder / name).write_bytes(scanned_pdf([page_image(["placeholder"])] * pages))
    for name, text in texts.items():
        (folder / name).write_text(text)
    list(add_paths(store, [folder], settings, FakeEngine()))
    ids = {row.name: int(row.id) for row in store.documents()}
    request_documents(store, [ids[name] for name in asked_for])
    reader = PageReader("The deposit is 900 pounds and the gate code is 4471.")
    work = OcrWork(store, settings, reader=reader, counter=FakeEngine())  # type: ignore[arg-type]
    events: list[DigestEvent] = []
    result = DigestRunner(
        store, FakeEngine(), "low", settings=settings, ocr_work=work, on_event=events.append
    ).run()
    assert result.reason == "done" and reader.read_pages == sum(scans.values())
    assert set(states(store).values()) == {"ready"}
    assert plan_digest(store, "low", "fake-model").pending == []
    return [(e.step_kind, e.label) for e in events if e.kind == STEP]


def _runs_of(run: list[tuple[str, str]]) -> list[str]:
    """The documents in the order the run took them, each once per stretch of its steps."""
    names: list[str] = []
    for _kind, name in run:
        if not names or names[-1] != name:
            names.append(name)
    return names


SMALL_TEXT = "The boiler is serviced every May."


def test_a_small_new_text_file_does_not_wait_for_the_ocr_of_a_big_scan(
    store: Store, settings: Any, tmp_path: Any
) -> None:
    """Both added now: the 20-page scan is of a bigger size class than the one-passage text
    file, so the text file is digested first; then the scan's pages are read, then its own
    steps follow (they read its text)."""
    run = _digest_of(
        store, settings, tmp_path, scans={"scan.pdf": 20}, texts={"notes.txt": SMALL_TEXT}
    )
    assert _runs_of(run) == ["notes.txt", "scan.pdf"]
    scan_kinds = [kind for kind, name in run if name == "scan.pdf"]
    assert scan_kinds[:20] == ["ocr_page"] * 20 and "ocr_page" not in scan_kinds[20:]
    assert {"structure", "chunk_notes"} <= set(scan_kinds[20:])


def test_each_scan_is_read_and_digested_at_its_own_place(
    store: Store, settings: Any, tmp_path: Any
) -> None:
    """A small scan's steps follow its pages at once, before a big scan's pages are read; the
    big scan comes at its place among documents of its size (after the text file added after
    it: newest first)."""
    settings.set("chunk_tokens", 64)
    paragraph = "The tenancy began in March and the rent is due on the first day of the month."
    big = "\n\n".join(f"Clause {n}. {paragraph} {paragraph}" for n in range(60))
    run = _digest_of(
        store,
        settings,
        tmp_path,
        scans={"small.pdf": 2, "big.pdf": 20},
        texts={"lease.txt": big},
    )
    assert next(d for d in store.documents() if d.name == "lease.txt").chunk_count > 16
    # small.pdf: 2 pages (up to 16); lease.txt and big.pdf: the next size class, newest first
    assert _runs_of(run) == ["small.pdf", "lease.txt", "big.pdf"]
    small = [kind for kind, name in run if name == "small.pdf"]
    assert run[: len(small)] == [(kind, "small.pdf") for kind in small]
    assert small[:2] == ["ocr_page", "ocr_page"] and "structure" in small[2:]
    big_kinds = [kind for kind, name in run if name == "big.pdf"]
    assert big_kinds[:20] == ["ocr_page"] * 20 and "ocr_page" not in big_kinds[20:]


def test_a_big_scan_asked_for_is_read_and_digested_first(
    store: Store, settings: Any, tmp_path: Any
) -> None:
    run = _digest_of(
        store,
        settings,
        tmp_path,
        scans={"scan.pdf": 20},
        texts={"notes.txt": SMALL_TEXT},
        asked_for=("scan.pdf",),
    )
    assert _runs_of(run) == ["scan.pdf", "notes.txt"]
