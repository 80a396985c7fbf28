"""Scale: Nocturne on 10, about 2,500 and 10,000 documents, each measure a ratio to 10 (issue 15).

Real text: Debian's manual pages (`manpages`, `manpages-dev`, topped up with the other manual
pages installed here), rendered to text by groff and cached (tests/bench/scale_corpus.py, which
installs the packages when they are missing), plus the shared PDFs. Three libraries, built in
this run by `add_paths` (the code `nocturne add` runs):

- small: 10 manual pages (the ones the questions are about);
- big: about 2,500 pages plus the shared PDFs;
- huge: 10,000 documents for timing — the pages again under other names, their paragraphs
  shuffled (no two documents equal), plus the PDFs.

Measured, each beside the same measure on the small library: `add` throughput (documents/s,
pages/s; a text page is 3,000 characters, a PDF's pages are its own), database size per 1,000
pages, question time — learned mode with the real bundled model, time from the question to its
first streamed token, median and p95, on a quiet library and while a digest runs beside it (the
window's digest process: lowest priority, the bundled model) — and, in a subprocess like
`nocturne gui`, the window's time to shown with its library list filled, its memory, and the
list's responsiveness (filters by name, state and type where the pane has them, and scrolling).

Learned mode needs a digested library; digesting 10,000 documents is weeks of nights with the
bundled model (and half an hour with the fake engine), so each library gets notes written
through the digest's own `record_step`, shaped like a low-budget digest's: per chunk two key
facts (its longest sentences with a number or a name) and an anticipated question answered by
its first sentence. The documents stay queued for a real digest, which is what runs beside
the questions.

The demands (issue 15): median first token <= 0.5 s and p95 <= 2x the small library's p95 at
10,000 documents; `add` of the 2,500 <= 3 minutes; the window shown with 10,000 documents in
<= 3 s and under 600 MB. They are printed as held or missed; the test fails only when a measure
could not be taken (NOCTURNE_SCALE_STRICT=1 also fails on a missed demand).

Knobs: NOCTURNE_SCALE_BIG (default 2500), NOCTURNE_SCALE_HUGE (10000), NOCTURNE_SCALE_ROUNDS
(question rounds, default 2), NOCTURNE_BENCH_CACHE (where rendered pages are kept).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from scale_corpus import CorpusUnavailable, manual_pages, shuffled_copy

from nocturne.engine.local import LocalEngine, LocalTokenizer
from nocturne.library.digest_steps import FinishedStep, record_step
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

from support import REPO, SHARED

pytestmark = [pytest.mark.bench, pytest.mark.slow]

BIG = int(os.environ.get("NOCTURNE_SCALE_BIG", "2500"))
HUGE = int(os.environ.get("NOCTURNE_SCALE_HUGE", "10000"))
ROUNDS = int(os.environ.get("NOCTURNE_SCALE_ROUNDS", "2"))
STRICT = os.environ.get("NOCTURNE_SCALE_STRICT") == "1"
CHARS_PER_PAGE = 3000
HERE = Path(__file__).resolve().parent

# Questions a programmer asks of these pages; the small library is the ten pages they are about.
QUESTIONS = {
    "open.2": (
        "What does open return on error?",
        "Which flag makes open create the file if it does not exist?",
    ),
    "fork.2": (
        "What does fork return in the child process?",
        "Are file locks inherited by the child after fork?",
    ),
    "malloc.3": (
        "What does malloc return when the size is zero?",
        "Which function changes the size of an allocated memory block?",
    ),
    "strtol.3": (
        "How does strtol report that the value was out of range?",
        "What base does strtol use when base is zero?",
    ),
    "socket.2": (
        "Which domain is used for IPv4 Internet protocols?",
        "What does socket return on success?",
    ),
    "mmap.2": (
        "What does MAP_ANONYMOUS do?",
        "How do you remove a mapping created by mmap?",
    ),
    "signal.7": (
        "Which signals cannot be caught or ignored?",
        "What is the default action of SIGTERM?",
    ),
    "printf.3": (
        "What does the %n conversion specifier do?",
        "Which function writes formatted output to a string with a size limit?",
    ),
    "read.2": (
        "What does read return at end of file?",
        "Which error does read give when a nonblocking descriptor has no data?",
    ),
    "pipe.2": (
        "Which end of the pipe is used for writing?",
        "What does the O_CLOEXEC flag do for pipe2?",
    ),
}


@dataclass
class Library:
    name: str
    folder: Path
    home: Path
    documents: int = 0
    pages: int = 0
    add_s: float = 0.0
    notes_s: float = 0.0
    db_bytes: int = 0
    errors: list[str] = field(default_factory=list)
    quiet: list[float] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)
    window: dict[str, Any] = field(default_factory=dict)

    @property
    def db(self) -> Path:
        return self.home / "library.sqlite3"


# -- building the libraries --------------------------------------------------------------------


def _shared_pdfs() -> list[Path]:
    return sorted((SHARED / "fixtures" / "pdfs").rglob("*.pdf")) + sorted(
        (SHARED / "eval" / "structured" / "docs").glob("*.pdf")
    )


def _text_pages(path: Path) -> int:
    return max(1, math.ceil(path.stat().st_size / CHARS_PER_PAGE))


def _build_folders(root: Path, texts: list[Path]) -> dict[str, Path]:
    by_page = {t.name.removesuffix(".txt"): t for t in texts}
    missing = [name for name in QUESTIONS if name not in by_page]
    assert not missing, f"the questions' pages are not in the corpus: {missing}"
    asked = [by_page[name] for name in QUESTIONS]
    texts = asked + [t for t in texts if t not in asked]  # the big library holds the small
    folders = {name: root / name for name in ("small", "big", "huge")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    for name in QUESTIONS:
        shutil.copy(by_page[name], folders["small"] / by_page[name].name)
    for text in texts[:BIG]:
        shutil.copy(text, folders["big"] / text.name)
    originals = [t.read_text(encoding="utf-8") for t in texts[:BIG]]
    for number in range(len(originals), BIG):  # a machine with fewer pages: shuffled copies
        source = texts[number % len(texts)]
        (folders["big"] / f"{source.name.removesuffix('.txt')}.copy{number}.txt").write_text(
            shuffled_copy(originals[number % len(texts)], -number), encoding="utf-8"
        )
    for number in range(HUGE):
        source = texts[number % len(originals)]
        variant = number // len(originals)
        stem = source.name.removesuffix(".txt")
        (folders["huge"] / f"{stem}.v{variant}.txt").write_text(
            shuffled_copy(originals[number % len(originals)], number), encoding="utf-8"
        )
    for pdf in _shared_pdfs():
        for name in ("big", "huge"):
            shutil.copy(pdf, folders[name] / f"{pdf.parent.name}-{pdf.name}")
    return folders


def _add(library: Library, tokenizer: LocalTokenizer) -> None:
    store = Store.open(library.db)
    settings = Settings()
    started = time.perf_counter()
    results = list(add_paths(store, [library.folder], settings, tokenizer))
    library.add_s = time.perf_counter() - started
    added = [r for r in results if r.status == "added"]
    library.errors = [r.line() for r in results if r.failed]
    library.documents = len(added)
    library.pages = sum(
        r.pages if r.pages else _text_pages(Path(r.path)) for r in added if Path(r.path).exists()
    )
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    library.db_bytes = library.db.stat().st_size
    started = time.perf_counter()
    _write_notes(store)
    library.notes_s = time.perf_counter() - started
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


_SENTENCE = re.compile(r"[^.!?\n][^.!?]{30,280}[.!?]")
_NAMEISH = re.compile(r"\d|[A-Z_]{3,}|\b\w+\(\)")


@dataclass(frozen=True)
class _Note:
    kind: str
    text: str
    chunk_ids: tuple[int, ...]
    page: int | None
    document_id: int | None
    answer: str | None = None
    model_id: str = "scale-bench"
    prompt_version: str = "scale-bench-1"
    tokens: int = 0
    key: str = ""


def _chunk_notes(row: sqlite3.Row) -> list[_Note]:
    sentences = [" ".join(s.split()) for s in _SENTENCE.findall(str(row["text"]))]
    if not sentences:
        return []
    where = ((int(row["id"]),), row["page"], int(row["document_id"]))
    facts = sorted((s for s in sentences if _NAMEISH.search(s)), key=len, reverse=True)[:2]
    notes = [_Note("fact", fact, *where) for fact in facts]
    words = [w for w in re.findall(r"[A-Za-z_]{4,}", sentences[0])][:4]
    if words:
        question = f"What does the manual say about {' '.join(words)}?"
        notes.append(_Note("question", question, *where, answer=sentences[0]))
    return notes


def _write_notes(store: Store) -> None:
    """Notes shaped like a low-budget digest's, one step per chunk (see the module docstring)."""
    rows = store.query("SELECT id, document_id, page, text FROM chunks ORDER BY id")
    with store.transaction():
        for row in rows:
            notes = _chunk_notes(row)
            step = FinishedStep(
                key=f"scale-bench:{row['id']}",
                kind="chunk_notes",
                document_id=int(row["document_id"]),
                model_id="scale-bench",
                prompt_version="scale-bench-1",
                prompt_tokens=0,
                completion_tokens=0,
                seconds=0.0,
                kept=len(notes),
                dropped=0,
            )
            record_step(store, step, notes)


