"""Retrieval: anticipated questions as query expansion, evidence scoring, fusion."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.answer.retrieval import fuse_dense, fuse_rankings, retrieve
from nocturne.answer.text_match import IdfTable
from nocturne.library.sentence_index import SentenceIndex
from nocturne.library.store import Store
from nocturne.settings import Settings

from .conftest import Library


def test_anticipated_question_finds_an_answer_phrased_differently(digested: Library) -> None:
    """doc2query: 'surrender' is not in the text, but it meets the anticipated question."""
    digested.add_note(
        "question",
        "How many points did the Panthers surrender?",
        ["Super_Bowl_50.md#1"],
        answer="The Panthers defense gave up just 308 points, ranking sixth in the league.",
    )
    found = retrieve(digested.store, "Points surrendered by the Panthers?")
    assert found.best_anticipated is not None
    assert "308" in found.best_anticipated.answer
    assert "308" in found.evidence[0].text
    assert found.evidence[0].source.page == 1


def test_evidence_comes_from_notes_and_raw_sentences_without_duplicates(
    digested: Library,
) -> None:
    found = retrieve(digested.store, "Who led the Panthers in tackles?")
    texts = [ev.text for ev in found.evidence]
    assert texts[0].startswith("Luke Kuechly led the team in tackles")  # a raw chunk sentence
    assert len(texts) == len({t.lower() for t in texts})
    assert found.evidence[0].origin == "chunk"


def test_reciprocal_rank_fusion() -> None:
    fused = fuse_rankings([["a", "b", "c"], ["c", "b", "a"]], k=60)
    assert fused["b"] == pytest.approx(2 / 62)
    assert fused["a"] == fused["c"]


class KeywordEmbedder:
    """A stand-in for the embedding model: similarity 1 for texts mentioning 'Broncos'."""

    def similarities(self, query: str, texts: list[str]) -> list[float]:
        return [1.0 if "Broncos" in t else 0.0 for t in texts]


def test_dense_ranking_is_fused_with_the_lexical_one(digested: Library) -> None:
    lexical = retrieve(digested.store, "Panthers, Broncos, Kuechly or Manning?").evidence
    broncos = next(ev for ev in lexical if "Broncos" in ev.text)
    others = [ev for ev in lexical if ev is not broncos]
    assert len(others) >= 3
    ordered = [*others[:3], broncos]  # the lexical ranking puts it last
    fused = fuse_dense("Who did the Panthers play?", ordered, KeywordEmbedder())
    assert fused.index(broncos) < 3
    assert fused[0] is others[0]  # one ranking alone does not overturn the other
    assert sorted(e.text for e in fused) == sorted(e.text for e in ordered)


def test_reference_quotes_the_best_bm25_sentence(library: Library) -> None:
    index = SentenceIndex(library.store)
    best = index.best("Where was Tesla born?")
    assert best[0].sentence == "Nikola Tesla was born on 10 July 1856 in Smiljan."
    assert best[0].document_name == "Nikola_Tesla.md"
    assert index.best("???") == []
    index.close()


def test_boilerplate_and_bare_list_markers_are_never_the_best_evidence(digested: Library) -> None:
    digested.add_note(
        "question",
        "How many points did the Panthers defense give up in the season?",
        ["Super_Bowl_50.md#1"],
        answer="© Copyright 2016, the Panthers defense. All rights reserved.",
    )
    digested.add_note("fact", "2.", ["Super_Bowl_50.md#1"])
    found = retrieve(digested.store, "How many points did the Panthers defense give up?")
    assert "308" in found.evidence[0].text
    assert all(ev.text != "2." for ev in found.evidence)


def test_the_questions_own_numbers_say_which_sentence(library: Library) -> None:
    library.add_note("fact", "Debian 12 is called bookworm.", ["Super_Bowl_50.md#1"])
    library.add_note(
        "fact", "Debian 13 is called trixie, after a character of a film.", ["Super_Bowl_50.md#1"]
    )
    library.add_note("fact", "Debian 14 is called forky.", ["Super_Bowl_50.md#1"])
    found = retrieve(library.store, "What is Debian 13 called?")
    assert found.evidence[0].text.startswith("Debian 13 is called trixie")


def test_page_furniture_answers_only_questions_about_the_page(library: Library) -> None:
    library.add_document(
        "widgets.md",
        ["Blue Widget Works was founded in a barn by two sisters.\n\n© 2024 Blue Widget Works."],
    )
    what = retrieve(library.store, "What is Blue Widget Works?")
    assert what.evidence[0].text.startswith("Blue Widget Works was founded")
    owner = retrieve(library.store, "Who holds the copyright of Blue Widget Works?")
    assert owner.evidence[0].text.startswith("© 2024")


def test_the_missing_kind_of_answer_comes_from_the_same_section_first(library: Library) -> None:
    from nocturne.answer.query import analyse
    from nocturne.answer.retrieval import Evidence, complementary
    from nocturne.library.learned_notes import Source

    question = "Where do I send a bug report for frobtool?"
    query = analyse(library.store, question)
    assert query.answer_type == "code"

    def ev(text: str, section_id: int, score: float) -> Evidence:
        source = Source(section_id, 1, "faq.txt", "/faq.txt", None)
        return Evidence(text, source, 0.6, score, "chunk", section_id=section_id)

    first = ev("Before you send me a bug report, please read the README.", 1, 1.2)
    elsewhere = ev("Sending a bug to kvm_read() is an error.", 2, 0.95)
    same_place = ev("You can report it via e-mail to <abe@example.org>.", 1, 0.85)
    second = complementary(query, [first, elsewhere, same_place], IdfTable(library.store))
    assert second is same_place


def test_the_questions_words_in_their_order_count(library: Library) -> None:
    library.add_document(
        "licence.txt",
        [
            "Any work you modify may be copied. "
            "The modified work must itself be a software library of the kind described here."
        ],
    )
    found = retrieve(library.store, "What must the modified work be?")
    assert found.evidence[0].text.startswith("The modified work must itself be")


def test_prose_is_quoted_before_a_code_listing_unless_code_is_asked_for(library: Library) -> None:
    library.add_document(
        "tutorial.md",
        [
            'match command: case (x, y): go(x, y) case _: print("_ pattern in match statement")\n\n'
            "In a match statement the _ pattern never fails to match: it is a wildcard, always."
        ],
    )
    found = retrieve(library.store, "What does the _ pattern do in a match statement?")
    assert found.evidence[0].text.startswith("In a match statement the _ pattern")


def test_a_numbered_clause_the_structure_missed_is_what_section_n_means(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    from .test_structure_answers import ingest

    ingest(
        store,
        settings,
        tmp_path / "docs",
        {
            "lease.txt": "Residential lease agreement between the Landlord and the Tenant.\n\n"
            "8. Use. The Premises are a private home for two people. 9. Pets. Small pets such as "
            "cats are allowed with the Landlord's permission. Dogs are not allowed. 10. Keys. "
            "The Tenant receives two keys and returns them at the end of the lease.\n"
        },
    )
    found = retrieve(store, "What is section 9 of the lease about?")
    assert found.evidence[0].text == (
        "9. Pets. Small pets such as cats are allowed with the Landlord's permission. "
        "Dogs are not allowed."
    )
    assert found.evidence[0].coverage == 1.0  # "section 9" is found in it: not an abstention


def test_what_x_is_is_the_sentence_that_says_it_not_one_that_mentions_it(
    library: Library,
) -> None:
    """A weak anticipated question ("… the Landlord's plan to return the deposit …") lifted the
    sentence about returning the deposit over the one saying what the deposit is."""
    library.add_document(
        "lease.md",
        [
            "4. Security deposit. Before the keys are handed over the Tenant pays a security "
            "deposit equal to two months' rent: 2,500 euros. The Landlord returns the deposit "
            "within 14 days after the end of the lease, minus the cost of any damage."
        ],
    )
    library.add_note(
        "question",
        "What is the Landlord's plan to return the deposit within 14 days after the end?",
        ["lease.md#1"],
        answer="The Landlord returns the deposit within 14 days after the end of the lease, "
        "minus the cost of any damage.",
    )
    found = retrieve(library.store, "What is the deposit?")
    assert "2,500 euros" in found.evidence[0].text
    # Any other question is scored as before: the anticipated question still counts.
    returned = retrieve(library.store, "When is the deposit returned?")
    assert returned.evidence[0].text.startswith("The Landlord returns the deposit")


def test_states_what_matches_a_statement_not_a_participle() -> None:
    from nocturne.answer.retrieval import states_what

    pattern = states_what("What is the monthly rent?", ("monthly", "rent"))
    assert pattern is not None
    assert pattern.search("The monthly rent is 1,250 euros, excluding utilities.")
    assert pattern.search("A rent of 900 euros is due on the 3rd.")
    assert pattern.search("Rent: 1,250 euros")
    assert not pattern.search("The rent is paid by bank transfer.")
    assert not pattern.search("The rent is increased once a year.")
    assert not pattern.search("The Landlord may raise the rent after a year.")
    assert states_what("When is the rent due?", ("rent",)) is None
    assert states_what("What is the rent?", ()) is None


def test_when_something_ends_its_start_and_term_complete_it(library: Library) -> None:
    """ "When does the lease end?": the sentence with its start date and how long it runs
    completes a first sentence without a date, before another date of the same document."""
    from nocturne.answer.query import analyse
    from nocturne.answer.retrieval import Evidence, complementary
    from nocturne.library.learned_notes import Source

    query = analyse(library.store, "When does the lease end?")
    assert query.answer_type == "date"

    def ev(text: str, chunk_id: int, score: float) -> Evidence:
        source = Source(chunk_id, 1, "lease.pdf", "/lease.pdf", None)
        return Evidence(text, source, 0.6, score, "chunk")

    first = ev("The deposit is returned within 14 days after the end of the lease.", 3, 1.1)
    made = ev("This lease agreement is made on 1 September 2026 between the parties.", 1, 0.57)
    term = ev("The lease starts on 1 October 2026 and runs for a term of 12 months.", 1, 0.53)
    assert complementary(query, [first, made, term], IdfTable(library.store)) is term
    # Without a span of time, the better-scored date stays the second piece.
    plain = ev("The lease starts on 1 October 2026.", 1, 0.53)
    assert complementary(query, [first, made, plain], IdfTable(library.store)) is made


def test_what_x_for_y_is_is_said_of_x_not_of_y() -> None:
    """ "What is the monthly fee for my phone plan?" asks about the fee: "Plan: BrightWave 5G."
    says what the plan is, not the fee."""
    from nocturne.answer.retrieval import states_what

    pattern = states_what(
        "What is the monthly fee for my phone plan?", ("monthly", "fee", "phone", "plan")
    )
    assert pattern is not None
    assert pattern.search("The monthly fee is 24.99 EUR, charged on the 3rd of each month.")
    assert not pattern.search("Plan: BrightWave Unlimited 5G.")


def test_table_cells_one_per_paragraph_are_read_label_with_value() -> None:
    """A PDF table drawn without structure: "Replacement SIM card" and "10.00 EUR" came out as
    paragraphs of their own, and the label alone was quoted as the answer."""
    from nocturne.answer.retrieval import cells_joined

    cells = ["Service", "Price", "Replacement SIM card", "10.00 EUR", "Roaming", "8.00 EUR per day"]
    assert cells_joined(cells) == [
        "Service",
        "Price",
        "Replacement SIM card: 10.00 EUR",
        "Roaming: 8.00 EUR per day",
    ]
    prose = ["Charges", "The plan costs 24.99 EUR a month and is paid by direct debit."]
    assert cells_joined(prose) == prose  # a sentence is no cell
    assert cells_joined(["Notes.", "12 items"]) == ["Notes.", "12 items"]  # a sentence's end
