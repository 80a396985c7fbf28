"""Secrets live only in the system keyring (here the in-memory one every test gets)."""

from __future__ import annotations

from typing import Any, NoReturn

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from nocturne.errors import KnownError
from nocturne.keychain import NO_KEYRING, REMOTE_API_KEY, SERVICE, get_secret, set_secret


def test_a_secret_is_stored_under_the_nocturne_service(memory_keyring: Any) -> None:
    assert get_secret() is None
    set_secret("sk-123")
    set_secret("other", name="mail_password")
    assert memory_keyring.passwords == {
        (SERVICE, REMOTE_API_KEY): "sk-123",
        (SERVICE, "mail_password"): "other",
    }
    assert get_secret() == "sk-123" and get_secret("mail_password") == "other"


@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_secret_removes_it_and_removing_none_is_fine(
    memory_keyring: Any,
    empty: str | None,
) -> None:
    set_secret("sk-123")
    set_secret(empty)
    assert get_secret() is None and memory_keyring.passwords == {}
    set_secret(empty)  # nothing stored: still no error


def test_no_system_keyring_is_a_known_error_saying_what_to_install() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    for call in (get_secret, lambda: set_secret("sk-123"), lambda: set_secret(None)):
        with pytest.raises(KnownError) as raised:
            call()
        assert raised.value.message == NO_KEYRING
    assert "GNOME Keyring, KWallet" in NO_KEYRING


class LockedKeyring(keyring.backend.KeyringBackend):
    """A keyring that is there but refuses every request (locked, its service crashed)."""

    priority = 1

    def _refuse(self, *args: object) -> NoReturn:
        raise keyring.errors.KeyringError("the collection is locked")

    get_password = set_password = delete_password = _refuse  # type: ignore[assignment]


def test_a_keyring_that_refuses_says_whether_reading_or_writing_failed() -> None:
    keyring.set_keyring(LockedKeyring())
    with pytest.raises(KnownError, match=r"^the system keyring cannot be read: the collection"):
        get_secret()
    for value in ("sk-123", None):
        with pytest.raises(KnownError, match=r"^the system keyring cannot be written: the coll"):
            set_secret(value)
