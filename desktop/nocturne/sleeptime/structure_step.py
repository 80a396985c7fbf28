"""One document's structure notes: outline, definitions, resolved references, template questions.

All extractive and cheap (no model), so they come with the first, low-budget digest:
- `outline`: the document's table of contents (key "") and one entry per section (key = its
  number, else its title), answering "what sections does X have", "what is section N about",
  "what heading is above clause 15";
- `definition`: terms, options and defaults keyed by the term (`definitions`);
- `reference`: a referring sentence joined with the section it points to (`references`);
- `question`: anticipated questions made from definitions ("What does X mean?", "What is the
  default X?"), answered by the document's own words, so ordinary questions get instant answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from nocturne.library.digest_inputs import Chunk, document_chunks
from nocturne.library.sentences import split_paragraphs, split_sentences
from nocturne.library.store import Store
from nocturne.library.structure import Section, sections_of
from nocturne.sleeptime.definitions import Definition, find_definitions
from nocturne.sleeptime.key_sentences import MIN_WORDS, sentences_of
from nocturne.sleeptime.notes import EXTRACTED, NoteDraft, StepOutput
from nocturne.sleeptime.prompts import (
    DEFINITION_EXTRACT,
    OUTLINE_EXTRACT,
    QUESTION_STRUCTURE,
    REFERENCE_EXTRACT,
)
from nocturne.sleeptime.references import find_item_references, find_references, item_sentence

OUTLINE_MAX_ENTRIES = 80
KEY_SENTENCE_CHARS = 240
MAX_DEFINITIONS = 200
MAX_REFERENCES = 200


def _trim(sentence: str, limit: int = KEY_SENTENCE_CHARS) -> str:
    if len(sentence) <= limit:
        return sentence
    return sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def _first_sentences(chunks: Sequence[Chunk]) -> dict[int, tuple[str, int, int | None]]:
    """Per section id: its first sentence, the chunk it is in and that chunk's page.

    A section whose text holds no whole sentence ("Version 2.1, February 1999") still has its
    first chunk, with "" for the sentence.
    """
    found: dict[int, tuple[str, int, int | None]] = {}
    for chunk in chunks:
        section_id = chunk.section_id
        if section_id is None or found.get(int(section_id), ("",))[0]:
            continue
        # A short section's only sentence ("Run make twice.") is still what it says.
        sentences = sentences_of(chunk.text) or split_sentences(chunk.text)[:1]
        if sentences:
            found[int(section_id)] = (sentences[0], chunk.id, chunk.page)
        else:
            found.setdefault(int(section_id), ("", chunk.id, chunk.page))
    return found


def _own_or_descendant(
    sections: Sequence[Section], firsts: dict[int, tuple[str, int, int | None]]
) -> dict[int, tuple[str, int, int | None]]:
    """Each section's own first chunk, else its first descendant's."""
    anchor: dict[int, tuple[str, int, int | None]] = {}
    for section in reversed(sections):
        if section.id in firsts:
            anchor[section.id] = firsts[section.id]
        if section.parent_id is not None and section.id in anchor:
            anchor[section.parent_id] = anchor[section.id]
    return anchor


def _anchors(
    sections: Sequence[Section], firsts: dict[int, tuple[str, int, int | None]]
) -> dict[int, tuple[str, int, int | None]]:
    """The chunk that stands for each section in its outline entry.

    A section's own first chunk; else (a heading with only subsections, "1.0 General
    Concepts") its first descendant's; else (a heading with no text at all, "END OF TERMS AND
    CONDITIONS") the chunk nearest before it, or after it when none comes before.
    """
    anchor = _own_or_descendant(sections, firsts)
    previous: tuple[str, int, int | None] | None = None
    orphans: list[int] = []
    for section in sections:
        if section.id in anchor:
            previous = anchor[section.id]
            for orphan in orphans:
                anchor[orphan] = ("", previous[1], previous[2])
            orphans = []
        elif previous is not None:
            anchor[section.id] = ("", previous[1], previous[2])
        else:
            orphans.append(section.id)
    return anchor


def _where(section: Section) -> str:
    return f" (p. {section.page})" if section.page else ""


def _entry_key(section: Section) -> str:
    return section.number or " ".join(section.title.lower().split())


def _section_name(section: Section) -> str:
    """How a person refers to it: "Section 4.3" for numbered sections, else its title."""
    return f"Section {section.number}" if section.number else section.title


def structure_notes(store: Store, document_id: int, title: str) -> StepOutput:
    output = StepOutput()
    sections = sections_of(store, document_id)
    chunks = document_chunks(store, document_id)
    firsts = _first_sentences(chunks)
    by_id = {s.id: s for s in sections}
    anchor = _anchors(sections, firsts)
    outline_sources: list[int] = []
    entries: list[str] = []
    for section in sections:
        if section.id not in anchor:
            continue
        _, chunk_id, page = anchor[section.id]
        parent = by_id.get(section.parent_id) if section.parent_id is not None else None
        under = f" (under {parent.label})" if parent is not None else ""
        own = firsts.get(section.id)
        gist = f": {_trim(own[0])}" if own and own[0] else ""
        name = f"{_section_name(section)}: " if section.number else ""
        output.notes.append(
            NoteDraft(
                "outline",
                f"{section.label}{_where(section)}",
                (chunk_id,),
                page,
                document_id,
                EXTRACTED,
                OUTLINE_EXTRACT,
                answer=f"{name}{section.label}{under}{gist}",
                key=_entry_key(section),
            )
        )
        if len(entries) < OUTLINE_MAX_ENTRIES:
            entries.append("  " * (section.level - 1) + f"{section.label}{_where(section)}")
            if chunk_id not in outline_sources:
                outline_sources.append(chunk_id)
    if entries:
        output.notes.append(
            NoteDraft(
                "outline",
                f"Contents of {title}: " + "; ".join(e.strip() for e in entries),
                tuple(outline_sources[:20]),
                None,
                document_id,
                EXTRACTED,
                OUTLINE_EXTRACT,
                answer="\n".join(entries),
                key="",
            )
        )
    _add_definitions(output, chunks, document_id)
    _add_references(output, chunks, sections, firsts, document_id)
    return output


def _add_definitions(output: StepOutput, chunks: Sequence[Chunk], document_id: int) -> None:
    best: dict[str, tuple[Definition, Chunk]] = {}
    for chunk in chunks:
        for paragraph in chunk.text.split("\n\n"):
            sentences = sentences_of(paragraph)
            if not sentences:
                continue
            # A list entry ("historySize {number} … Default: 30.") is read whole, its other
            # sentences for what they define themselves.
            candidates = [(" ".join(paragraph.split()), True), *((s, False) for s in sentences)]
            for sentence, block_start in candidates:
                for found in find_definitions(sentence, block_start=block_start):
                    if found.key not in best and len(best) >= MAX_DEFINITIONS:
                        continue
                    if found.key not in best or _more_complete(found, best[found.key][0]):
                        # An entry cut by a chunk boundary is read again, whole, in the next
                        # chunk's overlap: that reading, with its default, is kept.
                        best[found.key] = (found, chunk)
    for found, chunk in best.values():
        source = (chunk.id,)
        output.notes.append(
            NoteDraft(
                "definition",
                _trim(found.sentence, 400),
                source,
                chunk.page,
                document_id,
                EXTRACTED,
                DEFINITION_EXTRACT,
                answer=_meaning(found),
                key=found.key,
            )
        )
        for question in _questions(found):
            output.notes.append(
                NoteDraft(
                    "question",
                    question,
                    source,
                    chunk.page,
                    document_id,
                    EXTRACTED,
                    QUESTION_STRUCTURE,
                    answer=_trim(found.sentence, 400),
                )
            )


def _more_complete(new: Definition, old: Definition) -> bool:
    """The same term read again: whole where it was cut, or with the default it lacked."""
    if new.default and not old.default:
        return True
    return bool(new.default) == bool(old.default) and (
        len(new.sentence) > len(old.sentence) and new.sentence.startswith(old.sentence[:40])
    )


def _meaning(found: Definition, limit: int = 300) -> str:
    """The definition, trimmed; a stated default survives the trim ("… (default: 30)")."""
    suffix = f" (default: {found.default})"
    if found.default and found.definition.endswith(suffix) and len(found.definition) > limit:
        return _trim(found.definition[: -len(suffix)], limit - len(suffix)) + suffix
    return _trim(found.definition, limit)


def _questions(found: Definition) -> list[str]:
    """ "What does X mean?" for a definition, "What is the default X?" for a stated default."""
    if found.definition.startswith("default:"):
        return [f"What is the default {found.term}?"]
    questions = [f"What does {found.term} mean?"]
    if found.default:
        questions.append(f"What is the default {found.term}?")
    return questions


def _add_references(
    output: StepOutput,
    chunks: Sequence[Chunk],
    sections: Sequence[Section],
    firsts: dict[int, tuple[str, int, int | None]],
    document_id: int,
) -> None:
    by_id = {s.id: s for s in sections}
    targets = _own_or_descendant(sections, firsts)
    seen: set[tuple[str, int]] = set()
    for chunk in chunks:
        own = by_id.get(chunk.section_id) if chunk.section_id is not None else None
        for sentence, context in _referring_candidates(chunk.text):
            for reference in find_references(sentence, sections, own):
                if len(seen) >= MAX_REFERENCES:
                    return
                target = reference.target
                if (sentence, target.id) in seen:  # chunks overlap: a sentence comes twice
                    continue
                seen.add((sentence, target.id))
                first = targets.get(target.id)
                sources = (chunk.id,) + ((first[1],) if first else ())
                gist = f" — {_trim(first[0])}" if first and first[0] else ""
                output.notes.append(
                    NoteDraft(
                        "reference",
                        f"{_trim(context, 400)} → {target.label}{gist}",
                        tuple(dict.fromkeys(sources)),
                        chunk.page,
                        document_id,
                        EXTRACTED,
                        REFERENCE_EXTRACT,
                        answer=target.label,
                        key=str(target.id),
                    )
                )
            _add_item_references(output, chunk, sentence, context, sections, chunks, seen)


def _add_item_references(
    output: StepOutput,
    chunk: Chunk,
    sentence: str,
    context: str,
    sections: Sequence[Section],
    chunks: Sequence[Chunk],
    seen: set[tuple[str, int]],
) -> None:
    """ "… the materials specified in Subsection 6a, above": the note joins the referring
    sentence with the item's own sentence ("a) Accompany the work with the complete …")."""
    for reference in find_item_references(sentence, sections):
        target = reference.target
        key = (f"{sentence}#{reference.item}", target.id)
        if key in seen or len(seen) >= MAX_REFERENCES:
            continue
        where = [c for c in chunks if c.section_id == target.id]
        found = next(
            (
                (c, text)
                for c in where
                if (text := item_sentence(reference.item, _sentences(c.text)))
            ),
            None,
        )
        if found is None:
            continue
        seen.add(key)
        item_chunk, text = found
        label = f"{target.label} › {reference.item})"
        output.notes.append(
            NoteDraft(
                "reference",
                # the item whole: it is quoted as evidence, and a trimmed one reads as cut
                f"{_trim(context, 400)} → {label} {' '.join(text.split())}",
                tuple(dict.fromkeys((chunk.id, item_chunk.id))),
                chunk.page,
                chunk.document_id,
                EXTRACTED,
                REFERENCE_EXTRACT,
                answer=label,
                key=str(target.id),
            )
        )


def _sentences(text: str) -> list[str]:
    return [s for paragraph in split_paragraphs(text) for s in split_sentences(paragraph)]


def _referring_candidates(text: str) -> list[tuple[str, str]]:
    """Every sentence of a chunk with the text its note quotes: the sentence itself, or for a
    short one ("See section 4.4.", "(See "Test Suite Problems.")") the sentence before it too,
    which says what is to be found there."""
    found: list[tuple[str, str]] = []
    for paragraph in text.split("\n\n"):
        sentences = split_sentences(" ".join(paragraph.split()))
        for index, sentence in enumerate(sentences):
            context = sentence
            if len(sentence.split()) < MIN_WORDS and index > 0:
                context = f"{sentences[index - 1]} {sentence}"
            found.append((sentence, context))
    return found
