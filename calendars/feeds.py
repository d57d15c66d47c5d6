"""Feeds agencies subscribe to: which deadlines each shows and how each deadline reads.

- agency: the deadlines it leads, one event each ("[Chủ trì] …"), and the items it supports,
  one event per item and period ("[Phối hợp] …");
- plan: every item and period of one plan, with how many lead agencies are done or late;
- monitoring: the same for every plan the agency monitors, the late agencies named.

The window runs from 90 days back to the end of the plans. A deadline reads "✓ " when done,
"QUÁ HẠN " when past due and open, and is STATUS:CANCELLED when no longer owed."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.documents import FeedDocument
from calendars.ics import FeedEvent, calendar_bytes
from calendars.titles import event_summary, event_title, role_label, state_mark
from calendars.tokens import find_token
from dondoc.core.db import session_scope
from dondoc.core.settings import get_settings
from models import Agency, FeedToken, Occurrence, Plan
from models.feed_queries import (
    ItemDetails,
    Slot,
    item_details,
    late_agencies,
    lead_occurrences,
    monitored_plans,
    slots,
    supported_items,
    supporting_agency_ids,
)
from models.occurrence import effective_status
from tasks.completion import LinkMaker
from tasks.schedule import event_modified, lead_uid, slot_uid

WINDOW_BACK = timedelta(days=90)
LATE_NAMES_SHOWN = 10
SHARE = 250  # feeds per task when several processes build them
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedSpec:
    kind: str  # "agency" | "monitoring" | "plan"
    target_id: int
    title: str


def feed_filename(spec: FeedSpec) -> str:
    return f"{spec.kind}-{spec.target_id}.ics"


def agency_spec(kind: str, agency: Agency) -> FeedSpec:
    label = "theo dõi" if kind == "monitoring" else "việc"
    return FeedSpec(kind, agency.id, f"dondoc — {agency.name} ({label})")


def plan_spec(plan: Plan) -> FeedSpec:
    return FeedSpec("plan", plan.id, f"dondoc — KH {plan.number or plan.id}: {plan.title}")


def spec_for_token(session: Session, row: FeedToken) -> FeedSpec:
    if row.kind == "plan":
        plan = session.get(Plan, row.plan_id)
        assert plan is not None
        return plan_spec(plan)
    agency = session.get(Agency, row.agency_id)
    assert agency is not None
    return agency_spec(row.kind, agency)


def load_token_feed(session: Session, token: str, today: date) -> FeedDocument | None:
    """The feed a subscription URL's token opens; None for any token that opens nothing."""
    row = find_token(session, token)
    if row is None:
        return None
    return FeedBuilder(session, today).build(spec_for_token(session, row))


def all_specs(session: Session) -> list[FeedSpec]:
    """Every feed worth publishing: agencies with deadlines or supporting work, monitoring
    agencies, plans."""
    owing = set(session.scalars(select(Occurrence.agency_id).distinct()))
    wanted = owing | supporting_agency_ids(session)
    agencies = session.scalars(
        select(Agency).where(Agency.id.in_(wanted)).order_by(Agency.id)
    ).all()
    monitors = session.scalars(
        select(Agency).where(
            Agency.id.in_(select(Plan.monitoring_agency_id).where(Plan.status == "approved"))
        )
    ).all()
    plans = session.scalars(
        select(Plan).where(
            Plan.status == "approved", Plan.id.in_(select(Occurrence.plan_id).distinct())
        )
    ).all()
    return [
        *(agency_spec("agency", agency) for agency in agencies),
        *(agency_spec("monitoring", agency) for agency in monitors),
        *(plan_spec(plan) for plan in plans),
    ]


@dataclass(frozen=True)
class WrittenFeed:
    spec: FeedSpec
    path: Path
    events: int
    trimmed: int
    etag: str