# -- questions ---------------------------------------------------------------------------------

DIGEST_SCRIPT = """
import sys
from pathlib import Path
from nocturne.sleeptime.priority import lowest_priority
from nocturne.engine.local import LocalEngine
from nocturne.library.store import Store
from nocturne.settings import Settings
from nocturne.sleeptime.runner import DigestRunner
lowest_priority()
settings = Settings.load()
model = Path(sys.argv[1])
engine = LocalEngine(model, context_size=settings.context_size, threads=settings.threads)
print("digest started", flush=True)
DigestRunner(Store.open(), engine, "low", settings=settings, max_seconds=float(sys.argv[2])).run()
"""


@pytest.fixture(scope="module")
def engine(model_path: Path) -> LocalEngine:
    settings = Settings()
    return LocalEngine(model_path, context_size=settings.context_size, threads=settings.threads)


def _first_tokens(library: Library, engine: LocalEngine, rounds: int) -> list[float]:
    from nocturne.answer.ask import answer_question

    store = Store.open(library.db)
    settings = Settings()
    times: list[float] = []
    questions = [q for pair in QUESTIONS.values() for q in pair]
    answer_question(store, engine, questions[0], settings, "learned")  # warm the model
    for _ in range(rounds):
        for question in questions:
            first: list[float] = []
            started = time.perf_counter()
            answer = answer_question(
                store,
                engine,
                question,
                settings,
                "learned",
                on_text=lambda _t, seen=first: (
                    seen.append(time.perf_counter()) if not seen else None
                ),
            )
            ended = time.perf_counter()
            times.append((first[0] if first else ended) - started)
            assert answer.answer
    store.close()
    return times


