"""Every kind of bad input: one clear line naming the file and the reason, nothing else lost."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from nocturne.library import ingest
from nocturne.library.ingest import IngestResult, add_paths
from nocturne.library.store import Store
from nocturne.settings import Settings

from fakes.engine import FakeEngine
from pdf_maker import pdf_bytes, write_pdf
from support import FAKE_ENGINE, SHARED, cli_env

GOOD_TEXT = "The garden opens at seven. Watering is allowed before ten."


def _add(store: Store, settings: Settings, *paths: Path) -> dict[str, IngestResult]:
    return {Path(r.path).name: r for r in add_paths(store, paths, settings, FakeEngine())}


def _assert_consistent(store: Store) -> None:
    assert store.scalar("PRAGMA integrity_check") == "ok"
    store.conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
    orphans = store.scalar(
        "SELECT COUNT(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)"
    )
    assert orphans == 0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "docs"
    path.mkdir()
    (path / "good.txt").write_text(GOOD_TEXT)
    return path


def _check(store: Store, settings: Settings, folder: Path, bad: str, reason: str) -> None:
    results = _add(store, settings, folder)
    assert results["good.txt"].status == "added"
    assert results[bad].status == "error"
    assert reason in results[bad].reason
    assert bad in results[bad].line() and reason in results[bad].line()
    _assert_consistent(store)
    assert (
        store.scalar(
            "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.name = 'good.txt'"
        )
        == 1
    )


def test_truncated_pdf(store: Store, settings: Settings, folder: Path) -> None:
    data = pdf_bytes(["Some text on a page."])
    (folder / "cut.pdf").write_bytes(data[: len(data) // 3])
    _check(store, settings, folder, "cut.pdf", "damaged")


def test_corrupt_pdf_garbage(store: Store, settings: Settings, folder: Path) -> None:
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    _check(store, settings, folder, "garbage.pdf", "damaged")


def _encrypted(path: Path, user_password: str) -> Path:
    reader = PdfReader(io.BytesIO(pdf_bytes(["Secret lease terms: rent 900 euros."])))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_encrypted_pdf_with_password(store: Store, settings: Settings, folder: Path) -> None:
    _encrypted(folder / "locked.pdf", "hunter2")
    _check(store, settings, folder, "locked.pdf", "encrypted with a password")


def test_encrypted_pdf_with_empty_user_password_opens(
    store: Store, settings: Settings, folder: Path
) -> None:
    _encrypted(folder / "open.pdf", "")
    results = _add(store, settings, folder)
    assert results["open.pdf"].status == "added"
    text = store.scalar(
        "SELECT text FROM chunks c JOIN documents d ON d.id = c.document_id "
        "WHERE d.name = 'open.pdf'"
    )
    assert "900 euros" in text


def test_pdf_without_text_layer(store: Store, settings: Settings, folder: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with (folder / "scan.pdf").open("wb") as handle:
        writer.write(handle)
    # A blank page: no text and no image, so nothing for OCR either.
    _check(store, settings, folder, "scan.pdf", "the PDF has no text layer and no scanned pages")


def test_empty_file(store: Store, settings: Settings, folder: Path) -> None:
    (folder / "empty.md").write_bytes(b"")
    _check(store, settings, folder, "empty.md", "the file is empty")


def test_binary_file_with_text_extension(store: Store, settings: Settings, folder: Path) -> None:
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + os.urandom(2000))
    _check(store, settings, folder, "photo.txt", "binary data")


def test_text_that_is_not_utf8_is_decoded(store: Store, settings: Settings, folder: Path) -> None:
    text = (
        "Le café de la gare ouvre à sept heures. Les élèves déjeunent à midi. "
        "Über die Brücke gehen wir später. "
    ) * 5
    (folder / "latin1.txt").write_bytes(text.encode("cp1252"))
    results = _add(store, settings, folder)
    assert results["latin1.txt"].status == "added"
    stored = store.scalar(
        "SELECT text FROM chunks c JOIN documents d ON d.id = c.document_id "
        "WHERE d.name = 'latin1.txt'"
    )
    assert "café" in stored and "Brücke" in stored


def test_short_latin1_text_is_read_as_western_european(
    store: Store, settings: Settings, folder: Path
) -> None:
    text = "Café crème brûlée costs 7 euros at the Café Lumière."
    (folder / "menu.txt").write_bytes(text.encode("latin-1"))
    assert _add(store, settings, folder)["menu.txt"].status == "added"
    stored = store.scalar(
        "SELECT text FROM chunks c JOIN documents d ON d.id = c.document_id "
        "WHERE d.name = 'menu.txt'"
    )
    assert stored == text


def test_file_over_the_size_limit(store: Store, folder: Path) -> None:
    settings = Settings({"max_file_mb": 1})
    big = folder / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(1_500_000)  # sparse: costs no disk
    _check(store, settings, folder, "huge.txt", "over the limit of 1 MB")


def test_file_without_read_permission(
    store: Store, settings: Settings, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = folder / "secret.txt"
    secret.write_text("private")
    secret.chmod(0)
    if os.geteuid() == 0:
        # root reads anything; make this one file unreadable the way the kernel would say it.
        real_open = Path.open

        def deny(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
            if self == secret:
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "open", deny)
    _check(store, settings, folder, "secret.txt", "permission denied")


def test_symlink_loop_in_a_folder(store: Store, settings: Settings, folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "back").symlink_to(folder, target_is_directory=True)
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    results = _add(store, settings, folder)
    assert results["good.txt"].status == "added"
    assert "symbolic link loop" in results["back"].reason
    assert "symbolic link loop" in results["a.txt"].reason
    assert store.scalar("SELECT COUNT(*) FROM documents WHERE name = 'good.txt'") == 1
    _assert_consistent(store)


def test_file_that_vanishes_mid_ingest(
    store: Store, settings: Settings, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doomed = folder / "doomed.txt"
    doomed.write_text("Here now, gone soon.")
    real_discover = ingest.discover

    def discover_then_delete(paths):  # type: ignore[no-untyped-def]
        for candidate in real_discover(paths):
            if candidate.path.name == "doomed.txt":
                doomed.unlink()  # listed, then removed before it is read
            yield candidate

    monkeypatch.setattr(ingest, "discover", discover_then_delete)
    _check(store, settings, folder, "doomed.txt", "disappeared while it was being added")


def test_a_bad_new_version_keeps_the_good_old_one(
    store: Store, settings: Settings, folder: Path
) -> None:
    doc = folder / "notes.md"
    doc.write_text("The boiler is serviced every May.")
    assert _add(store, settings, doc)["notes.md"].status == "added"
    doc.write_bytes(b"")
    assert _add(store, settings, doc)["notes.md"].status == "error"
    row = store.document_by_path(str(doc))
    assert row.chunk_count == 1 and row.error == "the file is empty"


def test_real_odd_pdfs_from_other_projects(store: Store, settings: Settings) -> None:
    fixtures = SHARED / "fixtures" / "pdfs"
    if not fixtures.is_dir():
        pytest.skip(f"{fixtures} is not present")
    results = {Path(r.path).name: r for r in add_paths(store, [fixtures], settings, FakeEngine())}
    assert results["crazyones.pdf"].status == "added"
    assert results["r2-empty-password.pdf"].status == "added"
    assert results["encrypted-file.pdf"].reason == "the PDF is encrypted with a password"
    fax = results["imagemagick-CCITTFaxDecode.pdf"]  # a scanned fax: added, waits for OCR
    assert fax.status == "added" and fax.ocr_pages == 1
    assert results["issue-1113-evil-xobjects.pdf"].status in {"added", "error"}
    _assert_consistent(store)


def test_cli_reports_each_bad_file_and_fails(home: Path, folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    write_pdf(folder / "lease.pdf", ["Rent is due on the 3rd."])
    run = subprocess.run(
        [sys.executable, "-m", "nocturne", "add", str(folder), str(folder / "missing.md")],
        capture_output=True,
        text=True,
        env=cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE),
        timeout=120,
    )
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert any(line.startswith("added") and "good.txt" in line for line in lines)
    assert any(line.startswith("added") and "lease.pdf" in line for line in lines)
    assert any("empty.txt: the file is empty" in line for line in lines)
    assert any("missing.md: no such file or folder" in line for line in lines)
    assert "Traceback" not in run.stderr
