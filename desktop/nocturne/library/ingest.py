"""Adding files and folders to the library, one result per file.

A bad file never stops the batch: it is reported with its reason (and remembered as an error row
so the window can show it), and every other file is still added. A file is read once; its bytes
are hashed and parsed from the same buffer, so the stored hash always matches the stored text.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from nocturne.errors import IngestError
from nocturne.library import ocr_pages, watched_folders
from nocturne.library.blocks import HEADING, TEXT, Block, LoadedDocument
from nocturne.library.chunking import TokenCounter, chunk_blocks
from nocturne.library.loaders import kind_of, load
from nocturne.library.names import document_aliases, title_from
from nocturne.library.records import DocumentRecord
from nocturne.library.same_reading import reads_as_stored
from nocturne.library.sections import SectionDraft, build_sections
from nocturne.library.store import ChunkDraft, Store
from nocturne.paths import display_path
from nocturne.settings import Settings

# Bumped whenever loaders or chunking read the same bytes differently: a document read by an
# older version is read again by the next `add` (and its digest redone), though unchanged.
# blocks-2: tables as row sentences, headings above their text; blocks-3: pipe and grid tables
# in plain text read as tables, and no "Item … Value" header words in key/value tables' rows.
LOADER_VERSION = "blocks-3"

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
    status: str  # added, unchanged, updated, skipped, error, removed
    reason: str = ""
    document_id: int | None = None
    chunks: int = 0
    pages: int | None = None
    ocr_pages: int = 0  # pages waiting for the digest's OCR

    @property
    def failed(self) -> bool:
        return self.status == "error"

    def line(self) -> str:
        detail = ""
        if self.status in ("added", "updated"):
            pages = f"{self.pages} page{'s' if self.pages != 1 else ''}" if self.pages else ""
            chunks = "1 chunk" if self.chunks == 1 else f"{self.chunks} chunks"
            parts = [part for part in (pages, chunks if self.chunks or not self.ocr_pages else "")]
            if self.ocr_pages:
                scans = "all" if self.ocr_pages == self.pages else str(self.ocr_pages)
                parts.append(f"needs OCR: {scans} scanned, read at the next digest")
            detail = f" ({', '.join(part for part in parts if part)})"
        elif self.reason:
            detail = f": {self.reason}"
        return f"{self.status:<9} {display_path(self.path)}{detail}"


@dataclass(frozen=True)
class Candidate:
    """A file found while walking, or a problem found instead of a file."""

    path: Path
    explicit: bool
    problem: str = ""
    skipped: bool = False  # the problem is a reason to pass over it, not an error
    linked: bool = False  # found through a symbolic link inside the folder walked


def discover(paths: Iterable[str | Path]) -> Iterator[Candidate]:
    """Files under `paths`, recursively. A symbolic link inside a folder is followed while it
    stays inside that folder (never around a loop); one leading out of it is passed over with
    its reason, so a link such as `up -> ..` never brings in unrelated files. What is found
    through a link comes after the rest of its folder, so the file's own path is met first."""
    for raw in paths:
        path = Path(os.path.abspath(Path(raw).expanduser()))  # "docs/../x.pdf" -> "x.pdf"
        if path.is_symlink() and not path.exists():
            yield Candidate(path, True, _broken_link_reason(path))
        elif path.is_dir():
            through_links: list[Candidate] = []
            for candidate in _walk(path, {_real(path)}, _real(path), linked=False):
                if candidate.linked:
                    through_links.append(candidate)
                else:
                    yield candidate
            yield from through_links
        elif path.is_file():
            yield Candidate(path, True)
        elif path.exists():
            yield Candidate(path, True, _not_regular_reason(path))
        else:
            yield Candidate(path, True, "no such file or folder")


def _real(path: str | Path) -> str:
    return os.path.realpath(path)


