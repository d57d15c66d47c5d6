"""The test suite's own filing: what tests share lives in tests/support (or a conftest), so no
test module imports another one, and collecting one file never runs another's fixtures."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name}


def test_no_module_of_the_suite_imports_a_test_module() -> None:
    offenders = {
        str(path.relative_to(TESTS)): sorted(
            name for name in _imported_modules(path) if name.rsplit(".", 1)[-1].startswith("test_")
        )
        for path in sorted(TESTS.rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}
