"""Prompts for the digest and the version strings recorded with every note.

Prompt versions are part of a note's provenance: changing a prompt (or how a kind of note is
made) bumps its version, which marks older notes stale and has the next digest redo them. Notes
say honestly who wrote them: `extract-*` notes are the document's own sentences, `model-*` notes
were phrased by the model and passed the support check, `template-*` notes come from patterns.
"""

from __future__ import annotations

from nocturne.engine.base import Message

FACT_EXTRACT = "fact:extract-v1"
QUESTION_MODEL = "question:model-v1"
QUESTION_TEMPLATE = "question:template-v1"
SUMMARY_EXTRACT = "summary:extract-v1"
SUMMARY_MODEL = "summary:model-v1"
CROSS_EXTRACT = "cross:extract-v1"
BRIEF_EXTRACT = "brief:extract-v1"
OUTLINE_EXTRACT = "outline:extract-v3"
DEFINITION_EXTRACT = "definition:extract-v3"
REFERENCE_EXTRACT = "reference:extract-v4"
QUESTION_STRUCTURE = "question:structure-v1"

# The version of each step kind: a step is redone when its version (or model) changes.
STEP_VERSIONS = {
    "chunk_notes": f"{FACT_EXTRACT}+{QUESTION_MODEL}+{QUESTION_TEMPLATE}",
    "structure": f"{OUTLINE_EXTRACT}+{DEFINITION_EXTRACT}+{REFERENCE_EXTRACT}+{QUESTION_STRUCTURE}",
    "section_summary": f"{SUMMARY_EXTRACT}+{SUMMARY_MODEL}",
    "document_summary": f"{SUMMARY_EXTRACT}+{SUMMARY_MODEL}",
    "cross_document": f"{CROSS_EXTRACT}+{SUMMARY_MODEL}",
    "library_brief": f"{BRIEF_EXTRACT}+{SUMMARY_MODEL}",
}

# One worked example as a previous turn: the small model follows a demonstration far better than
# an instruction. The example is fixed, so llama.cpp reuses its KV cache across calls.
_QUESTION_EXAMPLE = (
    "Write a question about this sentence: The Eiffel Tower was finished in 1889 for the "
    "World's Fair in Paris."
)


def question_messages(sentence: str) -> list[Message]:
    """Ask for one question that `sentence` answers."""
    return [
        {"role": "user", "content": _QUESTION_EXAMPLE},
        {"role": "assistant", "content": "When was the Eiffel Tower finished?"},
        {"role": "user", "content": f"Write a question about this sentence: {sentence}"},
    ]


def summary_messages(passage: str, subject: str) -> list[Message]:
    """Ask for a one-sentence summary of a short passage (already the key sentences)."""
    return [
        {
            "role": "user",
            "content": (
                "Summarize this text in one sentence: Paris is the capital of France. It has "
                "about two million inhabitants. The city is known for the Eiffel Tower."
            ),
        },
        {
            "role": "assistant",
            "content": "Paris, the capital of France, has two million inhabitants and the "
            "Eiffel Tower.",
        },
        {
            "role": "user",
            "content": f"Summarize this text about {subject} in one sentence: {passage}",
        },
    ]


def comparison_messages(first: str, second: str) -> list[Message]:
    """Ask for one sentence on what two passages have in common."""
    return [
        {
            "role": "user",
            "content": f"Text A: {first}\nText B: {second}\n"
            "Write one sentence saying what both texts have in common.",
        }
    ]
