"""The benchmark as a table for people and as the paper-style plot."""

from __future__ import annotations

import textwrap
from typing import Any

from nocturne.answer.bench import CONFIDENCE_LEVELS, NO_DIGEST, QUESTIONS_PER_DOCUMENT

WIDTH = 100  # the table stays readable in a 100-column terminal
ORDER = ("raw", "learned", "auto", NO_DIGEST, "reference")
# The quality tables: the model-free floor first, then what the digest adds, then the rest.
QUALITY_ORDER = ("reference", "auto", NO_DIGEST, "learned", "raw")
LABELS = {
    "raw": "raw (baseline)",
    "learned": "learned",
    "auto": "auto",
    NO_DIGEST: "auto (no digest)",
    "reference": "best BM25 sentence",
}
SHORT_LABELS = {
    "raw": "raw",
    "learned": "learned",
    "auto": "auto",
    NO_DIGEST: "no digest",
    "reference": "BM25 ref",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _signed(points: float | None) -> str:
    return "—" if points is None else f"{points:+.1f}"


def _ran(modes: dict[str, Any], mode: str) -> bool:
    return bool(modes.get(mode, {}).get("questions"))


def gain_lines(report: dict[str, Any]) -> list[str]:
    """The sleep-time gain, said first: what the digest's notes changed in auto mode."""
    gain = report.get("sleep_time_gain")
    modes = report["modes"]
    if not gain or not _ran(modes, "auto") or not _ran(modes, NO_DIGEST):
        return []
    auto, plain = modes["auto"], modes[NO_DIGEST]
    points = gain["answerable_points"]
    if points is None:  # only unanswerable questions: the gain is in abstentions
        return [
            f"sleep-time gain: {_signed(gain['overall_points'])} points overall "
            f"(auto {_pct(auto['accuracy'])} vs {_pct(plain['accuracy'])} without the digest)"
        ]
    return [
        f"sleep-time gain: {_signed(points)} points on answerable questions "
        f"(auto {_pct(auto['answerable_accuracy'])} vs {_pct(plain['answerable_accuracy'])} "
        f"without the digest)",
        f"                 {_signed(gain['overall_points'])} points overall "
        f"({_pct(auto['accuracy'])} vs {_pct(plain['accuracy'])})",
    ]


def quality_lines(report: dict[str, Any]) -> list[str]:
    """Right document, instant routing, cut answers and answer length; calibration."""
    modes = report["modes"]
    shown = [m for m in QUALITY_ORDER if _ran(modes, m)]
    if not shown:
        return []
    lines = [
        "",
        f"{'mode':<20}{'answerable':>11}{'right doc':>10}{'instant':>9}{'inst ok':>9}"
        f"{'inst unans':>11}{'cut':>5}{'short med':>11}",
    ]
    for mode in shown:
        s = modes[mode]
        short = s.get("median_short_answer_chars")
        routed = mode not in ("reference", "raw")
        lines.append(
            f"{LABELS[mode]:<20}{_pct(s['answerable_accuracy']):>11}"
            f"{_pct(s.get('right_document_rate')):>10}"
            f"{_pct(s.get('instant_hit_rate')) if routed else '—':>9}"
            f"{_pct(s.get('instant_precision')) if routed else '—':>9}"
            f"{s.get('instant_on_unanswerable', 0) if routed else '—':>11}"
            f"{s.get('cut_answers', 0):>5}"
            f"{'—' if short is None else f'{short:.0f} ch':>11}"
        )
    lines.append("  right doc: the first citation is the expected document (answerable questions)")
    lines.append("  instant: share of answerable questions answered instantly; inst ok: precision")
    lines.append(
        "  inst unans: instant answers to unanswerable questions; cut: phrases cut mid-word"
    )
    rated = [m for m in shown if modes[m].get("calibration")]
    if rated:
        lines.append("")
        header = "".join(f"{level:>17}" for level in CONFIDENCE_LEVELS)
        lines.append(f"{'calibration':<20}{header}")
        for mode in rated:
            calibration = modes[mode]["calibration"]
            cells = ""
            for level in CONFIDENCE_LEVELS:
                row = calibration.get(level) or {}
                cell = f"{_pct(row.get('share'))} / {_pct(row.get('accuracy'))}"
                cells += f"{cell:>17}"
            lines.append(f"{LABELS[mode]:<20}{cells}")
        lines.append("  per confidence level: share of the answers / accuracy of those answers")
    return lines


def kind_lines(report: dict[str, Any]) -> list[str]:
    """Accuracy per question kind in each mode, with the sleep-time gain per kind."""
    kinds = report.get("kinds") or []
    modes = report["modes"]
    shown = [m for m in QUALITY_ORDER if _ran(modes, m) and modes[m].get("by_kind")]
    if not kinds or not shown:
        return []
    gains = (report.get("sleep_time_gain") or {}).get("by_kind_points") or {}
    header = "".join(f"{SHORT_LABELS[m]:>11}" for m in shown)
    lines = ["", f"{'accuracy by kind':<16}{'n':>5}{header}{'gain':>8}"]
    for kind in kinds:
        counts = {m: (modes[m]["by_kind"].get(kind) or {}) for m in shown}
        n = max((c.get("questions", 0) for c in counts.values()), default=0)
        cells = ""
        for mode in shown:
            row = counts[mode]
            if not row:
                cells += f"{'—':>11}"
            elif mode == "raw" and row["questions"] != n:
                cells += f"{_pct(row['accuracy']) + '/' + str(row['questions']):>11}"
            else:
                cells += f"{_pct(row['accuracy']):>11}"
        lines.append(f"{kind[:16]:<16}{n:>5}{cells}{_signed(gains.get(kind)):>8}")
    if "raw" in shown:
        lines.append("  raw runs on a sample: x%/k means k questions of that kind were sampled")
    return lines


def format_report(report: dict[str, Any]) -> str:
    modes = report["modes"]
    notes = report.get("digest_notes")
    lines = [
        f"{report['questions']} questions, model {report['model']} "
        f"(raw mode on {report['raw_sampled']} of them); {report['seconds']:.0f} s",
        f"sleep-time tokens {report['sleep_time_tokens']} "
        f"({report['sleep_time_tokens_per_document']:.0f} per document)"
        + (f", {notes} digest notes" if notes is not None else ""),
    ]
    for warning in report.get("warnings", []):
        lines.extend(textwrap.wrap(f"warning: {warning}", WIDTH, subsequent_indent="  "))
    gain = gain_lines(report)
    if gain:
        lines.append("")
        lines.extend(gain)
    lines.extend(
        [
            "",
            f"{'mode':<20}{'n':>5}{'accuracy':>10}{'abstain ok':>11}{'invents':>9}"
            f"{'tokens':>9}{'TTFT med':>10}{'total s':>9}{'instant':>9}",
        ]
    )
    for mode in ORDER:
        s = modes.get(mode)
        if not s or not s.get("questions"):
            continue
        median = s.get("median_first_token_s")
        ttft = f"{median:.3f}s" if mode != "reference" and median is not None else "—"
        tokens = f"{s['mean_test_time_tokens']:.0f}" if mode != "reference" else "0"
        lines.append(
            f"{LABELS[mode]:<20}{s['questions']:>5}{_pct(s['accuracy']):>10}"
            f"{_pct(s['correct_abstention_rate']):>11}{_pct(s['invention_rate']):>9}"
            f"{tokens:>9}{ttft:>10}{s['total_s']:>9.1f}{s['instant_hits']:>9}"
        )
    plain = modes.get(NO_DIGEST, {})
    if plain.get("replayed"):
        lines.append(
            f"  no digest: {plain['replayed']} of {plain['questions']} answers replayed an "
            f"identical earlier prompt; its times are of the others"
        )
    lines.extend(kind_lines(report))
    lines.extend(quality_lines(report))
    raw = modes.get("raw", {})
    lines.append("")
    for mode in ("learned", "auto"):
        s = modes.get(mode, {})
        if raw.get("questions") and s.get("questions") and s["mean_test_time_tokens"]:
            ratio = raw["mean_test_time_tokens"] / s["mean_test_time_tokens"]
            speed = (
                raw["median_first_token_s"] / s["median_first_token_s"]
                if s["median_first_token_s"]
                else float("inf")
            )
            lines.append(
                f"{mode}: {ratio:.1f}x fewer test-time tokens than raw, "
                f"first token {speed:.1f}x sooner"
            )
    auto = modes.get("auto", {})
    if auto.get("instant_hits"):
        median_ms = auto["instant_median_s"] * 1000
        lines.append(
            f"instant answers: {auto['instant_hits']}, accuracy "
            f"{_pct(auto['instant_accuracy'])}, median {median_ms:.1f} ms"
        )
    kv = report.get("kv_cache")
    if kv:
        lines.append(
            f"KV prefix cache: {kv['prefix_tokens']} prefix tokens evaluated in "
            f"{kv['evaluate_s']:.3f} s, restored from disk in {kv['restore_from_disk_s']:.3f} s "
            f"({kv['file_bytes'] / 1e6:.1f} MB), already loaded: {kv['already_loaded_s']:.3f} s"
        )
    lines.append("")
    lines.append("cost per question (question-time token equivalents) at N questions per document:")
    header = "".join(f"{n:>12}" for n in QUESTIONS_PER_DOCUMENT)
    lines.append(f"{'mode':<20}{header}")
    for mode in ("raw", "learned", "auto", NO_DIGEST):
        s = modes.get(mode, {})
        costs = s.get("cost_per_question")
        if costs:
            cells = "".join(f"{costs[str(n)]['tokens']:>12.0f}" for n in QUESTIONS_PER_DOCUMENT)
            lines.append(f"{LABELS[mode]:<20}{cells}")
    sweep = report.get("instant_sweep", {})
    if sweep.get("grid"):
        lines.append("")
        lines.append(
            f"instant threshold sweep (recommended {sweep.get('recommended')} for "
            f"precision >= {sweep.get('target_precision')}):"
        )
        for row in sweep["grid"]:
            lines.append(
                f"  >= {row['threshold']:.2f}: {row['hits']:>4} hits, precision "
                f"{_pct(row['precision'])}"
            )
    abstain = report.get("abstention_sweep", {})
    if abstain.get("grid"):
        lines.append("")
        lines.append("abstention sweep (coverage of the question by the best sentence):")
        for row in abstain["grid"]:
            lines.append(
                f"  < {row['threshold']:.2f}: answerable top-1 "
                f"{_pct(row['answerable_top1_accuracy'])}, unanswerable refused "
                f"{_pct(row['unanswerable_abstained'])}, overall {_pct(row['overall_accuracy'])}"
            )
    return "\n".join(lines)


def write_plot(report: dict[str, Any], path: str) -> None:
    """Accuracy against test-time tokens per mode; cost per question against questions/doc."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes = report["modes"]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode in ORDER:
        s = modes.get(mode)
        if not s or not s.get("questions"):
            continue
        tokens = max(1.0, s["mean_test_time_tokens"])
        left.scatter([tokens], [100 * s["accuracy"]], s=60)
        offset = {"learned": (6, -12), "auto": (6, 6), NO_DIGEST: (6, -12)}.get(mode, (6, 4))
        left.annotate(
            LABELS[mode], (tokens, 100 * s["accuracy"]), textcoords="offset points", xytext=offset
        )
    left.set_xscale("log")
    left.set_xlabel("mean test-time tokens per question (log)")
    left.set_ylabel("accuracy (%)")
    left.set_title("Accuracy vs test-time tokens")
    left.grid(True, alpha=0.3)
    counts = [1, 2, 5, 10, 20, 50, 100]
    per_document = report["sleep_time_tokens_per_document"]
    factor = report["question_token_factor"]
    for mode in ("raw", "learned", "auto", NO_DIGEST):
        s = modes.get(mode)
        if not s or not s.get("questions"):
            continue
        sleep = per_document if mode in ("learned", "auto") else 0.0
        costs = [s["mean_test_time_tokens"] + sleep / n / factor for n in counts]
        right.plot(counts, costs, marker="o", label=LABELS[mode])
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("questions per document")
    right.set_ylabel("cost per question (question-time tokens)")
    right.set_title(f"Amortized cost per question (sleep token = 1/{factor:g})")
    right.legend()
    right.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
