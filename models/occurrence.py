"""Occurrences: one dated piece of work an agency owes for one item and one period, and the
compilations that produced them.

Lateness lives in indexed columns (`status`, `due`), so "what is due or overdue today" is an
index range scan however many occurrences the nation has. Status flips are rows of
`occurrence_event`, written only by `models.status`; an occurrence is never deleted: a
removed item's work is cancelled."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from dondoc.core.clock import now_utc
from models.agency import Agency
from models.base import Base, CreatedAt, one_of
from models.plan import Plan, PlanItem

OCCURRENCE_STATUSES = ("pending", "done", "done_late", "overdue", "cancelled")
OPEN_STATUSES = ("pending", "overdue")
# "due": the deliverable of a period; "checkin": a progress check on ongoing work.
OCCURRENCE_KINDS = ("due", "checkin")


class OccurrenceStateError(ValueError):
    """A status change the occurrence's current status does not allow."""


class Occurrence(CreatedAt, Base):
    __tablename__ = "occurrence"
    __table_args__ = (
        # The identity a recompile or an amendment matches on.
        UniqueConstraint("item_id", "agency_id", "kind", "period_start"),
        one_of("status", OCCURRENCE_STATUSES),
        one_of("kind", OCCURRENCE_KINDS),
        # The day's selection (due soon, overdue) reads a range of this index.
        Index("ix_occurrence_status_due", "status", "due"),
        Index("ix_occurrence_agency_due", "agency_id", "due"),
        Index("ix_occurrence_status_next_escalation_on", "status", "next_escalation_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(8), default="due")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # The date the rule gives, and the working day it falls due on (Civil Code art. 148).
    nominal_due: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    # Rises whenever the due date or the status changes, so calendar clients replace the event.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    # The highest rung of the escalation ladder already queued (0: none), the day it was, and
    # the day the next rung is due: set when the work turns overdue and at each rung, so the
    # day's escalations are an index range on (status, next_escalation_on), however much
    # work is overdue. A rung is taken with a conditional UPDATE (models.status.take_rung):
    # never queued twice.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    escalated_on: Mapped[date | None] = mapped_column(Date)
    next_escalation_on: Mapped[date | None] = mapped_column(Date)

    plan: Mapped[Plan] = relationship()
    item: Mapped[PlanItem] = relationship()
    agency: Mapped[Agency] = relationship()

    def status_on(self, today: date) -> str:
        return effective_status(self.status, self.due, today)


class OccurrenceEvent(Base):
    """One status flip of an occurrence: the history compile and completion never erase."""

    __tablename__ = "occurrence_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrence.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


class PlanCompilation(Base):
    """A compile that changed something: the plan's next version, its period and its diff.
    Compiling again with nothing to change writes no row."""

    __tablename__ = "plan_compilation"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    compiled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    added: Mapped[int] = mapped_column(Integer, default=0)
    rescheduled: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    diff: Mapped[dict[str, Any]] = mapped_column(default=dict)


def effective_status(status: str, due: date, today: date) -> str:
    """The status as of `today`: pending work past its due date is overdue even before the
    daily flip has written it."""
    return "overdue" if status == "pending" and due < today else status


def status_filter(status: str, today: date) -> ColumnElement[bool]:
    """SQL for "has status `status` as of `today`", the query twin of effective_status."""
    column, due = Occurrence.status, Occurrence.due
    if status == "overdue":
        return or_(column == "overdue", and_(column == "pending", due < today))
    if status == "pending":
        return and_(column == "pending", due >= today)
    return column == status