def _not_regular_reason(path: Path) -> str:
    """Why a path that is neither a file nor a folder is passed over (reading a FIFO would hang)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file, not a regular file"
    return "not a regular file"


def _broken_link_reason(path: Path) -> str:
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link"


def _inside(real: str, folder_real: str) -> bool:
    return real == folder_real or real.startswith(folder_real.rstrip(os.sep) + os.sep)


def _walk(
    folder: Path, ancestors: set[str], root_real: str, *, linked: bool
) -> Iterator[Candidate]:
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
        is_link = entry.is_symlink()
        if is_link:
            if not path.exists():
                yield Candidate(path, False, _broken_link_reason(path))
                continue
            real = _real(path)
            if is_dir and real in ancestors:
                reason = f"symbolic link loop (points back to {display_path(real)})"
                yield Candidate(path, False, reason, skipped=True, linked=True)
                continue
            if (is_dir or entry.is_file(follow_symlinks=True)) and not _inside(real, root_real):
                reason = (
                    f"a symbolic link out of the folder added, to {display_path(real)} "
                    "(add that by itself to include it)"
                )
                yield Candidate(path, False, reason, skipped=True, linked=True)
                continue
        if is_dir:
            yield from _walk(path, ancestors | {_real(path)}, root_real, linked=linked or is_link)
        elif entry.is_file(follow_symlinks=True):
            yield Candidate(path, False, linked=linked or is_link)
        else:
            yield Candidate(path, False, _not_regular_reason(path), skipped=True)


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
    """Add every file under `paths`; yields one result per file as it is done, then one
    ("removed") per document of an added folder whose file is gone.

    Two stages overlap: while a worker thread chunks file N (tokenizing in C, without the GIL),
    this thread parses file N+1. On two cores that hides most of the tokenizer's cost.
    """
    paths_list = list(paths)
    seen: set[str] = set()  # what this call reported on: said once, not also "removed"
    known = RealPaths(store)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chunker") as chunker:
        pending: tuple[Prepared, Future[Chunked]] | None = None
        for candidate in discover(paths_list):
            seen.add(str(candidate.path))
            outcome = _prepare(store, candidate, settings, known=known)
            if isinstance(outcome, IngestResult):
                if pending is None:
                    yield outcome
                    continue
                ready, early = _finish(store, *pending), outcome
                pending = None
                yield ready
                yield early
                continue
            job = chunker.submit(_chunk, outcome, settings, counter)
            if pending is not None:
                yield _finish(store, *pending)
            pending = (outcome, job)
        if pending is not None:
            yield _finish(store, *pending)
    for raw in paths_list:
        folder = Path(os.path.abspath(Path(raw).expanduser()))
        if folder.is_dir():
            yield from _forget_missing(store, folder, seen)


def _forget_missing(store: Store, folder: Path, seen: set[str]) -> Iterator[IngestResult]:
    """Documents added from inside `folder` whose file is gone (deleted, or renamed: the new
    name is added as a document of its own) leave the library with their notes, as the folder
    watcher does when it sees the change happen."""
    for document in watched_folders.documents_at_or_under(store, str(folder)):
        if document.path in seen or os.path.lexists(document.path):
            continue
        store.remove_document(document.id)
        yield IngestResult(document.path, "removed", "the file is no longer there")


def add_file(
    store: Store, path: Path, settings: Settings, counter: TokenCounter, *, reread: bool = False
) -> IngestResult:
    """Add one file (the watcher and the window use this for single files).

    `reread`: read it again even when unchanged (the digest does, once OCR read a page of it).
    """
    outcome = _prepare(
        store, Candidate(path, True), settings, reread=reread, known=RealPaths(store)
    )
    if isinstance(outcome, IngestResult):
        return outcome
    future: Future[Chunked] = Future()
    try:
        future.set_result(_chunk(outcome, settings, counter))
    except Exception as exc:  # handed to _finish, which reports or re-raises it
        future.set_exception(exc)
    return _finish(store, outcome, future)


@dataclass(frozen=True)
class Prepared:
    """A file read, hashed and parsed, waiting to be chunked and stored."""

    path: Path
    kind: str
    digest: str
    size: int
    document: LoadedDocument
    existed: bool
    ocr_waiting: int = 0  # scanned pages OCR has not finished yet

    @property
    def page_count(self) -> int | None:
        return self.document.pages


@dataclass(frozen=True)
class Chunked:
    """A document's chunks with the section tree they point into."""

    chunks: list[ChunkDraft]
    sections: list[SectionDraft]
    title: str
    aliases: list[str]


