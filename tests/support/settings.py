"""Settings in tests: DONDOC_* variables set through monkeypatch (so they are undone after the
test) and `get_settings`'s cache cleared on every change, so code reads what the test set and
never what an earlier test left cached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dondoc.core.settings import Settings, get_settings


class SettingsEnv:
    """The one way a test changes settings: `set(smtp_port=2525, notify_policy=None)`;
    None removes the variable (the default applies)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch

    def set(self, **values: str | int | float | Path | None) -> Settings:
        for name, value in values.items():
            assert name in Settings.model_fields, f"{name!r} is not a setting"
            variable = f"DONDOC_{name.upper()}"
            if value is None:
                self._monkeypatch.delenv(variable, raising=False)
            else:
                self._monkeypatch.setenv(variable, str(value))
        get_settings.cache_clear()
        return get_settings()


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Every test starts and ends with nothing cached: a test's database URL or secret must
    not leak into the next test (autouse fixtures are torn down after `monkeypatch`)."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> SettingsEnv:
    return SettingsEnv(monkeypatch)
