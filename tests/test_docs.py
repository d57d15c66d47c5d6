"""README.md keeps up with the code (in the spirit of sqlite-utils' tests/test_docs.py): every
`dondoc` command and sub-command is shown in it, and its Configuration table is the one
generated from the `Settings` field descriptions. The command tree is walked at run time, so
the test does not depend on which module defines a command."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from cogapp import Cog

from dondoc.cli.app import app
from dondoc.core.settings import Settings
from tests.conftest import ROOT
from tests.support.docs import REGENERATE, variable

README = ROOT / "README.md"


def command_paths(command: Any, path: str = "dondoc") -> Iterator[str]:
    """`dondoc`, `dondoc plan`, `dondoc plan import`, …: every visible command, depth first."""
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not sub.hidden:
            yield from command_paths(sub, f"{path} {name}")


def configuration_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Configuration")
    return text[start : text.index("\n## ", start)]


def test_every_command_and_sub_command_is_shown_in_the_readme() -> None:
    commands = list(command_paths(typer.main.get_command(app)))
    assert "dondoc plan import" in commands and "dondoc feeds token new" in commands
    readme = README.read_text(encoding="utf-8")
    assert [command for command in commands if command not in readme] == []


def test_every_setting_has_a_row_in_the_configuration_table() -> None:
    rows = configuration_section().split("\n| `")[1:]
    assert {row.split("`", 1)[0] for row in rows} == {variable(n) for n in Settings.model_fields}


def test_the_configuration_table_is_the_one_generated_from_the_settings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = Cog().main(["cog", "--check", "--diff", "-I", str(ROOT), str(README)])
    assert status == 0, f"README.md is out of date; run `{REGENERATE}`:\n{capsys.readouterr().out}"
