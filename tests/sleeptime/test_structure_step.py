"""The digest's structure step (`sleeptime/structure_step.py`) over small ingested documents:
outline, definitions, references, template questions; and its rules on tiny hand-made inputs."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

import pytest

from nocturne.library.digest_inputs import Chunk
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.library.structure import Section, keyed_notes, sections_of
from nocturne.settings import Settings
from nocturne.sleeptime.definitions import Definition
from nocturne.sleeptime.events import STEP, DigestEvent
from nocturne.sleeptime.notes import EXTRACTED, StepOutput
from nocturne.sleeptime.prompts import (
    DEFINITION_EXTRACT,
    OUTLINE_EXTRACT,
    QUESTION_STRUCTURE,
    REFERENCE_EXTRACT,
    STEP_VERSIONS,
)
from nocturne.sleeptime.runner import DigestRunner
from nocturne.sleeptime.structure_step import (
    MAX_DEFINITIONS,
    OUTLINE_MAX_ENTRIES,
    _add_definitions,
    _anchors,
    _meaning,
    _more_complete,
    _questions,
    _referring_candidates,
    _trim,
    structure_notes,
)

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine

MANUAL = """# Camlidl manual

## 4 Building

Building a library with Camlidl takes three steps.

### 4.3 The camlidldll script

The camlidldll script builds a DLL from the generated stubs. Errors are explained in section 4.4.

### 4.4 Error handling

Errors are reported on the standard error stream.

## 5 Troubleshooting

Read the test report first. (See "Test Suite Problems.")

### 5.1 Test Suite Problems

A failing test usually points to a missing library.
"""

CLAUSES = [
    "This License Agreement applies to any software library which contains a notice placed "
    "by the copyright holder.",
    "You may copy and distribute verbatim copies of the Library's complete source code as "
    "you receive it.",
    "You may modify your copy or copies of the Library or any portion of it, and distribute "
    "such modifications under the terms of Section 1.",
    "You may opt to apply the terms of the ordinary GNU General Public License instead of "
    "this License to a given copy of the Library.",
    "You may copy and distribute the Library in object code or executable form under the "
    "terms of Sections 1 and 2 above.",
    'A program that contains no derivative of any portion of the Library is called a "work '
    'that uses the Library".',
    "As an exception to the Sections above, you may also combine a work that uses the "
    "Library with the Library, as specified in Subsection 6a.",
]
WARRANTY = [
    "BECAUSE THE LIBRARY IS LICENSED FREE OF CHARGE, THERE IS NO WARRANTY FOR THE LIBRARY, "
    "TO THE EXTENT PERMITTED BY APPLICABLE LAW.",
    "IN NO EVENT UNLESS REQUIRED BY APPLICABLE LAW WILL ANY COPYRIGHT HOLDER BE LIABLE TO "
    "YOU FOR DAMAGES.",
]


def licence_text() -> str:
    def clause(number: int, text: str) -> str:
        return textwrap.fill(f"{number}. {text}", 70, initial_indent="  ") + "\n\n"

    text = (
        "                  GNU LESSER GENERAL PUBLIC LICENSE\n"
        "                       Version 2.1, February 1999\n\n"
        "                    TERMS AND CONDITIONS\n\n"
    )
    text += "".join(clause(i, c) for i, c in enumerate(CLAUSES))
    text += "                            NO WARRANTY\n\n"
    text += "".join(clause(len(CLAUSES) + i, c) for i, c in enumerate(WARRANTY))
    return text + "                     END OF TERMS AND CONDITIONS\n"


API = """# Readline

## Options

* `historySize` {number} Maximum number of history lines retained. To disable
  the history set this value to `0`. **Default:** `30`.
* `removeHistoryDuplicates` {boolean} If `true`, when a new input line added to the history
  list duplicates an older one, this removes the older line from the list. **Default:** `false`.
