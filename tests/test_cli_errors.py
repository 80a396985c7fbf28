"""What `nocturne` prints when something goes wrong: one plain line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from nocturne import cli
from nocturne.answer.plain import READ_ONLY_NOTE
from nocturne.library.store import ChunkDraft, Store


def _bug(*_args: object) -> None:
    raise ZeroDivisionError("division by zero")


def test_a_bug_prints_one_line_and_the_log_file_keeps_the_traceback(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("nocturne.status_report.library_status", _bug)
    assert cli.main(["status"]) == 70
    captured = capsys.readouterr()
    log_file = home / "logs" / "cli.log"
    assert captured.err == (
        "nocturne: internal error (a bug in Nocturne): ZeroDivisionError: division by zero; "
        f"details in {log_file}\n"
    )
    logged = log_file.read_text(encoding="utf-8")
    assert " status: uncaught exception\n" in logged
    assert "Traceback (most recent call last)" in logged and "in _bug" in logged


def test_without_a_writable_log_the_traceback_is_printed_after_the_line(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("nocturne.status_report.library_status", _bug)
    monkeypatch.setattr(cli, "_log_bug", lambda exc, command: None)
    assert cli.main(["status"]) == 70
    err = capsys.readouterr().err
    assert err.startswith(
        "nocturne: internal error (a bug in Nocturne): ZeroDivisionError: division by zero; "
        "details below\nTraceback (most recent call last)"
    )


def test_a_damaged_page_met_while_iterating_rows_is_still_the_plain_message(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows read one by one (`for row in conn.execute(...)`) come from SQLite after `execute`
    returned; a damaged page there is caught at the top and said the same way."""
    db = home / "library.sqlite3"
    with Store.open() as store:
        for number in range(300):
            store.save_document(
                path=f"/docs/{number}.txt",
                name=f"{number}.txt",
                kind="txt",
                content_hash=str(number),
                size=1,
                mtime=0.0,
                pages=None,
                chunks=[ChunkDraft(0, None, "Some words.", 3)],
            )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        leaves = [
            row[0]
            for row in store.query(
                "SELECT pageno FROM dbstat WHERE name = 'documents' AND pagetype = 'leaf' "
                "ORDER BY pageno"
            )
        ]
        page_size = store.scalar("PRAGMA page_size")
    assert len(leaves) > 2
    with open(db, "r+b") as handle:
        handle.seek((leaves[-1] - 1) * page_size)
        handle.write(b"\xee" * page_size)

    def read_every_row(*_args: object) -> None:
        with Store.open() as store:
            for _row in store.conn.execute("SELECT * FROM documents"):
                pass

    monkeypatch.setattr("nocturne.status_report.library_status", read_every_row)
    assert cli.main(["status"]) == 1
    assert capsys.readouterr().err == (
        f"nocturne: error: the library database {db} is damaged (database disk image is "
        "malformed); your documents themselves are not affected\n"
    )


def test_digest_refuses_a_negative_time_limit(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["digest", "--max-seconds", "-5"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "-5 is not a number of seconds (it is negative)" in err and "Traceback" not in err


def _read_only_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """A library folder a person cannot write. Tests may run as root, for whom `chmod a-w`
    changes nothing: the refusals come from patched calls instead (`write_text` for the run
    flags, `os.access` for the store's check, `open` for the digest's lock)."""
    import builtins
    import os

    def refuse(self: Path, *_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    real_access, real_open = os.access, builtins.open

    def no_write(path: object, mode: int, **kwargs: object) -> bool:
        return False if mode & os.W_OK else real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    def open_read_only(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if str(file).endswith(".lock"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "write_text", refuse)
    monkeypatch.setattr(os, "access", no_write)
    monkeypatch.setattr(builtins, "open", open_read_only)


def test_a_read_only_library_still_answers_and_says_nothing_was_logged(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from support import FAKE_ENGINE

    (tmp_path / "lease.txt").write_text("The rent is due on the first day of each month.")
    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    assert cli.main(["add", str(tmp_path / "lease.txt")]) == 0
    _read_only_library(monkeypatch)
    capsys.readouterr()
    assert cli.main(["ask", "When is the rent due?"]) == 0
    out = capsys.readouterr().out
    assert "lease.txt" in out
    assert out.rstrip().endswith(READ_ONLY_NOTE)
    with Store.open() as store:
        assert store.scalar("SELECT COUNT(*) FROM answers") == 0
        assert store.scalar("SELECT COUNT(*) FROM model_calls") == 0


def test_a_digest_of_a_read_only_library_is_the_plain_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from support import FAKE_ENGINE

    monkeypatch.setenv("NOCTURNE_ENGINE", FAKE_ENGINE)
    Store.open().close()
    _read_only_library(monkeypatch)
    assert cli.main(["digest"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("nocturne: error: the library is read-only: ")
    assert err.endswith(
        " cannot be written (Permission denied); make the file and its folder writable\n"
    )
    assert "internal error" not in err


def test_a_library_file_refused_where_it_is_not_mapped_is_still_the_plain_sentence(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(*_args: object) -> None:
        raise PermissionError(13, "Permission denied", str(home / "run" / "x.flag"))

    monkeypatch.setattr("nocturne.status_report.library_status", refused)
    assert cli.main(["status"]) == 1
    assert capsys.readouterr().err == (
        f"nocturne: error: the library is read-only: {home / 'run' / 'x.flag'} cannot be "
        "written (Permission denied); make the file and its folder writable\n"
    )