@pytest.fixture
def running_digest(model_path: Path) -> Iterator[Any]:
    processes: list[subprocess.Popen[str]] = []

    def start(library: Library) -> None:
        env = dict(os.environ, NOCTURNE_HOME=str(library.home))
        process = subprocess.Popen(
            [sys.executable, "-c", DIGEST_SCRIPT, str(model_path), "900"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        assert process.stdout is not None
        said = process.stdout.readline()  # the model is loaded
        assert said.startswith("digest started"), f"the digest beside the questions: {said!r}"
        time.sleep(2.0)  # into its first steps: the digest, not the model's loading, is beside

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=60)


def _digest_steps_done(library: Library) -> int:
    """Steps the running digest finished (the synthetic notes' steps are not its own)."""
    with Store.open(library.db) as store:
        return int(
            store.scalar("SELECT COUNT(*) FROM digest_steps WHERE model_id != 'scale-bench'")
        )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


# -- the window --------------------------------------------------------------------------------


def _window(library: Library, scheduler: bool = False) -> dict[str, Any]:
    env = dict(
        os.environ,
        NOCTURNE_HOME=str(library.home),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join([str(REPO / "desktop"), str(REPO / "tests")]),
    )
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "scale_window_probe.py"),
            repr(time.time()),
            str(library.documents),
            "scheduler" if scheduler else "",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"the window probe printed nothing: {done.stderr[-2000:]}"
    measured: dict[str, Any] = json.loads(lines[-1])
    assert "error" not in measured, measured["error"]
    return measured


# -- the benchmark -----------------------------------------------------------------------------


def _ratio(value: float, base: float) -> str:
    return f"{value / base:7.2f}x" if base else "      -"


