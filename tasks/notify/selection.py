"""Which emails a day brings: due-soon reminders and the overdue escalation ladder.

`due_soon` reads the coming deadlines and keeps those whose reminder day (policy lead times,
in working days) is today. `overdue` first turns pending work past its date into overdue work,
then takes the ladder's rung each overdue deadline has reached with a conditional UPDATE (so a
rerun or a second run at once takes nothing twice) and groups what it took into digests:
rung 1 to the lead agency with its head in copy; rung 2 to the plan's monitoring agency, the
lead and its head in copy of their own part; then repeats to the monitoring agency.
Both return plain `Digest`s; rendering and the outbox come after, in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from models.feed_queries import ItemDetails, item_details
from models.notice_queries import (
    Contact,
    contacts,
    coordinators,
    escalation_due,
    newly_overdue,
    past_due,
    plan_monitors,
    support_slots,
    upcoming,
)
from models.queries import default_monitoring_agency_id
from models.status import mark_overdue, take_rung
from tasks.completion import LinkMaker
from tasks.notify.digest import Digest, DigestKind, NoticeItem, Recipient
from tasks.notify.policy import NotifyPolicy
from tasks.schedule import WorkCalendar, event_modified, lead_uid, slot_uid


@dataclass
class NoticeRun:
    """What one day's selection found: the digests, and what it could not send and why."""

    day: date
    digests: list[Digest] = field(default_factory=list)
    # Agencies owed an email that have no address: reported, never skipped silently.
    without_email: dict[int, str] = field(default_factory=dict)
    # Plans with overdue work but no monitoring agency to escalate to.
    unmonitored: dict[int, str] = field(default_factory=dict)
    flipped: int = 0  # pending → overdue
    deadlines: int = 0  # deadlines the digests are about
    skipped: str | None = None  # why nothing was selected (a day off)


def off_day_reason(day: date, policy: NotifyPolicy, calendar: WorkCalendar) -> str | None:
    """Why nothing is sent on `day` (a weekend or holiday), or None on a working day."""
    if policy.send_on_non_working_days or calendar.is_working_day(day):
        return None
    reason = calendar.reason(day) or ("cuối tuần" if day.weekday() >= 5 else "ngày nghỉ")
    return f"{day:%d/%m/%Y} is not a working day ({reason}): nothing is sent"


def due_soon(
    session: Session, day: date, policy: NotifyPolicy, calendar: WorkCalendar, links: LinkMaker
) -> NoticeRun:
    """The "Sắp đến hạn" digests of `day`: each deadline whose reminder day is today, to its
    lead agency (Chủ trì) and, once per deadline, to the agencies supporting it (Phối hợp)."""
    run = NoticeRun(day, skipped=off_day_reason(day, policy, calendar))
    if run.skipped:
        return run
    last = calendar.add_working_days(day, policy.longest_lead)
    between = _memo(lambda due: calendar.working_days_between(day, due))
    rows = [
        (row, days)
        for row in upcoming(session, day, last)
        if (days := between(row.due)) in policy.lead_times(row.schedule_kind, row.kind)
    ]
    _build(session, run, "due_soon", [(r, d, 0) for r, d in rows], links)
    return run


def overdue(
    session: Session,
    day: date,
    policy: NotifyPolicy,
    calendar: WorkCalendar,
    links: LinkMaker,
    now: datetime,
    *,
    dry_run: bool = False,
) -> NoticeRun:
    """The "Quá hạn" digests of `day`. Writes the overdue flips and the rungs taken (unless
    `dry_run`), in the caller's transaction."""
    run = NoticeRun(day, skipped=off_day_reason(day, policy, calendar))
    if run.skipped:
        return run
    if not dry_run:
        first_rungs: dict[date, list[int]] = defaultdict(list)
        for occurrence_id, due in newly_overdue(session, day):
            first_rungs[policy.rung_day(due, 1, calendar)].append(occurrence_id)
        run.flipped = mark_overdue(session, first_rungs, now)
    taken: list[tuple[Row, int, int]] = []
    by_rung: dict[tuple[int, date], list[Row]] = defaultdict(list)
    late_by = _memo(lambda due: calendar.working_days_between(due, day))
    for row in _candidates(session, day, policy, calendar, dry_run):
        by_rung[(policy.level(late_by(row.due)), row.due)].append(row)
    for (level, due), rows in sorted(by_rung.items()):
        fresh = [row for row in rows if row.escalation_level < level]
        if dry_run:
            won = {row.id for row in fresh}
        else:
            next_on = policy.rung_day(due, level + 1, calendar)
            won = set(take_rung(session, [row.id for row in fresh], level, day, next_on))
        taken += [(row, late_by(due), level) for row in fresh if row.id in won]
    # Rung 1 goes to the lead, its head in copy; at rung 2 the lead and its head get their
    # own part of what the monitoring agency is sent; later rungs go to that agency only.
    _build(session, run, "overdue", [t for t in taken if t[2] <= 2], links)
    _build(session, run, "escalation", [t for t in taken if t[2] >= 2], links)
    return run


def _memo(function: Callable[[date], int]) -> Callable[[date], int]:
    """Working-day counts per due date: thousands of deadlines share a handful of dates."""
    return lru_cache(maxsize=None)(function)


def _candidates(
    session: Session, day: date, policy: NotifyPolicy, calendar: WorkCalendar, dry_run: bool
) -> list[Row]:
    """Overdue work at a new rung. A dry run has written no flips: it also reads the
    pending work past its date as if it were overdue now."""
    rows = list(escalation_due(session, day))
    if dry_run:
        rows += [r for r in past_due(session, day) if policy.rung_day(r.due, 1, calendar) <= day]
    return rows


