"""The inbox folder: each document dropped in it is imported once and filed with what became
of it, a file still being copied or a temporary one is left alone, two runs at once share the
files out, and the admins get one email per run."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dondoc.core.db import session_scope
from models import Plan, SourceDocument
from tasks.plans.inbox import CLAIMED, SETTLE_SECONDS, STALE_SECONDS, claim_documents
from tests.conftest import EXAMPLES
from tests.support.settings import SettingsEnv
from tests.support.smtp import SmtpSink

PLAN = EXAMPLES / "plans" / "song-ma-2019-kh33.txt"
PAGE = Path(__file__).parent / "fixtures" / "documents" / "layout-table-merged-cells.html"
ADMIN = "quantri@example.org"


def _drop(inbox: Path, source: Path | bytes, name: str, *, age: float = 3600) -> Path:
    target = inbox / name
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        shutil.copyfile(source, target)
    then = time.time() - age
    os.utime(target, (then, then))
    return target


def test_a_file_still_being_copied_or_temporary_is_left_in_the_inbox(tmp_path: Path) -> None:
    _drop(tmp_path, PLAN, "kh33.txt")
    _drop(tmp_path, PLAN, "just-copied.txt", age=SETTLE_SECONDS / 3)
    _drop(tmp_path, PLAN, "download.pdf.crdownload")
    _drop(tmp_path, PLAN, "~$kh33.docx")
    _drop(tmp_path, PLAN, ".hidden.txt")
    claimed = claim_documents(tmp_path)
    assert [path.name for path in claimed] == ["kh33.txt"]
    assert claimed[0].parent == tmp_path / CLAIMED
    left = sorted(path.name for path in tmp_path.iterdir() if path.is_file())
    assert left == [".hidden.txt", "download.pdf.crdownload", "just-copied.txt", "~$kh33.docx"]


def test_a_second_run_at_the_same_moment_claims_nothing_twice(tmp_path: Path) -> None:
    for number in range(5):
        _drop(tmp_path, PLAN, f"kh{number}.txt")
    first = claim_documents(tmp_path)
    second = claim_documents(tmp_path)
    assert len(first) == 5 and second == []


def test_a_claim_left_by_a_run_that_died_is_taken_up_once_it_is_stale(tmp_path: Path) -> None:
    _drop(tmp_path, PLAN, "kh33.txt")
    [claimed] = claim_documents(tmp_path)
    assert claim_documents(tmp_path, now=time.time() + STALE_SECONDS / 2) == []
    assert claim_documents(tmp_path, now=time.time() + STALE_SECONDS + 1) == [claimed]


@pytest.fixture
def inbox(
    prefect_server: None,
    database_url: str,
    smtp_server: SmtpSink,
    settings_env: SettingsEnv,
    tmp_path: Path,
) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    settings_env.set(
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        admin_emails=ADMIN,
        inbox=str(folder),
    )
    return folder


def test_the_inbox_imports_each_document_once_files_it_and_tells_the_admins(
    inbox: Path, database_url: str, smtp_server: SmtpSink
) -> None:
    from flows.import_inbox import import_inbox

    _drop(inbox, PLAN, "KH 33-KH-UBND.txt")
    _drop(inbox, PLAN, "the same plan again.txt")
    _drop(inbox, PAGE, "45-KH-UBND.html")
    _drop(inbox, b"PK\x03\x04 not really a zip", "broken.docx")

    entries = import_inbox(auto_agencies=True)
    outcomes = {entry.name: entry.outcome for entry in entries}
    assert outcomes == {
        "KH 33-KH-UBND.txt": "imported",
        "the same plan again.txt": "known",
        "45-KH-UBND.html": "imported",
        "broken.docx": "failed",
    }
    done = sorted(path.name for path in (inbox / "done").iterdir())
    assert done == ["45-KH-UBND.html", "KH 33-KH-UBND.txt", "the same plan again.txt"]
    reason = (inbox / "failed" / "broken.docx.reason.txt").read_text(encoding="utf-8")
    assert reason.startswith("broken.docx: ") and "zip" in reason
    assert not list((inbox / CLAIMED).iterdir())
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 2
        stored = session.scalars(select(SourceDocument)).one()
        assert (stored.filename, stored.media_type) == ("45-KH-UBND.html", "text/html")

    [mail] = smtp_server.received
    message = mail.parsed()
    assert str(message["Subject"]) == (
        "[dondoc] Hộp thư kế hoạch: 2 mới, 1 lỗi / Inbox: 2 new, 1 failed"
    )
    body = message.get_content()
    assert "broken.docx" in body and "/admin/plans/" in body and mail.rcpt_tos == (ADMIN,)

    assert import_inbox() == []  # nothing new: no run of work, no second email
    assert len(smtp_server.received) == 1
