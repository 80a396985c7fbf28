"""Backups of the library database, and getting a damaged library back.

Backups are taken with SQLite's online backup API (consistent while the window, the daemon or a
digest use the file), checked, and kept in `<data dir>/backups/` — the last `KEEP` of them. One
is taken a day (by whoever runs the schedule) and on request (`nocturne backup`).

A damaged database (SQLite says "malformed" or "not a database") is never overwritten: restoring
a backup or rebuilding first moves it aside as `library.sqlite3.damaged-<time>`. Restoring puts
the newest good backup in its place; rebuilding starts an empty library and adds the original
files again (their paths read from the damaged file if it still tells them, else from the newest
backup); the learned notes are then digested again. Either way the conversations and answer
log are carried over from the set-aside file as far as it can be read (`kept_history.py`).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nocturne import paths
from nocturne.errors import KnownError, StoreError
from nocturne.library.kept_history import KeptHistory, carry_history
from nocturne.library.store import Store, map_error

KEEP = 5
DAILY = timedelta(days=1)
_STAMP = "%Y%m%d-%H%M%S"
_PREFIX = "library-"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC
    reason: str

    @property
    def when(self) -> str:
        return self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")

    @property
    def documents(self) -> int:
        """How many documents the backup holds (0 when it cannot be read)."""
        return len(_document_rows(self.path))

    def line(self) -> str:
        size = self.path.stat().st_size if self.path.exists() else 0
        return (
            f"{self.when}  {self.reason:<8} {self.documents:>5} document(s)  "
            f"{size / 1e6:6.1f} MB  {paths.display_path(self.path)}"
        )


def backup_dir() -> Path:
    folder = paths.data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def list_backups(folder: Path | None = None) -> list[Backup]:
    """The backups kept, newest first."""
    found = []
    for path in (folder or backup_dir()).glob(f"{_PREFIX}*.sqlite3"):
        parts = path.stem[len(_PREFIX) :].split("-", 2)
        if len(parts) < 2:
            continue
        try:
            taken = datetime.strptime(f"{parts[0]}-{parts[1]}", _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Backup(path, taken, parts[2] if len(parts) > 2 else ""))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def make_backup(store: Store, reason: str = "manual", now: datetime | None = None) -> Backup:
    """Copy the open library into the backup folder, check the copy, keep the last KEEP."""
    if str(store.path) == ":memory:":
        raise KnownError("an in-memory library has nothing to back up")
    taken = (now or datetime.now(UTC)).astimezone(UTC)
    target = backup_dir() / f"{_PREFIX}{taken.strftime(_STAMP)}-{reason}.sqlite3"
    partial = target.with_suffix(".partial")
    try:
        copy = sqlite3.connect(str(partial))
        try:
            store.conn.backup(copy)
            problem = _integrity_problem(copy)
        finally:
            copy.close()
        if problem:
            raise StoreError(
                f"the library database {paths.display_path(str(store.path))} is damaged "
                f"({problem}); no backup was taken over the good ones",
                condition="damaged",
                database=paths.display_path(str(store.path)),
            )
        partial.replace(target)
    except sqlite3.Error as exc:
        raise map_error(exc, store.path) or StoreError(
            f"the backup could not be written to {paths.display_path(target)} ({exc})"
        ) from exc
    except OSError as exc:
        raise KnownError(
            f"the backup could not be written to {paths.display_path(target)} "
            f"({exc.strerror or exc})"
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    for old in list_backups(target.parent)[KEEP:]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return Backup(target, taken, reason)


def backup_if_due(store: Store, now: datetime | None = None) -> Backup | None:
    """The daily backup, when the newest one is a day old or there is none."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    newest = next(iter(list_backups()), None)
    if newest is not None and moment - newest.taken_at < DAILY:
        return None
    if not store.scalar("SELECT 1 FROM documents LIMIT 1"):
        return None  # an empty library has nothing to keep, and its copy would restore nothing
    return make_backup(store, "daily", moment)


