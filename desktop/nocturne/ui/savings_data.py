"""The numbers behind the savings panel, read from the library (no Qt).

Every point is a logged answer (`nocturne.answer.totals.answer_totals`, which also counts answers
asked from the command line), so the panel never disagrees with the savings line printed under an
answer; where that log is missing (an older core), the answers kept with the conversations are
used instead. Sleep-time tokens are the digest's model calls (`library.sleep_tokens`). Time
saved is an estimate and labelled as one: the baseline prompt is never run, so its duration is
the baseline's tokens at the speed this machine's model was measured to read prompts at
(`library.reading_speed`), minus the time actually taken.

Every total is a sum of per-answer amounts that never change once the answer is logged, so the
totals only grow: an answer's reading speed is the one measured up to that answer (a later,
slower call once made "time saved" go down from 23.7 s to 19.6 s); money is each answer's saved
tokens, less its share of the digest in question-time tokens, at the price set in Settings.

The tiles (tokens saved, × fewer, money, answers) are the totals of every answer as `nocturne
status` computes them (`answer.status.AnswerTotals`), and the sleep-time tokens are the digest's
`sleep_tokens_logged` there; the chart and the last-answer line draw the most recent
`CHART_HISTORY` answers (`points`), and the running total drawn under the chart starts from the
answers before them, so it ends at the tile's total. Time saved is summed over those recent
answers only (the reading speed up to each answer is measured per answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nocturne.answer.totals import AnswerTotals, answer_summary
from nocturne.library.answer_log import recent_answers
from nocturne.library.reading_speed import MIN_PROMPT_TOKENS, PromptReading, prompt_readings
from nocturne.library.sleep_tokens import logged_tokens
from nocturne.library.store import Store
from nocturne.settings import Settings

CHART_HISTORY = 500


@dataclass(frozen=True)
class SavingsPoint:
    at: str  # ISO time of the answer
    mode: str
    used_tokens: int
    baseline_tokens: int
    saved_tokens: int
    saved_usd: float
    total_s: float
    route: str = ""
    amortized_sleep_tokens: float = 0.0
    seconds_per_raw_token: float | None = None  # reading speed measured up to this answer

    @property
    def abstained(self) -> bool:
        """No answer: nothing saved, and a mark on the chart."""
        return self.route == "abstain"

    @property
    def counts_for_ratio(self) -> bool:
        """Raw-mode answers (and abstentions) save nothing by definition: they are the
        baseline, not a way of answering that "N× fewer" describes."""
        return self.mode != "raw" and not self.abstained

    def baseline_seconds(self) -> float | None:
        if self.seconds_per_raw_token is None:
            return None
        return self.baseline_tokens * self.seconds_per_raw_token

    def seconds_saved(self) -> float:
        baseline = self.baseline_seconds()
        if baseline is None or not self.counts_for_ratio:
            return 0.0
        return max(0.0, baseline - self.total_s)

    def saved_usd_at(self, price_per_million: float, factor: float) -> float:
        """What this answer saved at `price_per_million`: its baseline, less the tokens it used
        and its digest share counted as question-time tokens (never below zero)."""
        own = self.used_tokens + (self.amortized_sleep_tokens / factor if factor > 0 else 0.0)
        return max(0.0, self.baseline_tokens - own) * price_per_million / 1_000_000


@dataclass
class SavingsSummary:
    """`points`: the most recent answers (the chart's); `totals`: every answer's, when read from
    the library (a summary built from points alone, as tests do, totals its points)."""

    points: list[SavingsPoint] = field(default_factory=list)
    sleep_tokens: int = 0
    seconds_per_raw_token: float | None = None  # prompt reading speed measured on this machine
    totals: AnswerTotals | None = None

    def _counted(self) -> list[SavingsPoint]:
        return [p for p in self.points if p.counts_for_ratio]

    @property
    def answers(self) -> int:
        return self.totals.answers if self.totals else len(self.points)

    @property
    def used_tokens(self) -> int:
        return sum(p.used_tokens for p in self.points)

    @property
    def baseline_tokens(self) -> int:
        return sum(p.baseline_tokens for p in self.points)

    @property
    def saved_tokens(self) -> int:
        if self.totals:
            return self.totals.saved_tokens
        return sum(p.saved_tokens for p in self.points)

    @property
    def saved_usd(self) -> float:
        return sum(p.saved_usd for p in self.points)

    @property
    def ratio_tokens(self) -> tuple[int, int]:
        """(used, baseline) of the answers that count for the ratio (see `counts_for_ratio`)."""
        if self.totals:
            return self.totals.ratio_tokens, self.totals.ratio_baseline_tokens
        counted = self._counted()
        return sum(p.used_tokens for p in counted), sum(p.baseline_tokens for p in counted)

    @property
    def ratio(self) -> float:
        """How many times fewer tokens the answers that saved something used than their
        baselines (raw-mode answers and abstentions are left out: see `counts_for_ratio`)."""
        used, base = self.ratio_tokens
        return base / used if used else 0.0

    @property
    def ratio_answers(self) -> int:
        if self.totals:
            return self.totals.ratio_answers
        return len(self._counted())

    def saved_usd_at(self, price_per_million: float, factor: float = 10.0) -> float:
        totals = self.totals
        if totals is not None and totals.factor == factor:
            return totals.money_tokens * price_per_million / 1_000_000
        return sum(p.saved_usd_at(price_per_million, factor) for p in self.points)

    def seconds_saved(self) -> float | None:
        """Each answer's baseline at the reading speed measured up to it, minus the time it
        took; None until a speed has been measured at all."""
        if self.seconds_per_raw_token is None and not any(
            p.seconds_per_raw_token is not None for p in self.points
        ):
            return None
        return sum(self._with_speed(p).seconds_saved() for p in self.points)

    def _with_speed(self, point: SavingsPoint) -> SavingsPoint:
        if point.seconds_per_raw_token is not None or self.seconds_per_raw_token is None:
            return point
        from dataclasses import replace

        return replace(point, seconds_per_raw_token=self.seconds_per_raw_token)

    def cumulative_saved_tokens(self) -> list[int]:
        """The running total at each of `points`, from what the answers before them saved (so
        that it ends at `saved_tokens`)."""
        running = self.saved_tokens - sum(p.saved_tokens for p in self.points)
        out = []
        for point in self.points:
            running += point.saved_tokens
            out.append(running)
        return out


def _points_from_answer_log(store: Store) -> list[SavingsPoint]:
    return [
        SavingsPoint(
            at=str(a.at),
            mode=str(a.mode),
            used_tokens=a.tokens,
            baseline_tokens=a.baseline_tokens,
            saved_tokens=a.saved_tokens,
            saved_usd=max(0.0, a.baseline_cost_usd - a.cost_usd),
            total_s=a.total_s,
            route=a.route or "",
            amortized_sleep_tokens=a.amortized_sleep_tokens,
        )
        for a in recent_answers(store, CHART_HISTORY)
    ]


def savings_summary(store: Store, settings: Settings | None = None) -> SavingsSummary:
    """The panel's numbers, money at the price and factor of `settings` (default: defaults)."""
    summary = SavingsSummary()
    summary.points = _points_from_answer_log(store)
    summary.totals = answer_summary(
        store,
        None if settings is None else settings.reference_price_per_million,
        None if settings is None else settings.question_token_factor,
    )
    summary.sleep_tokens = logged_tokens(store)  # the digest's `sleep_tokens_logged`
    readings = prompt_readings(store, MIN_PROMPT_TOKENS)
    summary.seconds_per_raw_token = median_speed(readings)
    summary.points = with_reading_speeds(readings, summary.points)
    return summary


def with_reading_speeds(
    readings: list[PromptReading], points: list[SavingsPoint]
) -> list[SavingsPoint]:
    """Each answer with the prompt reading speed measured up to its time (the median of the
    calls until then), or, for answers before any measurement, the first one ever made: a
    value that later calls never change."""
    from dataclasses import replace

    if not readings:
        return points
    out = []
    for point in points:
        seen = sorted(r.seconds_per_token for r in readings if r.at <= point.at)
        rate = seen[len(seen) // 2] if seen else readings[0].seconds_per_token
        out.append(replace(point, seconds_per_raw_token=rate))
    return out


def median_speed(readings: list[PromptReading]) -> float | None:
    """The median over answer calls of time-to-first-token per prompt token (the median
    ignores the first call of a session, which also loads the model)."""
    rates = sorted(r.seconds_per_token for r in readings)
    return rates[len(rates) // 2] if rates else None


def prompt_seconds_per_token(store: Store) -> float | None:
    """How long this machine's model takes to read one prompt token (see `median_speed`)."""
    return median_speed(prompt_readings(store, MIN_PROMPT_TOKENS))
