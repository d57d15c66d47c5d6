"""The email an admin gets when a flow fails: which flow, which run, why, and where to look."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from dondoc.core.clock import zone
from dondoc.core.settings import get_settings
from notifications.mime import mail_host, message_id, set_automatic, set_text_header


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
