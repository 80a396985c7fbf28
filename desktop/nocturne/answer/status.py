"""Totals and history of answers, for `nocturne status` and the window's savings panel.

Everything is summed from the answer log (`answers`, migration m004), so the totals always match
the savings lines people saw.
"""

from __future__ import annotations

from typing import Any

from nocturne.library.store import Store


def answer_totals(store: Store, history_limit: int = 200) -> dict[str, Any]:
    """Cumulative tokens, baseline, savings and cost; per-mode counts; recent answers."""
    row = store.query(
        "SELECT COUNT(*) AS answers, "
        "COALESCE(SUM(prompt_tokens + completion_tokens), 0) AS tokens, "
        "COALESCE(SUM(baseline_prompt_tokens + baseline_completion_tokens), 0) AS baseline, "
        "COALESCE(SUM(saved_tokens), 0) AS saved, COALESCE(SUM(cost_usd), 0) AS cost, "
        "COALESCE(SUM(baseline_cost_usd), 0) AS baseline_cost, "
        "COALESCE(SUM(amortized_sleep_tokens), 0) AS sleep, "
        "COALESCE(SUM(total_s), 0) AS seconds, COALESCE(SUM(abstained), 0) AS abstained "
        "FROM answers"
    )[0]
    by_mode = {
        r["mode"]: {"answers": r["n"], "tokens": r["tokens"], "median_first_token_s": None}
        for r in store.query(
            "SELECT mode, COUNT(*) AS n, SUM(prompt_tokens + completion_tokens) AS tokens "
            "FROM answers GROUP BY mode"
        )
    }
    for mode, values in by_mode.items():
        times = [
            r[0]
            for r in store.query(
                "SELECT first_token_s FROM answers WHERE mode = ? ORDER BY first_token_s", (mode,)
            )
        ]
        values["median_first_token_s"] = round(times[len(times) // 2], 4) if times else None
    history = [
        {
            "id": r["id"],
            "at": r["at"],
            "question": r["question"],
            "mode": r["mode"],
            "route": r["route"],
            "tokens": r["tokens"],
            "baseline_tokens": r["baseline"],
            "saved_tokens": r["saved_tokens"],
            "cost_usd": r["cost_usd"],
            "baseline_cost_usd": r["baseline_cost_usd"],
            "first_token_s": r["first_token_s"],
            "total_s": r["total_s"],
            "amortized_sleep_tokens": r["amortized_sleep_tokens"],
        }
        for r in store.query(
            "SELECT id, at, question, mode, route, prompt_tokens + completion_tokens AS tokens, "
            "baseline_prompt_tokens + baseline_completion_tokens AS baseline, saved_tokens, "
            "cost_usd, baseline_cost_usd, first_token_s, total_s, amortized_sleep_tokens "
            "FROM answers ORDER BY id DESC LIMIT ?",
            (history_limit,),
        )
    ]
    history.reverse()  # oldest first, ready for a chart over time
    tokens = int(row["tokens"])
    baseline = int(row["baseline"])
    return {
        "answers": int(row["answers"]),
        "tokens": tokens,
        "baseline_tokens": baseline,
        "saved_tokens": int(row["saved"]),
        "ratio": round(baseline / tokens, 2) if tokens else None,
        "cost_usd": round(float(row["cost"]), 8),
        "baseline_cost_usd": round(float(row["baseline_cost"]), 8),
        "saved_usd": round(float(row["baseline_cost"]) - float(row["cost"]), 8),
        "amortized_sleep_tokens": round(float(row["sleep"]), 1),
        "seconds": round(float(row["seconds"]), 2),
        "abstained": int(row["abstained"]),
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
