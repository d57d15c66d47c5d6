"""Feed tokens: the secret in a calendar subscription URL (Google cannot send credentials).

A token is never stored. It is derived from the service's secret key and the row's random
salt (HMAC-SHA256), so `dondoc feeds urls` can print every URL again while a copy of the
database alone reveals none; the row keeps the token's SHA-256 for lookups. A revoked row
stays, so the admin sees what was cut off and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.agency import Agency
from models.base import Base, CreatedAt, one_of
from models.plan import Plan

# agency: what the agency leads and supports; monitoring: every plan it monitors; plan: one plan.
FEED_KINDS = ("agency", "monitoring", "plan")


class FeedToken(CreatedAt, Base):
    __tablename__ = "feed_token"
    __table_args__ = (
        one_of("kind", FEED_KINDS),
        CheckConstraint(
            "(kind = 'plan') = (plan_id IS NOT NULL AND agency_id IS NULL)", name="target"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    # 32 random bytes, hex: with the secret key it gives the token.
    salt: Mapped[str] = mapped_column(String(64))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    agency: Mapped[Agency | None] = relationship()
    plan: Mapped[Plan | None] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