def _integrity_problem(conn: sqlite3.Connection) -> str:
    """'' when SQLite's quick check passes, else its first complaint."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    first = str(rows[0][0]) if rows else "no answer"
    return "" if first == "ok" else _first_complaints(first, len(rows))


def _first_complaints(report: str, rows: int, keep: int = 2) -> str:
    """SQLite's report in a sentence a person can read: its first complaints, and how many more
    (it can list hundreds, one per damaged cell, under a '*** in database main ***' banner)."""
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("***")] or lines
    more = len(lines) - keep + max(0, rows - 1)
    text = "; ".join(lines[:keep])
    return f"{text} (and {more} more)" if more > 0 else text


def database_problem(path: Path | None = None, *, thorough: bool = True) -> str:
    """'' when the library database opens and passes SQLite's quick check (or does not exist
    yet), else what is wrong with it. `thorough=False` only reads its header and schema: at
    start-up the quick check would read the whole file, and damage further in shows up as a
    "damaged" error of the first query that meets it."""
    target = path or paths.db_path()
    if not target.exists():
        return ""
    try:
        conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        if not thorough:
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                return str(exc)
            return ""
        return _integrity_problem(conn)
    finally:
        conn.close()


def _move_aside(target: Path, now: datetime) -> Path | None:
    """Keep the current database file (and its WAL) under another name, `.damaged-<time>` or,
    when it opens and checks fine, `.replaced-<time>`; never delete it."""
    if not target.exists():
        return None
    kind = "damaged" if database_problem(target) else "replaced"
    aside = target.with_name(f"{target.name}.{kind}-{now.strftime(_STAMP)}")
    target.replace(aside)
    for suffix in ("-wal", "-shm"):
        extra = target.with_name(target.name + suffix)
        if extra.exists():
            extra.replace(aside.with_name(aside.name + suffix))
    return aside


@dataclass(frozen=True)
class Recovery:
    kept_as: Path | None  # where the damaged file went
    source: Backup | None = None  # the backup restored
    files: tuple[str, ...] = ()  # the documents and watched folders to add again (rebuild)
    missing: tuple[str, ...] = ()  # those the old file lists that are no longer there (rebuild)
    # what was carried from the old file (a restore; a rebuild carries it after adding again)
    history: KeptHistory = field(default_factory=KeptHistory)

    def nothing_to_add(self) -> str:
        """Why a rebuild has nothing to add again, in a sentence (no full stop)."""
        if self.missing:
            first = paths.display_path(self.missing[0])
            if len(self.missing) == 1:
                return (
                    f"The one document the damaged file lists is no longer where it was "
                    f"({first}); add it again from where it is now"
                )
            return (
                f"The {len(self.missing)} documents and folders the damaged file lists are no "
                f"longer where they were (such as {first}); add them again from where they are now"
            )
        return (
            "The list of your documents could not be read from the damaged file; add your "
            "documents or folders again"
        )

    def paths_to_add(self) -> list[str]:
        """What a rebuild adds again: the watched folders first (watched again once added),
        then the documents that lie in none of them (those inside come with their folder)."""
        folders = [f for f in self.files if Path(f).is_dir()]
        files = [
            f
            for f in self.files
            if not Path(f).is_dir() and not any(Path(f).is_relative_to(d) for d in folders)
        ]
        return [*folders, *files]


def newest_good_backup() -> Backup | None:
    """The backup `restore_backup()` would put back: the newest that passes SQLite's check and
    holds documents (a copy of an empty library restores nothing), else None."""
    return next((b for b in list_backups() if not database_problem(b.path) and b.documents), None)


def restore_backup(backup: Backup | None = None, now: datetime | None = None) -> Recovery:
    """Put a backup (the newest good one by default) in place of the library database."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    chosen = backup if backup is not None and not database_problem(backup.path) else None
    if backup is None:
        chosen = newest_good_backup()
    if chosen is None:
        raise KnownError(
            "there is no good backup to restore"
            + (f" in {paths.display_path(backup_dir())}" if backup is None else "")
            + "; `nocturne rebuild` adds your documents again instead"
        )
    target = paths.db_path()
    kept = _move_aside(target, moment)
    shutil.copy2(chosen.path, target)
    # the conversations and answers since the backup, as far as the old file still tells them
    store = Store.open(target)
    try:
        history = carry_history(store, kept)
    finally:
        store.close()
    return Recovery(kept, chosen, history=history)


def _read_paths(database: Path, tables: tuple[str, ...]) -> list[str]:
    """The `path` column of these tables of a library database, as far as it can be read."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    found: list[str] = []
    try:
        for table in tables:
            with contextlib.suppress(sqlite3.Error):
                found.extend(str(r[0]) for r in conn.execute(f"SELECT path FROM {table}"))
    finally:
        conn.close()
    return list(dict.fromkeys(found))


def _document_rows(database: Path) -> list[str]:
    """The document paths of a database (not its watched folders)."""
    return _read_paths(database, ("documents",))


def document_paths(database: Path) -> list[str]:
    """The paths of the documents and watched folders a library database lists, as far as it
    can still be read."""
    return _read_paths(database, ("documents", "watched_folders"))


def start_rebuild(now: datetime | None = None) -> Recovery:
    """Move the damaged database aside and say which files to add again to a new library."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    target = paths.db_path()
    # the library itself where it still tells its files, else a library set aside earlier
    # (the damaged one a restore replaced), else the newest backup that lists any
    set_aside = sorted(target.parent.glob(f"{target.name}.damaged-*"), reverse=True)
    files: list[str] = []
    for source in [target, *set_aside, *(b.path for b in list_backups())]:
        files = document_paths(source)
        if files:
            break
    kept = _move_aside(target, moment)
    there = tuple(f for f in files if Path(f).exists())
    return Recovery(kept, None, there, tuple(f for f in files if f not in there))
