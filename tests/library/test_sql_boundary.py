"""`library/` is the only place with SQL (issue 14): packages listed here hold no SQL text, never
reach for the connection and never import sqlite3, so every statement goes through the store's
one error mapping and callers get dataclasses, not rows.

Every module of the app outside `library/` is checked.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

import nocturne

OWNER = "library"  # the one package that holds SQL
SQL_TEXT = re.compile(
    r"\b(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|INDEX|VIRTUAL|TRIGGER)|PRAGMA\s|BEGIN\s+IMMEDIATE|ROLLBACK\b)"
)
CONNECTION_ATTRIBUTES = {"conn", "execute", "executemany", "executescript", "query", "scalar"}
ROOT = Path(nocturne.__file__).parent


def _modules() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.py") if path.relative_to(ROOT).parts[0] != OWNER)


def _problems(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = [
        f"line {token.start[0]}: SQL text {token.string[:50]!r}"
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.STRING and SQL_TEXT.search(token.string)
    ]
    tree = ast.parse(source)
    called = {
        id(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    for node in ast.walk(tree):
        # `.conn` anywhere; `.query(...)`, `.execute(...)` and the like when called (a
        # `retrieval.query` attribute is the analysed question, not SQL)
        if isinstance(node, ast.Attribute) and (
            node.attr == "conn" or (node.attr in CONNECTION_ATTRIBUTES and id(node) in called)
        ):
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Import) and any(a.name == "sqlite3" for a in node.names):
            found.append(f"line {node.lineno}: import sqlite3")
        elif isinstance(node, ast.ImportFrom) and node.module == "sqlite3":
            found.append(f"line {node.lineno}: from sqlite3 import")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_outside_library(path: Path) -> None:
    assert _problems(path) == []


def test_the_check_finds_sql(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sqlite3\n"
        "def f(store):\n"
        "    store.query('SELECT 1 FROM documents')\n"
        '    store.conn.execute("UPDATE notes SET stale = 1")\n'
    )
    problems = _problems(sample)
    assert len(problems) == 6, problems  # the import, two SQL texts, .query, .conn, .execute
    assert _modules(), "no modules found: the packages moved?"
