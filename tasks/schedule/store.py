"""The write side of a compile: the desired occurrences diffed against the stored ones, and
only the difference written, in bulk, in the caller's transaction.

An occurrence is identified by (item, agency, kind, period start), so a recompile finds its
rows again; an amendment first moves the occurrences of the items it keeps (same key, or a
reworded content) onto its own items. Nothing is deleted: work that is no longer owed is
cancelled and the flip recorded, so the history of what was asked stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from dondoc.core.text import normalize_name
from models import OPEN_STATUSES, Occurrence, Plan, PlanCompilation, PlanItem
from models.bulk import OccurrenceRow, insert_occurrences
from models.status import Seen, flip
from tasks.schedule.compiled import (
    CompileError,
    CompileInput,
    CompileResult,
    DesiredRow,
    ItemChange,
)

# Two wordings of an item at least this similar (rapidfuzz, 0–100) are the same item edited.
EDIT_SIMILARITY = 85.0
OCC = Occurrence.__table__
Key = tuple[int, int, str, date]


def apply_compile(
    session: Session, prepared: CompileInput, desired: Sequence[DesiredRow], *, now: datetime
) -> CompileResult:
    # Locked (PostgreSQL) so two compiles of one plan queue; the unique occurrence identity
    # stops a doubled insert on any database.
    plan = session.get(Plan, prepared.plan_id, with_for_update=True)
    if plan is None or plan.status != "approved":
        status = plan.status if plan else "gone"
        raise CompileError(f"plan {prepared.plan_id} is {status}: only approved plans compile")
    plan.period_start, plan.period_end = prepared.period
    changes = {spec.item_id: ItemChange(spec.seq, spec.content) for spec in prepared.items}
    predecessor = _predecessor(session, plan)
    removed: list[ItemChange] = []
    if predecessor is not None:
        removed = _take_over(session, predecessor, plan, changes, now)
    counts = dict.fromkeys(("added", "rescheduled", "cancelled", "reinstated", "unchanged"), 0)
    counts["cancelled"] = sum(change.cancelled for change in removed)
    _diff_and_write(session, plan.id, prepared.period[0], desired, changes, counts, now)

    version = _last_version(session, plan.id, predecessor)
    result = CompileResult(
        plan.id,
        version,
        prepared.period,
        counts,
        [*changes.values(), *removed],
        list(prepared.warnings),
        predecessor.id if predecessor else None,
    )
    if result.changed or predecessor is not None:
        result.version = version + 1
        session.add(
            PlanCompilation(
                plan_id=plan.id,
                version=result.version,
                compiled_at=now,
                period_start=prepared.period[0],
                period_end=prepared.period[1],
                **{k: counts[k] for k in ("added", "rescheduled", "cancelled", "unchanged")},
                diff=result.to_json(),
            )
        )
    session.flush()
    return result


def _diff_and_write(
    session: Session,
    plan_id: int,
    window_start: date,
    desired: Sequence[DesiredRow],
    changes: dict[int, ItemChange],
    counts: dict[str, int],
    now: datetime,
) -> None:
    stored = _stored(session, plan_id)
    inserts: list[OccurrenceRow] = []
    updates: list[dict[str, Any]] = []
    reopened: list[Seen] = []
    wanted: set[Key] = set()
    for item_id, agency_id, kind, start, end, nominal, due in desired:
        key = (item_id, agency_id, kind, start)
        wanted.add(key)
        row = stored.get(key)
        change = changes[item_id]
        if row is None:
            inserts.append(new_row(plan_id, key, end, nominal, due, now))
            change.added += 1
            counts["added"] += 1
            continue
        occurrence_id, status, stored_end, stored_nominal, stored_due = row
        moved = (stored_end, stored_nominal, stored_due) != (end, nominal, due)
        if status == "cancelled":
            change.reinstated += 1
            counts["reinstated"] += 1
        elif moved:
            change.rescheduled += 1
            counts["rescheduled"] += 1
        else:
            counts["unchanged"] += 1
            continue
        # Cancelled work owed again, and overdue work given a new date, are open again
        # (pending past its date reads as overdue); work already done stays done.
        if status in ("cancelled", "overdue"):
            reopened.append((occurrence_id, status))
        updates.append({"oid": occurrence_id, "p_end": end, "p_nominal": nominal, "p_due": due})
    stale: list[Seen] = []
    for key, row in stored.items():
        if key not in wanted and row[1] in OPEN_STATUSES and row[4] >= window_start:
            stale.append((row[0], row[1]))
            changes[key[0]].cancelled += 1
    counts["cancelled"] += len(stale)
    insert_occurrences(session, inserts)
    _move(session, updates, reopened, now)
    cancel(session, stale, now)


def _move(
    session: Session, updates: list[dict[str, Any]], reopened: list[Seen], now: datetime
) -> None:
    """Reopen the work owed again, then write the new dates; the sequence rises once for
    each occurrence (the reopening flip has already raised it for the rows it changed)."""
    flipped = {i for i, _ in flip(session, reopened, "pending", now=now, by="compile")}
    if not updates:
        return
    for row in updates:
        row["p_step"] = 0 if row["oid"] in flipped else 1
    statement = (
        update(OCC)
        .where(OCC.c.id == bindparam("oid"))
        .values(
            period_end=bindparam("p_end"),
            nominal_due=bindparam("p_nominal"),
            due=bindparam("p_due"),
            sequence=OCC.c.sequence + bindparam("p_step"),
            updated_at=now,
        )
    )
    session.connection().execute(statement, updates)


def _stored(session: Session, plan_id: int) -> dict[Key, tuple[int, str, date, date, date]]:
    """The plan's occurrences by identity; skipped when the plan has none (a first compile)."""
    if not session.scalar(select(exists().where(OCC.c.plan_id == plan_id))):
        return {}
    rows = session.execute(
        select(
            OCC.c.item_id,
            OCC.c.agency_id,
            OCC.c.kind,
            OCC.c.period_start,
            OCC.c.id,
            OCC.c.status,
            OCC.c.period_end,
            OCC.c.nominal_due,
            OCC.c.due,
        ).where(OCC.c.plan_id == plan_id)
    )
    return {(r[0], r[1], r[2], r[3]): (r[4], r[5], r[6], r[7], r[8]) for r in rows}


