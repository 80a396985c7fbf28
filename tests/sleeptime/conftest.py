"""Fixtures for digest tests: a digest-shaped FakeEngine and a two-document library."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from digest_samples import FOREST, OIL, add_document

from nocturne.engine.fake import FakeEngine
from nocturne.library.store import Store
from nocturne.sleeptime.fake_replies import fake_reply


@pytest.fixture
def digest_engine() -> FakeEngine:
    return FakeEngine(responder=fake_reply)


@pytest.fixture
def library(store: Store) -> Callable[[], dict[str, int]]:
    def build() -> dict[str, int]:
        return {
            "oil": add_document(store, "Oil_crisis.pdf", OIL),
            "forest": add_document(store, "Amazon_rainforest.pdf", FOREST),
        }

    return build
