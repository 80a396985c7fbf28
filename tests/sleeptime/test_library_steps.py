"""Notes across documents: what two related documents share, and the library brief."""

from __future__ import annotations

from digest_samples import FOREST, OIL, add_document

from nocturne.library.store import Store
from nocturne.sleeptime.library_steps import cross_document_notes, library_brief
from nocturne.sleeptime.notes import EXTRACTED
from nocturne.sleeptime.prompts import BRIEF_EXTRACT, CROSS_EXTRACT, SUMMARY_MODEL

from fakes.engine import FakeEngine

OIL_QUOTE = (
    "By the end of the embargo in March 1974, the price of oil had risen from 3 dollars per "
    "barrel to nearly 12 dollars."
)
FOREST_QUOTE = (
    "After the oil embargo of 1973 the price of oil rose, and oil exploration roads opened the "
    "forest to settlers."
)
# Supported by the two quoted chunks, and a copy of neither quote.
COMMON_LINE = "The price of oil rose after the embargo, and cattle ranching spread in the Amazon."
OIL_LEAD = "The 1973 oil crisis began in October 1973 when OPEC members proclaimed an oil embargo."
FOREST_LEAD = (
    "The Amazon rainforest is a moist broadleaf forest that covers most of the Amazon basin of "
    "South America."
)


def _documents(store: Store) -> tuple[int, int]:
    return add_document(store, "Oil_crisis.pdf", OIL), add_document(
        store, "Amazon_rainforest.pdf", FOREST
    )


def _document_of(store: Store, chunk_id: int) -> int:
    chunk = store.chunk(chunk_id)
    assert chunk is not None
    return int(chunk.document_id)


def test_two_documents_share_terms_and_each_is_quoted(store: Store) -> None:
    oil, forest = _documents(store)
    engine = FakeEngine()  # "I do not know.": no sentence of the model's
    output = cross_document_notes(store, engine, oil, forest)
    assert output is not None
    (note,) = output.notes
    assert note.kind == "cross_document"
    assert note.text == (
        "Oil crisis and Amazon rainforest both discuss oil, embargo and fuel. "
        "They differ: Oil crisis is more about energy, crisis and dollars; "
        "Amazon rainforest about amazon, forest and rainforest. "
        f"Oil crisis: {OIL_QUOTE} Amazon rainforest: {FOREST_QUOTE}"
    )
    assert [_document_of(store, c) for c in note.chunk_ids] == [oil, forest]
    assert (note.page, note.document_id) == (None, None)
    assert (note.model_id, note.prompt_version) == (EXTRACTED, CROSS_EXTRACT)
    assert output.dropped == 1  # the model's line
    assert [call.purpose for call in engine.calls] == ["digest:cross_document"]
    assert note.tokens == output.usage.total > 0


def test_a_supported_model_sentence_comes_first_and_labels_the_note(store: Store) -> None:
    oil, forest = _documents(store)
    output = cross_document_notes(store, FakeEngine([COMMON_LINE]), oil, forest)
    assert output is not None
    (note,) = output.notes
    assert note.text.startswith(f"{COMMON_LINE} Oil crisis and Amazon rainforest both discuss")
    assert (note.model_id, note.prompt_version) == (
        "fake-model",
        f"{SUMMARY_MODEL}+{CROSS_EXTRACT}",
    )
    assert output.dropped == 0


def test_a_removed_document_has_no_comparison(store: Store) -> None:
    oil, _ = _documents(store)
    engine = FakeEngine()
    assert cross_document_notes(store, engine, oil, 999) is None
    assert engine.calls == []


def test_documents_without_shared_terms_get_no_note(store: Store) -> None:
    cats = add_document(store, "Cats.txt", ["Cats purr when they are happy. Cats purr often."])
    rivers = add_document(store, "Rivers.txt", ["Rivers flow to the sea. Rivers flood in spring."])
    engine = FakeEngine()
    output = cross_document_notes(store, engine, cats, rivers)
    assert output is not None and output.notes == [] and output.dropped == 0
    assert engine.calls == []


def test_without_a_quotable_sentence_only_the_terms_are_named(store: Store) -> None:
    cats = add_document(store, "Cats.txt", ["Cats purr. Cats purr."])  # fragments: no sentences
    dogs = add_document(store, "Dogs.txt", ["Cats hunt. Cats hunt."])
    engine = FakeEngine()
    output = cross_document_notes(store, engine, cats, dogs)
    assert output is not None
    (note,) = output.notes
    assert note.text == (
        "Cats and Dogs both discuss cats. They differ: Cats is more about purr; Dogs about hunt."
    )
    assert note.chunk_ids == () and engine.calls == []


def test_the_brief_lists_the_documents_leads_and_shared_themes(store: Store) -> None:
    oil, forest = _documents(store)
    engine = FakeEngine()
    output = library_brief(store, engine)
    (note,) = output.notes
    assert note.kind == "library_brief"
    assert note.text == (
        f"The library holds 2 documents. Oil crisis: {OIL_LEAD} Amazon rainforest: {FOREST_LEAD} "
        "Themes shared by several documents: embargo, fuel and oil."
    )
    assert [_document_of(store, c) for c in note.chunk_ids] == [oil, forest]
    assert (note.model_id, note.prompt_version) == (EXTRACTED, BRIEF_EXTRACT)
    (call,) = engine.calls
    assert call.purpose == "digest:library_brief"
    assert call.messages[-1]["content"].endswith(f"{OIL_LEAD} {FOREST_LEAD}")
    assert output.dropped == 1 and note.tokens == output.usage.total > 0


def test_a_supported_model_sentence_follows_the_count_in_the_brief(store: Store) -> None:
    _documents(store)
    line = "OPEC members proclaimed an oil embargo and the Amazon basin is covered by rainforest."
    (note,) = library_brief(store, FakeEngine([line])).notes
    assert note.text.startswith(f"The library holds 2 documents. {line} Oil crisis: ")
    assert (note.model_id, note.prompt_version) == (
        "fake-model",
        f"{SUMMARY_MODEL}+{BRIEF_EXTRACT}",
    )


def test_a_library_of_one_document_has_no_themes(store: Store) -> None:
    add_document(store, "Rivers.txt", ["Rivers flow downhill to the sea. Rivers flood in spring."])
    (note,) = library_brief(store, FakeEngine()).notes
    assert note.text == "The library holds 1 document. Rivers: Rivers flow downhill to the sea."


def test_an_empty_library_has_no_brief(store: Store) -> None:
    engine = FakeEngine()
    output = library_brief(store, engine)
    assert output.notes == [] and engine.calls == []
