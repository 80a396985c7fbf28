"""Totals and history of answers, for `nocturne status` and the window's savings panel.

Everything is summed from the answer log (`answers`, migration m004), so the totals always match
the savings lines people saw.
"""

from __future__ import annotations

from typing import Any

from nocturne.library.answer_log import answer_sums, recent_answers, sums_by_mode
from nocturne.library.store import Store


def answer_totals(store: Store, history_limit: int = 200) -> dict[str, Any]:
    """Cumulative tokens, baseline, savings and cost; per-mode counts; recent answers."""
    sums = answer_sums(store)
    by_mode = {
        m.mode: {
            "answers": m.answers,
            "tokens": m.tokens,
            "median_first_token_s": (
                round(m.first_token_s[len(m.first_token_s) // 2], 4) if m.first_token_s else None
            ),
        }
        for m in sums_by_mode(store)
    }
    history = [
        {
            "id": a.id,
            "at": a.at,
            "question": a.question,
            "mode": a.mode,
            "route": a.route,
            "tokens": a.tokens,
            "baseline_tokens": a.baseline_tokens,
            "saved_tokens": a.saved_tokens,
            "cost_usd": a.cost_usd,
            "baseline_cost_usd": a.baseline_cost_usd,
            "first_token_s": a.first_token_s,
            "total_s": a.total_s,
            "amortized_sleep_tokens": a.amortized_sleep_tokens,
        }
        for a in recent_answers(store, history_limit)
    ]
    tokens = sums.tokens
    baseline = sums.baseline_tokens
    return {
        "answers": sums.answers,
        "tokens": tokens,
        "baseline_tokens": baseline,
        "saved_tokens": sums.saved_tokens,
        "ratio": round(baseline / tokens, 2) if tokens else None,
        "cost_usd": round(sums.cost_usd, 8),
        "baseline_cost_usd": round(sums.baseline_cost_usd, 8),
        "saved_usd": round(sums.baseline_cost_usd - sums.cost_usd, 8),
        "amortized_sleep_tokens": round(sums.amortized_sleep_tokens, 1),
        "seconds": round(sums.seconds, 2),
        "abstained": sums.abstained,
        "by_mode": by_mode,
        "history": history,
    }


def format_answer_totals(totals: dict[str, Any]) -> str:
    """One line for `nocturne status`."""
    if not totals["answers"]:
        return "Answers: none yet"
    ratio = f", {totals['ratio']:.1f}x fewer" if totals["ratio"] else ""
    modes = ", ".join(f"{m} {v['answers']}" for m, v in sorted(totals["by_mode"].items()))
    return (
        f"Answers: {totals['answers']} ({modes}); {totals['tokens']} tokens instead of "
        f"{totals['baseline_tokens']}{ratio}; saved {totals['saved_tokens']} tokens, "
        f"${totals['saved_usd']:.4f}"
    )
