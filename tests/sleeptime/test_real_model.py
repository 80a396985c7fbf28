"""The digest with the real bundled model on a short PDF: supported notes on the right pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.engine.local import LocalEngine
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner
from nocturne.sleeptime.support import is_supported

from pdf_maker import write_pdf

pytestmark = pytest.mark.integration

PAGES = [
    "The Nocturne Harbour Authority was founded in 1887 to manage the port of Kestrel Bay. "
    "The harbour master is elected every four years by the city council. "
    "Ships longer than 200 metres must request a pilot before entering the channel.",
    "The lighthouse on Gull Point was built in 1902 and is 38 metres tall. "
    "Its lamp can be seen from 25 nautical miles away in clear weather. "
    "The default mooring fee is 40 euros per day for boats under 12 metres.",
    "In 1999 the authority opened a ferry line between Kestrel Bay and Saint Orla. "
    "The crossing takes 90 minutes and ferries leave every two hours. "
    "A seasonal timetable applies from June to September.",
]


def test_bundled_model_digest_cites_the_right_pages(
    tmp_path: Path, store: Store, settings: Settings, real_engine: LocalEngine
) -> None:
    pdf = write_pdf(tmp_path / "harbour.pdf", PAGES)
    [added] = list(add_paths(store, [pdf], settings, real_engine))
    assert added.status == "added", added.line()
    result = DigestRunner(store, real_engine, "medium").run()
    assert result.reason == "done" and result.done == result.total
    notes = store.query(
        "SELECT n.*, c.text AS chunk_text, c.page AS chunk_page FROM notes n "
        "JOIN note_sources s ON s.note_id = n.id JOIN chunks c ON c.id = s.chunk_id "
        "WHERE n.kind IN ('fact', 'question')"
    )
    facts = [n for n in notes if n["kind"] == "fact"]
    questions = [n for n in notes if n["kind"] == "question"]
    assert len(facts) >= 6
    assert questions, "the model phrased no supported question at all"
    for note in notes:
        quoted = note["answer"] if note["kind"] == "question" else note["text"]
        page = next(i + 1 for i, text in enumerate(PAGES) if quoted[:40] in text)
        assert note["page"] == note["chunk_page"] == page, quoted
        assert is_supported(quoted, [note["chunk_text"]])
    for question in questions:
        assert question["text"].endswith("?")
        assert is_supported(question["text"], [question["chunk_text"]], threshold=0.5)
    summary = store.query("SELECT * FROM notes WHERE kind = 'document_summary'")
    assert len(summary) == 1 and "1887" in summary[0]["text"]
    calls = store.scalar("SELECT COUNT(*) FROM model_calls WHERE purpose LIKE 'digest:%'")
    model_written = store.scalar("SELECT COUNT(*) FROM notes WHERE model_id != 'extractive'")
    assert calls >= model_written > 0
