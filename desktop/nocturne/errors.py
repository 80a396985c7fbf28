"""Two kinds of error, kept apart on purpose.

`KnownError` is the environment's fault (file unreadable, disk full, model missing, server down):
it carries a sentence a person can act on and becomes a clear message, never a traceback.
Anything else is a bug of ours (no class of its own: any other exception) and is allowed to
propagate, never swallowed: the command line's top-level handler (`cli.main`) and the window's
excepthook (`ui/crash.py`) log its traceback and say in one line or one dialog that it happened.
"""

from __future__ import annotations

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
