"""How fast this machine's model reads a prompt, from the model call log (`model_calls`).

An answer call's time to its first token is, almost all of it, the time the model took to read
the prompt; per prompt token, it is the reading speed the window's "time saved" estimate needs.
Short prompts say more about overhead than about reading speed and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from nocturne.library.store import Store

MIN_PROMPT_TOKENS = 50
ANSWER_PURPOSES = "answer%"
"""The `model_calls.purpose` of every answering call (`answer:raw`, `answer:learned`, ...)."""


@dataclass(frozen=True)
class PromptReading:
    """One answer call: when it was made, and the seconds it took per prompt token."""

    at: str  # ISO time of the call
    seconds_per_token: float


def prompt_readings(
    store: Store, min_prompt_tokens: int = MIN_PROMPT_TOKENS
) -> list[PromptReading]:
    """Every timed answer call with a prompt of at least `min_prompt_tokens`, oldest first."""
    rows = store.query(
        "SELECT at, first_token_s, prompt_tokens FROM model_calls WHERE purpose LIKE ? "
        "AND first_token_s IS NOT NULL AND prompt_tokens >= ? ORDER BY at, id",
        (ANSWER_PURPOSES, min_prompt_tokens),
    )
    return [
        PromptReading(str(r["at"]), float(r["first_token_s"]) / float(r["prompt_tokens"]))
        for r in rows
    ]
