"""`nocturne digest PATH...` through a real subprocess: only those documents, first; a path not
in the library is a clear error naming it; a document that could not be read is named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import support
from support import cli_env

# The fake engine for a subprocess (its spelling follows the fake engine's move into tests/).
FAKE = str(getattr(support, "FAKE_ENGINE", "fake"))


def nocturne(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nocturne", *args],
        capture_output=True,
        text=True,
        env=cli_env(home, NOCTURNE_ENGINE=FAKE),
        timeout=300,
    )


def states(home: Path) -> dict[str, str]:
    report: dict[str, Any] = json.loads(nocturne(home, "status", "--json").stdout)
    return {d["name"]: d["state"] for d in report["documents"]}


@pytest.fixture
def docs(home: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "lease.md").write_text("# Lease\n\nThe deposit is two months of rent.\n")
    (folder / "boiler.md").write_text("# Boiler\n\nThe boiler is serviced every May.\n")
    (folder / "sub" / "gate.txt").write_text("The gate code is 4471. Close the gate at night.")
    (folder / "empty.txt").write_bytes(b"")
    nocturne(home, "add", str(folder))
    return folder


def test_digest_of_one_path_digests_only_that_document(home: Path, docs: Path) -> None:
    run = nocturne(home, "digest", "--budget", "high", str(docs / "lease.md"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Digest finished:")
    assert "wait for a digest of the whole library (`nocturne digest`)" in run.stdout
    assert states(home) == {
        "lease.md": "ready",
        "boiler.md": "queued",
        "gate.txt": "queued",
        "empty.txt": "error",
    }


def test_a_folder_digests_the_documents_added_from_it(
    home: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(docs)
    run = nocturne(home, "digest", "sub")  # relative, as a person types it
    assert run.returncode == 0, run.stderr
    assert "whole library" not in run.stdout  # the low budget has no library-wide notes
    assert states(home)["gate.txt"] == "ready"
    assert states(home)["lease.md"] == "queued"


def test_a_path_not_in_the_library_is_named_and_nothing_runs(home: Path, docs: Path) -> None:
    missing = str(docs / "nope.md")
    run = nocturne(home, "digest", str(docs / "lease.md"), missing)
    assert run.returncode == 1
    assert run.stderr.startswith("nocturne: error: not in the library: ")
    assert missing in run.stderr and "`nocturne add`" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert states(home)["lease.md"] == "queued"


def test_a_document_that_could_not_be_read_is_named_and_the_others_go_on(
    home: Path, docs: Path
) -> None:
    run = nocturne(home, "digest", str(docs / "empty.txt"), str(docs / "boiler.md"))
    assert run.returncode == 1
    assert "nocturne: empty.txt: nothing to digest (the file is empty)" in run.stderr
    assert states(home)["boiler.md"] == "ready"
    alone = nocturne(home, "digest", str(docs / "empty.txt"))
    assert alone.returncode == 1 and "nothing to digest" in alone.stderr
    assert "Traceback" not in alone.stderr
