"""The default configuration never opens a network connection.

The CLI runs in a subprocess with a Python audit hook that refuses (and records) every attempt to
resolve a host name or connect a socket other than a local Unix socket.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from support import SAMPLES, cli_env

GUARD = r"""
import socket, sys
log = open(sys.argv[1], "a")
def hook(event, args):
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        log.write(f"{event} {args[0]!r}\n"); log.flush()
        raise OSError("network refused by the privacy test")
    if event in ("socket.connect", "socket.sendto", "socket.bind"):
        sock = args[0]
        if sock.family != socket.AF_UNIX:
            log.write(f"{event} {args[1]!r}\n"); log.flush()
            raise OSError("network refused by the privacy test")
sys.addaudithook(hook)
from nocturne.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


@pytest.mark.integration
def test_default_configuration_opens_no_network_connection(home: Path, tmp_path: Path) -> None:
    attempts = tmp_path / "network.log"
    attempts.write_text("")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", GUARD, str(attempts), *args],
            capture_output=True,
            text=True,
            env=cli_env(home),
            timeout=300,
        )

    assert run("add", str(SAMPLES)).returncode == 0
    asked = run("ask", "When is the rent due?", "--json")
    assert asked.returncode == 0, asked.stderr
    assert run("status").returncode == 0
    assert attempts.read_text() == ""