class RealPaths:
    """The library's documents by the file they really are (`os.path.realpath`), so that a file
    reached by another path (a symbolic link to it or to a folder above it) is known as the
    document it already is. Read from the library on the first file not known by its own path;
    what this run is adding is noted as it goes."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._by_real: dict[str, str] | None = None

    def _map(self) -> dict[str, str]:
        if self._by_real is None:
            self._by_real = {}
            for row in self._store.query("SELECT path FROM documents ORDER BY id"):
                self._by_real.setdefault(_real(row[0]), row[0])
        return self._by_real

    def known_as(self, path: str) -> str | None:
        """The path of the document that is the same file as `path`, when it is another one."""
        found = self._map().get(_real(path))
        return None if found is None or found == path else found

    def note(self, path: str) -> None:
        self._map().setdefault(_real(path), path)


def _prepare(
    store: Store,
    candidate: Candidate,
    settings: Settings,
    *,
    reread: bool = False,
    known: RealPaths | None = None,
) -> Prepared | IngestResult:
    path = candidate.path
    path_text = str(path)
    if candidate.problem:
        return IngestResult(
            path_text, "skipped" if candidate.skipped else "error", candidate.problem
        )
    kind = kind_of(path)
    if kind is None:
        status = "error" if candidate.explicit else "skipped"
        return IngestResult(path_text, status, f"unsupported file type {path.suffix or '(none)'}")
    existing = store.document_by_path(path_text)
    if existing is None and known is not None:
        same = known.known_as(path_text)
        if same is not None:
            return _prepare_as(store, candidate, same, settings, reread=reread)
        known.note(path_text)
    try:
        data = _read(path, settings.max_file_mb * 1_000_000)
        digest = hashlib.sha256(data).hexdigest()
        stored = existing is not None and (
            existing.chunk_count > 0 or ocr_pages.has_pages(store, existing.id, digest)
        )
        if (
            not reread
            and existing is not None
            and stored
            and existing.content_hash == digest
            and existing.state != "error"
            and existing.loader_version == LOADER_VERSION
        ):
            if existing.error:
                with store.transaction() as conn:
                    conn.execute("UPDATE documents SET error = NULL WHERE id = ?", (existing.id,))
            _note_same_file(store, existing, path)
            return IngestResult(
                path_text,
                "unchanged",
                document_id=existing.id,
                chunks=existing.chunk_count,
                pages=existing.pages,
                ocr_pages=ocr_pages.counts(store, existing.id).pending,
            )
        document = load(path, data)
    except IngestError as exc:
        store.record_error(path=path_text, name=path.name, kind=kind, error=exc.message)
        return IngestResult(path_text, "error", exc.message)
    waiting = 0
    if document.ocr_pages:
        read = ocr_pages.readings(store, path_text, digest)
        waiting = sum(1 for page in document.ocr_pages if page not in read)
        document = with_ocr_text(document, {p: text for p, (_, text) in read.items() if text})
    return Prepared(path, kind, digest, len(data), document, stored, waiting)


def _note_same_file(store: Store, existing: DocumentRecord, path: Path) -> None:
    """The file holds what was read, though its size or time may differ (touched, copied back):
    the new ones are kept, so the file is no longer said to have changed since it was read."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return
    if mtime != existing.mtime:
        with store.transaction() as conn:
            conn.execute("UPDATE documents SET mtime = ? WHERE id = ?", (mtime, existing.id))


def _prepare_as(
    store: Store, candidate: Candidate, known_path: str, settings: Settings, *, reread: bool
) -> Prepared | IngestResult:
    """`candidate` is the same file as the document at `known_path`: that document is read
    again if the file changed, and nothing new is added."""
    given = str(candidate.path)
    if store.document_by_path(known_path) is None:  # met earlier in this very run
        return IngestResult(given, "unchanged", f"the same file as {display_path(known_path)}")
    outcome = _prepare(
        store, Candidate(Path(known_path), candidate.explicit), settings, reread=reread
    )
    if isinstance(outcome, IngestResult) and outcome.status == "unchanged":
        reason = f"already in the library as {display_path(known_path)}"
        return dataclasses.replace(outcome, path=given, reason=reason)
    return outcome


