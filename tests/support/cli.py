"""Running the `dondoc` command in-process against a test database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from dondoc.cli.app import app
from tests.support.settings import SettingsEnv

# What Rich draws around click's usage errors, dropped so a message reads as one line.
_BOX = str.maketrans("", "", "│╭╮╰╯─")


def unwrapped(text: str) -> str:
    """Text as one line: Rich wraps long messages at the terminal's width."""
    return " ".join(text.translate(_BOX).split())


@dataclass(frozen=True)
class Ran:
    """What one `dondoc` run printed. Its exit code was checked when it ran, so it is no
    truth value: `assert cli(...)` would pass whatever the command did."""

    stdout: str
    stderr: str
    exit_code: int

    def __bool__(self) -> bool:
        raise TypeError("cli() checks the exit code; assert on .stdout or .stderr, or says=")


@dataclass
class Cli:
    database_url: str
    monkeypatch: Any

    def __call__(self, *args: str, expect: int = 0, says: str | None = None) -> Ran:
        """Run `dondoc ARGS`; the exit code must be `expect` and, given `says`, the output
        must contain it: stderr when the command fails, stdout when it succeeds."""
        SettingsEnv(self.monkeypatch).set(database_url=self.database_url)
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
        ran = Ran(result.stdout, result.stderr, result.exit_code)
        output = ran.stdout + ran.stderr
        assert ran.exit_code == expect, f"exit {ran.exit_code}, wanted {expect}:\n{output}"
        if says is not None:
            told = ran.stderr if expect else ran.stdout
            assert unwrapped(says) in unwrapped(told), f"{says!r} not in:\n{output}"
        return ran

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)

    def song_ma_plan(self, *, compile: bool = False) -> str:
        """The Sông Mã directory and plan through the CLI, approved (and compiled); its id."""
        from tests.support.seeds import SONG_MA_DIRECTORY, SONG_MA_PLAN

        self("agencies", "import", str(SONG_MA_DIRECTORY))
        plan_id = str(self.json("plan", "import", str(SONG_MA_PLAN))["plan_id"])
        self("plan", "approve", plan_id, "--by", "Nguyễn Văn A")
        if compile:
            self("plan", "compile", plan_id)
        return plan_id
