"""The email the admins get after the inbox brought documents: what became a draft (to review
and approve), what was already imported, and what failed with its reason. One per run, queued
in the outbox under the run's id, so a retried run does not send it twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from dondoc.core.clock import now_utc, zone
from dondoc.core.settings import get_settings
from notifications.alerts import send_to_admins
from notifications.mime import mail_host, message_id, set_automatic, set_text_header
from tasks.plans.inbox import InboxEntry, outcome_counts

_SAID = {
    "imported": "Dự thảo mới, cần duyệt / new draft to review",
    "known": "Đã nhập trước đây / imported before",
    "failed": "Không đọc được / could not be read",
}


def inbox_summary(
    entries: Sequence[InboxEntry], *, admins: list[str], run_id: str, now: datetime
) -> EmailMessage:
    settings = get_settings()
    host = mail_host(settings.base_url, settings.mail_from)
    counts = outcome_counts(list(entries))
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = ", ".join(admins)
    subject = (
        f"[dondoc] Hộp thư kế hoạch: {counts['imported']} mới, {counts['failed']} lỗi"
        f" / Inbox: {counts['imported']} new, {counts['failed']} failed"
    )
    set_text_header(message, "Subject", subject)
    message["Date"] = format_datetime(now.astimezone(zone()))
    message["Message-ID"] = message_id(f"inbox:{run_id}", host)
    set_automatic(message, host)
    base = settings.base_url.rstrip("/")
    lines: list[str] = []
    for outcome, said in _SAID.items():
        chosen = [entry for entry in entries if entry.outcome == outcome]
        if not chosen:
            continue
        lines += ["", f"{said}:"]
        for entry in chosen:
            if outcome == "failed":
                lines.append(f"- {entry.name}: {entry.reason}")
                continue
            lines.append(
                f"- {entry.name}: kế hoạch / plan {entry.plan_id}, {entry.items} việc / items"
            )
            lines.append(f"  {entry.title}")
            if outcome == "imported":
                lines.append(f"  {base}/admin/plans/{entry.plan_id}")
    lines += [
        "",
        "Tệp đã xử lý nằm trong done/ và failed/ (kèm lý do) của hộp thư.",
        "Handled files are in the inbox's done/ and failed/ folders (with the reason).",
    ]
    message.set_content("\n".join(lines).lstrip("\n"))
    return message


def queue_inbox_summary(
    database_url: str, entries: Sequence[InboxEntry], *, admins: list[str], run_id: str
) -> None:
    now = now_utc()
    message = inbox_summary(entries, admins=admins, run_id=run_id, now=now)
    send_to_admins(database_url, f"inbox:{run_id}", message, now)
