"""The directory files both directory test modules read: the example directories and the
broken ones under tests/fixtures/directory."""

from __future__ import annotations

from tests.conftest import EXAMPLES, FIXTURES

DIRECTORIES = EXAMPLES / "directories"
DIRECTORY_FIXTURES = FIXTURES / "directory"
SONG_MA = DIRECTORIES / "song-ma.yaml"
TUY_PHUOC = DIRECTORIES / "tuy-phuoc.yaml"
