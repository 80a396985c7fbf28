"""Keep the library in step with watched folders while the app or daemon runs.

watchdog (inotify, FSEvents, ReadDirectoryChangesW) reports created, modified, moved and deleted
files; we collect the paths and act once a path has been quiet for `debounce_s` (an editor's save
is several events; a copy of a big PDF is many). A changed file goes through the library's
ingest, which replaces its chunks and drops what was learned from it, marking it stale for the
next digest; a deleted one is removed with its notes. Files inside the data folder are ignored,
or the library would watch its own database being written.

The worker opens its own store connection: a SQLite connection must not be shared by threads
that each run transactions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from nocturne import paths
from nocturne.library import watched_folders as library_folders
from nocturne.library.chunking import TokenCounter
from nocturne.library.ingest import SKIPPED_DIRECTORIES, add_file, add_paths, discover
from nocturne.library.loaders import kind_of
from nocturne.library.store import Store
from nocturne.settings import Settings

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 1.0
_IGNORED_EVENTS = {"opened", "closed_no_write"}


@dataclass(frozen=True)
class WatchResult:
    """What one change did to the library: added, updated, unchanged, removed or error."""

    path: str
    status: str
    reason: str = ""

    def line(self) -> str:
        return f"{self.status:<9} {self.path}" + (f": {self.reason}" if self.reason else "")


class _Collector(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a file inside changed; that file has its own event
        self.watcher.touch(_text(event.src_path))
        dest = getattr(event, "dest_path", "")
        if dest:
            self.watcher.touch(_text(dest))


def _text(path: str | bytes) -> str:
    return path.decode(errors="surrogateescape") if isinstance(path, bytes) else path


class FolderWatcher:
    def __init__(
        self,
        open_store: Callable[[], Store],
        settings: Settings,
        counter: TokenCounter,
        folders: Iterable[Path] = (),
        *,
        debounce_s: float = DEBOUNCE_SECONDS,
        on_result: Callable[[WatchResult], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._open_store = open_store
        self.settings = settings
        self.counter = counter
        self.debounce_s = debounce_s
        self.on_result = on_result
        self._clock = clock
        self._observer: Any = None
        self._watches: dict[Path, Any] = {}
        self._pending: dict[str, float] = {}
        self._wake = threading.Condition()
        self._stopping = False
        self._worker: threading.Thread | None = None
        self._ignored_root = paths.data_dir().resolve()
        self._folders = [Path(f).absolute() for f in folders]

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._observer = Observer()
        self._observer.daemon = True
        for folder in self._folders:
            self._watch(folder)
        self._observer.start()
        self._worker = threading.Thread(target=self._work, name="folder-watcher", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        if self._worker is not None:
            self._worker.join(timeout=30)

    def set_folders(self, folders: Iterable[Path]) -> None:
        """Follow the watched-folders table: watch new folders, forget removed ones."""
        wanted = {Path(f).absolute() for f in folders}
        for folder in set(self._watches) - wanted:
            self._observer.unschedule(self._watches.pop(folder))
            log.info("no longer watching %s", folder)
        for folder in sorted(wanted - set(self._watches)):
            self._watch(folder)

    @property
    def folders(self) -> list[Path]:
        return sorted(self._watches)

    def _watch(self, folder: Path) -> None:
        if not folder.is_dir():
            log.warning("watched folder %s is missing; it will be watched when it is back", folder)
            return
        self._watches[folder] = self._observer.schedule(
            _Collector(self), str(folder), recursive=True
        )
        log.info("watching %s", folder)

    # -- collecting and debouncing ---------------------------------------------------------

    def touch(self, path: str) -> None:
        if self._ignored(Path(path)):
            return
        with self._wake:
            self._pending[path] = self._clock()
            self._wake.notify_all()

    def _ignored(self, path: Path) -> bool:
        if path.is_relative_to(self._ignored_root) or path.absolute().resolve().is_relative_to(
            self._ignored_root
        ):
            return True
        root = next((f for f in self._watches if path.is_relative_to(f)), None)
        parts = path.relative_to(root).parts if root is not None else path.parts[-1:]
        return any(p.startswith(".") or p in SKIPPED_DIRECTORIES for p in parts)

    def _due(self) -> tuple[list[str], float | None]:
        """Paths quiet for `debounce_s`, and how long until the next one is."""
        now = self._clock()
        due = [p for p, at in self._pending.items() if now - at >= self.debounce_s]
        for path in due:
            del self._pending[path]
        waits = [self.debounce_s - (now - at) for at in self._pending.values()]
        return sorted(due), (min(waits) if waits else None)

    def _work(self) -> None:
        store = self._open_store()
        try:
            for missed in changed_while_away(store, list(self._watches)):
                self.touch(str(missed))
            while True:
                with self._wake:
                    due, wait = self._due()
                    while not due and not self._stopping:
                        self._wake.wait(timeout=wait)
                        due, wait = self._due()
                    if self._stopping:
                        return
                for path in due:
                    self._apply_safely(store, Path(path))
        finally:
            store.close()

    def _apply_safely(self, store: Store, path: Path) -> None:
        try:
            results = apply_change(store, path, self.settings, self.counter)
        except Exception as exc:  # one bad file (or a busy database) must not stop watching
            log.exception("could not update the library for %s", path)
            results = [WatchResult(str(path), "error", str(exc))]
        for result in results:
            if result.status != "unchanged":
                log.info("watched folder: %s", result.line())
            if self.on_result is not None:
                self.on_result(result)


def changed_while_away(store: Store, folders: Iterable[Path]) -> list[Path]:
    """Files in watched folders that differ from the library (new, or another size or mtime),
    and documents whose file is gone: what changed while nothing was watching."""
    changed: list[Path] = []
    seen: set[str] = set()
    for folder in folders:
        known = {
            file.path: (file.size, file.mtime, file.state)
            for file in library_folders.files_under(store, folder)
        }
        for candidate in discover([folder]):
            path = candidate.path
            seen.add(str(path))
            if candidate.problem or kind_of(path) is None:
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            size, mtime, state = known.get(str(path), (None, None, None))
            if state == "error" or size != stat.st_size or mtime != stat.st_mtime:
                changed.append(path)
        changed.extend(Path(p) for p in known if p not in seen and not Path(p).exists())
    return changed


def apply_change(
    store: Store, path: Path, settings: Settings, counter: TokenCounter
) -> list[WatchResult]:
    """Bring the library in line with what is at `path` now (a file, a folder, or nothing)."""
    if path.is_file():
        if kind_of(path) is None:
            return []
        result = add_file(store, path, settings, counter)
        return [WatchResult(result.path, result.status, result.reason)]
    if path.is_dir():
        return [
            WatchResult(r.path, r.status, r.reason)
            for r in add_paths(store, [path], settings, counter)
            if r.status != "skipped"
        ]
    return remove_missing(store, path)


def remove_missing(store: Store, path: Path) -> list[WatchResult]:
    """Remove the document at `path`, or every document under it if it was a folder."""
    results = []
    for document in library_folders.documents_at_or_under(store, str(path)):
        if Path(document.path).exists():
            continue
        store.remove_document(document.id)
        results.append(WatchResult(document.path, "removed"))
    return results
