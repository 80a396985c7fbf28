"""`nocturne status` and the window count a finished digest's steps as done (issue 12, #2).

With the fake engine (NOCTURNE_ENGINE=support.FAKE_ENGINE, as in the CLI tests) the digest
records its steps as "fake-model", while status expected the bundled model's file name: a
digest that had just finished read "0/39 steps" there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne.library.store import ChunkDraft, Store
from nocturne.settings import Settings
from nocturne.sleeptime.command import make_digest_engine
from nocturne.sleeptime.digest_report import digest_status, expected_model_id
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine
from support import FAKE_ENGINE


def test_status_expects_the_model_the_digest_will_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCTURNE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    settings = Settings()
    engine = make_digest_engine(settings)
    assert isinstance(engine, FakeEngine)
    assert expected_model_id(settings) == engine.model_id
    with Store.open(tmp_path / "library.sqlite3") as store:
        store.save_document(
            path="/docs/a.txt",
            name="a.txt",
            kind="txt",
            content_hash="a",
            size=10,
            mtime=0.0,
            pages=None,
            chunks=[ChunkDraft(0, None, "The deposit is 900 euros. It is returned in May.", 12)],
        )
        DigestRunner(store, engine, "medium").run()
        status = digest_status(store, "medium", expected_model_id(settings))
        assert status["steps_total"] > 0
        assert status["steps_done"] == status["steps_total"]
