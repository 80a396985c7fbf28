"""The benchmark report as a table for people and as the paper-style plot, from a report of the
shape `run_bench` returns (written out here, so each line's numbers are known)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nocturne.answer.bench import NO_DIGEST
from nocturne.answer.bench_report import (
    WIDTH,
    format_report,
    gain_lines,
    kind_lines,
    quality_lines,
    write_plot,
)


def mode(**values: Any) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "questions": 10,
        "accuracy": 0.7,
        "answerable_accuracy": 0.75,
        "correct_abstention_rate": 0.5,
        "invention_rate": 0.1,
        "mean_test_time_tokens": 200.0,
        "median_first_token_s": 0.2,
        "total_s": 3.0,
        "instant_hits": 0,
        "right_document_rate": 0.9,
        "instant_hit_rate": 0.0,
        "instant_precision": None,
        "instant_on_unanswerable": 0,
        "cut_answers": 0,
        "median_short_answer_chars": 12.0,
        "cost_per_question": {
            "1": {"tokens": 270.0},
            "10": {"tokens": 207.0},
            "100": {"tokens": 200.7},
        },
    }
    stats.update(values)
    return stats


def report(**values: Any) -> dict[str, Any]:
    built: dict[str, Any] = {
        "questions": 10,
        "model": "fake-model",
        "raw_sampled": 4,
        "seconds": 42.4,
        "sleep_time_tokens": 1400,
        "sleep_time_tokens_per_document": 700.0,
        "digest_notes": 7,
        "question_token_factor": 10.0,
        "modes": {
            "raw": mode(questions=4, mean_test_time_tokens=1000.0, median_first_token_s=2.0),
            "learned": mode(),
            "auto": mode(
                accuracy=0.8,
                answerable_accuracy=0.875,
                mean_test_time_tokens=100.0,
                median_first_token_s=0.1,
                instant_hits=3,
                instant_median_s=0.0015,
                instant_accuracy=1.0,
                instant_hit_rate=0.375,
                instant_precision=1.0,
            ),
            NO_DIGEST: mode(accuracy=0.6, answerable_accuracy=0.625, replayed=2),
            "reference": mode(accuracy=0.5, answerable_accuracy=0.5),
        },
        "sleep_time_gain": {"answerable_points": 25.0, "overall_points": 20.0},
    }
    built.update(values)
    return built


def test_the_gain_is_said_first_in_points_of_accuracy() -> None:
    assert gain_lines(report()) == [
        "sleep-time gain: +25.0 points on answerable questions (auto 87.5% vs 62.5% without "
        "the digest)",
        "                 +20.0 points overall (80.0% vs 60.0%)",
    ]
    only_unanswerable = report(sleep_time_gain={"answerable_points": None, "overall_points": -5.0})
    assert gain_lines(only_unanswerable) == [
        "sleep-time gain: -5.0 points overall (auto 80.0% vs 60.0% without the digest)"
    ]


def test_no_gain_line_without_both_auto_passes() -> None:
    assert gain_lines(report(sleep_time_gain=None)) == []
    without = report()
    without["modes"][NO_DIGEST]["questions"] = 0
    assert gain_lines(without) == []


def cells(lines: list[str], label: str) -> list[str]:
    """The cells after a row's 20-column label, in the first table that has such a row."""
    return next(line[20:].split() for line in lines if line[:20].strip() == label)


def test_the_main_table_has_a_row_per_mode_that_ran() -> None:
    lines = format_report(report()).splitlines()
    assert lines[0] == "10 questions, model fake-model (raw mode on 4 of them); 42 s"
    assert lines[1] == "sleep-time tokens 1400 (700 per document), 7 digest notes"
    #             n    accuracy  abstain ok  invents  tokens  TTFT     total s  instant
    assert cells(lines, "raw (baseline)") == [
        "4", "70.0%", "50.0%", "10.0%", "1000", "2.000s", "3.0", "0"
    ]  # fmt: skip
    assert cells(lines, "best BM25 sentence") == [
        "10", "50.0%", "50.0%", "10.0%", "0", "—", "3.0", "0"
    ]  # fmt: skip
    assert all(len(line) <= WIDTH for line in lines)
    assert (
        "  no digest: 2 of 10 answers replayed an identical earlier prompt; its times are of "
        "the others"
    ) in lines
    assert "learned: 5.0x fewer test-time tokens than raw, first token 10.0x sooner" in lines
    assert "auto: 10.0x fewer test-time tokens than raw, first token 20.0x sooner" in lines
    assert "instant answers: 3, accuracy 100.0%, median 1.5 ms" in lines
    costs = lines[lines.index("mode                           1          10         100") :]
    assert cells(costs, "auto (no digest)") == ["270", "207", "201"]