def new_row(
    plan_id: int, key: Key, end: date, nominal: date, due: date, now: datetime
) -> OccurrenceRow:
    item_id, agency_id, kind, start = key
    return (plan_id, item_id, agency_id, kind, start, end, nominal, due, "pending", 0, now, now)


def cancel(session: Session, occurrences: Sequence[Seen], now: datetime) -> None:
    """Cancel open occurrences (id, status read), each flip recorded as the compile's."""
    flip(session, occurrences, "cancelled", now=now, by="compile")


# --- amendments ----------------------------------------------------------------------------


def _predecessor(session: Session, plan: Plan) -> Plan | None:
    """The compiled, approved earlier text of the same plan (same number, same locality)."""
    if not plan.number:
        return None
    query = (
        select(Plan)
        .where(
            Plan.number == plan.number,
            Plan.scope_key == plan.scope_key,
            Plan.status == "approved",
            Plan.id < plan.id,
            exists().where(OCC.c.plan_id == Plan.id),
        )
        .order_by(Plan.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _take_over(
    session: Session, old: Plan, new: Plan, changes: dict[int, ItemChange], now: datetime
) -> list[ItemChange]:
    """Move the occurrences of the items the amendment keeps onto its items, cancel the open
    work of the items it drops, and mark the old text superseded. Returns the dropped items."""
    pairs = match_items(old.items, new.items)
    for old_item, new_item in pairs:
        session.execute(
            update(OCC)
            .where(OCC.c.item_id == old_item.id)
            .values(plan_id=new.id, item_id=new_item.id)
        )
        if old_item.key != new_item.key:
            changes[new_item.id].change = "edited"
    kept_old = {old_item.id for old_item, _ in pairs}
    kept_new = {new_item.id for _, new_item in pairs}
    for item in new.items:
        if item.id not in kept_new:
            changes[item.id].change = "added"
    removed: list[ItemChange] = []
    for item in old.items:
        if item.id in kept_old:
            continue
        open_rows = session.execute(
            select(OCC.c.id, OCC.c.status).where(
                OCC.c.item_id == item.id, OCC.c.status.in_(OPEN_STATUSES)
            )
        ).all()
        cancel(session, [(r[0], r[1]) for r in open_rows], now)
        removed.append(ItemChange(item.seq, item.content, "removed", cancelled=len(open_rows)))
    old.supersede()
    new.supersedes_id = old.id
    return removed


def match_items(
    old: Sequence[PlanItem], new: Sequence[PlanItem]
) -> list[tuple[PlanItem, PlanItem]]:
    """Pairs of the same item in two texts of a plan: equal keys first, then the most similar
    remaining wordings (at least EDIT_SIMILARITY), each item used once."""
    by_key = {item.key: item for item in new}
    pairs = [(item, by_key.pop(item.key)) for item in old if item.key in by_key]
    paired_old = {item.id for item, _ in pairs}
    left_old = [item for item in old if item.id not in paired_old]
    left_new = list(by_key.values())
    scored = sorted(
        (
            (fuzz.token_sort_ratio(normalize_name(a.content), normalize_name(b.content)), i, j)
            for i, a in enumerate(left_old)
            for j, b in enumerate(left_new)
        ),
        reverse=True,
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, i, j in scored:
        if score < EDIT_SIMILARITY:
            break
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((left_old[i], left_new[j]))
    return pairs


def _last_version(session: Session, plan_id: int, predecessor: Plan | None) -> int:
    """Versions count along the plan's texts: an amendment continues its predecessor's."""
    ids = [plan_id] + ([predecessor.id] if predecessor else [])
    query = select(func.max(PlanCompilation.version)).where(PlanCompilation.plan_id.in_(ids))
    return session.scalar(query) or 0
