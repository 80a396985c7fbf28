"""Turning token counts into savings and money.

Money is tokens × the reference price per million (a setting). The saved amount is measured
against the baseline: the raw-mode prompt this same question would have needed, tokenized but not
run, plus the same completion budget.
"""

from __future__ import annotations

from nocturne.answer.result import Savings, TokenCount


def cost_usd(tokens: int, price_per_million: float) -> float:
    return tokens * price_per_million / 1_000_000


def savings(used: TokenCount, baseline: TokenCount, price_per_million: float) -> Savings:
    saved = max(0, baseline.total - used.total)
    ratio = baseline.total / used.total if used.total else float(baseline.total or 1)
    base_cost = cost_usd(baseline.total, price_per_million)
    return Savings(
        tokens=saved,
        ratio=round(ratio, 3),
        cost_usd=round(cost_usd(saved, price_per_million), 8),
        baseline_cost_usd=round(base_cost, 8),
    )