def test_warnings_are_wrapped_to_the_width() -> None:
    warning = "the questions name documents that are not in the library: " + ", ".join(
        f"document-{n}.pdf" for n in range(12)
    )
    lines = format_report(report(warnings=[warning])).splitlines()
    wrapped = [line for line in lines if line.startswith(("warning: ", "  document"))]
    assert len(wrapped) >= 2 and all(len(line) <= WIDTH for line in wrapped)
    assert " ".join(line.strip() for line in wrapped) == f"warning: {warning}"


def test_modes_that_did_not_run_are_left_out() -> None:
    built = report(sleep_time_gain=None, digest_notes=None)
    for name in ("raw", "learned", NO_DIGEST):
        built["modes"][name].update(questions=0, cost_per_question={})
    table = format_report(built)
    assert "raw (baseline)" not in table and "auto (no digest)" not in table
    assert "fewer test-time tokens than raw" not in table
    assert "sleep-time tokens 1400 (700 per document)\n" in table


def test_accuracy_by_kind_marks_the_raw_sample_and_the_gain_per_kind() -> None:
    built = report(kinds=["lookup", "unanswerable"])
    built["sleep_time_gain"]["by_kind_points"] = {"lookup": 12.5}
    for name, stats in built["modes"].items():
        stats["by_kind"] = {
            "lookup": {"questions": 2 if name == "raw" else 8, "accuracy": 0.5},
            "unanswerable": {} if name == "raw" else {"questions": 2, "accuracy": 1.0},
        }
    lines = kind_lines(built)
    assert lines[1] == (
        "accuracy by kind    n   BM25 ref       auto  no digest    learned        raw    gain"
    )
    assert lines[2] == (
        "lookup              8      50.0%      50.0%      50.0%      50.0%    50.0%/2   +12.5"
    )
    assert lines[3] == (
        "unanswerable        2     100.0%     100.0%     100.0%     100.0%          —       —"
    )
    assert lines[-1].startswith("  raw runs on a sample")
    assert kind_lines(report()) == []  # no kinds in the questions


def test_quality_and_calibration_rows() -> None:
    built = report()
    built["modes"]["auto"]["calibration"] = {
        "high": {"share": 0.5, "accuracy": 1.0},
        "medium": {"share": 0.5, "accuracy": 0.6},
        "low": None,
    }
    lines = quality_lines(built)
    auto = next(line for line in lines if line.startswith("auto "))
    assert (
        auto
        == "auto                      87.5%     90.0%    37.5%   100.0%          0    0      12 ch"
    )
    reference = next(line for line in lines if line.startswith("best BM25"))
    assert "—        —          —" in reference  # the reference is never routed
    calibration = next(i for i, line in enumerate(lines) if line.startswith("calibration"))
    assert lines[calibration + 1] == (
        "auto                   50.0% / 100.0%    50.0% / 60.0%            — / —"
    )


def test_the_sweeps_are_listed_with_the_recommendation() -> None:
    sweep = {
        "target_precision": 0.8,
        "recommended": 0.6,
        "grid": [{"threshold": 0.6, "hits": 2, "hit_rate": 0.5, "precision": 1.0}],
    }
    abstain = {
        "grid": [
            {
                "threshold": 0.2,
                "answerable_top1_accuracy": 0.75,
                "unanswerable_abstained": None,
                "overall_accuracy": 0.8,
            }
        ]
    }
    lines = format_report(report(instant_sweep=sweep, abstention_sweep=abstain)).splitlines()
    assert "instant threshold sweep (recommended 0.6 for precision >= 0.8):" in lines
    assert "  >= 0.60:    2 hits, precision 100.0%" in lines
    assert "  < 0.20: answerable top-1 75.0%, unanswerable refused —, overall 80.0%" in lines


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "bench.png"
    write_plot(report(), str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
