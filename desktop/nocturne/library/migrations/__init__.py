"""Numbered schema migrations, one module each (`m001_initial.py`, `m002_...`).

Each module defines `migrate(conn)`. They run in order inside a transaction when the store opens,
and each applied name is recorded in `_migrations`, so a database is only ever moved forward.
Adding a migration is adding a file; nothing else needs to change.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def all_migrations() -> list[tuple[str, Migration]]:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if info.name[:1] == "m" and info.name[1:4].isdigit()
    )
    return [(name, importlib.import_module(f"{__name__}.{name}").migrate) for name in names]


def execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction.

    `Connection.executescript` would COMMIT first, breaking the atomicity of a migration, so the
    script is split into complete statements (triggers included) and run one by one.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)
