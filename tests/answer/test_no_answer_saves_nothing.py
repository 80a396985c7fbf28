"""An answer that was not given saves nothing, and forced instant mode says why it has none."""

from __future__ import annotations

from nocturne.answer.ask import NO_INSTANT_MATCH, ask
from nocturne.answer.raw import NOT_FOUND
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner

from fakes.engine import FakeEngine, fake_engine
from support import SAMPLES


def _digested(store: Store) -> None:
    assert all(not r.failed for r in add_paths(store, [SAMPLES], Settings(), FakeEngine()))
    DigestRunner(store, fake_engine("digest"), "low").run()


def test_an_abstention_claims_no_savings(store: Store, settings: Settings) -> None:
    _digested(store)
    answer = ask(store, FakeEngine(), "Who painted the Sistine Chapel ceiling?", settings, "auto")
    assert answer.abstained and answer.answer == NOT_FOUND
    assert answer.savings.tokens == 0 and answer.savings.saved_usd == 0
    assert store.scalar("SELECT saved_tokens FROM answers") == 0


def test_forced_instant_mode_without_a_match_does_not_claim_absence(
    store: Store, settings: Settings
) -> None:
    _digested(store)
    answer = ask(store, FakeEngine(), "How much is the security deposit?", settings, "instant")
    assert answer.answer == NO_INSTANT_MATCH
    assert answer.savings.tokens == 0
