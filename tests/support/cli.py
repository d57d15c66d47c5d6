"""Running the `dondoc` command in-process against a test database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from dondoc.cli.app import app
from tests.support.settings import SettingsEnv


@dataclass
class Cli:
    database_url: str
    monkeypatch: Any

    def __call__(self, *args: str, expect: int = 0) -> Any:
        SettingsEnv(self.monkeypatch).set(database_url=self.database_url)
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
        output = result.stdout + result.stderr
        assert result.exit_code == expect, f"exit {result.exit_code}, wanted {expect}:\n{output}"
        return result

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
