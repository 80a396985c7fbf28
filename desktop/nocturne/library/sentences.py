"""Splitting text into sentences, shared by chunking, the digest's extractive notes and answers."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before whitespace
# and a capital, digit or opening quote; common abbreviations do not end sentences.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]?\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {
    "e.g.",
    "i.e.",
    "etc.",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof.",
    "st.",
    "vs.",
    "no.",
    "fig.",
    "approx.",
    "inc.",
    "ltd.",
    "jr.",
    "sr.",
    "u.s.",
    "u.k.",
    "a.d.",
    "b.c.",
    "c.",
    "ca.",
    "cf.",
}
_PARAGRAPH = re.compile(r"\n\s*\n+")


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH.split(text) if p.strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences of `text` in order; paragraph breaks always end a sentence."""
    sentences: list[str] = []
    for paragraph in split_paragraphs(text):
        flat = " ".join(paragraph.split())
        start = 0
        for match in _BOUNDARY.finditer(flat):
            candidate = flat[start : match.start() + len(match.group(0).rstrip())].strip()
            last_word = candidate.rsplit(" ", 1)[-1].lower()
            if last_word in _ABBREVIATIONS or (len(last_word) == 2 and last_word[0].isalpha()):
                continue  # "Dr. Smith", "J. Doe"
            sentences.append(candidate)
            start = match.end()
        tail = flat[start:].strip()
        if tail:
            sentences.append(tail)
    return sentences
