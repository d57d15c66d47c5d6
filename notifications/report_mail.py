"""The weekly progress email to a monitoring agency: its plans' totals, the chart of the
agencies furthest behind (an inline PNG) and the full report as an XLSX attachment. Built
with the same layout, headers and labels as the digests (notifications/render.py)."""

from __future__ import annotations

import email.policy
import io
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from notifications.digest import Recipient
from notifications.mime import (
    XLSX_TYPE,
    mail_host,
    message_id,
    one_line,
    set_addresses,
    set_automatic,
)
from notifications.render import INLINER, TEMPLATES, day_text, labels, say
from tasks.progress import ProgressReport, chart_png, percent


def report_key(recipient: Recipient, report: ProgressReport) -> str:
    """One progress email per monitoring agency, address and report date."""
    return f"report:{recipient.agency_id}:{recipient.email}:{report.as_of:%Y-%m-%d}"


def render_progress(
    report: ProgressReport,
    recipient: Recipient,
    *,
    mail_from: str,
    language: str = "vi",
    base_url: str,
    now: datetime,
    tz: ZoneInfo,
) -> EmailMessage:
    t = labels(language)
    host = mail_host(base_url, mail_from)
    chart_id = make_msgid("chart", domain=host)
    day = day_text(report.as_of, t)
    context = {
        "t": t,
        "kind": "report",
        "title": t["title_report"],
        "day": day,
        "recipient": one_line(recipient.name),
        "intro": t["intro_report"],
        "preheader": "",
        "chart_cid": chart_id.strip("<>"),
        "plans": [
            {
                "label": plan.label,
                "due": plan.tally.due,
                "done": plan.tally.done,
                "late": plan.tally.done_late,
                "overdue": plan.tally.overdue,
                "rate": percent(plan.tally.on_time_rate),
            }
            for plan in report.plans
        ],
    }
    html = TEMPLATES.get_template("mail_report.html").render(context)
    text = TEMPLATES.get_template("mail_report.txt").render(context)

    message = EmailMessage(policy=email.policy.default)
    set_addresses(message, recipient, mail_from)
    message["Subject"] = say(t, "subject_report", day=f"{report.as_of:%d/%m/%Y}")
    message["Date"] = format_datetime(now.astimezone(tz))
    message["Message-ID"] = message_id(report_key(recipient, report), host)
    set_automatic(message, host)
    message.set_content(text, cte="base64")
    message.add_alternative(INLINER.inline(html), subtype="html", cte="base64")
    html_part = message.get_payload()[1]  # type: ignore[index]
    html_part.add_related(chart_png(report), "image", "png", cid=chart_id)
    buffer = io.BytesIO()
    report.to_xlsx(buffer)
    message.add_attachment(
        buffer.getvalue(),
        *XLSX_TYPE,
        filename=f"tien-do-{report.as_of:%Y%m%d}.xlsx",
    )
    message["Content-Language"] = str(t["lang"])
    return message
