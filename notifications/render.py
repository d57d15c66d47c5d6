"""A `Digest` as an email: subject, HTML and text bodies, .ics parts and, for escalations, the
overdue table as XLSX.

Pure: no database and no clock (`now` is given), so one digest renders the same way in the
flow, in a dry run and in the tests. The words live in templates/mail_labels.yaml (Vietnamese,
or English for foreign staff); the layout in templates/mail_*.html and mail_*.txt. The HTML
gets its CSS inlined for mail clients that drop <style>, and keeps its @media rules so a phone
shows one column."""

from __future__ import annotations

import email.policy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from importlib.resources import files
from itertools import groupby
from typing import Any

import css_inline
import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from notifications.mime import (
    MailContext,
    attach_calendars,
    attach_xlsx,
    calendar_parts,
    message_id,
    one_line,
    set_addresses,
    set_automatic,
    set_text_header,
    set_thread,
    shorten,
    xlsx_bytes,
)
from tasks.notify import Digest, NoticeItem, Recipient, Role

SUBJECT_CONTENT = 70  # characters of an item's content in a subject
SUBJECT_PLANS = 3  # plan numbers named in a subject
# An escalation's HTML shows at most this many deadlines (the longest overdue) and lead
# agencies (the most behind), so a manager reads it in a few phone screens and it stays far
# under the ~100 kB at which Gmail clips a message, whatever the plan's size; the text part
# and the attached XLSX have them all.
MAX_TABLE_ROWS = 15
# Cards per role in a due-soon or overdue email's HTML: Gmail clips messages over ~100 KB.
MAX_CARDS = 25
MAX_SUMMARY_ROWS = 15
# The ladder's level at which the monitoring agency is first told (level 1 is the lead's own
# overdue email): shown as "Bậc 1", and what the escalation counts as newly overdue.
FIRST_MONITOR_LEVEL = 2
Labels = Mapping[str, Any]
_ROLES: tuple[tuple[Role, str], ...] = (("lead", "lead"), ("coordinating", "support"))
XLSX_WIDTHS = (12, 16, 36, 8, 60, 18, 34, 12, 10)

