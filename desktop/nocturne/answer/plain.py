"""How an answer reads to a person: its badge, its confidence, its savings line and hints.

The CLI's plain output and the window's answer card use these same words, so a person sees the
same thing in both. Numbers are kept (they are what the product is held to); the words around
them avoid jargon ("baseline", "sleep-time share"): say what was read, what it would have cost
to read the documents themselves, and how much of the digest's work this answer carries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nocturne.answer.result import Answer

LOW_CONFIDENCE = "best guess — check the source"
NOT_IN_DOCUMENTS = "not in your documents"
NO_ANSWER = "no answer"
NO_SUMMARY_YET = "no summary yet"
PENDING_ROUTE = "summary:pending"
DIGEST_HINT = "Summaries are written by the digest: run `nocturne digest`, then ask again."


def is_abstention(mode: str, route: str, abstained: bool) -> bool:
    return abstained or route == "abstain"


def badge(mode: str, route: str = "", abstained: bool = False) -> str:
    """The answer's kind in a word or three: instant / learned / raw, or an abstention's.

    A forced instant-mode miss says "no answer" (the library may well say; nothing anticipated
    it), any other abstention "not in your documents"; a summary that waits for the digest
    "no summary yet". Only a real answer is badged with its mode (and has a confidence)."""
    if is_abstention(mode, route, abstained):
        return NO_ANSWER if mode == "instant" else NOT_IN_DOCUMENTS
    if route == PENDING_ROUTE:
        return NO_SUMMARY_YET
    return mode


def confidence_text(confidence: str) -> str:
    """ "high confidence", "medium confidence", or the low-confidence warning."""
    if confidence == "low":
        return LOW_CONFIDENCE
    return f"{confidence} confidence"


def _tokens(count: int | float) -> str:
    count = round(count)
    return f"{count:,} token" + ("" if count == 1 else "s")


def _money(usd: float) -> str:
    """Dollars with enough digits to tell tiny amounts apart: $0.12, $0.0011, $0."""
    if usd <= 0:
        return "$0"
    if usd >= 0.01:
        return f"${usd:,.2f}"
    if usd >= 1e-4:
        return f"${usd:.2g}"
    if usd < 1e-6:
        return "under $0.000001"
    return f"${usd:.6f}".rstrip("0")  # "$0.00007", never "$7.0e-05"


def _seconds(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.0f} s"


def _ratio(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"


_SOURCES = {
    "summary:document": "From the summary the digest wrote",
    "summary:summary": "From the summary the digest wrote",
    "summary:section": "Summarised from that section",
    "summary:library": "From the digest's overview of your library",
    "summary:compare": "Compared from both documents",
    "compare": "Compared from both documents",
    PENDING_ROUTE: "No summary yet",
}


LEARNED = "Answered from what Nocturne learned"
OWN_SENTENCES = "Answered from the documents' own sentences"
INSTANT = "Instant answer from what Nocturne learned"


NO_FASTER = 1.25  # reading the documents would take less than this many times as long


def _about(seconds: float) -> str:
    return f"about {seconds:.0f} s" if seconds >= 1.5 else f"about {seconds:.1f} s"


def _time_part(answer: Answer, seconds_per_token: float | None) -> str:
    took = _seconds(answer.timing.total_s)
    if seconds_per_token is None or answer.baseline.total <= 0:
        return took
    reading = answer.baseline.total * seconds_per_token
    if reading < answer.timing.total_s * NO_FASTER:
        # "0.20 s instead of about 0.2 s" reads as a saving that is not there.
        return f"{took}, no faster than reading them ({_about(reading)})"
    return f"{took} instead of {_about(reading)}"


READ_ONLY_NOTE = (
    "The library is read-only, so this answer was not logged (make the library folder "
    "writable to keep answers and the digest going)."
)


def savings_line(answer: Answer, seconds_per_token: float | None = None) -> str:
    """What this answer cost against reading the documents themselves (raw mode), in words,
    honest about where it came from: "Answered from what Nocturne learned" only when the
    digest's notes carried it, "from the documents' own sentences" when they did not (as before
    any digest). `seconds_per_token`: this machine's measured raw reading speed, when known, for
    "0.2 s instead of about 3 s"."""
    used = answer.usage.total
    base = answer.baseline.total
    route = answer.answered_by
    took = _seconds(answer.timing.total_s)
    if is_abstention(answer.mode, route, answer.abstained):
        if used:
            return f"No answer, so nothing saved ({_tokens(used)} read, {took})."
        return "No answer, so nothing saved."
    if answer.mode == "raw":
        return (
            f"Read the documents themselves: {_tokens(used)} in {took} "
            "(the full cost; nothing saved)."
        )
    if route == PENDING_ROUTE:
        return "No summary yet, so nothing saved."
    if route == "instant":
        return (
            f"{INSTANT}: no model needed, {_time_part(answer, seconds_per_token)} "
            f"(reading the documents: {_tokens(base)})."
        )
    if route == "learned":
        lead = LEARNED if answer.learned_evidence else OWN_SENTENCES
    else:
        lead = _SOURCES.get(route) or (
            "Answered by the model from a short passage" if used else "Quoted from your documents"
        )
    if used:
        spent = f"{_tokens(used)} instead of {base:,}"
        if base > used:
            spent += f" ({_ratio(answer.savings.ratio)} fewer)"
    else:
        spent = f"no model needed (reading the documents: {_tokens(base)})"
    line = f"{lead}: {spent}, {_time_part(answer, seconds_per_token)} · {_cost_part(answer)}."
    if answer.sleep.tokens:
        line += " " + _digest_share(answer.sleep.tokens, answer.sleep.amortized_tokens_per_question)
    return line


def _cost_part(answer: Answer) -> str:
    """What the answer cost against reading the documents: "$0.00025 instead of $0.0025" when
    it was cheaper; when its share of the digest (or its own reading) made it dearer, that in
    words, never "$0.00055 instead of $0.0005", which reads as a saving."""
    base_usd = answer.savings.baseline_cost_usd
    own_usd = max(0.0, base_usd - answer.savings.saved_usd)
    own, base = _money(own_usd), _money(base_usd)
    if own_usd < base_usd and own != base:
        return f"{own} instead of {base}"
    if own == base:
        return f"{own}, as much as reading the documents"
    why = " with its share of the digest" if answer.sleep.amortized_tokens_per_question else ""
    return f"{own}{why}, more than reading the documents ({base})"


def _digest_share(tokens: int, share: float) -> str:
    """The sleep-time share in words: the digest's tokens are spread over the questions asked
    about the documents it read, so the first question carries them all."""
    if round(share) >= tokens:
        return (
            f"Counts all {_tokens(tokens)} spent learning these documents "
            "(the first question about them)."
        )
    return (
        f"Counts {round(share):,} of the {_tokens(tokens)} spent learning these documents, "
        "shared with the other questions about them."
    )


def plain_output(answer: Answer) -> list[str]:
    """The lines after the answer text in `nocturne ask`: kind and confidence, savings, hints."""
    route = answer.answered_by
    kind = badge(answer.mode, route, answer.abstained)
    lines = [kind if kind != answer.mode else f"{kind} · {confidence_text(answer.confidence)}"]
    lines.append(savings_line(answer))
    if route == PENDING_ROUTE:
        lines.append(DIGEST_HINT)
    return lines


def streamed_display(streamed: str) -> str:
    """What to show of the text streamed so far, before the final answer arrives.

    The final answer always replaces it. Until then a note about the answer itself (a line
    opening with "(", such as "(not supported by the sources; …)") is held back: it is about a
    phrase the final answer may drop, and showing it would contradict what comes next."""
    held = streamed.find("\n(")
    shown = streamed if held < 0 else streamed[:held]
    return shown.rstrip("\n") if held >= 0 else shown
