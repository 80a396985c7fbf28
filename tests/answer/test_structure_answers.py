"""Structure questions over small ingested, digested documents: outline lookups, which-section
answers and exact option names, through `answer_question` and the module functions.

The documents here are also used by the other question-time test files of this folder.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nocturne.answer.ask import answer_question
from nocturne.answer.query import analyse
from nocturne.answer.result import Answer
from nocturne.answer.retrieval import retrieve
from nocturne.answer.structure_answers import (
    answer_from_definitions,
    answer_from_outline,
    is_derived_title,
    which_section,
)
from nocturne.answer.text_match import IdfTable
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.library.structure import sections_of
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine

MANUAL = """# Frobtool manual

## 4 Scripts

Frobtool ships several helper scripts. Each script reads its options from the command line.

### 4.3 The frobnicate script

The frobnicate script rewrites every widget in a project. It runs in three passes over the \
source tree. Its output is described in section 6.3.

### 4.4 The unfrob script

The unfrob script undoes what frobnicate did. It needs the backup folder that frobnicate left \
behind.

## 6 Output

Frobtool writes reports in plain text.

### 6.3 Report files

Each pass writes a report file named after the widget it changed. Report files are kept for \
thirty days and then deleted. A report lists every widget that was changed.

## 7 Installation

Frobtool installs with a single command. It needs Python 3.9 or later. Bugs are reported on \
the project's mailing list. The authors gave the first copy away at a conference in 2015. \
This manual covers Frobtool 2.0 and later.
"""

FILLER = (
    "naming packaging mirroring hosting translating bundling patching testing signing archiving "
    "porting auditing"
)
CLAUSES = [
    "This Licence applies to any program which contains a notice placed by the copyright holder.",
    "You may copy and distribute verbatim copies of the Program's source code as you receive it.",
    "You may modify your copy of the Program and distribute such modifications under the terms "
    "of Section 1.",
    *(
        f"Clause {n} concerns the {w} of the Program."
        for n, w in enumerate(FILLER.split(), start=3)
    ),
]
WARRANTY = [
    "BECAUSE THE PROGRAM IS LICENSED FREE OF CHARGE, THERE IS NO WARRANTY FOR THE PROGRAM, TO "
    "THE EXTENT PERMITTED BY APPLICABLE LAW.",
    "IN NO EVENT UNLESS REQUIRED BY APPLICABLE LAW WILL ANY COPYRIGHT HOLDER BE LIABLE TO YOU "
    "FOR DAMAGES.",
]


def licence_text() -> str:
    def clause(number: int, text: str) -> str:
        return textwrap.fill(f"{number}. {text}", 70, initial_indent="  ") + "\n\n"

    text = (
        "                  WIDGET PUBLIC LICENCE\n"
        "                  Version 3, March 2004\n\n"
        "                    TERMS AND CONDITIONS\n\n"
    )
    text += "".join(clause(i, c) for i, c in enumerate(CLAUSES))
    text += "                            NO WARRANTY\n\n"
    text += "".join(clause(15 + i, c) for i, c in enumerate(WARRANTY))
    return text + "                     END OF TERMS AND CONDITIONS\n"


API = """# Fetcher API reference

## Options

* `retryDelay` {number} The number of milliseconds to wait before a failed request is tried \
again. **Default:** `100`.
* `maxRetries` {integer} The largest number of times a request is tried again (minimum 0). \
**Default:** `3`.
* `keepAlive` {boolean} If `true`, sockets are kept open between requests. **Default:** `false`.
"""

FAQ = """# Gizmo FAQ

## 1 General

### 1.1 What is Gizmo?

Gizmo is a small tool that tidies photo folders. It was first released on 3 May 2019.

### 1.4 How do I report a bug?

Bugs are reported on the project's issue tracker. Include the version number and the log file.

## 2 Usage

### 2.1 Why is Gizmo so slow on network drives?

Gizmo reads every file twice, and network drives answer slowly. Copy the folder to a local \
disk first.
"""

BOILER = (
    "The boiler in the cellar heats the water for the whole house. It is serviced every May by "
    "the landlord. The pressure gauge should read between one and two bar.\n"
)

DOCUMENTS = {
    "frobtool-manual.md": MANUAL,
    "widget-licence.txt": licence_text(),
    "fetcher-api.md": API,
    "gizmo-faq.md": FAQ,
    "boiler-notes.txt": BOILER,
}


def ingest(
    store: Store, settings: Settings, folder: Path, documents: dict[str, str] | None = None
) -> dict[str, int]:
    """Write `documents` into `folder`, ingest them; their ids by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (documents or DOCUMENTS).items():
        (folder / name).write_text(text, encoding="utf-8")
    results = list(add_paths(store, [folder], settings, FakeEngine()))
    assert all(r.status in ("added", "updated") for r in results), [r.line() for r in results]
    return {Path(r.path).name: int(r.document_id or 0) for r in results}


