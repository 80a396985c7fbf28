"""Totals and history of answers, for `nocturne status` and the window's savings panel.

Everything is summed from the answer log (`answers`, migration m004), so the tokens always match
the savings lines people saw. `AnswerTotals` is the one computation of the totals both show
(`nocturne status` and the window's tiles): tokens saved, "N× fewer", money saved, answers.
The window's chart draws recent answers only; its tiles are these totals of every answer.

Money is counted from each answer's share of the digest as it is now: a share falls as later
questions about the same documents take their part (`answer.ledger`), so the digest is charged
once in all, and the money saved can be more than the lines said when they were printed.
An answer that used no model tokens adds its baseline to "N× fewer" and nothing to the tokens
used: the ratio is of the sums, so it stays a number of times while one answer used anything.
A "no summary yet" reply (route `summary:pending`: the digest has not written the summary asked
for) is logged but is no answer: it is counted apart (`pending`), in no mode's answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nocturne.answer.plain import PENDING_ROUTE
from nocturne.library.answer_log import answer_sums, recent_answers, savings_sums, sums_by_mode
from nocturne.library.answer_routes import answers_by_route
from nocturne.library.store import Store
from nocturne.settings import Settings


@dataclass(frozen=True)
class AnswerTotals:
    """Every logged answer, summed by the rules the savings panel explains ("How is this
    computed?"): tokens saved are each answer's baseline less what it used, never below zero;
    "N× fewer" compares the answers that saved something (not raw mode, not an abstention) with
    their baselines; money is each answer's baseline less what it used and its share of the
    digest (amortized sleep-time tokens / `factor`), never below zero, at `price_per_million`."""

    answers: int
    tokens: int
    baseline_tokens: int
    saved_tokens: int
    ratio_answers: int
    ratio_tokens: int
    ratio_baseline_tokens: int
    money_tokens: float  # question-time tokens the money stands for
    price_per_million: float
    factor: float
    pending: int = 0  # "no summary yet" replies, left out of `answers`

    @property
    def ratio(self) -> float | None:
        """How many times fewer tokens (None before any answer that counts for it)."""
        return self.ratio_baseline_tokens / self.ratio_tokens if self.ratio_tokens else None

    @property
    def saved_usd(self) -> float:
        return self.money_tokens * self.price_per_million / 1_000_000


def answer_summary(
    store: Store, price_per_million: float | None = None, factor: float | None = None
) -> AnswerTotals:
    """The totals at the reference price and cost factor (default: the settings' defaults;
    `nocturne status` and the window pass the person's settings)."""
    defaults = Settings()
    price = defaults.reference_price_per_million if price_per_million is None else price_per_million
    factor = defaults.question_token_factor if factor is None else factor
    sums = answer_sums(store)
    savings = savings_sums(store, factor)
    pending = _pending_by_mode(store)
    return AnswerTotals(
        answers=sums.answers - sum(pending.values()),
        tokens=sums.tokens,
        baseline_tokens=sums.baseline_tokens,
        saved_tokens=sums.saved_tokens,
        # savings_sums counts every answer of a mode other than raw that did not abstain
        ratio_answers=savings.ratio_answers
        - sum(count for mode, count in pending.items() if mode != "raw"),
        ratio_tokens=savings.ratio_tokens,
        ratio_baseline_tokens=savings.ratio_baseline_tokens,
        money_tokens=savings.money_tokens,
        price_per_million=float(price),
        factor=float(factor),
        pending=sum(pending.values()),
    )


def _pending_by_mode(store: Store) -> dict[str, int]:
    """Per mode, the "no summary yet" replies logged (they used no tokens and saved none)."""
    return {
        mode: count
        for (mode, route), count in answers_by_route(store).items()
        if route == PENDING_ROUTE
    }


def answer_totals(
    store: Store, history_limit: int = 200, settings: Settings | None = None
) -> dict[str, Any]:
    """Cumulative tokens, baseline, savings and cost; per-mode counts; recent answers (the
    `answers` of `nocturne status --json`). Money and the ratio as `AnswerTotals` has them, all
    money at the price and factor of `settings` (default: the defaults)."""
    sums = answer_sums(store)
    totals = answer_summary(
        store,
        None if settings is None else settings.reference_price_per_million,
        None if settings is None else settings.question_token_factor,
    )
    pending = _pending_by_mode(store)
    by_mode = {
        m.mode: {
            "answers": m.answers - pending.get(m.mode, 0),
            "tokens": m.tokens,
            "median_first_token_s": (
                round(m.first_token_s[len(m.first_token_s) // 2], 4) if m.first_token_s else None
            ),
        }
        for m in sums_by_mode(store)
        if m.answers > pending.get(m.mode, 0)
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
    digest_tokens = sums.amortized_sleep_tokens / totals.factor if totals.factor > 0 else 0.0
    return {
        "answers": totals.answers,  # as the window's tile counts them
        "pending": totals.pending,
        "tokens": tokens,
        "baseline_tokens": baseline,
        "saved_tokens": sums.saved_tokens,
        "ratio": None if totals.ratio is None else round(totals.ratio, 2),
        # Money at one price, the one `saved_usd` is at: what the answers cost with their digest
        # shares as they are now, and what reading the documents would have (each answer's own
        # logged `cost_usd` in `history` is what its line said when it was asked).
        "cost_usd": round(_usd(tokens + digest_tokens, totals.price_per_million), 8),
        "baseline_cost_usd": round(_usd(baseline, totals.price_per_million), 8),
        "saved_usd": round(totals.saved_usd, 8),
        "amortized_sleep_tokens": round(sums.amortized_sleep_tokens, 1),
        "seconds": round(sums.seconds, 2),
        "abstained": sums.abstained,
        "by_mode": by_mode,
        "history": history,
    }


def _usd(tokens: float, price_per_million: float) -> float:
    return tokens * price_per_million / 1_000_000


def format_answer_totals(totals: dict[str, Any]) -> str:
    """One line for `nocturne status`: the answers by mode and how many of them abstained,
    the "no summary yet" replies apart, then tokens and money."""
    pending = int(totals.get("pending", 0))
    waiting = (
        f"{pending} {'reply' if pending == 1 else 'replies'} waiting for the digest "
        "(no summary yet)"
    )
    if not totals["answers"]:
        return f"Answers: none yet; {waiting}" if pending else "Answers: none yet"
    ratio = (
        f" ({totals['ratio']:.1f}x fewer by the answers that saved something)"
        if totals["ratio"]
        else ""
    )
    modes = ", ".join(f"{m} {v['answers']}" for m, v in sorted(totals["by_mode"].items()))
    abstained = f"; {totals['abstained']} abstained" if totals.get("abstained") else ""
    return (
        f"Answers: {totals['answers']} ({modes}{abstained})"
        + (f", and {waiting}" if pending else "")
        + f"; {totals['tokens']} tokens instead of {totals['baseline_tokens']}{ratio}; saved "
        f"{totals['saved_tokens']} tokens, ${totals['saved_usd']:.4f}"
    )
