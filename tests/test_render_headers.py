"""Rendering a digest into an email: headers that survive any plan text (RFC 2047, no
injected lines), the date in Vietnam time, and message IDs and threads that hold across days."""

from __future__ import annotations

import email
import email.policy
import json
import random
import re
import subprocess
from dataclasses import replace
from datetime import date
from email.message import EmailMessage

from icalendar import Calendar

from notifications.mime import encoded_mailbox, set_text_header
from tasks.notify import Digest
from tests.support.digests import (
    CENTRE,
    CULTURE,
    RECIPIENTS,
    attachments,
    digest,
    due_soon_digest,
    late,
    raw,
    render,
)
from tests.support.ical_check import JS_DIR, ensure_ical_js


def test_subject_and_recipient_name_round_trip_through_rfc2047() -> None:
    data = raw(due_soon_digest())
    head = data.split(b"\r\n\r\n", 1)[0]
    head.decode("ascii")  # raises on any raw UTF-8 byte in the headers
    assert b"=?utf-8?" in head
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Subject"] == "Sắp đến hạn: 3 việc (28/03/2019)"
    [to] = message["To"].addresses
    assert (spaced(to.display_name), to.addr_spec) == (CENTRE, "ttvh@songma.example.vn")
    assert perl_decoded([head.decode("ascii")])[0].count(f"To: {CENTRE} <ttvh@") == 1
    assert message["Cc"].addresses[0].addr_spec == "giamdoc.ttvh@songma.example.vn"
    assert message["From"].addresses[0].addr_spec == "dondoc@example.org"


def spaced(name: str) -> str:
    """Python's address parser keeps the line break between two encoded-words of a display
    name as a space, where RFC 2047 §6.2 (and Perl, Thunderbird, mailparser) drop it; each
    word of ours ends with its own space, so Python alone reads two."""
    return " ".join(name.split())


def _piped(command: list[str], heads: list[str], encoding: str) -> str:
    """What a decoder nobody here wrote prints for `heads`, fed NUL-separated on stdin."""
    run = subprocess.run(
        command,
        input="\0".join(heads) + "\0",
        capture_output=True,
        text=True,
        encoding=encoding,
        check=True,
        timeout=120,
    )
    return run.stdout


def perl_decoded(heads: list[str]) -> list[str]:
    """Headers unfolded and decoded by Perl's Encode (MIME-Header)."""
    script = (
        "use Encode; local $/ = \"\\0\"; binmode STDOUT, ':utf8';"
        "while (my $h = <STDIN>) { chomp $h; $h =~ s/\\r?\\n[ \\t]/ /g;"
        " print decode('MIME-Header', $h), \"\\0\" }"
    )
    return _piped(["perl", "-e", script], heads, "utf-8").split("\0")[:-1]


def mailparser_decoded(heads: list[str]) -> list[dict[str, str | None]]:
    """Subject and first display name as Node's mailparser decodes them (a third reader)."""
    ensure_ical_js()  # installs tests/js from its lockfile: ical.js and mailparser
    printed = _piped(["node", str(JS_DIR / "decode_headers.mjs")], heads, "latin-1")
    return json.loads(printed.encode("latin-1").decode("utf-8"))


NAME_WORDS = (
    "Phục vụ hồ sơ Văn phòng Sở Nội vụ gửi báo cáo kết quả UBND tỉnh xã phường Tư pháp Kế hoạch "
    "số 33/KH-UBND Quý II/2025 hạn ngày 15/12 việc quá Đôn đốc Nhắc Thể thao Du lịch Chiềng "
    "Khương Nghiêng ngưỡng Ủy ban nhân dân"
)


