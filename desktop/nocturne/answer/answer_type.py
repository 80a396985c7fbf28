"""What kind of answer a question expects, and whether a sentence could hold one.

A classic question-answering cue that needs no model: "how many" wants a number the question does
not already contain, "when" a date, "who" a name. Among sentences that match the question's words
about equally well, the one that also holds the expected kind of answer is the better quote
(measured on ../shared/eval: about +1 point of top-1 accuracy; see README).
"""

from __future__ import annotations

import re

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|dozen|hundred|thousand|million|billion)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b|\b(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b|\bcentur|"
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|tomorrow)\b|"
    r"\b[0-2]?\d:[0-5]\d\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-z]+")
_WORD = re.compile(r"\w+")
_NUMBER_QUESTION = re.compile(
    r"(?:^|[,;:]\s*|\b(?:by default|according to [^,]+),?\s*)"
    r"(?:how (?:many|much|long|old|far|large|big|tall|often)|"
    r"(?:what|which)(?:'s| is| are| was)?(?: the)? (?:percentage|percent|number|"
    r"amount|size|value|port|version|(?:maximum|minimum|smallest|largest|longest|shortest|"
    r"default|highest|lowest)\b[\w\s-]{0,30}?(?:length|value|size|number|count|limit|delay|"
    r"timeout|width|depth)))\b"
)
_DATE_QUESTION = re.compile(
    r"(?:^|[,;:]\s*)(?:when|what year|in what year|what date|which year|during what|"
    r"what(?:'s| is| was) the date)\b"
)
_NAME_QUESTION = re.compile(r"(?:^|[,;:]\s*)(?:who|whom|whose)\b")
# "What command registers it", "which header file", "where do I send a bug report": the answer
# is a literal a person types or copies — a command, file, option, path, address.
_CODE_QUESTION = re.compile(
    r"\b(?:what|which)\s+(?:\w+\s+){0,2}?(?:command|commands|program|script|header|file name|"
    r"filename|option|flag|switch|function|variable|environment variable|package|tool|address|"
    r"e-?mail|url|path|directory|folder|key combination|keybinding)\b|"
    r"\bwhere\b.{0,40}?\b(?:send|mail|e-?mail|report)\b",
)
_CODE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+|(?<![\w/])/[\w.-]+/[\w./-]*|"
    r"\b[\w-]+\.(?:h|c|py|js|sh|txt|conf|cfg|ini|json|xml|dll|exe|so|md|html?|tlb|idl)\b|"
    r"(?<![\w-])--?[a-z][\w-]*|\b[a-z]+\d+[a-z\d]*\b|\b\w+_\w+\b|"
    r"\b(?:Ctrl|Alt|Shift|Meta|Cmd)[+-]\w+|`[^`]+`"
)


_LIST_MARKER = re.compile(r"(?:^|(?<=\s))\d{1,2}[.)](?=\s|$)")


def expected_answer(question: str) -> str | None:
    """'number', 'date', 'name', 'code' or None when the question does not say."""
    lowered = question.strip().lower()
    if _NUMBER_QUESTION.search(lowered):
        return "number"
    if _DATE_QUESTION.search(lowered) or " what year" in lowered:
        return "date"
    if _NAME_QUESTION.search(lowered):
        return "name"
    if _CODE_QUESTION.search(lowered):
        return "code"
    return None


def holds_expected_answer(kind: str | None, sentence: str, question: str) -> bool:
    """Whether `sentence` contains a number/date/name that the question itself does not."""
    if kind is None:
        return False
    pattern = {"number": _NUMBER, "date": _DATE, "name": _NAME, "code": _CODE}.get(kind)
    if pattern is None:
        return False
    asked = {w.lower() for w in _WORD.findall(question)}
    text = sentence[1:] if kind == "name" else sentence  # a capital that starts the sentence
    if kind == "number":  # list markers ("… the following: 1.", "2) Then") are not numbers
        text = _LIST_MARKER.sub(" ", text)
    return any(m.group(0).lower() not in asked for m in pattern.finditer(text))
