"""The answer to one question, in the shape of DESIGN.md's `ask --json` contract."""

from __future__ import annotations

from dataclasses import replace

from nocturne.answer.plain import savings_line
from nocturne.answer.result import Answer, Citation, Savings, SleepShare, Timing
from nocturne.engine.base import Usage

ANSWER = Answer(
    answer="308 points",
    mode="learned",
    citations=[
        Citation("Super_Bowl_50.md", 1, 7, "/docs/Super_Bowl_50.md"),
        Citation("scan.pdf", 3, 9, "/docs/scan.pdf", section="2 Defense", ocr=True),
    ],
    usage=Usage(90, 10),
    baseline=Usage(950, 50),
    baseline_method="raw-bm25-prompt-tokenized",
    savings=Savings(900, 10.0, 0.00225, 0.0025),
    timing=Timing(0.12, 0.5),
    sleep=SleepShare(1000, 500.0),
    confidence="high",
    extra={"short_answer": "308 points"},
)


def test_the_json_contract_keeps_its_names_for_the_typed_fields() -> None:
    from nocturne.answer.result import Savings

    saved = Savings(tokens=900, ratio=10.0, saved_usd=0.002, baseline_cost_usd=0.0025)
    assert saved.to_json() == {
        "tokens": 900,
        "ratio": 10.0,
        "cost_usd": 0.002,
        "baseline_cost_usd": 0.0025,
    }


def test_a_citation_says_where_to_look() -> None:
    assert Citation("notes.txt", None, 1).label() == "notes.txt"
    assert Citation("lease.pdf", 2, 1).label() == "lease.pdf, p. 2"
    assert Citation("scan.pdf", 3, 1, ocr=True).label() == "scan.pdf, p. 3 (OCR)"
    assert (
        Citation("manual.md", None, 1, section="4.4 Error handling").label()
        == "manual.md › 4.4 Error handling"
    )
    assert Citation("scan.pdf", 3, 1, section="2 Defense", ocr=True).label() == (
        "scan.pdf, p. 3 (OCR) › 2 Defense"
    )


def test_the_json_contract() -> None:
    assert ANSWER.to_json() == {
        "answer": "308 points",
        "mode": "learned",
        "citations": [
            {"document": "Super_Bowl_50.md", "page": 1, "chunk_id": 7},
            {"document": "scan.pdf", "page": 3, "chunk_id": 9, "section": "2 Defense", "ocr": True},
        ],
        "usage": {"prompt_tokens": 90, "completion_tokens": 10},
        "baseline": {
            "prompt_tokens": 950,
            "completion_tokens": 50,
            "method": "raw-bm25-prompt-tokenized",
        },
        "savings": {"tokens": 900, "ratio": 10.0, "cost_usd": 0.00225, "baseline_cost_usd": 0.0025},
        "timing": {"first_token_s": 0.12, "total_s": 0.5},
        "sleep": {"tokens": 1000, "amortized_tokens_per_question": 500.0},
        "confidence": "high",
    }


def test_the_route_defaults_to_the_mode() -> None:
    assert ANSWER.answered_by == "learned"
    assert replace(ANSWER, route="summary:document").answered_by == "summary:document"


def test_the_saved_money_has_the_name_the_json_gives_it() -> None:
    assert ANSWER.savings.cost_usd == ANSWER.savings.saved_usd == 0.00225


def test_the_savings_line_is_the_plain_words_of_the_same_numbers() -> None:
    assert ANSWER.savings_line() == savings_line(ANSWER)
    assert ANSWER.savings_line().startswith("Answered from the documents' own sentences: ")


def test_an_abstention_says_so_in_the_json() -> None:
    assert "abstained" not in ANSWER.to_json()
    declined = replace(ANSWER, answer="The documents do not say.", abstained=True)
    assert declined.to_json()["abstained"] is True