def test_scale(tmp_path: Path, model_path: Path, engine: LocalEngine, running_digest: Any) -> None:
    try:
        texts, what = manual_pages(max(BIG, 2500))
    except CorpusUnavailable as exc:
        pytest.skip(f"no manual pages to build the libraries from: {exc}")
    folders = _build_folders(tmp_path / "docs", texts)
    libraries = [
        Library(name, folders[name], tmp_path / f"home-{name}") for name in ("small", "big", "huge")
    ]
    tokenizer = LocalTokenizer(model_path)
    for library in libraries:
        library.home.mkdir()
        _add(library, tokenizer)
    small, big, huge = libraries
    for library in (small, huge):
        library.quiet = _first_tokens(library, engine, ROUNDS)
    for library in (small, huge):
        library.window = _window(library)
        library.window["with_scheduler_s"] = _window(library, scheduler=True)["shown_s"]
    digested: list[int] = []
    for library in (small, huge):
        running_digest(library)
        library.busy = _first_tokens(library, engine, 1)
        digested.append(_digest_steps_done(library))

    print(f"\n=== Scale benchmark: {what}; shared PDFs: {len(_shared_pdfs())}")
    print(f"  {'':44} {'small':>10} {'big':>10} {'huge':>10}   big/small huge/small")

    def row(label: str, values: list[float], fmt: str = "{:10.2f}") -> None:
        cells = " ".join(fmt.format(v) for v in values)
        ratios = " ".join(_ratio(v, values[0]) for v in values[1:])
        print(f"  {label:44} {cells}   {ratios}")

    row("documents added", [lib.documents for lib in libraries], "{:10,.0f}")
    row("pages (text: 3,000 characters)", [lib.pages for lib in libraries], "{:10,.0f}")
    row("add, seconds", [lib.add_s for lib in libraries])
    row("add, documents/s", [lib.documents / lib.add_s for lib in libraries])
    row("add, pages/s", [lib.pages / lib.add_s for lib in libraries])
    row(
        "database MB per 1,000 pages (after add)",
        [lib.db_bytes / 1e6 / lib.pages * 1000 for lib in libraries],
    )
    row("synthetic notes written, seconds", [lib.notes_s for lib in libraries])
    timed = [small, huge]

    def row2(label: str, values: list[float], fmt: str = "{:10.3f}") -> None:
        print(
            f"  {label:44} {fmt.format(values[0])} {'':>10} {fmt.format(values[1])}"
            f"   {'':8} {_ratio(values[1], values[0])}"
        )

    row2("first token, learned, median s", [statistics.median(lib.quiet) for lib in timed])
    row2("first token, learned, p95 s", [_p95(lib.quiet) for lib in timed])
    row2("  with a digest running: median s", [statistics.median(lib.busy) for lib in timed])
    row2("  with a digest running: p95 s", [_p95(lib.busy) for lib in timed])
    print(
        f"  {'  digest steps it finished meanwhile':44} {digested[0]:10,} {'':>10} "
        f"{digested[1]:10,}"
    )
    row2("window shown with its list filled, s", [lib.window["shown_s"] for lib in timed])
    row2(
        "  the same with its scheduler started, s",
        [lib.window["with_scheduler_s"] for lib in timed],
    )
    row2("window memory (RSS), MB", [lib.window["rss_mb"] for lib in timed], "{:10.0f}")
    row2(
        "list scroll, ms per page painted (median)",
        [lib.window["scroll_page_ms_median"] for lib in timed],
        "{:10.1f}",
    )
    row2(
        "list scroll, ms per page painted (worst)",
        [lib.window["scroll_page_ms_max"] for lib in timed],
        "{:10.1f}",
    )
    row2("refresh: rows read (worker), s", [lib.window["refresh_read_s"] for lib in timed])
    row2("refresh: rows shown (event loop), s", [lib.window["refresh_rows_s"] for lib in timed])
    filters = list(dict.fromkeys([*small.window["filter_s"], *huge.window["filter_s"]]))
    for key in filters:
        row2(
            f"list filter {key}, ms",
            [lib.window["filter_s"].get(key, float("nan")) * 1000 for lib in timed],
            "{:10.1f}",
        )
    if not filters:
        print("  list filters: this version of the library pane has none to time")
    for library in libraries:
        if library.errors:
            count, example = len(library.errors), library.errors[0]
            print(f"  {library.name}: {count} files not added, e.g. {example}")

    demands = {
        "median first token <= 0.5 s at 10,000 documents": statistics.median(huge.quiet) <= 0.5,
        "p95 first token <= 2x the 10-document p95": _p95(huge.quiet) <= 2 * _p95(small.quiet),
        f"add of the {big.documents:,} documents <= 3 minutes": big.add_s <= 180,
        "window shown with 10,000 documents in <= 3 s": huge.window["shown_s"] <= 3.0,
        "window under 600 MB with 10,000 documents": huge.window["rss_mb"] < 600,
    }
    for demand, held in demands.items():
        print(f"  {'held  ' if held else 'MISSED'} {demand}")
    assert huge.documents >= HUGE and big.documents >= BIG
    if STRICT:
        assert all(demands.values()), [d for d, held in demands.items() if not held]
