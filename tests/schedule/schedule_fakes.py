"""Fakes for scheduler tests: a settable clock, scripted idle/power, CPU counters advanced by
hand, an idle service on a private D-Bus bus, and a digest that marks documents of a real store
as learned one step at a time."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from nocturne.library.digest_documents import documents_waiting
from nocturne.library.store import ChunkDraft, Store
from nocturne.schedule.cpu import CpuTimes
from nocturne.schedule.idle import IdleReading
from nocturne.schedule.power import PowerReading


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


class FakeWorld:
    """The person and the power cord. `touch()` is input; `idle` grows with the clock."""

    def __init__(self, clock: FakeClock, source: str = "x11-xscreensaver") -> None:
        self.clock = clock
        self.source = source
        self.last_input = clock.now
        self.on_ac: bool | None = True
        self.answers = True
        self.questions = 0

    def touch(self) -> None:
        self.last_input = self.clock.now

    def idle(self) -> IdleReading:
        if not self.answers:
            return IdleReading(self.source, None)
        return IdleReading(self.source, (self.clock.now - self.last_input).total_seconds())

    def power(self) -> PowerReading:
        return PowerReading(on_ac=self.on_ac, battery_percent=70.0)


class CpuCounters:
    """psutil-like CPU counters advanced by hand; time comes from `now` (a fake clock)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.busy = 0.0
        self.total = 0.0
        self.digest = 0.0

    def advance(self, seconds: float, others: float, digest: float = 0.0, cores: int = 2) -> None:
        """`others`, `digest`: shares (0-1) of all cores used over these seconds."""
        self.now += seconds
        self.total += seconds * cores
        self.busy += seconds * cores * (others + digest)
        self.digest += seconds * cores * digest

    def read(self) -> CpuTimes:
        return CpuTimes(self.busy, self.total, self.digest)


class FakeIdleService:
    """A D-Bus service answering one idle method, served from a thread on a private bus.

    It answers `milliseconds` (an int, as GNOME and KDE do; a str to play a broken service)."""

    def __init__(self, address: str, bus_name: str, method: str, milliseconds: int | str) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.method = method
        self.milliseconds = milliseconds
        self.calls = 0
        self._stop = threading.Event()
        self._conn = open_dbus_connection(bus=address)
        reply = self._conn.send_and_get_reply(message_bus.RequestName(bus_name), timeout=5)
        assert reply.body[0] == 1  # primary owner
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from jeepney import MessageType, new_error, new_method_return

        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            if msg.header.fields.get(3) == self.method:  # 3 = MEMBER
                self.calls += 1
                if isinstance(self.milliseconds, str):
                    signature = "s"
                else:
                    signature = "t" if self.method == "GetIdletime" else "u"
                self._conn.send(new_method_return(msg, signature, (self.milliseconds,)))
            else:
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._conn.close()


class FakeDigest:
    """A digest run: each `step()` while running and not paused learns one document."""

    def __init__(self, store: Store, log: list[str]) -> None:
        self.store = store
        self.log = log
        self.started = False
        self.paused = False
        self.stopped = False
        self.finished = False
        self.steps = 0

    def start(self) -> None:
        self.started = True
        self.log.append("start")

    def pause(self) -> None:
        assert self.started and not self.paused
        self.paused = True
        self.log.append("pause")

    def resume(self) -> None:
        assert self.paused
        self.paused = False
        self.log.append("resume")

    def stop(self) -> None:
        self.stopped = True
        self.log.append("stop")

    @property
    def is_running(self) -> bool:
        return self.started and not self.stopped and not self.finished

    @property
    def is_paused(self) -> bool:
        return self.paused

    @property
    def completed(self) -> bool:
        return self.finished

    def step(self) -> None:
        if not self.is_running or self.paused:
            return
        row = self.store.conn.execute(
            "SELECT id FROM documents WHERE learned_stale = 1 ORDER BY id LIMIT 1"
        ).fetchone()
        if row is None:
            self.finished = True
            return
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE documents SET learned_stale = 0, state = 'digested' WHERE id = ?", (row[0],)
            )
        self.steps += 1
        if documents_waiting(self.store) == 0:
            self.finished = True


def add_documents(store: Store, count: int) -> None:
    for n in range(count):
        store.save_document(
            path=f"/docs/{n}.txt",
            name=f"{n}.txt",
            kind="txt",
            content_hash=str(n),
            size=10,
            mtime=0.0,
            pages=None,
            chunks=[ChunkDraft(0, None, f"text {n}", 3)],
        )
