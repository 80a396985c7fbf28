"""Fixtures for digest tests: a digest-shaped FakeEngine and a two-document library."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from digest_samples import FOREST, OIL, add_document

from nocturne.library.store import Store

from fakes.digest_replies import digest_reply
from fakes.engine import FakeEngine


@pytest.fixture
def digest_engine() -> FakeEngine:
    return FakeEngine(responder=digest_reply)


@pytest.fixture
def library(store: Store) -> Callable[[], dict[str, int]]:
    def build() -> dict[str, int]:
        return {
            "oil": add_document(store, "Oil_crisis.pdf", OIL),
            "forest": add_document(store, "Amazon_rainforest.pdf", FOREST),
        }

    return build
