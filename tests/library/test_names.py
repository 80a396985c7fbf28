"""Document titles and aliases, and which documents a question names."""

from __future__ import annotations

import pytest

from nocturne.library.names import (
    MAX_NAMED,
    DocumentName,
    document_aliases,
    named_documents,
    title_from,
)

CATALOG_FILES = [
    ("LGPL-2.1.txt", "GNU LESSER GENERAL PUBLIC LICENSE"),
    ("camlidl-1.04.doc.pdf", "The Camlidl user's manual"),
    ("nodejs-readline.md", "Readline"),
    ("python-tutorial-controlflow.html", "4. More Control Flow Tools"),
    ("developers-reference.epub", "Debian Developer's Reference"),
    ("lsof-FAQ.txt", "lsof FAQ"),
]


def catalog() -> list[DocumentName]:
    return [
        DocumentName(i + 1, name, title, tuple(document_aliases(name, title)))
        for i, (name, title) in enumerate(CATALOG_FILES)
    ]


LGPL, CAMLIDL, READLINE, PYTHON, DEBIAN, LSOF = range(1, 7)


def named(question: str) -> tuple[int, ...]:
    return named_documents(question, catalog()).document_ids


def test_licence_file_name_gives_version_forms() -> None:
    aliases = document_aliases("LGPL-2.1.txt", "GNU LESSER GENERAL PUBLIC LICENSE")
    assert aliases[0] == "lgpl 2.1"  # the file stem comes first
    for alias in ("lgpl 2.1", "lgplv2.1", "lgpl2.1", "lgpl", "gnu lesser general public license"):
        assert alias in aliases
    assert len(aliases) == len(set(aliases))


def test_title_acronym_and_the_acronym_without_its_first_letter() -> None:
    aliases = document_aliases("license.txt", "GNU Lesser General Public License")
    assert "glgpl" in aliases and "lgpl" in aliases


def test_a_version_word_in_the_title_is_not_part_of_the_name() -> None:
    aliases = document_aliases("lgpl.txt", "GNU Lesser General Public License version 2.1")
    assert "gnu lesser general public license 2.1" in aliases
    assert "gnu lesser general public licensev2.1" in aliases
    assert not any("versionv" in a or "version2" in a for a in aliases)
    assert "glgpl" in aliases and "glgplv" not in aliases


def test_acronyms_need_three_words_and_skip_small_ones() -> None:
    assert "ddr" in document_aliases("devref.epub", "Debian Developer's Reference")
    assert document_aliases("readme.md", "Read me") == ["readme", "read me"]
    assert "gcl" in document_aliases("libc.pdf", "The GNU C Library")


def test_double_suffix_and_version_in_the_file_name() -> None:
    aliases = document_aliases("camlidl-1.04.doc.pdf", "")
    assert aliases[0] == "camlidl 1.04"
    assert {"camlidl1.04", "camlidlv1.04", "camlidl"} <= set(aliases)


def test_version_suffix_is_not_taken_for_a_file_extension() -> None:
    assert document_aliases("python-3.11.txt", "")[0] == "python 3.11"


@pytest.mark.parametrize(
    "file_name",
    [
        "...",
        ".bashrc",
        "noextension",
        "my résumé (final) [2].docx",
        "__init__.py",
        "   spaced   name  .txt",
        "2023-report.v2.pdf",
        "a" * 300 + ".txt",
        "日本語の文書.md",
        "💾 backup.txt",
        "-.txt",
    ],
)
def test_weird_file_names_give_clean_aliases(file_name: str) -> None:
    aliases = document_aliases(file_name, "")
    assert all(alias and alias == alias.strip() and "  " not in alias for alias in aliases)
    assert len(aliases) == len(set(aliases))
    title = title_from("", "", file_name)
    assert isinstance(title, str)


def test_title_from_prefers_metadata_then_first_heading_then_file_stem() -> None:
    assert title_from("  Loader   title ", "Heading", "a.md") == "Loader title"
    assert title_from("", "First heading", "a.md") == "First heading"
    assert title_from("", "  ", "my_notes.md") == "my notes"


def test_a_question_naming_one_document() -> None:
    assert named("What does section 6 of the LGPL 2.1 say?") == (LGPL,)
    assert named("What is LGPLv2.1 about?") == (LGPL,)
    assert named("In the Camlidl manual, what is camlidldll?") == (CAMLIDL,)
    assert named("What is the default historySize in Node's readline docs?") == (READLINE,)
    assert named("What is the Debian Developer's Reference?") == (DEBIAN,)
    assert named("How do I close a file with lsof?") == (LSOF,)


