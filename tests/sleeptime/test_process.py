"""A real digest process limited to some documents ("Digest this document now" in the window):
it digests those alone, and they leave the front of the queue once ready."""

from __future__ import annotations

from pathlib import Path

import pytest
from digest_samples import FOREST, OIL, add_document

from nocturne.library.digest_priorities import priorities, request_documents
from nocturne.library.store import Store
from nocturne.sleeptime.process import DigestProcess

from support import FAKE_ENGINE

pytestmark = pytest.mark.slow


def test_a_digest_process_of_one_document_digests_it_alone(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open() as store:
        oil = add_document(store, "Oil_crisis.pdf", OIL)
        forest = add_document(store, "Amazon_rainforest.pdf", FOREST)
        request_documents(store, [oil])
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    digest = DigestProcess(budget="medium", documents=[oil])
    digest.start()
    try:
        assert digest.wait(60.0)
    finally:
        digest.stop()
    assert digest.result is not None and digest.result.reason == "done"
    with Store.open() as store:
        states = {row.id: row.state for row in store.documents()}
        assert states == {oil: "ready", forest: "queued"}
        assert priorities(store) == {}