def write_feeds(
    session: Session,
    out_dir: Path,
    today: date,
    progress: Callable[[int, int], None] | None = None,
    *,
    workers: int = 1,
    kinds: Collection[str] | None = None,
) -> list[WrittenFeed]:
    """Every feed (or those of `kinds`) as a file, for static hosting. With several workers
    the feeds are shared among processes, each reading committed data on its own
    connection: building the nation's 10,000 agency feeds is CPU-bound."""
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = [spec for spec in all_specs(session) if kinds is None or spec.kind in kinds]
    if workers <= 1:
        return _write(FeedBuilder(session, today), specs, out_dir, progress)
    url = session.get_bind().url.render_as_string(hide_password=False)
    shares = [specs[start : start + SHARE] for start in range(0, len(specs), SHARE)]
    written: list[WrittenFeed] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_write_share, url, share, today, out_dir) for share in shares]
        for future in as_completed(futures):
            written.extend(future.result())
            if progress:
                progress(len(written), len(specs))
    order = {spec: n for n, spec in enumerate(specs)}
    return sorted(written, key=lambda feed: order[feed.spec])


def _write_share(url: str, specs: list[FeedSpec], today: date, out_dir: Path) -> list[WrittenFeed]:
    with session_scope(url) as session:
        return _write(FeedBuilder(session, today), specs, out_dir, None)


def _write(
    builder: FeedBuilder,
    specs: list[FeedSpec],
    out_dir: Path,
    progress: Callable[[int, int], None] | None,
) -> list[WrittenFeed]:
    written = []
    for done, spec in enumerate(specs, start=1):
        document = builder.build(spec)
        path = out_dir / feed_filename(spec)
        path.write_bytes(document.body)
        written.append(WrittenFeed(spec, path, document.events, document.trimmed, document.etag))
        if progress:
            progress(done, len(specs))
    return written


