"""The weekly progress email to a monitoring agency: its plans' totals, the chart of the
agencies furthest behind (an inline PNG) and the full report as an XLSX attachment. Built
with the same layout, headers and labels as the digests (notifications/render.py)."""

from __future__ import annotations

import io
from datetime import date
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, Plan
from notifications.mime import XLSX_TYPE, MailContext, one_line
from notifications.outbox import queue
from notifications.render import TEMPLATES, day_text, labels, new_message, say
from tasks.notify import Recipient
from tasks.reports import ProgressReport, build_progress_report, chart_png, percent


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


def queue_progress_reports(session: Session, day: date, mail: MailContext) -> tuple[int, list[str]]:
    """Queue each monitoring agency's progress email for `day` (keyed: a second run queues
    nothing twice); how many, and the agencies without an address, which get none."""
    in_force = select(Plan.monitoring_agency_id).where(Plan.status == "approved")
    monitors = session.scalars(
        select(Agency).where(Agency.id.in_(in_force)).order_by(Agency.id)
    ).all()
    queued, without_email = 0, []
    for agency in monitors:
        report = build_progress_report(session, day, monitor_id=agency.id)
        if not report.plans:
            continue
        if not agency.email:
            without_email.append(agency.name)
            continue
        recipient = Recipient(agency.id, agency.name, agency.email)
        queued += queue(
            session,
            key=report_key(recipient, report),
            kind="report",
            agency_id=agency.id,
            day=day,
            message=render_progress(report, recipient, mail),
            occurrence_ids=[],
        )
    return queued, without_email