def with_ocr_text(document: LoadedDocument, texts: dict[int, str]) -> LoadedDocument:
    """The document with the text OCR read on its scanned pages, each page in its place."""
    if not texts:
        return document
    added = [
        Block(paragraph, TEXT, page=page)
        for page, text in texts.items()
        for paragraph in text.split("\n\n")
        if paragraph.strip()
    ]
    blocks = sorted([*document.blocks, *added], key=lambda block: block.page or 0)
    return LoadedDocument(
        blocks, document.title, document.pages, document.remarks, document.ocr_pages
    )


def _chunk(prepared: Prepared, settings: Settings, counter: TokenCounter) -> Chunked:
    blocks = prepared.document.blocks
    sections, membership = build_sections(blocks)
    chunks = chunk_blocks(
        blocks,
        membership,
        counter,
        chunk_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap_tokens,
    )
    first_heading = next((b.text for b in blocks if b.kind == HEADING and b.level <= 1), "")
    title = title_from(prepared.document.title, first_heading, prepared.path.name)
    return Chunked(chunks, sections, title, document_aliases(prepared.path.name, title))


def _finish(store: Store, prepared: Prepared, job: Future[Chunked]) -> IngestResult:
    path, path_text = prepared.path, str(prepared.path)
    chunked = job.result()
    drafts = chunked.chunks
    if not drafts and not prepared.ocr_waiting:
        reason = "the file contains no text"
        if prepared.document.ocr_pages:
            reason = "OCR found no text on any page"
        store.record_error(path=path_text, name=path.name, kind=prepared.kind, error=reason)
        return IngestResult(path_text, "error", reason)
    kept = _kept_as_read(store, prepared, chunked)
    if kept is not None:
        return kept
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    with store.transaction():
        document_id = _save(store, prepared, chunked, mtime)
    return IngestResult(
        path_text,
        "updated" if prepared.existed else "added",
        document_id=document_id,
        chunks=len(drafts),
        pages=prepared.page_count,
        ocr_pages=prepared.ocr_waiting,
    )


def _kept_as_read(store: Store, prepared: Prepared, chunked: Chunked) -> IngestResult | None:
    """The same file, read again (a new loader, or asked to) into exactly what is stored: it is
    kept with what the digest learned from it, instead of stored anew and digested again."""
    existing = store.document_by_path(str(prepared.path)) if prepared.existed else None
    if (
        existing is None
        or existing.content_hash != prepared.digest
        or prepared.ocr_waiting
        or prepared.document.ocr_pages
        or not reads_as_stored(store, existing, chunked.chunks, chunked.sections, chunked.title)
    ):
        return None
    if existing.loader_version != LOADER_VERSION:
        store.set_loader_version(existing.id, LOADER_VERSION)
    _note_same_file(store, existing, prepared.path)
    return IngestResult(
        str(prepared.path),
        "unchanged",
        document_id=existing.id,
        chunks=existing.chunk_count,
        pages=existing.pages,
    )


def _save(store: Store, prepared: Prepared, chunked: Chunked, mtime: float) -> int:
    """The document, its chunks and its pages waiting for OCR (inside the caller's transaction)."""
    path_text, drafts = str(prepared.path), chunked.chunks
    document_id = store.save_document(
        path=path_text,
        name=prepared.path.name,
        kind=prepared.kind,
        content_hash=prepared.digest,
        size=prepared.size,
        mtime=mtime,
        pages=prepared.page_count,
        chunks=drafts,
        sections=chunked.sections,
        title=chunked.title,
        aliases=chunked.aliases,
        loader_version=LOADER_VERSION,
    )
    ocr_pages.set_pages(store, document_id, prepared.digest, prepared.document.ocr_pages)
    if prepared.ocr_waiting:
        store.set_document_state(document_id, ocr_pages.NEEDS_OCR)
    return document_id
