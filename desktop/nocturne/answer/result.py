"""The answer to one question, in the shape of DESIGN.md's `ask --json` contract."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nocturne.engine.base import Usage


@dataclass(frozen=True)
class Citation:
    document: str
    page: int | None
    chunk_id: int
    path: str = ""  # to open the original; not part of the JSON contract
    section: str = ""  # the section it lies in, "4.4 Error handling"
    ocr: bool = False  # the page's text was read by OCR from a scan or photo

    def label(self) -> str:
        where = f"{self.document}, p. {self.page}" if self.page else self.document
        where = f"{where} (OCR)" if self.ocr else where
        return f"{where} › {self.section}" if self.section else where


# An answer's tokens, and the raw read's it is compared with, are the engine's own `Usage`: one
# type for what a model call costs. The old name stays for code written against it.
TokenCount = Usage


@dataclass(frozen=True)
class Savings:
    tokens: int
    # Baseline tokens / tokens used, counted as at least 1 (1.0 for the baseline itself): for an
    # answer that used no model the baseline itself, a lower bound the savings line never shows.
    ratio: float
    saved_usd: float  # money saved against the baseline at the reference price
    baseline_cost_usd: float

    @property
    def cost_usd(self) -> float:
        """The money saved, under the name `ask --json` gives it ("savings": {"cost_usd"})."""
        return self.saved_usd

    def to_json(self) -> dict[str, Any]:
        return {
            "tokens": self.tokens,
            "ratio": self.ratio,
            "cost_usd": self.saved_usd,
            "baseline_cost_usd": self.baseline_cost_usd,
        }


@dataclass(frozen=True)
class Timing:
    first_token_s: float
    total_s: float


@dataclass(frozen=True)
class SleepShare:
    tokens: int  # sleep-time tokens spent on the documents this answer used
    amortized_tokens_per_question: float


@dataclass(frozen=True)
class Answer:
    answer: str
    mode: str
    citations: list[Citation]
    usage: Usage
    baseline: Usage
    baseline_method: str
    savings: Savings
    timing: Timing
    sleep: SleepShare
    abstained: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    confidence: str = "medium"  # high | medium | low, from measured signals (answer/confidence)
    # How it was answered: "instant", "learned", "raw", "abstain", "outline", "summary", ...
    # (empty: the same as `mode`), the documents it used, and what it cost at the set price.
    route: str = ""
    document_ids: tuple[int, ...] = ()
    spent_usd: float = 0.0
    # Whether what the digest learned carried the answer (a note, an anticipated question, a
    # followed reference), rather than the documents' own sentences as before any digest.
    learned_evidence: bool = False
    # The question this one was read with, when it was taken as a follow-up ("" when not).
    follows: str = ""

    @property
    def answered_by(self) -> str:
        """The route, or the mode for an answer built without one."""
        return self.route or self.mode

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "mode": self.mode,
            "citations": [
                {
                    "document": c.document,
                    "page": c.page,
                    "chunk_id": c.chunk_id,
                    **({"section": c.section} if c.section else {}),
                    **({"ocr": True} if c.ocr else {}),
                }
                for c in self.citations
            ],
            "usage": asdict(self.usage),
            "baseline": {**asdict(self.baseline), "method": self.baseline_method},
            "savings": self.savings.to_json(),
            "timing": asdict(self.timing),
            "sleep": asdict(self.sleep),
            "confidence": self.confidence,
            **({"follows": self.follows} if self.follows else {}),
            # "The documents do not say": told apart from an answer without parsing its text.
            **({"abstained": True} if self.abstained else {}),
        }

    def savings_line(self) -> str:
        """What this answer cost against reading the documents themselves, in plain words
        (`answer.plain`, shared by the CLI and the window), from the same numbers we log."""
        from nocturne.answer.plain import savings_line

        return savings_line(self)
