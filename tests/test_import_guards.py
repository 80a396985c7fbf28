"""Nocturne's own modules always ship together: none is imported "in case it is missing".

A guard like `try: from nocturne.x import y / except ImportError: <fallback>` hides a broken
import (a bug) behind a fallback that silently does less; third-party packages may be guarded.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "desktop" / "nocturne"


def _catches_import_error(node: ast.expr | None) -> bool:
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(
        isinstance(name, ast.Name) and name.id in ("ImportError", "ModuleNotFoundError")
        for name in names
    )


def _imports_our_own(body: list[ast.stmt]) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nocturne")
        for statement in body
        for node in ast.walk(statement)
    )


def _is_guard(node: ast.AST) -> bool:
    """`try: ... except ImportError` or `with contextlib.suppress(ImportError): ...`."""
    if isinstance(node, ast.Try):
        return any(_catches_import_error(handler.type) for handler in node.handlers)
    return isinstance(node, ast.With) and any(
        isinstance(item.context_expr, ast.Call)
        and ast.unparse(item.context_expr.func).endswith("suppress")
        and any(_catches_import_error(arg) for arg in item.context_expr.args)
        for item in node.items
    )


def test_no_import_of_our_own_modules_is_guarded() -> None:
    guarded = [
        f"{source.relative_to(PACKAGE)}:{node.lineno}"
        for source in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Try | ast.With) and _is_guard(node) and _imports_our_own(node.body)
    ]
    assert guarded == []
