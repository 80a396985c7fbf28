"""Question flags across processes: a file per question in flight, gone when it is answered."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from nocturne.library.store import Store
from nocturne.schedule.questions_in_flight import (
    live_questions,
    question_in_flight,
    questions_dir,
)


def test_question_flag_lives_as_long_as_the_question(tmp_path: Path) -> None:
    assert live_questions(tmp_path) == 0
    with question_in_flight(tmp_path):
        assert live_questions(tmp_path) == 1
        with question_in_flight(tmp_path):
            assert live_questions(tmp_path) == 2
        assert live_questions(tmp_path) == 1
    assert live_questions(tmp_path) == 0


def test_flag_of_a_dead_process_is_ignored_and_removed(tmp_path: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(child.stdout)
    flag = tmp_path / f"{dead_pid}-1-0.question"
    flag.write_text(str(dead_pid))
    assert live_questions(tmp_path) == 0
    assert not flag.exists()


def test_question_dir_defaults_to_the_data_dir(store: Store, tmp_path: Path) -> None:
    with question_in_flight() as flag:
        assert flag.parent == tmp_path / "home" / "run" / "questions"
        assert live_questions() == 1


def test_the_flag_names_this_process_and_the_folder_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "run" / "questions"
    with question_in_flight(folder) as flag:
        assert flag.name.startswith(f"{os.getpid()}-{threading.get_ident()}-")
        assert flag.suffix == ".question"
        assert flag.read_text(encoding="ascii") == str(os.getpid())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_flag_is_removed_when_the_answer_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), question_in_flight(tmp_path):
        raise RuntimeError("the model crashed")
    assert live_questions(tmp_path) == 0
    assert list(tmp_path.iterdir()) == []


def test_a_flag_removed_by_someone_else_does_not_fail_the_question(tmp_path: Path) -> None:
    with question_in_flight(tmp_path) as flag:
        flag.unlink()  # e.g. a cleanup of the run folder
    assert live_questions(tmp_path) == 0


def test_questions_from_threads_get_their_own_flags(tmp_path: Path) -> None:
    inside = threading.Barrier(4)
    leave = threading.Event()
    flags: list[Path] = []

    def ask() -> None:
        with question_in_flight(tmp_path) as flag:
            flags.append(flag)
            inside.wait(timeout=10)
            leave.wait(timeout=10)

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    inside.wait(timeout=10)  # all three are answering now
    try:
        assert live_questions(tmp_path) == 3
        assert len(set(flags)) == 3
    finally:
        leave.set()
        for thread in threads:
            thread.join(timeout=10)
    assert live_questions(tmp_path) == 0


def test_other_files_in_the_folder_are_not_questions(tmp_path: Path) -> None:
    (tmp_path / f"{os.getpid()}.digest").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    assert live_questions(tmp_path) == 0
    assert (tmp_path / "notes.txt").exists()


def test_questions_dir_is_created_under_the_data_dir(store: Store, tmp_path: Path) -> None:
    folder = questions_dir()
    assert folder == tmp_path / "home" / "run" / "questions"
    assert folder.is_dir()


def _deny_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a read-only folder does for anyone but root (tests may run as root, for whom
    `chmod a-w` changes nothing): writing a flag is refused with EACCES."""

    def refuse(self: Path, *_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)


def test_a_read_only_library_answers_the_question_without_its_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny_writing(monkeypatch)
    with question_in_flight(tmp_path) as flag:
        assert flag is None
        assert live_questions(tmp_path) == 0
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_the_flag_folder_should_be_is_the_plain_sentence(tmp_path: Path) -> None:
    from nocturne.errors import StoreError

    folder = tmp_path / "run"
    folder.write_text("not a folder")
    with pytest.raises(StoreError) as raised, question_in_flight(folder / "questions"):
        pass
    assert raised.value.condition == "cannot-open"
    assert str(raised.value) == (
        f"the library's file {folder / 'questions'} cannot be written (Not a directory); check "
        "that its folder exists and can be written"
    )


def test_live_questions_of_a_library_without_its_run_folder_are_none(home: Path) -> None:
    assert live_questions() == 0
    assert not (home / "run" / "questions").exists()
