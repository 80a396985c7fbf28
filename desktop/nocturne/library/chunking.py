"""Token-sized, overlapping chunks that keep their page.

Chunks are measured with the answering model's own tokenizer, so "240 tokens" means what the model
will see. A chunk never spans two pages, which keeps every citation's page exact. Sentences are
kept whole where they fit; an oversized sentence is cut at word boundaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from nocturne.library.sentences import split_sentences
from nocturne.library.store import ChunkDraft


class TokenCounter(Protocol):
    def count_tokens(self, text: str) -> int: ...


@dataclass(frozen=True)
class PageText:
    number: int | None  # 1-based page number; None for formats without pages
    text: str


def _pieces(sentence: str, counter: TokenCounter, limit: int) -> list[tuple[str, int]]:
    """The sentence as (text, tokens) pieces of at most `limit` tokens each."""
    tokens = counter.count_tokens(sentence)
    if tokens <= limit:
        return [(sentence, tokens)]
    pieces: list[tuple[str, int]] = []
    current: list[str] = []
    for word in sentence.split(" "):
        if len(word) > limit * 8:  # a pathological "word" (base64, minified code): cut it
            for start in range(0, len(word), limit * 2):
                part = word[start : start + limit * 2]
                pieces.append((part, counter.count_tokens(part)))
            continue
        candidate = " ".join([*current, word])
        if current and counter.count_tokens(candidate) > limit:
            text = " ".join(current)
            pieces.append((text, counter.count_tokens(text)))
            current = [word]
        else:
            current.append(word)
    if current:
        text = " ".join(current)
        pieces.append((text, counter.count_tokens(text)))
    return pieces


def _draft(
    ordinal: int, page: int | None, units: list[tuple[str, int]], counter: TokenCounter
) -> ChunkDraft:
    text = " ".join(unit[0] for unit in units)
    return ChunkDraft(ordinal, page, text, counter.count_tokens(text))


def chunk_pages(
    pages: Sequence[PageText],
    counter: TokenCounter,
    *,
    chunk_tokens: int = 240,
    overlap_tokens: int = 32,
) -> list[ChunkDraft]:
    if overlap_tokens >= chunk_tokens:
        overlap_tokens = chunk_tokens // 4
    drafts: list[ChunkDraft] = []
    for page in pages:
        units: list[tuple[str, int]] = []
        for sentence in split_sentences(page.text):
            units.extend(_pieces(sentence, counter, chunk_tokens))
        current: list[tuple[str, int]] = []
        size = 0
        fresh = 0  # units in `current` that are not overlap from the previous chunk

        for unit in units:
            if current and size + unit[1] + 1 > chunk_tokens and fresh:
                drafts.append(_draft(len(drafts), page.number, current, counter))
                overlap: list[tuple[str, int]] = []
                kept = 0
                for previous in reversed(current):
                    if kept + previous[1] > overlap_tokens:
                        break
                    overlap.insert(0, previous)
                    kept += previous[1] + 1
                current, size, fresh = overlap, kept, 0
            current.append(unit)
            size += unit[1] + 1
            fresh += 1
        if fresh:
            drafts.append(_draft(len(drafts), page.number, current, counter))
    return drafts
