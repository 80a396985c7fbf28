"""What a digest step produces before it is stored: note drafts, the step's accounts, subjects."""

from __future__ import annotations

import pytest

from nocturne.engine.base import Usage
from nocturne.sleeptime.notes import EXTRACTED, NoteDraft, StepOutput, subject_of


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("Black_Death.md", "Black Death"),
        ("/docs/my-notes.txt", "my notes"),  # the folder and the extension are not the subject
        ("Report 2020.final.pdf", "Report 2020.final"),  # only the last extension goes
        ("___.md", "___.md"),  # nothing left once the separators go: the name itself
    ],
)
def test_a_document_name_as_a_subject(name: str, subject: str) -> None:
    assert subject_of(name) == subject


def test_a_step_output_adds_up_what_the_model_spent() -> None:
    output = StepOutput()
    assert output.usage == Usage() and output.dropped == 0 and output.notes == []
    output.spend(Usage(10, 3))
    output.spend(Usage(5, 2))
    assert output.usage == Usage(15, 5)
    assert output.usage.total == 20


def test_step_outputs_do_not_share_their_notes() -> None:
    first, second = StepOutput(), StepOutput()
    first.notes.append(NoteDraft("fact", "The deposit is 900 pounds.", (1,), 2, 3, EXTRACTED, "v"))
    assert second.notes == []


def test_a_note_draft_defaults_to_no_answer_no_tokens_and_no_key() -> None:
    draft = NoteDraft("fact", "The deposit is 900 pounds.", (1, 2), None, 3, EXTRACTED, "v1")
    assert (draft.answer, draft.tokens, draft.key) == (None, 0, "")
    with pytest.raises(AttributeError):
        draft.text = "changed"  # type: ignore[misc]
