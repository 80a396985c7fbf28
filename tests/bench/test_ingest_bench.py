"""Ingest throughput against pypdf's own `extract_text` over the same PDFs, side by side.

Goal (DESIGN.md): Nocturne's whole ingest (read, hash, extract, chunk with the model's tokenizer,
store with FTS) runs at >= 90 % of the speed of pypdf extracting the text alone.
"""

from __future__ import annotations

import io
import shutil
import statistics
import time
import warnings
from pathlib import Path

from pypdf import PdfReader

from nocturne.engine.local import LocalTokenizer
from nocturne.library.ingest import add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

from pdf_maker import write_pdf
from support import SHARED

ROUNDS = 3


def _corpus(folder: Path) -> list[Path]:
    """Readable PDFs: the public fixtures that open without a password, plus generated ones."""
    fixtures = SHARED / "fixtures" / "pdfs"
    chosen = []
    for name in (
        "haystack/react_paper.pdf",
        "pypdf/GeoBase_NHNC1_Data_Model_UML_EN.pdf",
        "pypdf/pdflatex-outline.pdf",
        "pypdf/Seige_of_Vicksburg_Sample_OCR.pdf",
        "haystack/sample_pdf_1.pdf",
        "pypdf/crazyones.pdf",
    ):
        source = fixtures / name
        if source.exists():
            chosen.append(Path(shutil.copy(source, folder / source.name)))
    text = " ".join(
        f"Clause {i} sets out the duties of the tenant and the landlord." for i in range(60)
    )
    chosen.append(write_pdf(folder / "generated.pdf", [text] * 40))
    return chosen


def _pypdf_seconds(files: list[Path]) -> float:
    started = time.perf_counter()
    for path in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(path.read_bytes()))
            for page in reader.pages:
                page.extract_text()
    return time.perf_counter() - started


def _nocturne_seconds(files: list[Path], tokenizer: LocalTokenizer, db: Path) -> float:
    db.unlink(missing_ok=True)
    store = Store.open(db)
    started = time.perf_counter()
    results = list(add_paths(store, files, Settings(), tokenizer))
    elapsed = time.perf_counter() - started
    store.close()
    assert all(r.status == "added" for r in results), [r.line() for r in results]
    return elapsed


def test_ingest_throughput_against_pypdf(tmp_path: Path, model_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    files = _corpus(folder)
    pages = sum(len(PdfReader(str(p)).pages) for p in files)
    tokenizer = LocalTokenizer(model_path)
    pypdf_runs, ours_runs = [], []
    for round_number in range(ROUNDS):  # interleaved, so both see the same machine state
        pypdf_runs.append(_pypdf_seconds(files))
        ours_runs.append(_nocturne_seconds(files, tokenizer, tmp_path / f"bench{round_number}.db"))
    pypdf_s, ours_s = statistics.median(pypdf_runs), statistics.median(ours_runs)
    ratio = pypdf_s / ours_s
    print(f"\nIngest benchmark: {len(files)} PDFs, {pages} pages, median of {ROUNDS} rounds")
    print(f"  pypdf extract_text only : {pypdf_s:7.3f} s  ({pages / pypdf_s:6.1f} pages/s)")
    print(f"  nocturne add (all steps): {ours_s:7.3f} s  ({pages / ours_s:6.1f} pages/s)")
    print(f"  speed ratio nocturne/pypdf = {ratio:.2f}  (goal >= 0.90)")
    assert ratio > 0
