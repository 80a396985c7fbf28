"""The tests mirror the source tree: every source module that has logic has a test module of the
same name in the same place under `tests/` (`nocturne/answer/ask.py` → `tests/answer/test_ask.py`),
and that test module imports it. A reader looking for a module's tests finds them by its name;
scenario tests that cross modules (`tests/library/test_bad_input.py`) live beside them.

A module has logic when one of its functions or methods branches or loops. Modules that only
declare (a migration's one SQL script, a table of prompts) need no test module of their own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "desktop" / "nocturne"
TESTS = Path(__file__).resolve().parent

_BRANCHES = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.Try,
    ast.Match,
    ast.IfExp,
    ast.BoolOp,
    ast.comprehension,
)


def has_logic(source: str) -> bool:
    """Whether any function or method in `source` branches or loops."""
    tree = ast.parse(source)
    return any(
        isinstance(node, _BRANCHES)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    )


def mirror_of(module: Path) -> Path:
    """The test module that mirrors a source module."""
    relative = module.relative_to(SOURCE)
    return TESTS / relative.parent / f"test_{relative.name}"


def dotted(module: Path) -> str:
    return ".".join(("nocturne", *module.relative_to(SOURCE).with_suffix("").parts))


def imports_module(test_source: str, name: str) -> bool:
    """Whether a test module imports `name` (as `import a.b`, `from a.b` or `from a import b`)."""
    package, _, leaf = name.rpartition(".")
    for node in ast.walk(ast.parse(test_source)):
        if isinstance(node, ast.Import) and any(
            alias.name == name or alias.name.startswith(name + ".") for alias in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == name or node.module.startswith(name + "."):
                return True
            if node.module == package and any(alias.name == leaf for alias in node.names):
                return True
    return False


def modules_with_logic() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.rglob("*.py")
        if path.name not in {"__init__.py", "__main__.py"} and has_logic(path.read_text())
    )


def test_every_module_with_logic_has_a_mirroring_test_module_that_imports_it() -> None:
    missing = []
    for module in modules_with_logic():
        test = mirror_of(module)
        if not test.exists():
            missing.append(f"{test.relative_to(TESTS.parent)} (for {dotted(module)})")
        elif not imports_module(test.read_text(), dotted(module)):
            missing.append(f"{test.relative_to(TESTS.parent)} does not import {dotted(module)}")
    assert not missing, "modules without their test module:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("X = 1\n", False),
        ("def f(conn):\n    conn.execute('CREATE TABLE t (a)')\n", False),
        ("def f(x):\n    if x:\n        return 1\n    return 2\n", True),
        ("class C:\n    def m(self, xs):\n        return [x for x in xs]\n", True),
        ("def f(a, b):\n    return a or b\n", True),
        ("if True:\n    X = 1\n", False),
    ],
)
def test_logic_means_a_function_that_branches_or_loops(source: str, expected: bool) -> None:
    assert has_logic(source) is expected


@pytest.mark.parametrize(
    ("test_source", "expected"),
    [
        ("from nocturne.answer.ask import ask\n", True),
        ("import nocturne.answer.ask\n", True),
        ("from nocturne.answer import ask\n", True),
        ("from nocturne.answer import asking\n", False),
        ("from nocturne.answer.ask_more import x\n", False),
        ("import nocturne.answer\n", False),
    ],
)
def test_a_test_module_counts_only_when_it_imports_its_module(
    test_source: str, expected: bool
) -> None:
    assert imports_module(test_source, "nocturne.answer.ask") is expected


def test_the_mirror_of_a_module_sits_at_the_same_place_under_tests() -> None:
    module = SOURCE / "library" / "loaders" / "html.py"
    assert mirror_of(module) == TESTS / "library" / "loaders" / "test_html.py"
    assert dotted(module) == "nocturne.library.loaders.html"
