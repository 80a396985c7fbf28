"""Logged answers counted by mode and route."""

from __future__ import annotations

from nocturne.library.answer_routes import answers_by_route
from nocturne.library.store import Store


def _log(store: Store, mode: str, route: str | None) -> None:
    store.conn.execute(
        "INSERT INTO answers(question, answer, mode, route, prompt_tokens, completion_tokens, "
        "baseline_prompt_tokens, baseline_completion_tokens, saved_tokens, cost_usd, "
        "baseline_cost_usd, first_token_s, total_s) VALUES ('q', 'a', ?, ?, 0, 0, 0, 0, 0, 0, "
        "0, 0, 0)",
        (mode, route),
    )


def test_answers_are_counted_by_mode_and_route(store: Store) -> None:
    assert answers_by_route(store) == {}
    for mode, route in (
        ("learned", "learned"),
        ("learned", "learned"),
        ("learned", "summary:pending"),
        ("raw", "raw"),
    ):
        _log(store, mode, route)
    assert answers_by_route(store) == {
        ("learned", "learned"): 2,
        ("learned", "summary:pending"): 1,
        ("raw", "raw"): 1,
    }
