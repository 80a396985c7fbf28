"""The two kinds of error: a known error is a sentence for a person, naming the file at fault."""

from __future__ import annotations

import errno
import os

import pytest

from nocturne.errors import (
    IngestError,
    KnownError,
    ModelError,
    StoreError,
    library_file_error,
    writing_library_file,
)


def test_a_known_error_names_its_file_before_the_reason() -> None:
    error = IngestError("the file is empty", path="/docs/lease.txt")
    assert str(error) == "/docs/lease.txt: the file is empty"
    assert (error.message, error.path) == ("the file is empty", "/docs/lease.txt")
    assert str(KnownError("the disk is full")) == "the disk is full"


def test_a_file_name_that_is_not_utf8_is_shown_with_a_replacement_mark() -> None:
    path = os.fsdecode(b"/docs/caf\xe9.txt")  # Latin-1 bytes kept as a surrogate
    error = IngestError("binary data, not text", path=path)
    assert str(error) == "/docs/caf\ufffd.txt: binary data, not text"
    assert error.path == path  # the path itself is kept exactly, to open the file again
    str(error).encode("utf-8")  # printable: no surrogate left


def test_store_errors_say_which_condition_and_which_database() -> None:
    error = StoreError(
        "the library is locked by another program", condition="locked", database="/l.sqlite3"
    )
    assert (error.condition, error.database, error.path) == ("locked", "/l.sqlite3", None)
    assert str(error) == "the library is locked by another program"
    assert StoreError("cannot write").condition == ""


@pytest.mark.parametrize("kind", [IngestError, ModelError, StoreError])
def test_every_known_error_is_caught_as_one(kind: type[KnownError]) -> None:
    with pytest.raises(KnownError, match=r"^went wrong$"):
        raise kind("went wrong")


@pytest.mark.parametrize(
    ("number", "condition", "sentence"),
    [
        (
            errno.EACCES,
            "read-only",
            "the library is read-only: /home/run/1.question cannot be written (why); make the "
            "file and its folder writable",
        ),
        (
            errno.EROFS,
            "read-only",
            "the library is read-only: /home/run/1.question cannot be written (why); make the "
            "file and its folder writable",
        ),
        (
            errno.ENOSPC,
            "full",
            "the disk is full: /home/run/1.question cannot be written; free some space and try "
            "again",
        ),
        (
            errno.ENOTDIR,
            "cannot-open",
            "the library's file /home/run/1.question cannot be written (why); check that its "
            "folder exists and can be written",
        ),
    ],
)
def test_a_library_file_that_cannot_be_written_is_a_store_sentence(
    number: int, condition: str, sentence: str
) -> None:
    error = library_file_error("/home/run/1.question", OSError(number, "why"))
    assert (error.condition, str(error)) == (condition, sentence)


def test_writing_a_library_file_turns_an_os_error_into_its_sentence() -> None:
    with pytest.raises(StoreError) as raised, writing_library_file("/home/run"):
        raise PermissionError(errno.EACCES, "Permission denied", "/home/run/scheduler.lock")
    assert raised.value.database == "/home/run/scheduler.lock"  # the file the OS named
    assert isinstance(raised.value.__cause__, PermissionError)
    with writing_library_file("/home/run"):
        pass  # nothing raised, nothing changed
