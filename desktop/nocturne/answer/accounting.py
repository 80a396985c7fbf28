"""Turning token counts into savings and money.

Money is tokens × the reference price per million (a setting). The saved amount is measured
against the baseline: the raw-mode prompt this same question would have needed, tokenized but not
run, plus the same completion budget. An answer's own cost also carries its amortized share of
the sleep-time tokens, converted to question-time tokens by `question_token_factor` (a
question-time token costs that many sleep-time tokens; the paper takes 10).

The ratio ("N× fewer") of an answer that used no model tokens (an instant answer, a quote) is
its baseline over one token: what it used is less than one token, so "at least N× fewer" is
true, and a threshold ("≥ 5× fewer") compares as it should, where 0 or the baseline over zero
would not. It is a bound, not a measured number of times, so the savings line never shows it
("no model needed (reading the documents: 331 tokens)"); the JSON keeps it, a float as the contract
says. An answer that neither used nor would have read anything has a ratio of 1.
"""

from __future__ import annotations

from nocturne.answer.result import Savings
from nocturne.engine.base import Usage


def cost_usd(tokens: float, price_per_million: float) -> float:
    return tokens * price_per_million / 1_000_000


def effective_tokens(used: Usage, amortized_sleep_tokens: float, factor: float) -> float:
    """Question-time tokens plus the sleep-time share expressed in question-time tokens."""
    return used.total + (amortized_sleep_tokens / factor if factor > 0 else 0.0)


def savings(
    used: Usage,
    baseline: Usage,
    price_per_million: float,
    amortized_sleep_tokens: float = 0.0,
    factor: float = 10.0,
) -> Savings:
    saved = max(0, baseline.total - used.total)
    ratio = baseline.total / max(used.total, 1) if used.total or baseline.total else 1.0
    base_cost = cost_usd(baseline.total, price_per_million)
    own_cost = cost_usd(effective_tokens(used, amortized_sleep_tokens, factor), price_per_million)
    return Savings(
        tokens=saved,
        ratio=round(ratio, 3),
        saved_usd=round(base_cost - own_cost, 8),
        baseline_cost_usd=round(base_cost, 8),
    )


def answer_cost_usd(
    used: Usage, amortized_sleep_tokens: float, factor: float, price_per_million: float
) -> float:
    return round(
        cost_usd(effective_tokens(used, amortized_sleep_tokens, factor), price_per_million), 8
    )