def test_subjects_and_names_keep_every_character_in_python_perl_and_mailparser() -> None:
    words = NAME_WORDS.split()
    chooser = random.Random(14)
    texts = [" ".join(chooser.choices(words, k=chooser.randint(1, 30))) for _ in range(1000)]
    heads = []
    for text in texts:
        message = EmailMessage(policy=email.policy.default)
        set_text_header(message, "Subject", text)
        message.set_raw("To", encoded_mailbox(text[:80], "vp@songma.example.vn", "To"))
        message.set_content("x")
        data = message.as_bytes(policy=email.policy.SMTP).split(b"\r\n\r\n", 1)[0]
        assert max(len(line) for line in data.split(b"\r\n")) <= 78
        parsed = email.message_from_bytes(data + b"\r\n\r\n", policy=email.policy.default)
        assert parsed["Subject"] == text
        assert spaced(parsed["To"].addresses[0].display_name) == text[:80].strip()
        heads += [data.decode("ascii")]
    for text, decoded in zip(texts, perl_decoded(heads), strict=True):
        lines = decoded.splitlines()
        assert f"Subject: {text}" in lines
        assert f"To: {text[:80].strip()} <vp@songma.example.vn>" in lines
    for text, node in zip(texts, mailparser_decoded(heads), strict=True):
        assert node == {"subject": text, "to": text[:80].strip()}


def test_date_is_in_vietnam_time_and_the_mail_marked_automatic() -> None:
    message = render(due_soon_digest())
    assert message["Date"] == "Thu, 28 Mar 2019 07:30:00 +0700"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["List-Id"] == "dondoc <dondoc.dondoc.example.org>"


def test_message_id_is_stable_per_digest_key() -> None:
    first, again = render(due_soon_digest()), render(due_soon_digest())
    assert first["Message-ID"] == again["Message-ID"]
    assert re.fullmatch(r"<[0-9a-f]{32}@dondoc\.example\.org>", first["Message-ID"])
    next_day = replace(due_soon_digest(), day=date(2019, 3, 29))
    assert render(next_day)["Message-ID"] != first["Message-ID"]


def test_overdue_repeats_about_one_item_share_subject_and_thread_root() -> None:
    monday = render(digest("overdue", [late(1, 1)], day=date(2019, 4, 1)))
    later = render(digest("overdue", [late(1, 2, level=2)], day=date(2019, 4, 2)))
    assert monday["Subject"] == later["Subject"]
    assert monday["Subject"] == (
        "Quá hạn: Tổ chức tuyên truyền nội dung số 1 trên hệ thống truyền thanh cơ sở"
        " (KH 33/KH-UBND)"
    )
    assert monday["Message-ID"] != later["Message-ID"]
    assert monday["In-Reply-To"] == later["In-Reply-To"] == later["References"]
    assert monday["In-Reply-To"] not in (monday["Message-ID"], later["Message-ID"])


def test_overdue_threads_differ_by_items_and_recipient() -> None:
    day = date(2019, 4, 1)
    one = render(digest("overdue", [late(1, 1)], day=day))
    other = render(digest("overdue", [late(2, 1)], day=day))
    both = render(digest("overdue", [late(1, 1), late(2, 1)], day=day))
    elsewhere = render(digest("overdue", [late(1, 1)], to=CULTURE, day=day))
    roots = {m["In-Reply-To"] for m in (one, other, both, elsewhere)}
    assert len(roots) == 4


def test_overdue_subject_for_several_items_counts_them_without_a_date() -> None:
    items = [late(1, 1), late(2, 2), late(3, 1, plan_number="45/KH-UBND")]
    message = render(digest("overdue", items, day=date(2019, 4, 1)))
    assert message["Subject"] == "Quá hạn: 3 việc — KH 33/KH-UBND, 45/KH-UBND"


def test_due_soon_starts_no_thread() -> None:
    message = render(due_soon_digest())
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_line_breaks_in_plan_text_cannot_add_headers() -> None:
    evil = "Báo cáo\r\nBcc: ke-gian@evil.example\r\n\r\nthân thư giả"
    recipient = replace(RECIPIENTS[CENTRE], name=f"{CENTRE}\nX-Injected: 1")
    d = Digest("overdue", recipient, date(2019, 4, 1), (late(1, 1, content=evil),))
    data = raw(d)
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["Subject"].startswith("Quá hạn: Báo cáo Bcc: ke-gian@evil.example thân")
    assert spaced(message["To"].addresses[0].display_name) == f"{CENTRE} X-Injected: 1"
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        assert re.match(rb"[A-Za-z-]+: |[ \t]", line), line
    [part] = attachments(message, "text/calendar")
    [event] = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("QUÁ HẠN [Chủ trì] Báo cáo\nBcc: ke-gian")
