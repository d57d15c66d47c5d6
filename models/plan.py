"""Plans, their items and who is assigned to each item."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import ColumnElement

from dondoc.core.clock import now_utc
from models.agency import Agency, AgencyGroup
from models.base import Base, CreatedAt, one_of
from models.source_document import SourceDocument

# draft → approved (or rejected); an approved plan whose amended text compiles later becomes
# superseded, and its occurrences move to the amendment.
PLAN_STATUSES = ("draft", "approved", "rejected", "superseded")
ROLES = ("lead", "coordinating")


class PlanStateError(ValueError):
    """A status change the plan's current status does not allow."""


class Plan(CreatedAt, Base):
    __tablename__ = "plan"
    __table_args__ = (one_of("status", PLAN_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(300))
    # The directory scope the plan's names were resolved in (see models.agency); "" global.
    scope_key: Mapped[str] = mapped_column(String(300), default="", server_default="", index=True)
    issued_on: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    layout: Mapped[str] = mapped_column(String(16), default="list")
    source_name: Mapped[str | None] = mapped_column(String(500))
    source_text: Mapped[str] = mapped_column(Text)
    source_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # the file it was read from, when that was not plain text (Word, PDF, scan, HTML)
    source_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_document.id", ondelete="SET NULL")
    )
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    monitoring_agency_text: Mapped[str | None] = mapped_column(String(300))
    monitoring_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="SET NULL")
    )
    # Who decided on the draft (approved or rejected), when, and what they said.
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(Text)
    # The earlier text of the same plan (same number and locality) this one amends.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))

    monitoring_agency: Mapped[Agency | None] = relationship()
    source_document: Mapped[SourceDocument | None] = relationship()
    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", order_by="PlanItem.position", cascade="all, delete-orphan"
    )

    def check_draft(self) -> None:
        """Only a draft awaits a decision: the approve-plan flow asks before it pauses."""
        if self.status != "draft":
            raise PlanStateError(
                f"plan {self.id} is {self.status}: only a draft can be approved or rejected"
            )

    def approve(self, by: str, now: datetime | None = None, comment: str | None = None) -> None:
        """draft → approved; the caller passes the clock so one command reads it once."""
        self._decide("approved", by, now, comment)

    def reject(self, by: str, comment: str | None, now: datetime | None = None) -> None:
        """draft → rejected: the decision is kept so the admin sees why it will not run."""
        self._decide("rejected", by, now, comment)

    def _decide(self, status: str, by: str, now: datetime | None, comment: str | None) -> None:
        self.check_draft()
        if not by.strip():
            raise PlanStateError("a decision on a plan needs the name of who takes it")
        self.status = status
        self.approved_by = by.strip()
        self.approved_at = now or now_utc()
        self.review_comment = (comment or "").strip() or None

    def supersede(self) -> None:
        """approved → superseded, when an amendment of the same plan compiles."""
        if self.status != "approved":
            raise PlanStateError(f"plan {self.id} is {self.status}: only approved plans amend")
        self.status = "superseded"


class PlanItem(Base):
    __tablename__ = "plan_item"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str | None] = mapped_column(String(20))
    seq: Mapped[str] = mapped_column(String(20))
    # Stable identity across amendments of the plan (dondoc.core.text.item_key of the content).
    key: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    timeframe_text: Mapped[str] = mapped_column(Text, default="")
    schedule_kind: Mapped[str] = mapped_column(String(16), default="unknown")
    due: Mapped[date | None] = mapped_column(Date)
    schedule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source_line: Mapped[int | None] = mapped_column(Integer)
    # Where and how the parser read the item (tasks.plans.parsed.Evidence as JSON); None when
    # it came from a YAML/CSV/XLSX file or was stored before evidence was kept.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(default=None)

    plan: Mapped[Plan] = relationship(back_populates="items")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="item", order_by="Assignment.position", cascade="all, delete-orphan"
    )


class Assignment(Base):
    """One agency or group named on an item, as lead or coordinating. An unresolved name
    keeps agency_id and group_id empty: compile refuses such a plan and lists the names."""

    __tablename__ = "assignment"
    __table_args__ = (
        one_of("role", ROLES),
        CheckConstraint("agency_id IS NULL OR group_id IS NULL", name="one_target"),
        UniqueConstraint("item_id", "role", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    name_as_written: Mapped[str] = mapped_column(String(500))
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="RESTRICT"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency_group.id", ondelete="RESTRICT"), index=True
    )
    # How the name was resolved: exact, alias, fuzzy, created or unresolved.
    match: Mapped[str] = mapped_column(String(16), default="unresolved")
    score: Mapped[float | None] = mapped_column(Float)

    item: Mapped[PlanItem] = relationship(back_populates="assignments")
    agency: Mapped[Agency | None] = relationship()
    group: Mapped[AgencyGroup | None] = relationship()

    @hybrid_property
    def unresolved(self) -> bool:
        """The directory knew no agency or group by this name: compile refuses the plan.
        One definition for Python (`assignment.unresolved`) and SQL (`Assignment.unresolved`)."""
        return self.agency_id is None and self.group_id is None

    @unresolved.inplace.expression
    @classmethod
    def _unresolved_expression(cls) -> ColumnElement[bool]:
        return and_(cls.agency_id.is_(None), cls.group_id.is_(None))

    @property
    def target_name(self) -> str | None:
        if self.agency is not None:
            return self.agency.name
        if self.group is not None:
            return self.group.name
        return None
