"""The outbox: every email dondoc sends is first a row here, rendered once, with a unique key.

The key says what the message is for (kind, recipient, day, and the ladder level or item set),
so queueing the same digest twice inserts nothing. A sender owns a row only after claiming it
with a conditional UPDATE (rowcount 1; FOR UPDATE SKIP LOCKED on PostgreSQL), so a retried
flow or two senders at once never send one key twice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from dondoc.core.clock import now_utc
from models.base import Base, CreatedAt, one_of

# queued → sending (claimed) → sent | failed; a transient failure puts it back to queued with a
# later next_attempt_at. "sent" may carry recipients the server refused (partial delivery).
OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
# due_soon: "Sắp đến hạn" digest; overdue: "Quá hạn" digest to the lead (ladder level 1);
# escalation: the monitoring agency's digest (levels 2+); report: the weekly progress report;
# alert: a failed flow, to the admins.
OUTBOX_KINDS = ("due_soon", "overdue", "escalation", "report", "alert")


class OutboxMessage(CreatedAt, Base):
    __tablename__ = "outbox"
    __table_args__ = (
        one_of("status", OUTBOX_STATUSES),
        # What a sender scans: the queued rows whose time has come.
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The agency it is addressed to, when there is one (admins' alerts have none).
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="SET NULL"), index=True
    )
    # The day it was queued for (the --date of remind and escalate).
    day: Mapped[date] = mapped_column(Date, index=True)
    message_id: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(Text)
    mail_from: Mapped[str] = mapped_column(String(320))
    # The SMTP envelope: To and Cc addresses.
    recipients: Mapped[list[str]] = mapped_column()
    # The whole rendered message (RFC 5322 bytes), so a retry sends exactly what was queued.
    message: Mapped[bytes] = mapped_column(LargeBinary)
    occurrence_ids: Mapped[list[int]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Recipients the server refused while accepting the others: address → SMTP reply.
    refused: Mapped[dict[str, str]] = mapped_column(default=dict)
