"""A plan document dondoc cannot read is refused by `dondoc plan import` with a message naming
the file and the reason, exit 1, in bounded time and memory, and nothing is written: no plan,
no stored document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dondoc.core.db import session_scope
from models import Plan, SourceDocument
from tests.support.cli import Cli
from tests.support.docx_parts import zip_of as _zip
from tests.support.settings import SettingsEnv

Maker = Callable[[Path], Path]


def _write(name: str, data: bytes) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _too_big(folder: Path) -> Path:
    path = folder / "scan-ban-goc.pdf"
    with path.open("wb") as file:
        file.write(b"%PDF-1.7\n")
        file.truncate(2 * 1024 * 1024)  # sparse: 2 MB without writing them
    return path


REFUSED: dict[str, tuple[Maker, str]] = {
    "a zip archive that is no document": (
        _write("ke-hoach.docx", _zip({"readme.txt": b"hello"})),
        "ke-hoach.docx: a zip archive, not a plan document",
    ),
    "a damaged Word file": (
        _write("ke-hoach.docx", _zip({"word/document.xml": b"<w:document/>"})[:40]),
        "ke-hoach.docx: a damaged or truncated file",
    ),
    "an old Excel file": (
        _write("ke-hoach.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000),
        "ke-hoach.xls: an Office 97–2003 file that is not a Word document",
    ),
    "a file over the upload limit": (_too_big, "scan-ban-goc.pdf: 2.0 MB, over the 1 MB limit"),
}


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_document_that_cannot_be_read_is_refused_naming_file_and_reason(
    case: str, cli: Cli, tmp_path: Path, database_url: str, settings_env: SettingsEnv
) -> None:
    make, message = REFUSED[case]
    settings_env.set(max_upload_mb=1)
    path = make(tmp_path)
    refused = cli("plan", "import", str(path), expect=1)
    assert message in " ".join(refused.stderr.split()).replace(str(tmp_path) + "/", "")
    assert "Traceback" not in refused.stderr + refused.stdout
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 0
        assert session.scalar(select(func.count()).select_from(SourceDocument)) == 0