TEMPLATES = Environment(
    loader=PackageLoader("notifications", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
# Styles go into style attributes; @media rules stay in <style> for the phone layout. Nothing
# is fetched: the templates link no stylesheet, and remote loading is off besides.
INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False, minify_css=True)


@lru_cache(maxsize=1)
def all_labels() -> dict[str, dict[str, Any]]:
    text = files("notifications").joinpath("templates/mail_labels.yaml").read_text("utf-8")
    return dict(yaml.safe_load(text))


def labels(language: str) -> Labels:
    found = all_labels().get(language)
    if found is None:
        raise ValueError(f"no email labels for language {language!r}")
    return found


def say(t: Labels, key: str, n: int | None = None, **values: object) -> str:
    """A label filled in; `key_one` when there is one of something and the language says
    it differently."""
    if n == 1 and f"{key}_one" in t:
        key = f"{key}_one"
    return str(t[key]).format(n=n, **values)


@dataclass(frozen=True)
class ItemView:
    """One deadline as the templates show it: every string ready, nothing left to compute."""

    plan: str
    number: str
    plan_title: str
    seq: str
    content: str
    kind: str
    checkin: bool
    period: str
    due: str
    due_date: str
    weekday: str
    when: str
    lead_agency: str
    link: str
    days_short: str
    rung: str


@dataclass(frozen=True)
class Section:
    """One role's deadlines: all of them (the text part) and the cards the HTML shows."""

    role: Role
    heading: str
    note: str
    items: list[ItemView]
    shown: list[ItemView]
    more: str  # what the HTML leaves out, said in a sentence ("" when nothing)


@dataclass(frozen=True)
class Group:
    """One lead agency's overdue deadlines: the ones both parts show, and the counts for the
    summary table (the worst lateness short for a cell under its unit, and in words)."""

    agency: str
    total: int
    count: str
    worst: str
    worst_words: str
    shown: list[ItemView]


def day_text(day: date, t: Labels) -> str:
    """The weekday spelled out and the date as agencies write it: Thứ Sáu, 29/03/2019."""
    return f"{t['weekdays'][day.weekday()]}, {day:%d/%m/%Y}"


def _plan(item: NoticeItem, t: Labels) -> str:
    number = one_line(item.plan_number or "")
    return say(t, "plan", number=number) if number else str(t["plan_no_number"])


def _period(item: NoticeItem) -> str:
    if item.period_start == item.period_end:
        return f"{item.period_start:%d/%m/%Y}"
    return f"{item.period_start:%d/%m/%Y} – {item.period_end:%d/%m/%Y}"


def _when(item: NoticeItem, day: date, t: Labels) -> str:
    days = item.working_days
    if item.due < day:
        return say(t, "days_over", days)
    return say(t, "days_left", days) if days > 0 and item.due > day else str(t["days_today"])


def item_view(item: NoticeItem, day: date, t: Labels) -> ItemView:
    return ItemView(
        plan=_plan(item, t),
        number=one_line(item.plan_number or "") or "—",
        plan_title=one_line(item.plan_title),
        seq=say(t, "item", seq=one_line(item.seq)),
        content=one_line(item.content),
        kind=str(t["kind_checkin" if item.kind == "checkin" else "kind_due"]),
        checkin=item.kind == "checkin",
        period=_period(item),
        due=day_text(item.due, t),
        due_date=f"{item.due:%d/%m/%Y}",
        weekday=str(t["weekdays"][item.due.weekday()]),
        when=_when(item, day, t),
        lead_agency=one_line(item.agency_name),
        # Only the lead reports the work done; a supporter's notice carries no link.
        link=item.link if item.role == "lead" else "",
        days_short=say(t, "days_over_short", item.working_days),
        rung=say(t, "rung", max(item.level - FIRST_MONITOR_LEVEL + 1, 1)),
    )


def _sections(digest: Digest, t: Labels) -> list[Section]:
    found = []
    for role, key in _ROLES:
        items = [item_view(i, digest.day, t) for i in digest.by_role(role)]
        if items:
            hidden = len(items) - MAX_CARDS
            more = say(t, "section_more", more=hidden) if hidden > 0 else ""
            heading, note = str(t[f"{key}_heading"]), str(t[f"{key}_note"])
            found.append(Section(role, heading, note, items, items[:MAX_CARDS], more))
    return found


def _escalation_order(digest: Digest) -> list[NoticeItem]:
    """Worst first: lead agencies by their longest delay, each one's deadlines likewise."""
    worst: dict[int, int] = {}
    for i in digest.items:
        worst[i.agency_id] = max(worst.get(i.agency_id, 0), i.working_days)
    return sorted(
        digest.items,
        key=lambda i: (
            -worst[i.agency_id],
            one_line(i.agency_name),
            i.agency_id,
            -i.working_days,
            i.due,
            i.plan_number or "",
            i.seq,
        ),
    )


def _groups(items: list[NoticeItem], day: date, t: Labels) -> list[Group]:
    """`items` in escalation order, grouped by lead agency; the HTML table shows only the
    MAX_TABLE_ROWS longest overdue."""
    longest = sorted(items, key=lambda i: (-i.working_days, i.due, i.occurrence_id))
    shown = {id(i) for i in longest[:MAX_TABLE_ROWS]}
    groups = []
    for _, members in groupby(items, key=lambda i: i.agency_id):
        group = list(members)
        views = [item_view(i, day, t) for i in group]
        worst = max(i.working_days for i in group)
        groups.append(
            Group(
                agency=views[0].lead_agency,
                total=len(views),
                count=say(t, "esc_group", len(views), count=len(views)),
                worst=say(t, "days_over_short", worst),
                worst_words=say(t, "worst_over", worst),
                shown=[v for i, v in zip(group, views, strict=True) if id(i) in shown],
            )
        )
    return groups


def _plan_numbers(items: tuple[NoticeItem, ...]) -> list[str]:
    return sorted({one_line(i.plan_number) for i in items if i.plan_number})


def _numbers(numbers: list[str], t: Labels) -> str:
    shown = ", ".join(numbers[:SUBJECT_PLANS])
    more = len(numbers) - SUBJECT_PLANS
    return say(t, "subject_plans_more", numbers=shown, more=more) if more > 0 else shown


def subject(digest: Digest, t: Labels) -> str:
    """Due soon: dated, one per day. Overdue and escalation: fixed for the thread (the same
    items to the same recipient), so the repeats read as one conversation."""
    if digest.kind == "due_soon":
        count = len(digest.items)
        return say(t, "subject_due_soon", count, count=count, day=f"{digest.day:%d/%m/%Y}")
    numbers = _plan_numbers(digest.items)
    if len(digest.thread_items) == 1:
        first = min(digest.items, key=lambda i: (i.due, i.occurrence_id))
        number = one_line(first.plan_number or "")
        plan = say(t, "subject_plan", number=number) if number else ""
        content = shorten(first.content, SUBJECT_CONTENT)
        text = say(t, f"subject_{digest.kind}_one", content=content, plan=plan)
    else:
        plans = say(t, "subject_plans", numbers=_numbers(numbers, t)) if numbers else ""
        text = say(t, f"subject_{digest.kind}_many", count=len(digest.thread_items), plans=plans)
    return one_line(text)


def _context(digest: Digest, t: Labels, shown_ics: int, more_ics: int) -> dict[str, Any]:
    lead = len(digest.by_role("lead"))
    support = len(digest.by_role("coordinating"))
    context: dict[str, Any] = {
        "t": t,
        "kind": digest.kind,
        "title": t[f"title_{digest.kind}"],
        "day": day_text(digest.day, t),
        "recipient": one_line(digest.recipient.name),
        "cc": bool(digest.recipient.cc),
        "summary": [
            say(t, key, n) for key, n in (("summary_lead", lead), ("summary_support", support)) if n
        ],
        "ics_more": say(t, "ics_more", shown=shown_ics, more=more_ics) if more_ics else "",
    }
    if digest.kind == "escalation":
        ordered = _escalation_order(digest)
        numbers = _plan_numbers(digest.items)
        plans = say(t, "esc_plans", numbers=", ".join(numbers)) if numbers else ""
        context["intro"] = say(t, "esc_intro", plans=plans or str(t["plan_no_number"]))
        context["groups"] = _groups(ordered, digest.day, t)
        agencies = len(context["groups"])
        count = len(digest.items)
        # the subject counts the tasks (the thread is about them); the summary says both, so
        # "4 tasks" in the subject and "186 deadlines" in the body no longer seem to disagree
        tasks = len(digest.thread_items)
        summary = [say(t, "esc_summary", count=count, tasks=tasks, agencies=agencies)]
        # one meaning of "overdue" in every email: new at the first rung today or followed up
        # before, and whether progress-report dates are in (the progress report leaves them out)
        new = sum(1 for item in digest.items if item.level <= FIRST_MONITOR_LEVEL)
        summary.append(say(t, "esc_split", new=new, before=count - new))
        if checkins := sum(1 for item in digest.items if item.kind == "checkin"):
            summary.append(say(t, "esc_checkins", checkins))
        context["esc_summary"] = " ".join(summary)
        hidden = count - MAX_TABLE_ROWS
        context["esc_more"] = (
            say(t, "esc_more", shown=MAX_TABLE_ROWS, count=count) if hidden > 0 else ""
        )
        context["totals"] = context["groups"][:MAX_SUMMARY_ROWS]
        more = agencies - MAX_SUMMARY_ROWS
        context["totals_more"] = say(t, "esc_more_agencies", more=more) if more > 0 else ""
    else:
        context["intro"] = t[f"intro_{digest.kind}"]
        context["sections"] = _sections(digest, t)
    return context


def _table_rows(items: list[NoticeItem], t: Labels) -> list[dict[str, Any]]:
    """The escalation table, one row per deadline, for the XLSX attachment."""
    return [
        {
            t["col_days"]: item.working_days,
            t["col_plan"]: one_line(item.plan_number or ""),
            t["col_plan_title"]: one_line(item.plan_title),
            t["col_seq"]: one_line(item.seq),
            t["col_item"]: one_line(item.content),
            t["col_kind"]: t["kind_checkin" if item.kind == "checkin" else "kind_due"],
            t["col_lead"]: one_line(item.agency_name),
            t["col_due"]: item.due,
            t["col_rung"]: max(item.level - FIRST_MONITOR_LEVEL + 1, 1),
        }
        for item in items
    ]


def new_message(
    recipient: Recipient, mail: MailContext, *, subject: str, key: str, text: str, html: str
) -> EmailMessage:
    """The headers and the text and HTML bodies every dondoc email has; the caller adds its
    own parts. The Message-ID comes from the outbox key."""
    message = EmailMessage(policy=email.policy.default)
    set_addresses(message, recipient, mail.mail_from)
    set_text_header(message, "Subject", subject)
    message["Date"] = format_datetime(mail.now.astimezone(mail.tz))
    message["Message-ID"] = message_id(key, mail.host)
    set_automatic(message, mail.host)
    # base64: Vietnamese text in quoted-printable triples in size, and inlined HTML has
    # lines longer than SMTP allows.
    message.set_content(text, cte="base64")
    message.add_alternative(INLINER.inline(html), subtype="html", cte="base64")
    return message


def render_digest(digest: Digest, mail: MailContext) -> EmailMessage:
    """The email for one digest, ready for the outbox (which serialises it with the SMTP
    policy). `mail.now` dates the message; nothing else here reads a clock."""
    if not digest.items:
        raise ValueError("a digest without items is not an email")
    t = labels(mail.language)
    host = mail.host
    ics, ics_more = [], 0
    if digest.kind != "escalation":
        # An escalation's items carry the lead agency's feed UIDs, not the monitoring feed's:
        # attached, they would add copies to the monitor's calendar.
        calendar_name = say(t, "calendar_name", name=one_line(digest.recipient.name))
        ordered = [i for role, _ in _ROLES for i in digest.by_role(role)]
        ics, ics_more = calendar_parts(
            ordered, day=digest.day, t=t, language=mail.language, calendar_name=calendar_name
        )
    context = _context(digest, t, len(ics), ics_more)
    html = TEMPLATES.get_template(f"mail_{digest.kind}.html").render(context)
    text = TEMPLATES.get_template(f"mail_{digest.kind}.txt").render(context)

    message = new_message(
        digest.recipient, mail, subject=subject(digest, t), key=digest.key, text=text, html=html
    )
    set_thread(message, digest, host)
    message.make_mixed()
    attach_calendars(message, ics)
    if digest.kind == "escalation":
        rows = _table_rows(_escalation_order(digest), t)
        attach_xlsx(message, xlsx_bytes(rows, str(t["xlsx_sheet"]), XLSX_WIDTHS), digest.day)
    # After the parts: making the message multipart moves Content-* headers into its body.
    message["Content-Language"] = str(t["lang"])
    return message