* `tabSize` {integer} The number of spaces a tab is equal to (minimum 1). **Default:** `8`.
"""


def add(store: Store, settings: Settings, *paths: Path) -> dict[str, int]:
    results = list(add_paths(store, paths, settings, FakeEngine()))
    assert all(r.status in ("added", "updated") for r in results), [r.line() for r in results]
    return {Path(r.path).name: int(r.document_id or 0) for r in results}


def digest(store: Store) -> object:
    result = DigestRunner(store, FakeEngine(responder=digest_reply), "low").run()
    assert result.reason == "done"
    return result


def notes(store: Store, document_id: int, kind: str) -> list[sqlite3.Row]:
    return store.query(
        "SELECT * FROM notes WHERE document_id = ? AND kind = ? AND stale = 0 ORDER BY id",
        (document_id, kind),
    )


def sources(store: Store, note_id: int) -> list[int]:
    return [
        int(r[0])
        for r in store.query(
            "SELECT chunk_id FROM note_sources WHERE note_id = ? ORDER BY chunk_id", (note_id,)
        )
    ]


def chunk_with(store: Store, document_id: int, words: str) -> int:
    return next(int(c.id) for c in store.chunks(document_id) if words in c.text)


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "camlidl.md").write_text(MANUAL)
    (folder / "LGPL-2.1.txt").write_text(licence_text())
    (folder / "readline.md").write_text(API)
    found = add(store, settings, folder)
    digest(store)
    return found


def test_outline_entries_are_keyed_by_number_with_their_parent(
    store: Store, docs: dict[str, int]
) -> None:
    manual = docs["camlidl.md"]
    entries = {n["key"]: n for n in notes(store, manual, "outline")}
    assert set(entries) == {"camlidl manual", "4", "4.3", "4.4", "5", "5.1", ""}
    script = entries["4.3"]
    assert script["text"] == "4.3 The camlidldll script"
    assert script["answer"] == (
        "Section 4.3: 4.3 The camlidldll script (under 4 Building): "
        "The camlidldll script builds a DLL from the generated stubs."
    )
    assert sources(store, script["id"]) == [chunk_with(store, manual, "camlidldll script")]
    # A section without text of its own is cited by its first subsection's chunk.
    building = entries["4"]
    assert "(under Camlidl manual)" in building["answer"]
    assert sources(store, building["id"]) == [chunk_with(store, manual, "three steps")]
    troubleshooting = entries["5"]
    assert troubleshooting["answer"].startswith("Section 5: 5 Troubleshooting (under Camlidl")
    assert entries["camlidl manual"]["answer"] == "Camlidl manual"  # no title repeated


def test_the_contents_note(store: Store, docs: dict[str, int]) -> None:
    manual = docs["camlidl.md"]
    [contents] = keyed_notes(store, "outline", "", [manual])
    assert contents.text.startswith("Contents of Camlidl manual: Camlidl manual; 4 Building;")
    assert contents.answer.splitlines() == [
        "Camlidl manual",
        "  4 Building",
        "    4.3 The camlidldll script",
        "    4.4 Error handling",
        "  5 Troubleshooting",
        "    5.1 Test Suite Problems",
    ]
    assert len(sources(store, contents.id)) >= 4


def test_licence_clauses_under_all_caps_headings(store: Store, docs: dict[str, int]) -> None:
    licence = docs["LGPL-2.1.txt"]
    titles = [(s.number, s.title) for s in sections_of(store, licence)]
    assert ("", "NO WARRANTY") in titles and ("6", "6. As an exception to the Sections above") in (
        titles
    )
    entries = {n["key"]: n for n in notes(store, licence, "outline")}
    assert "(under TERMS AND CONDITIONS)" in entries["6"]["answer"]
    assert entries["6"]["answer"].startswith("Section 6: 6. As an exception")
    assert "(under NO WARRANTY)" in entries["7"]["answer"]
    assert "(under NO WARRANTY)" in entries["8"]["answer"]
    # Headings without text still have an entry and a source, and are in the contents.
    end = entries["end of terms and conditions"]
    assert end["answer"] == "END OF TERMS AND CONDITIONS" and sources(store, end["id"])
    title = entries["gnu lesser general public license"]
    assert sources(store, title["id"]) == [chunk_with(store, licence, "Version 2.1")]
    contents = entries[""]["answer"].splitlines()
    assert contents[0] == "GNU LESSER GENERAL PUBLIC LICENSE"
    assert contents[-1] == "END OF TERMS AND CONDITIONS"
    assert "  7. BECAUSE THE LIBRARY IS LICENSED FREE OF CHARGE" in contents


def test_definitions_keyed_by_term_with_defaults(store: Store, docs: dict[str, int]) -> None:
    api = docs["readline.md"]
    found = {n["key"]: n for n in notes(store, api, "definition")}
    assert {"historysize", "removehistoryduplicates", "tabsize"} <= set(found)
    history = found["historysize"]
    assert history["text"].startswith("historySize {number} Maximum number of history lines")
    assert history["answer"].endswith("(default: 30)")
    assert found["removehistoryduplicates"]["answer"].endswith("(default: false)")
    assert found["tabsize"]["answer"].endswith("(default: 8)")
    assert "`" not in history["text"] and "**" not in history["text"]
    assert sources(store, history["id"]) == [chunk_with(store, api, "historySize")]
    questions = {n["text"]: n for n in notes(store, api, "question")}
    assert "What does historySize mean?" in questions
    default = questions["What is the default historySize?"]
    assert default["answer"] == history["text"]
    assert default["prompt_version"] == QUESTION_STRUCTURE
    assert default["model_id"] == EXTRACTED


def test_licence_definition_in_quotes(store: Store, docs: dict[str, int]) -> None:
    licence = docs["LGPL-2.1.txt"]
    keys = {n["key"] for n in notes(store, licence, "definition")}
    assert not any(k.split()[0] in {"it", "this", "they", "he"} for k in keys if k)


def test_references_join_the_referring_sentence_and_the_target(
    store: Store, docs: dict[str, int]
) -> None:
    manual = docs["camlidl.md"]
    sections = {s.number: s for s in sections_of(store, manual)}
    [errors] = keyed_notes(store, "reference", str(sections["4.4"].id), [manual])
    assert errors.text == (
        "Errors are explained in section 4.4. → 4.4 Error handling — "
        "Errors are reported on the standard error stream."
    )
    assert errors.answer == "4.4 Error handling"
    assert sources(store, errors.id) == sorted(
        [
            chunk_with(store, manual, "camlidldll script"),
            chunk_with(store, manual, "standard error"),
        ]
    )
    # A short referring sentence is quoted with the one before it; a title in quotes resolves.
    [suite] = keyed_notes(store, "reference", str(sections["5.1"].id), [manual])
    assert suite.text.startswith('Read the test report first. (See "Test Suite Problems.") → 5.1')
    assert "missing library" in suite.text
    assert sources(store, suite.id) == sorted(
        [chunk_with(store, manual, "test report"), chunk_with(store, manual, "missing library")]
    )


def test_licence_references_to_two_sections_and_never_to_its_own(
    store: Store, docs: dict[str, int]
) -> None:
    licence = docs["LGPL-2.1.txt"]
    sections = {s.number: s for s in sections_of(store, licence)}
    to_one = keyed_notes(store, "reference", str(sections["1"].id), [licence])
    to_two = keyed_notes(store, "reference", str(sections["2"].id), [licence])
    assert any("Sections 1 and 2 above" in n.text for n in to_one)
    assert any("Sections 1 and 2 above" in n.text for n in to_two)
    assert any("under the terms of Section 1." in n.text for n in to_one)
    # "Subsection 6a" stands in clause 6 itself: no reference.
    assert keyed_notes(store, "reference", str(sections["6"].id), [licence]) == []
    for note in notes(store, licence, "reference"):
        assert len(sources(store, note["id"])) == 2


def test_provenance_of_structure_notes(store: Store, docs: dict[str, int]) -> None:
    rows = store.query(
        "SELECT kind, model_id, prompt_version, tokens FROM notes "
        "WHERE kind IN ('outline', 'definition', 'reference') OR prompt_version = ?",
        (QUESTION_STRUCTURE,),
    )
    assert {r["kind"] for r in rows} == {"outline", "definition", "reference", "question"}
    versions = {
        "outline": OUTLINE_EXTRACT,
        "definition": DEFINITION_EXTRACT,
        "reference": REFERENCE_EXTRACT,
        "question": QUESTION_STRUCTURE,
    }
    for row in rows:
        assert row["model_id"] == EXTRACTED
        assert row["prompt_version"] == versions[row["kind"]]
        assert row["tokens"] == 0
    orphans = store.scalar(
        "SELECT COUNT(*) FROM notes n WHERE n.kind IN ('outline', 'definition', 'reference') "
        "AND NOT EXISTS (SELECT 1 FROM note_sources s WHERE s.note_id = n.id)"
    )
    assert orphans == 0
    steps = store.query("SELECT * FROM digest_steps WHERE kind = 'structure'")
    assert len(steps) == 3
    assert all(s["prompt_version"] == STEP_VERSIONS["structure"] for s in steps)
    assert all(s["prompt_tokens"] == 0 and s["completion_tokens"] == 0 for s in steps)


def _structure_counts(store: Store) -> list[tuple[int, str, int]]:
    return [
        (int(r[0]), str(r[1]), int(r[2]))
        for r in store.query(
            "SELECT document_id, kind, COUNT(*) FROM notes WHERE kind IN "
            "('outline', 'definition', 'reference') GROUP BY 1, 2 ORDER BY 1, 2"
        )
    ]


def test_a_second_digest_does_nothing(store: Store, docs: dict[str, int]) -> None:
    before = _structure_counts(store)
    result = DigestRunner(store, FakeEngine(responder=digest_reply), "low").run()
    assert result.total == 0 and result.done == 0
    assert _structure_counts(store) == before


def test_an_interrupted_digest_resumes_without_duplicates(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "camlidl.md").write_text(MANUAL)
    (folder / "LGPL-2.1.txt").write_text(licence_text())
    add(store, settings, folder)
    engine = FakeEngine(responder=digest_reply)
    runner = DigestRunner(store, engine, "low")

    def stop_after_first(event: DigestEvent) -> None:
        if event.kind == STEP and event.done == 1:
            runner.stop()

    runner.on_event = stop_after_first
    first = runner.run()
    assert first.reason == "stopped" and first.done == 1
    DigestRunner(store, engine, "low").run()
    counts = _structure_counts(store)
    # Compare with a library digested in one go.
    fresh = Store.open(":memory:")
    add(fresh, settings, folder)
    DigestRunner(fresh, FakeEngine(responder=digest_reply), "low").run()
    assert [c[1:] for c in counts] == [c[1:] for c in _structure_counts(fresh)]
    assert store.scalar("SELECT COUNT(*) FROM digest_steps WHERE kind = 'structure'") == 2
    fresh.close()


def test_a_changed_document_is_redone(
    store: Store, settings: Settings, docs: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "docs" / "camlidl.md"
    path.write_text(MANUAL.replace("4.4 Error handling", "4.4 Reporting errors"))
    add(store, settings, path)
    manual = docs["camlidl.md"]
    assert notes(store, manual, "outline") == []  # the old notes went with the old text
    digest(store)
    entries = {n["key"]: n for n in notes(store, manual, "outline")}
    assert entries["4.4"]["text"] == "4.4 Reporting errors"
    assert all("Error handling" not in n["text"] for n in notes(store, manual, "reference"))
    assert (
        store.scalar(
            "SELECT COUNT(*) FROM digest_steps WHERE kind = 'structure' AND document_id = ?",
            (manual,),
        )
        == 1
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("plain.md", "Just a paragraph about the boiler, which is serviced in May.\n"),
        (
            "page.html",
            "<html><body><p>The boiler is serviced in May by the landlord.</p>"
            "<p>See section 4 for the rent.</p></body></html>",
        ),
        ("same.md", "".join(f"## Part {n}\n\nText of part {n} is here.\n\n" for n in range(5))),
        ("notes.txt", "the boiler is serviced in may. see section 2.\n"),
        ("deep.md", "###### Deep\n\nA very deep heading with text below it.\n"),
        ("empty-sections.md", "# A\n\n## B\n\n## C\n\nOnly C has text, said the manual.\n"),
    ],
)
def test_documents_without_usual_structure_digest_without_error(
    store: Store, settings: Settings, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    doc = add(store, settings, path)[name]
    result = DigestRunner(store, FakeEngine(responder=digest_reply), "low").run()
    assert result.reason == "done" and result.done == result.total
    sections = sections_of(store, doc)
    outline = notes(store, doc, "outline")
    if sections:
        assert len(outline) == len(sections) + 1  # one entry each and the contents
        assert all(sources(store, n["id"]) for n in outline)
    else:
        assert outline == []
    assert notes(store, doc, "reference") == []


def test_an_entry_cut_by_a_chunk_boundary_is_kept_whole_from_the_overlap() -> None:
    entry = (
        "historySize {number} Maximum number of history lines retained. To disable the history "
        "set this value to 0. This option makes sense only if terminal is set to true."
    )
    chunks = [
        Chunk(1, 7, 0, None, f"prompt {{string}} The prompt string.\n\n{entry}", 30, None),
        Chunk(2, 7, 1, None, f"{entry} Default: 30.\n\ncrlfDelay {{number}} A delay.", 30, None),
    ]
    output = StepOutput()
    _add_definitions(output, chunks, document_id=7)
    [history] = [n for n in output.notes if n.kind == "definition" and n.key == "historysize"]
    assert history.text.endswith("Default: 30.")
    assert history.answer is not None and history.answer.endswith("(default: 30)")
    assert history.chunk_ids == (2,)
    questions = [n.text for n in output.notes if n.kind == "question"]
    assert questions.count("What is the default historySize?") == 1


def test_structure_notes_write_nothing_and_cap_the_contents(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "parts.md"
    names = [f"Topic {a}{b}" for a in "bcdfghjklmnprstvwz" for b in "aeiou"]
    parts = OUTLINE_MAX_ENTRIES + 5
    assert len(names) >= parts
    path.write_text("".join(f"## {name}\n\n{name} is covered here.\n\n" for name in names[:parts]))
    doc = add(store, settings, path)["parts.md"]
    output = structure_notes(store, doc, "The guide")
    assert store.scalar("SELECT COUNT(*) FROM notes") == 0
    outline = [n for n in output.notes if n.kind == "outline"]
    [contents] = [n for n in outline if n.key == ""]
    assert len(outline) == parts + 1  # every section has its entry
    assert contents.text.startswith("Contents of The guide: Topic ba; Topic be;")
    assert contents.answer is not None
    assert len(contents.answer.splitlines()) == OUTLINE_MAX_ENTRIES
    assert 0 < len(contents.chunk_ids) <= 20
    assert output.usage.total == 0 and output.dropped == 0


def _section(section_id: int, parent: int | None, title: str, level: int) -> Section:
    return Section(section_id, 1, section_id, parent, "", title, level, None)


def test_each_section_is_anchored_to_its_own_a_descendants_or_the_nearest_chunk() -> None:
    sections = [
        _section(1, None, "TITLE WITHOUT TEXT", 1),
        _section(2, None, "General", 1),
        _section(3, 2, "Concepts", 2),
        _section(4, None, "Usage", 1),
        _section(5, None, "END", 1),
    ]
    firsts: dict[int, tuple[str, int, int | None]] = {
        3: ("Concepts come first.", 30, 2),
        4: ("Use it daily.", 40, 3),
    }
    assert _anchors(sections, firsts) == {
        1: ("", 30, 2),  # nothing before it: the next chunk
        2: ("Concepts come first.", 30, 2),  # its first subsection's
        3: ("Concepts come first.", 30, 2),
        4: ("Use it daily.", 40, 3),
        5: ("", 40, 3),  # nothing of its own: the chunk before
    }


def test_a_short_referring_sentence_is_quoted_with_the_one_before() -> None:
    text = (
        "The script builds a DLL from the stubs we made. See section 4.4.\n\n"
        "See section 5. Errors are explained in great detail in section 4.4 below."
    )
    assert _referring_candidates(text) == [
        ("The script builds a DLL from the stubs we made.",) * 2,
        ("See section 4.4.", "The script builds a DLL from the stubs we made. See section 4.4."),
        ("See section 5.", "See section 5."),  # first of its paragraph: alone
        ("Errors are explained in great detail in section 4.4 below.",) * 2,
    ]


def test_trim_cuts_at_a_word_and_says_so() -> None:
    assert _trim("Short enough.", 40) == "Short enough."
    trimmed = _trim("word " * 60, 40)
    assert trimmed == "word " * 6 + "word…" and len(trimmed) <= 40


def definition(definition: str, default: str = "", sentence: str = "") -> Definition:
    return Definition("historySize", "historysize", sentence or definition, definition, default)


def test_a_stated_default_survives_trimming_the_meaning() -> None:
    long = "Maximum number of history lines retained. " * 12 + "(default: 30)"
    meaning = _meaning(definition(long, "30"))
    assert meaning.endswith("… (default: 30)") and len(meaning) <= 300
    assert _meaning(definition("Lines kept. (default: 30)", "30")) == "Lines kept. (default: 30)"


def test_template_questions_for_a_meaning_and_a_default() -> None:
    assert _questions(definition("Lines kept.")) == ["What does historySize mean?"]
    assert _questions(definition("Lines kept. (default: 30)", "30")) == [
        "What does historySize mean?",
        "What is the default historySize?",
    ]
    assert _questions(definition("default: 30", "30")) == ["What is the default historySize?"]


def test_a_term_read_again_replaces_the_first_reading_only_when_more_complete() -> None:
    cut = definition("Lines kept", sentence="historySize {number} Lines kept")
    whole = definition("Lines kept, at most", sentence="historySize {number} Lines kept, at most")
    with_default = definition("Lines kept (default: 30)", "30", "historySize Lines. Default: 30.")
    assert _more_complete(whole, cut)
    assert not _more_complete(cut, whole)
    assert _more_complete(with_default, whole)  # a default beats length
    assert not _more_complete(whole, with_default)
    other = definition("x" * 80, sentence="Something else entirely, and much longer " * 3)
    assert not _more_complete(other, cut)  # longer, but not the same entry


def test_definitions_stop_at_the_cap_but_known_terms_still_improve() -> None:
    lines = [f"Widget{n} means part number {n} of the machine." for n in range(MAX_DEFINITIONS + 5)]
    chunks = [Chunk(1, 7, 0, 4, "\n\n".join(lines), 900, None)]
    output = StepOutput()
    _add_definitions(output, chunks, document_id=7)
    found = [n for n in output.notes if n.kind == "definition"]
    assert len(found) == MAX_DEFINITIONS
    assert found[-1].key == f"widget{MAX_DEFINITIONS - 1}"
    assert {n.page for n in output.notes} == {4} and {n.chunk_ids for n in output.notes} == {(1,)}
    questions = [n for n in output.notes if n.kind == "question"]
    assert len(questions) == MAX_DEFINITIONS
    assert questions[0].text == "What does Widget0 mean?"
    assert questions[0].answer == "Widget0 means part number 0 of the machine."