def _build(
    session: Session,
    run: NoticeRun,
    kind: DigestKind,
    chosen: Sequence[tuple[Row, int, int]],
    links: LinkMaker,
) -> None:
    """Group the chosen deadlines into one digest per recipient."""
    if not chosen:
        return
    details = item_details(session, {row.item_id for row, _, _ in chosen})
    supporters = coordinators(session, {row.item_id for row, _, _ in chosen})
    monitors = _monitoring_agencies(session, run, {row.plan_id for row, _, _ in chosen})
    leads_of = defaultdict(set)
    for row, _, _ in chosen:
        leads_of[row.item_id].add(row.agency_id)
    lead_ids = {row.agency_id for row, _, _ in chosen}
    wanted = lead_ids | set(monitors.values()) | {a for s in supporters.values() for a in s}
    people = contacts(session, wanted)

    owed: dict[int, list[NoticeItem]] = defaultdict(list)  # recipient agency → items
    cc: dict[int, set[str]] = defaultdict(set)
    for row, days, level in chosen:
        item = details[row.item_id]
        notice = _lead_notice(row, item, days, level, people[row.agency_id], links, run.day)
        head = people[row.agency_id].head_email
        if kind == "escalation":
            monitor = monitors.get(row.plan_id)
            if monitor is not None:
                owed[monitor].append(notice)
        else:
            owed[row.agency_id].append(notice)
            if kind == "overdue" and head:
                cc[row.agency_id].add(head)
    if kind != "escalation":  # supporters hear once, at the first rung
        first_rung = [c for c in chosen if c[2] <= 1]
        _add_support(session, run, first_rung, details, supporters, leads_of, links, owed)

    for agency_id, items in sorted(owed.items()):
        person = people[agency_id]
        if not person.email:
            run.without_email[agency_id] = person.name
            continue
        copies = tuple(sorted(cc[agency_id] - {person.email}))
        recipient = Recipient(agency_id, person.name, person.email, copies)
        run.digests.append(Digest(kind, recipient, run.day, tuple(items)))
        run.deadlines += len(items)


def _notice(row: Row, item: ItemDetails, days: int, level: int, **about: Any) -> NoticeItem:
    """What every notice of a deadline says; `about` adds the role-specific fields."""
    return NoticeItem(
        occurrence_id=row.id,
        item_id=row.item_id,
        plan_id=row.plan_id,
        plan_number=item.plan_number,
        plan_title=item.plan_title,
        seq=item.seq,
        content=item.content,
        kind=row.kind,
        period_start=row.period_start,
        period_end=row.period_end,
        due=row.due,
        agency_id=row.agency_id,
        working_days=days,
        level=level,
        **about,
    )


def _lead_notice(
    row: Row,
    item: ItemDetails,
    days: int,
    level: int,
    lead: Contact,
    links: LinkMaker,
    day: date,
) -> NoticeItem:
    past = row.due < day
    return _notice(
        row,
        item,
        days,
        level,
        role="lead",
        agency_name=lead.name,
        link=links.completion(item, row.agency_id, day, row.due),
        ics_uid=lead_uid(row.id, links.host),
        # The feed's SEQUENCE rises once the date has passed (its title turns "QUÁ HẠN").
        ics_sequence=row.sequence + past,
        modified=event_modified(row.updated_at, row.due if past else None),
    )


def _add_support(
    session: Session,
    run: NoticeRun,
    chosen: Sequence[tuple[Row, int, int]],
    details: dict[int, ItemDetails],
    supporters: dict[int, set[int]],
    leads_of: dict[int, set[int]],
    links: LinkMaker,
    owed: dict[int, list[NoticeItem]],
) -> None:
    """One Phối hợp notice per supporting agency and deadline (not per lead agency that owes
    it), none for an item the agency also leads: its own deadline says it all."""
    first: dict[tuple[int, str, date], tuple[Row, int, int]] = {}
    for row, days, level in chosen:
        first.setdefault((row.item_id, row.kind, row.period_start), (row, days, level))
    # Every row of a deadline shares its due date, so reading from the earliest one on gives
    # the feeds' grouping without scanning the items' other periods.
    if not first:
        return
    dues = [row.due for row, _, _ in first.values()]
    slots = support_slots(session, first.keys(), since=min(dues), until=max(dues), today=run.day)
    for key, (row, days, level) in first.items():
        item = details[row.item_id]
        slot = slots.get(key)
        for agency_id in sorted(supporters.get(row.item_id, ())):
            if agency_id in leads_of[row.item_id] or slot is None:
                continue
            owed[agency_id].append(
                _notice(
                    row,
                    item,
                    days,
                    level,
                    role="coordinating",
                    agency_name="; ".join(item.leads) or "—",
                    link="",  # the lead reports the work done, not its supporters
                    ics_uid=slot_uid(f"sup-{agency_id}", slot.first_id, links.host),
                    ics_sequence=slot.sequence + (slot.past > 0),
                    modified=event_modified(slot.modified, slot.due if slot.past else None),
                )
            )


def _monitoring_agencies(
    session: Session, run: NoticeRun, plan_ids: Iterable[int]
) -> dict[int, int]:
    """Plan id → the agency escalations go to: the one the plan names or the admin set,
    otherwise the directory's agency flagged `monitoring` (a plan setting, not a constant:
    district plans keep their district's office after 1/7/2025)."""
    found: dict[int, int] = {}
    defaults: dict[str, int | None] = {}
    for plan_id, (agency_id, scope_key) in plan_monitors(session, plan_ids).items():
        if agency_id is None and scope_key not in defaults:
            defaults[scope_key] = default_monitoring_agency_id(session, scope_key)
        chosen = agency_id or defaults[scope_key]
        if chosen is None:
            run.unmonitored[plan_id] = scope_key or "(no locality)"
        else:
            found[plan_id] = chosen
    return found
