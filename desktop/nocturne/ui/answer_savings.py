"""An answer card's savings line, honest about where the answer came from (issue 12).

"Answered from what Nocturne learned: 160 tokens instead of 1,131 (7.1× fewer), 0.2 s instead
of about 3 s" only when a note the digest kept carried the answer (`learned_notes_holding`);
"Answered from the documents' own sentences: …" when none did — the same pipeline also answers
before any digest, and then nothing learned deserves the credit. Instant answers and abstentions
get their own short line. The time a raw reading would have taken is the baseline's tokens at
this machine's measured prompt reading speed (`savings_data.prompt_seconds_per_token`), the same
estimate the savings panel uses; without a measurement the line leaves it out.

No Qt here: the line is made in a worker, next to the answer, and stored with it.
"""

from __future__ import annotations

from nocturne.answer.plain import (
    PENDING_ROUTE,
    _digest_share,
    _money,
    _ratio,
    _seconds,
    _tokens,
    is_abstention,
    savings_line,
)
from nocturne.answer.result import Answer
from nocturne.library.learned_evidence import learned_notes_holding
from nocturne.library.store import Store

LEARNED = "Answered from what Nocturne learned"
OWN_SENTENCES = "Answered from the documents' own sentences"
INSTANT = "Instant answer from what Nocturne learned"
OWN_ROUTES = ("learned",)
"""Routes whose evidence may be a note or a raw sentence; the others say their source already
(summaries the digest wrote, comparisons, raw reading) and keep `answer.plain`'s words."""


def quoted_sentence(answer: Answer) -> str:
    """The sentence the answer quotes (the part between “ and ”), else the answer itself."""
    quoted = str(answer.extra.get("quote") or "")
    start = quoted.find("“")
    if start >= 0:
        end = quoted.find("”", start + 1)
        return quoted[start + 1 : end if end > 0 else len(quoted)]
    return quoted or answer.answer


def carried_by_learned_notes(store: Store, answer: Answer) -> bool:
    chunk_ids = [c.chunk_id for c in answer.citations]
    return bool(learned_notes_holding(store, chunk_ids, quoted_sentence(answer)))


def _about(seconds: float) -> str:
    return f"about {seconds:.0f} s" if seconds >= 1.5 else f"about {seconds:.1f} s"


def _time_part(answer: Answer, seconds_per_token: float | None) -> str:
    took = _seconds(answer.timing.total_s)
    if seconds_per_token is None or answer.baseline.total <= 0:
        return took
    return f"{took} instead of {_about(answer.baseline.total * seconds_per_token)}"


def card_savings_line(answer: Answer, learned: bool, seconds_per_token: float | None = None) -> str:
    """The card's line. `learned`: whether a learned note carried the answer;
    `seconds_per_token`: this machine's prompt reading speed, when measured."""
    route = str(answer.extra.get("route", answer.mode))
    if is_abstention(answer.mode, route, answer.abstained):
        return "No answer, so nothing saved."
    if route == "instant":
        return (
            f"{INSTANT}: no model needed, {_time_part(answer, seconds_per_token)} "
            f"(reading the documents: {_tokens(answer.baseline.total)})."
        )
    if answer.mode == "raw" or route == PENDING_ROUTE or route not in OWN_ROUTES:
        return savings_line(answer)
    used, base = answer.usage.total, answer.baseline.total
    if used:
        spent = f"{_tokens(used)} instead of {base:,}"
        if base > used:
            spent += f" ({_ratio(answer.savings.ratio)} fewer)"
    else:
        spent = f"no model needed instead of reading {_tokens(base)}"
    own_cost = max(0.0, answer.savings.baseline_cost_usd - answer.savings.cost_usd)
    line = (
        f"{LEARNED if learned else OWN_SENTENCES}: {spent}, "
        f"{_time_part(answer, seconds_per_token)} · "
        f"{_money(own_cost)} instead of {_money(answer.savings.baseline_cost_usd)}."
    )
    if answer.sleep.tokens:
        line += " " + _digest_share(answer.sleep.tokens, answer.sleep.amortized_tokens_per_question)
    return line


def answer_savings_line(store: Store, answer: Answer) -> str:
    """`card_savings_line` with what the library knows: the notes behind the answer and the
    measured reading speed."""
    from nocturne.ui.savings_data import prompt_seconds_per_token

    learned = carried_by_learned_notes(store, answer)
    return card_savings_line(answer, learned, prompt_seconds_per_token(store))
