"""Flag files named after their process: live ones are counted, dead ones cleaned away."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nocturne.errors import StoreError
from nocturne.run_flags import flag_folder, flag_pid, live_flag_pids, write_flag

DEAD = 999_999_999  # above any pid_max: no such process


@pytest.mark.parametrize(
    ("name", "pid"),
    [
        ("4242.question", 4242),
        ("4242-3.question", 4242),
        ("4242-digest-7.terminal", 4242),
        ("notes.question", None),
        ("-1.question", None),
        ("x42.question", None),
    ],
)
def test_flag_pid_is_the_number_the_name_starts_with(name: str, pid: int | None) -> None:
    assert flag_pid(Path("/run") / name) == pid


def test_live_flags_are_counted_and_dead_or_unnamed_ones_removed(tmp_path: Path) -> None:
    me = os.getpid()
    for name in (f"{me}.question", f"{me}-2.question", f"{DEAD}.question", "junk.question"):
        (tmp_path / name).touch()
    (tmp_path / f"{DEAD}.terminal").touch()  # another kind of flag: not looked at
    assert live_flag_pids(tmp_path, ".question") == [me, me]  # one per flag
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [f"{me}.question", f"{me}-2.question", f"{DEAD}.terminal"]
    )


def test_a_missing_folder_has_no_flags(tmp_path: Path) -> None:
    assert live_flag_pids(tmp_path / "run", ".question") == []


def test_a_flag_is_written_with_this_process_id(tmp_path: Path) -> None:
    folder = flag_folder(tmp_path / "run" / "digests")
    write_flag(folder / f"{os.getpid()}.digest")
    assert (folder / f"{os.getpid()}.digest").read_text(encoding="ascii") == str(os.getpid())
    assert live_flag_pids(folder, ".digest") == [os.getpid()]


def test_a_flag_in_a_read_only_folder_is_the_plain_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES from a patched `write_text`: tests may run as root, who can write anywhere."""

    def refuse(self: Path, *_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)
    flag = tmp_path / "4242.digest"
    with pytest.raises(StoreError) as raised:
        write_flag(flag)
    assert raised.value.condition == "read-only"
    assert str(raised.value) == (
        f"the library is read-only: {flag} cannot be written (Permission denied); make the "
        "file and its folder writable"
    )


def test_a_file_where_the_flag_folder_should_be_is_the_plain_sentence(tmp_path: Path) -> None:
    (tmp_path / "run").write_text("not a folder")
    with pytest.raises(StoreError, match=r"^the library's file .*/run/digests cannot be written"):
        flag_folder(tmp_path / "run" / "digests")
