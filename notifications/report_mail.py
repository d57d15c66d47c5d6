"""The weekly progress email to a monitoring agency: its plans' totals, the chart of the
agencies furthest behind (an inline PNG) and the full report as an XLSX attachment. Built
with the same layout, headers and labels as the digests (notifications/render.py)."""

from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import make_msgid

from notifications.mime import XLSX_TYPE, MailContext, one_line
from notifications.render import TEMPLATES, day_text, labels, new_message, say
from tasks.notify import Recipient
from tasks.reports import ProgressReport, chart_png, percent


def report_key(recipient: Recipient, report: ProgressReport) -> str:
    """One progress email per monitoring agency, address and report date."""
    return f"report:{recipient.agency_id}:{recipient.email}:{report.as_of:%Y-%m-%d}"


def render_progress(
    report: ProgressReport, recipient: Recipient, mail: MailContext
) -> EmailMessage:
    t = labels(mail.language)
    host = mail.host
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

    subject = say(t, "subject_report", day=f"{report.as_of:%d/%m/%Y}")
    key = report_key(recipient, report)
    message = new_message(recipient, mail, subject=subject, key=key, text=text, html=html)
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
