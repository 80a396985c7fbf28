"""The two kinds of error: a known error is a sentence for a person, naming the file at fault."""

from __future__ import annotations

import os

import pytest

from nocturne.errors import IngestError, KnownError, ModelError, StoreError


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
