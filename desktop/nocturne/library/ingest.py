"""Adding files and folders to the library, one result per file.

A bad file never stops the batch: it is reported with its reason (and remembered as an error row
so the window can show it), and every other file is still added. A file is read once; its bytes
are hashed and parsed from the same buffer, so the stored hash always matches the stored text.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nocturne.errors import IngestError, KnownError
from nocturne.library.chunking import TokenCounter, chunk_pages
from nocturne.library.loaders import kind_of, load
from nocturne.library.store import Store
from nocturne.settings import Settings

SKIPPED_DIRECTORIES = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
}


@dataclass(frozen=True)
class IngestResult:
    path: str
    status: str  # added, unchanged, updated, skipped, error
    reason: str = ""
    document_id: int | None = None
    chunks: int = 0
    pages: int | None = None

    @property
    def failed(self) -> bool:
        return self.status == "error"

    def line(self) -> str:
        detail = ""
        if self.status in ("added", "updated"):
            pages = f"{self.pages} pages, " if self.pages else ""
            detail = f" ({pages}{self.chunks} chunks)"
        elif self.reason:
            detail = f": {self.reason}"
        return f"{self.status:<9} {self.path}{detail}"


@dataclass(frozen=True)
class Candidate:
    """A file found while walking, or a problem found instead of a file."""

    path: Path
    explicit: bool
    problem: str = ""


def discover(paths: Iterable[str | Path]) -> Iterator[Candidate]:
    """Files under `paths`, recursively, following symlinks but never around a loop."""
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        if path.is_symlink() and not path.exists():
            yield Candidate(path, True, _broken_link_reason(path))
        elif path.is_dir():
            yield from _walk(path, {_real(path)})
        elif path.exists():
            yield Candidate(path, True)
        else:
            yield Candidate(path, True, "no such file or folder")


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _broken_link_reason(path: Path) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link"


def _walk(folder: Path, ancestors: set[str]) -> Iterator[Candidate]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except PermissionError:
        yield Candidate(folder, False, "folder cannot be read (permission denied)")
        return
    except OSError as exc:
        yield Candidate(folder, False, f"folder cannot be read ({exc.strerror})")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") or entry.name in SKIPPED_DIRECTORIES:
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        if entry.is_symlink():
            if not path.exists():
                yield Candidate(path, False, _broken_link_reason(path))
                continue
            if is_dir and _real(path) in ancestors:
                yield Candidate(path, False, f"symbolic link loop (points back to {_real(path)})")
                continue
        if is_dir:
            yield from _walk(path, ancestors | {_real(path)})
        elif entry.is_file(follow_symlinks=True):
            yield Candidate(path, False)


def _read(path: Path, limit_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit_bytes:
            raise IngestError(
                f"the file is {size / 1e6:.0f} MB, over the limit of {limit_bytes / 1e6:.0f} MB "
                "(setting max_file_mb)",
                path=str(path),
            )
        with path.open("rb") as handle:
            return handle.read(limit_bytes + 1)
    except FileNotFoundError as exc:
        raise IngestError("the file disappeared while it was being added", path=str(path)) from exc
    except PermissionError as exc:
        raise IngestError("the file cannot be read (permission denied)", path=str(path)) from exc
    except IsADirectoryError as exc:
        raise IngestError("this is a folder", path=str(path)) from exc
    except OSError as exc:
        reason = "symbolic link loop" if exc.errno == errno.ELOOP else exc.strerror
        raise IngestError(f"the file cannot be read ({reason})", path=str(path)) from exc


def add_paths(
    store: Store, paths: Iterable[str | Path], settings: Settings, counter: TokenCounter
) -> Iterator[IngestResult]:
    """Add every file under `paths`; yields one result per file as it is done."""
    for candidate in discover(paths):
        path_text = str(candidate.path)
        if candidate.problem:
            yield IngestResult(path_text, "error", candidate.problem)
            continue
        if kind_of(candidate.path) is None:
            status = "error" if candidate.explicit else "skipped"
            suffix = candidate.path.suffix or "(no extension)"
            yield IngestResult(path_text, status, f"unsupported file type {suffix}")
            continue
        yield add_file(store, candidate.path, settings, counter)


def add_file(store: Store, path: Path, settings: Settings, counter: TokenCounter) -> IngestResult:
    path_text = str(path)
    kind = kind_of(path) or ""
    try:
        data = _read(path, settings.max_file_mb * 1_000_000)
        digest = hashlib.sha256(data).hexdigest()
        existing = store.document_by_path(path_text)
        if (
            existing is not None
            and existing["content_hash"] == digest
            and existing["state"] != "error"
            and existing["chunk_count"] > 0
        ):
            if existing["error"]:
                with store.transaction() as conn:
                    conn.execute(
                        "UPDATE documents SET error = NULL WHERE id = ?", (existing["id"],)
                    )
            return IngestResult(
                path_text,
                "unchanged",
                document_id=existing["id"],
                chunks=existing["chunk_count"],
                pages=existing["pages"],
            )
        pages = load(path, data)
        drafts = chunk_pages(
            pages,
            counter,
            chunk_tokens=settings.chunk_tokens,
            overlap_tokens=settings.chunk_overlap_tokens,
        )
        if not drafts:
            raise IngestError("the file contains no text", path=path_text)
        stat = path.stat() if path.exists() else None
        document_id = store.save_document(
            path=path_text,
            name=path.name,
            kind=kind,
            content_hash=digest,
            size=len(data),
            mtime=stat.st_mtime if stat else 0.0,
            pages=len(pages) if kind == "pdf" else None,
            chunks=drafts,
        )
    except IngestError as exc:
        store.record_error(path=path_text, name=path.name, kind=kind, error=exc.message)
        return IngestResult(path_text, "error", exc.message)
    except KnownError:
        raise  # the store itself failed: stop, the caller reports it
    status = "added" if existing is None or existing["chunk_count"] == 0 else "updated"
    return IngestResult(
        path_text,
        status,
        document_id=document_id,
        chunks=len(drafts),
        pages=len(pages) if kind == "pdf" else None,
    )
