"""Whether a document's file is still the one that was read, without reading it.

Compared as the folder watcher compares them: the size and modification time recorded when the
file was read against a `stat` now, one per document, so `nocturne status` can check every
document of a large library and an answer can say that a source it cites changed since, or is
gone (without the window or the daemon, a change is otherwise only seen at the next `add`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from nocturne.library.records import DocumentRecord

SAME = "same"
CHANGED = "changed"
MISSING = "missing"

STATUS_WORDS = {
    CHANGED: "changed since read: run `nocturne add` again",
    MISSING: "file missing",
}


def file_change(document: DocumentRecord) -> str:
    """SAME, CHANGED (another size or modification time than when it was read) or MISSING.

    A document that was never read (an error) is SAME: there is nothing read to be out of date.
    A file that cannot be looked at (a folder above it unreadable) is SAME too: nothing is known
    to have changed."""
    if document.state == "error" and not document.chunk_count:
        return SAME
    try:
        found = os.stat(document.path)
    except (FileNotFoundError, NotADirectoryError):
        return MISSING
    except OSError:
        return SAME
    if found.st_size != document.size or found.st_mtime != document.mtime:
        return CHANGED
    return SAME


def sources_note(documents: Iterable[DocumentRecord]) -> str:
    """One line about the cited documents whose file changed or is gone ("" when none)."""
    parts = []
    for document in documents:
        change = file_change(document)
        if change == CHANGED:
            parts.append(f"{document.name} changed since it was read")
        elif change == MISSING:
            parts.append(f"{document.name} is no longer there (file missing)")
    if not parts:
        return ""
    return (
        f"Note: {'; '.join(parts)}: this answer is from the text as it was read "
        "(`nocturne add` on the file or its folder brings the library up to date)."
    )
