"""The filing of the code stays what the folders promise: dependencies point one way (the
layers contract in pyproject.toml), no packages import each other in a circle, every folder
says in its `__init__` what lives there, and no module grows past what one reader can hold."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dondoc", "flows", "tasks", "models", "notifications", "calendars")
MAX_LINES = 400


def _python_files(*roots: str) -> list[Path]:
    return sorted(p for root in roots for p in (ROOT / root).rglob("*.py"))


def test_imports_follow_the_layers_and_have_no_cycles() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command as c; c()",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_every_package_folder_says_what_it_holds_and_may_import() -> None:
    missing = []
    for init in _python_files(*PACKAGES):
        if init.name != "__init__.py" or "migrations" in init.parts:
            continue
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        if not docstring or "import" not in docstring:
            missing.append(str(init.relative_to(ROOT)))
    assert missing == []


def test_no_module_is_longer_than_one_reader_can_hold() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _python_files(*PACKAGES, "tests", "benchmarks")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
