"""What a question reuses between questions (issue 15): the catalog of names, the name index and
the word counts are kept on the connection until the library's names or text change."""

from __future__ import annotations

import random
from pathlib import Path

from nocturne.answer.text_match import IdfTable
from nocturne.library.ingest import add_paths
from nocturne.library.library_versions import library_versions
from nocturne.library.names import DocumentName, NameIndex, _asks_for
from nocturne.library.store import Store
from nocturne.library.structure import document_catalog, name_index
from nocturne.settings import Settings

from fakes.engine import FakeEngine


def _add(store: Store, folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    results = list(add_paths(store, [path], Settings(), FakeEngine()))
    assert not any(r.failed for r in results), results


def test_the_counters_move_with_names_and_text_only(store: Store, tmp_path: Path) -> None:
    start = library_versions(store)
    _add(store, tmp_path, "lease.txt", "The deposit is 2,500 euros, paid before the keys.")
    added = library_versions(store)
    assert added.names > start.names and added.text > start.text
    document_id = int(store.scalar("SELECT id FROM documents"))
    store.set_document_state(document_id, "digesting")
    store.set_document_state(document_id, "ready")
    assert library_versions(store) == added  # progress says nothing about names or words
    store.set_document_state(document_id, "error", "unreadable")
    assert library_versions(store).names > added.names  # an error row leaves the catalog
    store.remove_document(document_id)
    assert library_versions(store).text > added.text


def test_the_catalog_and_word_counts_follow_a_change(store: Store, tmp_path: Path) -> None:
    _add(store, tmp_path, "lease.txt", "The deposit is 2,500 euros, paid before the keys.")
    assert [d.name for d in document_catalog(store)] == ["lease.txt"]
    assert name_index(store) is name_index(store)  # kept between questions
    assert IdfTable(store).absent("garden")
    _add(store, tmp_path, "garden.txt", "A garden plot costs 40 euros a year.")
    assert sorted(d.name for d in document_catalog(store)) == ["garden.txt", "lease.txt"]
    assert not IdfTable(store).absent("garden")
    before = name_index(store)
    _add(store, tmp_path, "garden.txt", "A garden plot costs 45 euros a year.")  # re-read
    after = name_index(store)
    assert after is not before and after.by_name.keys() == before.by_name.keys()
    assert name_index(store).named("What does the garden notes say?").document_ids


def test_the_name_index_finds_what_trying_every_name_finds() -> None:
    rng = random.Random(7)
    parts = ["node", "nodejs", "readline", "camlidl", "lease", "leases", "garden", "gardening"]
    parts += ["espresso", "handbook", "lisbon", "lsof", "debian", "policy", "python", "pytest"]
    catalog = [
        DocumentName(i, f"{rng.choice(parts)}-{rng.choice(parts)}.txt", rng.choice(parts), ())
        for i in range(1, 60)
    ]
    index = NameIndex(catalog)
    for question in (
        "What does the Node.js readline guide say?",
        "How long is the lease?",
        "Which camlidldll options exist?",
        "What is gardens about in the handbook?",
        "How do I read the espresso manual?",
    ):
        found = index._asked_stems(set(_stems(question)))
        expected = {s for s in index.frequency if _asks_for(s, set(_stems(question)))}
        assert found == expected, question


def _stems(question: str) -> list[str]:
    import itertools

    from nocturne.library.words import stem, words

    tokens = words(question.replace("-", " "))
    return [stem(w) for w in tokens] + [stem(a + b) for a, b in itertools.pairwise(tokens)]
