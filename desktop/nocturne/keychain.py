"""Secrets (remote API keys) live only in the system keyring, under the service `nocturne`."""

from __future__ import annotations

import contextlib

import keyring
import keyring.errors

from nocturne.errors import KnownError

SERVICE = "nocturne"
REMOTE_API_KEY = "remote_api_key"


NO_KEYRING = (
    "no system keyring is available (install and unlock GNOME Keyring, KWallet or another "
    "Secret Service); a remote API key cannot be stored"
)


def get_secret(name: str = REMOTE_API_KEY) -> str | None:
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.NoKeyringError as exc:
        raise KnownError(NO_KEYRING) from exc
    except keyring.errors.KeyringError as exc:
        raise KnownError(f"the system keyring cannot be read: {exc}") from exc


def set_secret(value: str | None, name: str = REMOTE_API_KEY) -> None:
    try:
        if value:
            keyring.set_password(SERVICE, name, value)
        else:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                keyring.delete_password(SERVICE, name)
    except keyring.errors.NoKeyringError as exc:
        raise KnownError(NO_KEYRING) from exc
    except keyring.errors.KeyringError as exc:
        raise KnownError(f"the system keyring cannot be written: {exc}") from exc
