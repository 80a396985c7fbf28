"""Two kinds of error, kept apart on purpose.

`KnownError` is the environment's fault (file unreadable, disk full, model missing, server down):
it carries a sentence a person can act on and becomes a clear message, never a traceback.
Anything else is a bug of ours (no class of its own: any other exception) and is allowed to
propagate, never swallowed: the command line's top-level handler (`cli.main`) and the window's
excepthook (`ui/crash.py`) log its traceback and say in one line or one dialog that it happened.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator

from nocturne.paths import display_path


class KnownError(Exception):
    """A problem caused by the environment or the input, explained for a person."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{display_path(self.path)}: {self.message}" if self.path else self.message


class IngestError(KnownError):
    """One file could not be added; the reason names what is wrong with it."""


class ModelError(KnownError):
    """The model file or server cannot be used."""


class StoreError(KnownError):
    """The library database cannot be opened or written.

    `condition` says which (locked, full, read-only, cannot-open, damaged, io; empty when none
    of these), so that a caller can offer what fits; the message names the database file."""

    def __init__(self, message: str, *, condition: str = "", database: str = "") -> None:
        super().__init__(message)
        self.condition = condition
        self.database = database


# Why a file of the library folder (a flag, a lock, the log) cannot be written, by errno.
_READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


def library_file_error(path: str | os.PathLike[str], exc: OSError) -> StoreError:
    """The sentence for a file in the library folder that cannot be created or written, as
    the store says it for the database: read-only, full, or another reason named."""
    where = display_path(path)
    reason = exc.strerror or type(exc).__name__
    if exc.errno in _READ_ONLY_ERRNOS:
        return StoreError(
            f"the library is read-only: {where} cannot be written ({reason}); make the file "
            "and its folder writable",
            condition="read-only",
            database=where,
        )
    if exc.errno == errno.ENOSPC:
        return StoreError(
            f"the disk is full: {where} cannot be written; free some space and try again",
            condition="full",
            database=where,
        )
    return StoreError(
        f"the library's file {where} cannot be written ({reason}); check that its folder "
        "exists and can be written",
        condition="cannot-open",
        database=where,
    )


@contextlib.contextmanager
def writing_library_file(path: str | os.PathLike[str]) -> Iterator[None]:
    """Creating or writing `path`, a file or folder of the library's own (not a document):
    an `OSError` comes out as `library_file_error`'s `StoreError`."""
    try:
        yield
    except OSError as exc:
        raise library_file_error(exc.filename or path, exc) from exc
