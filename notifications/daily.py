"""One day's emails, from selection to the outbox, in one transaction.

`queue_day` selects the day's digests (tasks.notify.selection), renders each once and queues it
under its unique key; the overdue flips and escalation rungs it takes commit together with the
queued rows, or not at all. Sending is a separate step (notifications.smtp), so a send that
fails or a flow that is retried never selects, renders or queues anything twice."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from dondoc.core.clock import zone
from dondoc.core.settings import Settings, get_settings
from notifications.mime import MailContext
from notifications.outbox import queue
from notifications.render import render_digest
from tasks.notify import Digest, LinkMaker, NoticeRun, NotifyPolicy, due_soon, overdue
from tasks.schedule import WorkCalendar

Command = Literal["remind", "escalate"]


@dataclass
class QueuedDigest:
    kind: str
    agency_id: int
    to: str
    cc: list[str]
    subject: str
    lead: int  # deadlines the recipient owes
    support: int  # deadlines it supports
    queued: bool  # False: the same key was queued before (a rerun)


@dataclass
class DayReport:
    """What a remind or escalate run did: the run's summary and its Prefect artifact."""

    command: Command
    day: date
    dry_run: bool
    skipped: str | None = None
    flipped: int = 0
    deadlines: int = 0
    queued: int = 0
    already_queued: int = 0
    digests: list[QueuedDigest] = field(default_factory=list)
    without_email: dict[int, str] = field(default_factory=dict)
    unmonitored: dict[int, str] = field(default_factory=dict)
    # escalate: the overdue deadlines that reached a rung, longest overdue first.
    overdue: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["without_email"] = [
            {"agency_id": k, "name": v} for k, v in sorted(self.without_email.items())
        ]
        data["unmonitored"] = [
            {"plan_id": k, "scope": v} for k, v in sorted(self.unmonitored.items())
        ]
        return data


@dataclass(frozen=True)
class NotifyConfig:
    policy: NotifyPolicy
    calendar: WorkCalendar
    links: LinkMaker
    mail_from: str
    language: str
    base_url: str

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> NotifyConfig:
        settings = settings or get_settings()
        return cls(
            policy=NotifyPolicy.from_file(settings.notify_policy),
            calendar=WorkCalendar.from_file(settings.workday_overrides),
            links=LinkMaker(settings.base_url, settings.signing_key(), settings.uid_domain),
            mail_from=settings.mail_from,
            language=settings.mail_language,
            base_url=settings.base_url,
        )


def queue_day(
    session: Session,
    command: Command,
    day: date,
    config: NotifyConfig,
    now: datetime,
    *,
    dry_run: bool = False,
) -> DayReport:
    """Select, render and queue the day's digests (`remind`: due soon; `escalate`: overdue).
    A dry run renders but writes nothing."""
    if command == "remind":
        run = due_soon(session, day, config.policy, config.calendar, config.links)
    else:
        run = overdue(
            session, day, config.policy, config.calendar, config.links, now, dry_run=dry_run
        )
    report = _report(command, run, dry_run)
    report.overdue = _overdue_rows(run.digests)
    context = MailContext(config.mail_from, config.base_url, now, zone(), config.language)
    for digest in run.digests:
        message = render_digest(digest, context)
        inserted = False
        if not dry_run:
            inserted = queue(
                session,
                key=digest.key,
                kind=digest.kind,
                agency_id=digest.recipient.agency_id,
                day=day,
                message=message,
                occurrence_ids=sorted({i.occurrence_id for i in digest.items}),
            )
        report.queued += inserted
        report.already_queued += not inserted and not dry_run
        report.digests.append(_summary(digest, str(message["Subject"]), inserted))
    return report


def _report(command: Command, run: NoticeRun, dry_run: bool) -> DayReport:
    return DayReport(
        command=command,
        day=run.day,
        dry_run=dry_run,
        skipped=run.skipped,
        flipped=run.flipped,
        deadlines=run.deadlines,
        without_email=run.without_email,
        unmonitored=run.unmonitored,
    )


def _overdue_rows(digests: list[Digest]) -> list[dict[str, Any]]:
    """Each deadline that climbed a rung today, once, as the run's overdue table."""
    seen: dict[int, dict[str, Any]] = {}
    for digest in digests:
        for item in digest.by_role("lead"):
            if item.level and item.occurrence_id not in seen:
                seen[item.occurrence_id] = {
                    "agency": item.agency_name,
                    "plan": item.plan_number or item.plan_title,
                    "item": f"{item.seq}. {item.content}",
                    "due": item.due.isoformat(),
                    "working_days_overdue": item.working_days,
                    "rung": item.level,
                }
    return sorted(seen.values(), key=lambda r: (-r["working_days_overdue"], r["agency"]))


def _summary(digest: Digest, subject: str, inserted: bool) -> QueuedDigest:
    return QueuedDigest(
        kind=digest.kind,
        agency_id=digest.recipient.agency_id,
        to=digest.recipient.email,
        cc=list(digest.recipient.cc),
        subject=subject,
        lead=len(digest.by_role("lead")),
        support=len(digest.by_role("coordinating")),
        queued=inserted,
    )
