"""Prompt reading speeds of answer calls, from the model call log (`library/reading_speed.py`)."""

from __future__ import annotations

import pytest

from nocturne.engine.base import Usage
from nocturne.library.reading_speed import MIN_PROMPT_TOKENS, prompt_readings
from nocturne.library.store import Store


def log(store: Store, purpose: str, prompt: int, first_token_s: float | None) -> None:
    store.log_model_call(
        purpose=purpose,
        model_id="m",
        usage=Usage(prompt, 5),
        seconds=(first_token_s or 0.0) + 0.2,
        first_token_s=first_token_s,
    )


def test_only_timed_answer_calls_with_real_prompts_count(store: Store) -> None:
    assert prompt_readings(store) == []
    log(store, "answer:learned", 100, 0.5)
    log(store, "answer:raw", 200, 2.0)
    log(store, "digest:facts", 100, 9.0)  # the digest's calls are not answers
    log(store, "answer:learned", MIN_PROMPT_TOKENS - 1, 3.0)  # mostly overhead
    log(store, "answer:instant", 100, None)  # no first token timed
    readings = prompt_readings(store)
    assert [r.seconds_per_token for r in readings] == [pytest.approx(0.005), pytest.approx(0.01)]
    assert readings[0].at <= readings[1].at
    assert len(prompt_readings(store, min_prompt_tokens=1)) == 3
