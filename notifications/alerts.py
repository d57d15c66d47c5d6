"""Emails to the admins: a flow failed (which flow, which run, why, and where to look), and
the way every admin email is sent (queued once under its key, then sent if SMTP is set)."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from dondoc.core.clock import zone
from dondoc.core.db import session_scope
from dondoc.core.settings import get_settings
from notifications.mime import mail_host, message_id, set_automatic, set_text_header
from notifications.outbox import queue
from notifications.smtp import send_if_configured


def send_to_admins(database_url: str, key: str, message: EmailMessage, now: datetime) -> None:
    """Queue an admin email under `key` (a key queued before queues nothing: a retried run
    does not send twice), then send what is due if SMTP is configured."""
    with session_scope(database_url) as session:
        queue(
            session,
            key=key,
            kind="alert",
            agency_id=None,
            day=now.date(),
            message=message,
            occurrence_ids=[],
        )
    send_if_configured(database_url)


def failure_alert(
    *,
    flow_name: str,
    run_name: str,
    run_id: str,
    parameters: dict[str, object],
    state_message: str,
    admins: list[str],
    now: datetime,
) -> EmailMessage:
    settings = get_settings()
    host = mail_host(settings.base_url, settings.mail_from)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = ", ".join(admins)
    set_text_header(message, "Subject", f"[dondoc] Flow {flow_name} thất bại / failed: {run_name}")
    message["Date"] = format_datetime(now.astimezone(zone()))
    message["Message-ID"] = message_id(f"alert:{run_id}", host)
    set_automatic(message, host)
    ui = (settings.prefect_ui_url or "").rstrip("/")
    link = f"{ui}/runs/flow-run/{run_id}" if ui else f"flow run {run_id}"
    message.set_content(
        "\n".join(
            (
                f"Flow {flow_name} ({run_name}) thất bại — failed.",
                "",
                f"Lý do / reason: {state_message}",
                f"Tham số / parameters: {json.dumps(parameters, ensure_ascii=False, default=str)}",
                f"Xem / see: {link}",
                "",
                "Email đã xếp hàng vẫn được giữ; chạy lại flow không gửi trùng thư nào.",
                "Queued email is kept; rerunning the flow sends nothing twice.",
            )
        )
    )
    return message
