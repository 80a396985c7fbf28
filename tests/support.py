"""Constants and helpers shared by tests (import as `from support import ...`)."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "resources" / "samples"

# The fake engine through the engine plug-in point (nocturne/engine/plugin.py): set as
# NOCTURNE_ENGINE for a subprocess (`cli_env(home, NOCTURNE_ENGINE=FAKE_ENGINE)`) or with
# monkeypatch for code that builds its engine from the environment. The subprocess imports it from
# `tests/`, which conftest.py puts on PYTHONPATH for the whole run (`with_tests_on_pythonpath`).
FAKE_ENGINE = "fakes.engine:fake_engine"


def with_tests_on_pythonpath(pythonpath: str | None) -> str:
    """`pythonpath` with `tests/` added, so that a subprocess can import `fakes` like pytest."""
    parts = [part for part in (pythonpath or "").split(os.pathsep) if part]
    if str(TESTS) not in parts:
        parts.append(str(TESTS))
    return os.pathsep.join(parts)


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for running `python -m nocturne` in a subprocess against `home`."""
    env = dict(os.environ)
    env["NOCTURNE_HOME"] = str(home)
    env.pop("NOCTURNE_ENGINE", None)
    env.pop("NOCTURNE_MODEL", None)
    env.update(extra)
    return env


def damage_pages_of(database: Path, table: str) -> None:
    """Overwrite every page that holds `table`'s rows (found with SQLite's `dbstat`), leaving
    the rest of the file readable: a library damaged part way in, as a bad disk sector leaves
    it. The file must be closed, its WAL checkpointed."""
    import sqlite3

    import pytest

    conn = sqlite3.connect(database)
    try:
        pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,))]
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.OperationalError:  # SQLite built without dbstat
        pytest.skip("this SQLite has no dbstat table to find a table's pages")
    finally:
        conn.close()
    assert pages, f"{table} has no pages"
    data = bytearray(database.read_bytes())
    for page in pages:
        data[(page - 1) * size : page * size] = b"\xff" * size
    database.write_bytes(bytes(data))
