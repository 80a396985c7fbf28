from nocturne.library.chunking import PageText, chunk_pages

from fakes.engine import FakeEngine


def test_chunks_fit_the_budget_overlap_and_keep_pages() -> None:
    counter = FakeEngine()
    page_one = " ".join(f"Sentence number {i} talks about topic {i}." for i in range(40))
    page_two = "A short second page."
    drafts = chunk_pages(
        [PageText(1, page_one), PageText(2, page_two)], counter, chunk_tokens=50, overlap_tokens=10
    )
    assert all(d.token_count <= 50 for d in drafts)
    assert [d.ordinal for d in drafts] == list(range(len(drafts)))
    assert {d.page for d in drafts[:-1]} == {1}
    assert drafts[-1].page == 2 and drafts[-1].text == page_two
    first, second = drafts[0].text, drafts[1].text
    assert first.split(". ")[-1].rstrip(".") in second  # the last sentence is repeated


def test_a_giant_sentence_is_cut_at_words() -> None:
    counter = FakeEngine()
    giant = " ".join(["word"] * 500)
    drafts = chunk_pages([PageText(None, giant)], counter, chunk_tokens=64, overlap_tokens=0)
    assert len(drafts) >= 8
    assert all(d.token_count <= 64 for d in drafts)
    assert sum(d.text.count("word") for d in drafts) == 500