class FeedBuilder:
    """Builds feeds as of `today`, caching what several feeds share (items' details)."""

    def __init__(self, session: Session, today: date) -> None:
        settings = get_settings()
        self.session = session
        self.today = today
        self.since = today - WINDOW_BACK
        self.links = LinkMaker(settings.base_url, settings.signing_key(), settings.uid_domain)
        self.host = self.links.host
        self._items: dict[int, ItemDetails] = {}
        self._descriptions: dict[int, str] = {}

    def build(self, spec: FeedSpec) -> FeedDocument:
        if spec.kind == "agency":
            lead, led_items = self._lead_events(spec.target_id)
            events = [*lead, *self._support_events(spec.target_id, led_items)]
            about = "Các hạn công việc đơn vị chủ trì và phối hợp thực hiện."
        elif spec.kind == "plan":
            events = self._slot_events("plan", plan_ids=[spec.target_id])
            about = "Các hạn công việc của kế hoạch và tình hình thực hiện."
        else:
            plan_ids = monitored_plans(self.session, spec.target_id)
            events = self._slot_events("mon", plan_ids=plan_ids)
            about = "Các kế hoạch đơn vị theo dõi, đôn đốc; việc quá hạn được đánh dấu."
        body, count, trimmed = calendar_bytes(spec.title, about, events, self.today)
        modified = max((e.modified for e in events), default=EPOCH)
        if trimmed:  # which events fit moves with the date, not with any row
            modified = max(modified, datetime.combine(self.today, time(0), tzinfo=UTC))
        return FeedDocument(body, modified, count, trimmed)

    def _details(self, item_ids: Iterable[int]) -> dict[int, ItemDetails]:
        missing = {i for i in item_ids if i not in self._items}
        self._items.update(item_details(self.session, missing))
        return self._items

    # SEQUENCE is the rows' own (every flip raises it) plus one once the due date has passed,
    # when the title may turn "QUÁ HẠN" with no row changing: it only ever rises.

    def _lead_events(self, agency_id: int) -> tuple[list[FeedEvent], set[int]]:
        """The agency's own deadlines, and the items they belong to."""
        rows = lead_occurrences(self.session, agency_id, self.since)
        led_items = {row.item_id for row in rows}
        details = self._details(led_items)
        events = []
        for occ_id, item_id, kind, due, status, sequence, updated_at in rows:
            item = details[item_id]
            past = due < self.today
            shown = effective_status(status, due, self.today)
            events.append(
                FeedEvent(
                    uid=lead_uid(occ_id, self.host),
                    due=due,
                    summary=event_summary(item.content, state=shown, role="lead", kind=kind),
                    description=self._description(item) + "\nBáo cáo hoàn thành: ",
                    description_tail=self._link(item, agency_id, due),
                    sequence=sequence + past,
                    modified=event_modified(updated_at, due if past else None),
                    cancelled=status == "cancelled",
                )
            )
        return events, led_items

    def _support_events(self, agency_id: int, led_items: set[int]) -> list[FeedEvent]:
        """One event per supported item and period; none for an item the agency also leads
        (its own deadline says it all)."""
        item_ids = [i for i in supported_items(self.session, agency_id) if i not in led_items]
        found = slots(self.session, since=self.since, today=self.today, item_ids=item_ids)
        details = self._details(item_ids)
        return [
            self._slot_event(
                f"sup-{agency_id}", slot, details[slot.item_id], role_label("support"), ""
            )
            for slot in found
        ]

    def _slot_events(self, prefix: str, *, plan_ids: list[int]) -> list[FeedEvent]:
        if not plan_ids:
            return []
        found = slots(self.session, since=self.since, today=self.today, plan_ids=plan_ids)
        details = self._details({slot.item_id for slot in found})
        late = late_agencies(
            self.session, {s.item_id for s in found if s.late}, self.since, self.today
        )
        events = []
        for slot in found:
            names = late.get((slot.item_id, slot.kind, slot.period_start), [])
            note = ""
            if names:
                shown = ", ".join(names[:LATE_NAMES_SHOWN])
                more = len(names) - LATE_NAMES_SHOWN
                note = f"\nQuá hạn: {shown}" + (f" và {more} đơn vị khác" if more > 0 else "")
            events.append(
                self._slot_event(prefix, slot, details[slot.item_id], _counts(slot), note)
            )
        return events

    def _slot_event(
        self, prefix: str, slot: Slot, item: ItemDetails, label: str, note: str
    ) -> FeedEvent:
        if slot.cancelled == slot.total:
            state = "cancelled"
        elif slot.done + slot.cancelled == slot.total:
            state = "done"
        else:
            state = "overdue" if slot.late else "pending"
        return FeedEvent(
            uid=slot_uid(prefix, slot.first_id, self.host),
            due=slot.due,
            summary=state_mark(state) + label + event_title(item.content, slot.kind),
            description=self._description(item) + note,
            sequence=slot.sequence + (slot.past > 0),
            modified=event_modified(slot.modified, slot.due if slot.past else None),
            cancelled=state == "cancelled",
        )

    def _description(self, item: ItemDetails) -> str:
        found = self._descriptions.get(item.item_id)
        if found is None:
            found = self._descriptions[item.item_id] = _describe(item)
        return found

    def _link(self, item: ItemDetails, agency_id: int, due: date) -> str:
        return self.links.completion(item, agency_id, self.today, due)


def _describe(item: ItemDetails) -> str:
    """What a feed says of an item: its content, plan, agencies and timeframe as written."""
    return "\n".join(
        (
            item.content,
            f"Kế hoạch: {item.plan_number or '(chưa có số)'} — {item.plan_title}",
            f"Chủ trì: {'; '.join(item.leads) or '—'}",
            f"Phối hợp: {'; '.join(item.coordinating) or '—'}",
            f"Thời gian thực hiện: {item.timeframe or '—'}",
        )
    )


def _counts(slot: Slot) -> str:
    """ "[12/19 ✓, 3 quá hạn] " for a deadline several agencies owe; nothing for one."""
    if slot.total == 1:
        return ""
    late = f", {slot.late} quá hạn" if slot.late else ""
    return f"[{slot.done}/{slot.total - slot.cancelled} ✓{late}] "
