"""Follow-up questions: "How much is the rent?" then "And when is it due?".

A follow-up leans on the question before it — it opens with "and", "what about", "also", or
points back with "it", "they", "that" and says little else. It is answered as the earlier
question(s) and itself in one prompt ("How much is the rent? And when is it due?"): the query
analysis already reads the last question as what is asked (its answer type, its words) and the
earlier sentences as premise (their words locate, with less weight). A question that stands on
its own is answered on its own, whatever came before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nocturne.library.answer_log import recent_answers
from nocturne.library.store import Store
from nocturne.library.words import QUESTION_STEMS, content_stems, words

# Opening words that only make sense after another question.
_OPENER = re.compile(
    r"^\s*(?:and|but|also|so|then|plus|or)\b|^\s*(?:what|how)\s+about\b|^\s*what\s+else\b",
    re.IGNORECASE,
)
# Words that point back to something named before ("there" is left out: "is there parking?").
_POINTING = frozenset(
    "it its they them their theirs that this those these he she him her his one ones".split()
)
# A question pointing back and naming at most this many things of its own leans on the last one.
_OWN_WORDS = 2
# Or whose subject points back, whatever else it names: "Is it late if paid on the fifth?",
# "When do they close on Sundays?" — but not the "it" of "is it possible to …".
_SUBJECT_POINTS_BACK = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:is|are|was|were|does|do|did|can|could|will|would|should|has|have|"
    r"must|may)\s+(?:it|they|this|that|these|those|he|she)\b(?!\s+\w+\s+(?:to|that)\b)",
    re.IGNORECASE,
)
# How many earlier questions a follow-up carries with it, at most (a chain of follow-ups).
_CHAIN = 3
# In a terminal the conversation is the questions asked one soon after the other.
_STILL_TALKING = timedelta(minutes=10)


@dataclass(frozen=True)
class FollowUp:
    question: str  # as asked
    earlier: tuple[str, ...]  # the questions it follows, oldest first

    @property
    def text(self) -> str:
        """The question to answer: the earlier ones as premise, then this one."""
        return " ".join(_as_question(q) for q in (*self.earlier, self.question))

    @property
    def follows(self) -> str:
        """The questions this one is read with, to show ("How much is the rent?")."""
        return " ".join(_as_question(q) for q in self.earlier)


def _as_question(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("?", ".", "!")) else text + "?"


def leans_on_earlier(question: str) -> bool:
    """Whether `question` only makes sense after another one."""
    if _OPENER.match(question) or _SUBJECT_POINTS_BACK.match(question):
        return True
    own = [s for s in content_stems(question) if s not in QUESTION_STEMS]
    return len(own) <= _OWN_WORDS and any(w in _POINTING for w in words(question))


def as_follow_up(question: str, earlier: Sequence[str]) -> FollowUp | None:
    """`question` read with the questions before it (newest last), or None when it stands on
    its own or nothing came before. A chain of follow-ups goes back to the question that
    started it: "Is it refundable?" after "And when is it due?" after "How much is the rent?"."""
    asked = [q.strip() for q in earlier if q.strip()]
    if not asked or not leans_on_earlier(question):
        return None
    chain: list[str] = []
    for previous in reversed(asked):
        chain.insert(0, previous)
        if len(chain) >= _CHAIN or not leans_on_earlier(previous):
            break
    return FollowUp(question.strip(), tuple(chain))


def just_asked(store: Store, now: datetime | None = None) -> list[str]:
    """The questions of the conversation going on in a terminal, oldest first: the last ones
    logged, each asked within ten minutes of the next and the newest within ten of `now`."""
    moment = now or datetime.now(UTC)
    asked: list[str] = []
    for logged in reversed(recent_answers(store, _CHAIN)):
        at = datetime.fromisoformat(logged.at.replace("Z", "+00:00"))
        if moment - at > _STILL_TALKING:
            break
        asked.insert(0, logged.question)
        moment = at
    return asked


def read_with(follows: str) -> str:
    """What a follow-up's answer says of the questions it was read with."""
    several = sum(1 for c in follows if c in "?.!") > 1
    return f"Read with your question{'s' if several else ''} “{follows}”"
