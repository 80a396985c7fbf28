"""The benchmark as a table for people and as the paper-style plot."""

from __future__ import annotations

from typing import Any

from nocturne.answer.bench import QUESTIONS_PER_DOCUMENT

ORDER = ("raw", "learned", "auto", "reference")
LABELS = {
    "raw": "raw (baseline)",
    "learned": "learned",
    "auto": "auto",
    "reference": "best BM25 sentence",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def format_report(report: dict[str, Any]) -> str:
    modes = report["modes"]
    lines = [
        f"{report['questions']} questions, model {report['model']} "
        f"(raw mode on {report['raw_sampled']} of them); sleep-time tokens "
        f"{report['sleep_time_tokens']} ({report['sleep_time_tokens_per_document']:.0f} per "
        f"document); {report['seconds']:.0f} s",
        "",
        f"{'mode':<20}{'n':>5}{'accuracy':>10}{'abstain ok':>11}{'invents':>9}"
        f"{'tokens':>9}{'TTFT med':>10}{'total s':>9}{'instant':>9}",
    ]
    for mode in ORDER:
        s = modes.get(mode)
        if not s or not s.get("questions"):
            continue
        ttft = f"{s['median_first_token_s']:.3f}s" if mode != "reference" else "—"
        tokens = f"{s['mean_test_time_tokens']:.0f}" if mode != "reference" else "0"
        lines.append(
            f"{LABELS[mode]:<20}{s['questions']:>5}{_pct(s['accuracy']):>10}"
            f"{_pct(s['correct_abstention_rate']):>11}{_pct(s['invention_rate']):>9}"
            f"{tokens:>9}{ttft:>10}{s['total_s']:>9.1f}{s['instant_hits']:>9}"
        )
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
    for mode in ("raw", "learned", "auto"):
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
        offset = {"learned": (6, -12), "auto": (6, 6)}.get(mode, (6, 4))
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
    for mode in ("raw", "learned", "auto"):
        s = modes.get(mode)
        if not s or not s.get("questions"):
            continue
        sleep = per_document if mode != "raw" else 0.0
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