def digest(store: Store, budget: str = "low") -> None:
    result = DigestRunner(store, FakeEngine(default_reply=""), budget).run()
    assert result.reason == "done", result.summary_line()


def ask(store: Store, settings: Settings, question: str, **kwargs: object) -> Answer:
    engine = FakeEngine()  # replies "I do not know.": every answer here is extracted
    return answer_question(store, engine, question, settings, **kwargs)  # type: ignore[arg-type]


def section(store: Store, document_id: int, number: str) -> int:
    return next(s.id for s in sections_of(store, document_id) if s.number == number)


@pytest.fixture
def docs(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(store, settings, tmp_path / "docs")


@pytest.fixture
def digested(store: Store, docs: dict[str, int]) -> dict[str, int]:
    digest(store)
    return docs


SECTION_ABOUT = "What is section 4.3 of the Frobtool manual about?"
ABOVE_CLAUSES = "What heading sits above clauses 15 and 16 of the Widget licence?"
COVERS = "Which section of the Frobtool manual covers frobnicating?"
RETRY_DELAY = "What does the retryDelay option of the Fetcher API do?"


def test_what_a_numbered_section_is_about_is_an_instant_outline_answer(
    store: Store, settings: Settings, digested: dict[str, int]
) -> None:
    answer = ask(store, settings, SECTION_ABOUT)
    assert (answer.mode, answer.route) == ("instant", "instant"), answer.answer
    assert answer.extra.get("outline") is True
    assert "4.3 The frobnicate script" in answer.answer
    assert answer.confidence == "high"
    assert answer.usage.total == 0
    assert [(c.document, c.section) for c in answer.citations] == [
        ("frobtool-manual.md", "4.3 The frobnicate script")
    ]


def test_the_heading_above_two_clauses_is_their_parent(
    store: Store, settings: Settings, digested: dict[str, int]
) -> None:
    answer = ask(store, settings, ABOVE_CLAUSES)
    assert answer.mode == "instant", answer.answer
    assert answer.answer.startswith("NO WARRANTY — "), answer.answer
    assert "TERMS AND CONDITIONS" not in answer.answer
    assert answer.confidence == "high"
    assert answer.citations and answer.citations[0].document == "widget-licence.txt"
    assert answer.citations[0].section.startswith("15.")


def test_which_section_is_instant_once_the_outline_holds_it(
    store: Store, settings: Settings, digested: dict[str, int]
) -> None:
    answer = ask(store, settings, COVERS)
    assert answer.answer.startswith("Section 4.3 (The frobnicate script)"), answer.answer
    assert (answer.mode, answer.route) == ("instant", "instant")
    assert answer.extra.get("outline") is True
    assert answer.citations[0].section == "4.3 The frobnicate script"


@pytest.mark.parametrize("when", ["before the digest", "without notes"])
def test_which_section_is_learned_without_the_outline(
    store: Store, settings: Settings, docs: dict[str, int], when: str
) -> None:
    if when == "without notes":
        digest(store)
    answer = ask(store, settings, COVERS, use_notes=when != "without notes")
    assert answer.answer.startswith("Section 4.3 (The frobnicate script)"), answer.answer
    assert (answer.mode, answer.route) == ("learned", "learned")
    assert answer.extra.get("outline") is False
    assert not answer.abstained


def test_an_exactly_named_option_is_answered_from_its_definition(
    store: Store, settings: Settings, digested: dict[str, int]
) -> None:
    answer = ask(store, settings, RETRY_DELAY)
    assert (answer.mode, answer.route) == ("instant", "instant"), answer.answer
    assert answer.answer.startswith("retryDelay: “retryDelay {number} The number of milliseconds")
    assert "Default: 100" in answer.answer
    assert "maxRetries" not in answer.answer
    assert answer.confidence == "high"
    assert [(c.document, c.section) for c in answer.citations] == [("fetcher-api.md", "Options")]


@pytest.mark.parametrize("question", [SECTION_ABOUT, ABOVE_CLAUSES, COVERS, RETRY_DELAY])
def test_without_notes_nothing_is_instant(
    store: Store, settings: Settings, digested: dict[str, int], question: str
) -> None:
    answer = ask(store, settings, question, use_notes=False)
    assert answer.mode != "instant" and answer.route != "instant", answer.answer
    assert not answer.extra.get("outline")


def test_outline_lookups_need_one_named_document_and_the_digest(
    store: Store, docs: dict[str, int]
) -> None:
    assert answer_from_outline(store, analyse(store, SECTION_ABOUT)) is None  # not digested
    digest(store)
    found = answer_from_outline(store, analyse(store, SECTION_ABOUT))
    assert found is not None and len(found.note_ids) == 1
    assert found.text.startswith("Section 4.3: 4.3 The frobnicate script (under 4 Scripts)")
    # No document named: a section number alone says nothing.
    assert answer_from_outline(store, analyse(store, "What is section 4.3 about?")) is None
    contents = answer_from_outline(store, analyse(store, "What sections does the Gizmo FAQ have?"))
    assert contents is not None
    assert "    1.4 How do I report a bug?" in contents.text.splitlines()
    parent = answer_from_outline(store, analyse(store, ABOVE_CLAUSES))
    assert parent is not None and parent.text.startswith("NO WARRANTY")


def test_definitions_are_looked_up_by_the_exact_identifier(
    store: Store, digested: dict[str, int]
) -> None:
    found = answer_from_definitions(
        store, analyse(store, "What is the default maxRetries in the Fetcher API?")
    )
    assert found is not None
    assert found.text.startswith("maxRetries: “maxRetries {integer}") and "Default: 3" in found.text
    # An identifier the document does not define, or no document named: no lookup.
    assert (
        answer_from_definitions(store, analyse(store, "What is fooBar in the Fetcher API?")) is None
    )
    assert answer_from_definitions(store, analyse(store, "What is retryDelay?")) is None


def test_which_section_ranks_the_section_whose_title_says_it(
    store: Store, digested: dict[str, int]
) -> None:
    query = analyse(store, COVERS)
    assert query.answer_type == "section"
    retrieval = retrieve(store, COVERS, query=query)
    found = which_section(store, query, retrieval.evidence, IdfTable(store))
    assert found is not None
    assert found[0].number == "4.3"


# Real bugs: each keeps the expectation and fails until the code is fixed.


def test_a_real_heading_repeated_by_its_first_sentence_is_not_a_derived_title(
    store: Store, settings: Settings, digested: dict[str, int]
) -> None:
    manual = digested["frobtool-manual.md"]
    script = next(s for s in sections_of(store, manual) if s.number == "4.3")
    answer = ask(
        store, settings, "Which section of the Frobtool manual covers the frobnicate script?"
    )
    assert answer.answer.startswith("Section 4.3"), answer.answer  # actual: "Section 4 (4 Scripts)"
    assert not is_derived_title(store, script)


def test_which_section_does_not_need_the_library_to_say_covers(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    documents = {
        "frobtool-manual.md": MANUAL.replace(" This manual covers Frobtool 2.0 and later.", "")
    }
    ingest(store, settings, tmp_path / "docs", documents)
    answer = ask(store, settings, COVERS)
    assert not answer.abstained, answer.extra  # actual: "The documents do not say."
    assert answer.answer.startswith("Section 4.3")


def test_a_pointer_matching_only_a_section_word_does_not_redirect(
    store: Store, settings: Settings, digested: dict[str, int]
) -> None:
    answer = ask(store, settings, "Which section of the Frobtool manual describes frobnicating?")
    assert answer.answer.startswith("Section 4.3"), answer.answer  # actual: "Section 6.3 (…)"


TROUBLESHOOTING = """# Lumix Z10 user manual

## 2 Taking pictures

Press the shutter button halfway to focus, then all the way to take the picture.

## 3 Troubleshooting

### 3.1 Blurry images

If your pictures look blurred, clean the lens with the supplied cloth. Use a shutter speed of \
at least 1/60 s when holding the camera by hand.

### 3.2 The camera gets hot

During long video recordings the body may become warm. Let it cool for 10 minutes.
"""


@pytest.fixture
def manual(store: Store, settings: Settings, tmp_path: Path) -> dict[str, int]:
    return ingest(store, settings, tmp_path / "manual", {"lumix-manual.md": TROUBLESHOOTING})


@pytest.mark.usefixtures("manual")
def test_a_heading_that_says_what_is_asked_answers_in_the_texts_own_words(
    store: Store, settings: Settings
) -> None:
    """The text says "blurred" and "warm", its headings "Blurry images" and "gets hot": both
    questions were abstained on, the words being absent from the sentences."""
    located = ask(store, settings, "Which section covers blurry images?")
    assert located.answer.startswith("Section 3.1 (Blurry images) — "), located.answer
    assert not located.abstained
    hot = ask(store, settings, "What should I do if the camera gets hot?")
    assert not hot.abstained, hot.answer
    assert "warm" in hot.answer and hot.citations[0].section == "3.2 The camera gets hot"
    # A heading that says only part of it is no answer: the text never says "wet".
    wet = ask(store, settings, "What should I do if the camera gets wet?")
    assert wet.abstained, wet.answer
