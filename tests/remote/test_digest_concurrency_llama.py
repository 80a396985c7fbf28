"""The digest with several requests in flight against llama-cpp-python's own server.

That server answers one request at a time (it holds a lock around its model), so this proves
no speed-up; it proves that a real OpenAI-compatible server queueing our parallel requests
gives the same notes and step records as one request at a time. Token counts may differ: one
request at a time streams (and this server reports no usage in a stream, so the completion is
counted piece by piece), while requests in flight are sent whole and the server counts them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from digest_library import notes_of, steps_of
from remote_servers import LlamaServer

from nocturne.engine.remote import RemoteEngine
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestResult, DigestRunner

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "lisbon-trip-notes.txt"


def digest_sample(
    path: Path, server: LlamaServer, settings: Settings, concurrency: int
) -> tuple[DigestResult, Stored]:
    engine = RemoteEngine(server.url, "smollm2", concurrency=concurrency)
    with Store.open(path) as store:
        assert [r.failed for r in add_paths(store, [SAMPLE], settings, engine)] == [0]
        result = DigestRunner(store, engine, "medium", settings=settings).run()
        return result, (notes_of(store), steps_of(store))


Stored = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def test_three_in_flight_store_what_one_at_a_time_stores(
    llama_server: LlamaServer, settings: Settings, tmp_path: Path
) -> None:
    one, stored_one = digest_sample(tmp_path / "one.db", llama_server, settings, 1)
    three, stored_three = digest_sample(tmp_path / "three.db", llama_server, settings, 3)
    assert one.reason == three.reason == "done"
    assert three.concurrency == 3 and three.in_flight > 1.0  # queued at the server, in flight
    notes_one, steps_one = stored_one
    notes_three, steps_three = stored_three
    assert notes_three == notes_one
    assert [without_tokens(step) for step in steps_three] == [
        without_tokens(step) for step in steps_one
    ]


def without_tokens(step: tuple[object, ...]) -> tuple[object, ...]:
    """A step record without its token counts (see the module docstring)."""
    key, kind, document_id, model_id, version, _prompt, _completion, kept, dropped = step
    return key, kind, document_id, model_id, version, kept, dropped
