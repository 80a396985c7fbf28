"""Whether a document read again reads exactly as it is stored.

A new loader (a new `LOADER_VERSION`) reads every document again, and storing a document's
chunks anew deletes what the digest learned from them. Most documents read the same under the
new loader (it changed tables, and most files have none): for them the stored chunks, sections
and title are kept, with the notes learned from them, and only the loader version is brought up
to date. Nothing is kept unless every chunk, section and the title are the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from nocturne.library.records import DocumentRecord
from nocturne.library.sections import SectionDraft
from nocturne.library.store import ChunkDraft, Store
from nocturne.library.structure import sections_of


def reads_as_stored(
    store: Store,
    document: DocumentRecord,
    chunks: Sequence[ChunkDraft],
    sections: Sequence[SectionDraft],
    title: str,
) -> bool:
    """The stored document has these very chunks (text, page, section), sections and title."""
    if document.title != title or document.state == "error":
        return False
    stored_sections = sections_of(store, document.id)
    if len(stored_sections) != len(sections):
        return False
    ordinal_of = {section.id: section.ordinal for section in stored_sections}
    for old, new in zip(stored_sections, sections, strict=True):
        parent = ordinal_of.get(old.parent_id) if old.parent_id is not None else None
        if (old.ordinal, parent, old.number, old.title, old.level, old.page) != (
            new.ordinal,
            new.parent,
            new.number,
            new.title,
            new.level,
            new.page,
        ):
            return False
    stored_chunks = store.chunks(document.id)
    if len(stored_chunks) != len(chunks):
        return False
    for old_chunk, new_chunk in zip(stored_chunks, chunks, strict=True):
        section = ordinal_of.get(old_chunk.section_id) if old_chunk.section_id is not None else None
        if (old_chunk.ordinal, old_chunk.page, old_chunk.text, section) != (
            new_chunk.ordinal,
            new_chunk.page,
            new_chunk.text,
            new_chunk.section,
        ):
            return False
    return True
