"""An answer card's savings line: `answer.plain.savings_line`, the same words as `nocturne ask`,
with this machine's measured raw reading speed ("0.2 s instead of about 3 s").

No Qt here: the line is made in a worker, next to the answer, and stored with it.
"""

from __future__ import annotations

from nocturne.answer.plain import savings_line
from nocturne.answer.result import Answer
from nocturne.library.store import Store


def answer_savings_line(store: Store, answer: Answer) -> str:
    from nocturne.ui.savings_data import prompt_seconds_per_token

    return savings_line(answer, prompt_seconds_per_token(store))
