"""The secret key has no usable default: a placeholder is refused wherever it is set, a key can
come from a file, and without one dondoc makes a random key once in the data dir."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dondoc.core.secret import ConfigurationError, signing_key
from tests.conftest import EXAMPLES
from tests.support.cli import Cli
from tests.support.settings import SettingsEnv


def test_without_a_key_one_random_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    with ThreadPoolExecutor(8) as pool:  # first uses racing: one key is written, all read it
        keys = set(pool.map(lambda _: signing_key(None, None, tmp_path / "data"), range(16)))
    assert len(keys) == 1 and len(keys.pop()) >= 40
    path = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no draft left behind


def test_a_key_file_is_read_and_a_placeholder_is_refused_wherever_it_is_set(
    tmp_path: Path,
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("  k3y-from-a-file-of-our-own\n", encoding="utf-8")
    assert signing_key(None, key_file, tmp_path) == "k3y-from-a-file-of-our-own"
    key_file.write_text("change-me\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=f"DONDOC_SECRET_KEY_FILE {key_file} is a"):
        signing_key(None, key_file, tmp_path)
    with pytest.raises(ConfigurationError, match="cannot read it"):
        signing_key(None, tmp_path / "missing", tmp_path)


def test_the_old_default_key_stops_a_command_with_a_message(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    SettingsEnv(monkeypatch).set(secret_key="change-me")
    cli = Cli(database_url, monkeypatch)
    cli("plan", "import", str(EXAMPLES / "plans" / "song-ma-2019-kh33.txt"))
    result = cli("feeds", "urls", expect=1)
    assert result.stderr.startswith("error: DONDOC_SECRET_KEY is a placeholder")
