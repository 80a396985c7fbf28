"""Token-sized, overlapping chunks that keep their page and section.

Chunks are measured with the answering model's own tokenizer, so "240 tokens" means what the model
will see. A chunk never spans two pages, which keeps every citation's page exact. Sentences are
kept whole where they fit; an oversized sentence is cut at word boundaries.

Each page is tokenized once, in one call, and its sentences are sized by the page's own
tokens-per-character. Tokenizing sentence by sentence gives the same sizes within a token or two
but costs thousands of calls per document, which made ingest markedly slower than reading the PDF.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from nocturne.library.blocks import HEADING, TOC, Block
from nocturne.library.sentences import split_paragraphs, split_sentences
from nocturne.library.store import ChunkDraft

PARAGRAPH_BREAK = "\n\n"


class TokenCounter(Protocol):
    def count_tokens(self, text: str) -> int: ...


@dataclass(frozen=True)
class PageText:
    number: int | None  # 1-based page number; None for formats without pages
    text: str


def _pieces(sentence: str, counter: TokenCounter, limit: int) -> list[tuple[str, int]]:
    """The sentence as (text, tokens) pieces of at most `limit` tokens each.

    Tokenizing costs time in proportion to the text, so a sentence is counted once; an oversized
    one is cut at word boundaries by its measured characters-per-token, and each piece counted
    once more (re-cut in the rare case a piece still overflows).
    """
    tokens = counter.count_tokens(sentence)
    if tokens <= limit:
        return [(sentence, tokens)]
    budget_chars = max(8, int(len(sentence) / tokens * limit * 0.9))
    pieces: list[tuple[str, int]] = []
    for part in _cut_at_words(sentence, budget_chars):
        count = counter.count_tokens(part)
        if count > limit and len(part) > 8:
            pieces.extend(_pieces(part, counter, limit))
        else:
            pieces.append((part, count))
    return pieces


def _cut_at_words(text: str, budget_chars: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in text.split(" "):
        while len(word) > budget_chars:  # a pathological "word": base64, minified code
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:budget_chars])
            word = word[budget_chars:]
        if current and len(current) + 1 + len(word) > budget_chars:
            parts.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        parts.append(current)
    return parts


def _draft(
    ordinal: int, page: int | None, units: list[tuple[str, int]], section: int | None
) -> ChunkDraft:
    # The sum of the sentences' counts: joining them with spaces changes a token or two at most,
    # and counting the chunk again would double the cost of ingest.
    text = " ".join(unit[0] for unit in units).strip()
    return ChunkDraft(ordinal, page, text, sum(unit[1] for unit in units), section)


class _PageCalibrated:
    """Token counts estimated from one exact count of the whole page."""

    def __init__(self, text: str, counter: TokenCounter) -> None:
        self.per_char = counter.count_tokens(text) / max(1, len(text))

    def count_tokens(self, text: str) -> int:
        return max(1, math.ceil(len(text) * self.per_char)) if text else 0


def chunk_pages(
    pages: Sequence[PageText],
    counter: TokenCounter,
    *,
    chunk_tokens: int = 240,
    overlap_tokens: int = 32,
) -> list[ChunkDraft]:
    """Chunks of flat page texts (no structure): each paragraph a text block."""
    blocks = [
        Block(paragraph, page=page.number)
        for page in pages
        for paragraph in split_paragraphs(page.text)
    ]
    return chunk_blocks(
        blocks,
        [None] * len(blocks),
        counter,
        chunk_tokens=chunk_tokens,
        overlap_tokens=overlap_tokens,
    )


def _runs(
    blocks: Sequence[Block], membership: Sequence[int | None]
) -> list[tuple[int | None, int | None, list[Block]]]:
    """Consecutive evidence blocks that share a page and a section: (page, section, blocks)."""
    runs: list[tuple[int | None, int | None, list[Block]]] = []
    for block, section in zip(blocks, membership, strict=True):
        if block.kind in (HEADING, TOC) or not block.text.strip():
            continue
        if runs and runs[-1][0] == block.page and runs[-1][1] == section:
            runs[-1][2].append(block)
        else:
            runs.append((block.page, section, [block]))
    return runs


def chunk_blocks(
    blocks: Sequence[Block],
    membership: Sequence[int | None],
    counter: TokenCounter,
    *,
    chunk_tokens: int = 240,
    overlap_tokens: int = 32,
) -> list[ChunkDraft]:
    """Chunks of a document's text blocks; `membership[i]` is block i's section ordinal.

    Headings and table-of-contents blocks are structure, kept in the section tree, never in a
    chunk's text: a quote never glues a title to the sentence after it. A chunk never spans two
    pages or two sections, so its citation and section path are exact.
    """
    if overlap_tokens >= chunk_tokens:
        overlap_tokens = chunk_tokens // 4
    drafts: list[ChunkDraft] = []
    for page, section, run in _runs(blocks, membership):
        per_block = [split_sentences(block.text) for block in run]
        sentences = [s for block_sentences in per_block for s in block_sentences]
        if not sentences:
            continue
        page_counter = _PageCalibrated(" ".join(sentences), counter)
        units: list[tuple[str, int]] = []
        for block_sentences in per_block:
            for sentence in block_sentences:
                units.extend(_pieces(sentence, page_counter, chunk_tokens))
            if block_sentences:  # a paragraph break survives in the chunk's text
                units[-1] = (units[-1][0] + PARAGRAPH_BREAK, units[-1][1])
        current: list[tuple[str, int]] = []
        size = 0
        fresh = 0  # units in `current` that are not overlap from the previous chunk

        for unit in units:
            if current and size + unit[1] + 1 > chunk_tokens and fresh:
                drafts.append(_draft(len(drafts), page, current, section))
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
            drafts.append(_draft(len(drafts), page, current, section))
    return drafts