def test_name_words_are_reported() -> None:
    found = named_documents("What is the default historySize in Node's readline docs?", catalog())
    assert found.name_stems == {"node", "readlin"}


def test_a_word_made_from_a_name_names_it_a_word_it_starts_with_does_not() -> None:
    assert named("Once camlidldll has built the DLL, what registers it?") == (CAMLIDL,)
    assert named("What does node do with a closed stream?") == (READLINE,)
    assert named("How do I read a file?") == ()
    assert named("What is caml?") == ()


def test_two_documents_named_for_a_comparison() -> None:
    assert set(named("Compare the lsof FAQ and the Camlidl manual")) == {LSOF, CAMLIDL}


def test_no_document_named() -> None:
    assert named("What is the weather like tomorrow?") == ()
    assert named_documents("What is the weather?", catalog()).name_stems == frozenset()
    assert named("") == ()
    assert named_documents("LGPL", []).document_ids == ()


@pytest.mark.parametrize(
    "question",
    [
        "What is a general public license?",
        "Which manual should I read first?",
        "How do I use the flow?",
        "Are there more tools?",
        "What does the reference say about uploads?",
        "Is there a FAQ?",
    ],
)
def test_a_common_word_in_a_title_names_no_document(question: str) -> None:
    assert named(question) == ()


def test_more_than_max_named_documents_names_none() -> None:
    assert MAX_NAMED == 3
    assert set(named("Compare lsof, camlidl and readline")) == {LSOF, CAMLIDL, READLINE}
    question = "Compare lsof, camlidl, readline and the LGPL"
    assert named(question) == ()
    assert named_documents(question, catalog()).name_stems == frozenset()


def test_a_name_shared_by_two_documents_counts_for_less() -> None:
    docs = [
        DocumentName(1, "python-tutorial.html", "Python Tutorial", ("python tutorial",)),
        DocumentName(2, "python-reference.html", "Python Reference", ("python reference",)),
        DocumentName(3, "rust-book.html", "The Rust Book", ("rust book",)),
    ]
    # "python" belongs to two documents: it names neither on its own...
    assert named_documents("How do Python decorators work?", docs).document_ids == ()
    # ... while a name word unique to one document does.
    assert named_documents("What does the Rust book say?", docs).document_ids == (3,)


def test_title_words_alone_weigh_half() -> None:
    docs = [DocumentName(1, "doc1.txt", "Harbour Authority Rules", ("doc1",))]
    assert named_documents("Who runs the harbour?", docs).document_ids == ()
    assert named_documents("What do the harbour authority rules say?", docs).document_ids == (1,)


def test_the_words_that_make_a_question_name_no_document() -> None:
    files = [*CATALOG_FILES, ("latin-name.txt", "latin-name"), ("called-kind.md", "called kind")]
    documents = [
        DocumentName(i + 1, name, title, tuple(document_aliases(name, title)))
        for i, (name, title) in enumerate(files)
    ]
    assert named_documents("What is the tenant's name?", documents).document_ids == ()
    assert named_documents("What kind of pet is it called?", documents).document_ids == ()
    assert named_documents("What does the latin name file say?", documents).document_ids == (7,)


def _library(*files: tuple[str, str]) -> list[DocumentName]:
    return [
        DocumentName(i + 1, name, title, tuple(document_aliases(name, title)))
        for i, (name, title) in enumerate(files)
    ]


def test_the_faq_names_the_one_faq_of_the_library() -> None:
    documents = _library(
        ("library-faq.html", "Riverside Public Library — Frequently Asked Questions"),
        ("apartment-lease.txt", "Residential lease agreement"),
        ("book-club.txt", "Book club"),
    )
    found = named_documents("Which section of the FAQ covers renewing books?", documents)
    assert (found.document_ids, found.name_stems) == ((1,), {"faq"})
    # an everyday kind word names nothing by kind, and neither does a kind with two documents
    assert named_documents("How long can I keep a book?", documents).document_ids == ()
    two = _library(("library-faq.html", "Library FAQ"), ("pool-faq.html", "Pool FAQ"))
    assert named_documents("What does the FAQ say about fees?", two).document_ids == ()
