"""What a digest step produces before it is stored: note drafts and the step's accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from nocturne.engine.base import Usage

EXTRACTED = "extractive"  # the model_id of notes no model wrote (document sentences, templates)


@dataclass(frozen=True)
class NoteDraft:
    """One learned note with its provenance (see m002: notes + note_sources)."""

    kind: str
    text: str
    chunk_ids: tuple[int, ...]
    page: int | None
    document_id: int | None
    model_id: str
    prompt_version: str
    answer: str | None = None
    tokens: int = 0
    key: str = ""  # what a keyed note answers for: a term, a section number (m008)


@dataclass
class StepOutput:
    """Notes kept by a step, how many candidates it dropped, and what the model spent."""

    notes: list[NoteDraft] = field(default_factory=list)
    dropped: int = 0
    usage: Usage = field(default_factory=Usage)

    def spend(self, usage: Usage) -> None:
        self.usage = self.usage + usage


def subject_of(name: str) -> str:
    """A document's name as a subject: "Black_Death.md" -> "Black Death"."""
    return PurePath(name).stem.replace("_", " ").replace("-", " ").strip() or name
