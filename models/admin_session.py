"""Admin sessions that were logged out. A session is a signed cookie, so logging out on one
browser could not stop a copy of the cookie elsewhere; the ended session's token is kept here
(hashed) until the cookie would have expired anyway, and a cookie carrying it is refused."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import DateTime, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base


class EndedAdminSession(Base):
    __tablename__ = "ended_admin_session"

    # SHA-256 of the session's token: the database never holds a usable one
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def end_admin_session(session: Session, token: str, expires_at: datetime, now: datetime) -> None:
    """Record the session as ended (twice is once), and forget those past their expiry."""
    session.execute(delete(EndedAdminSession).where(EndedAdminSession.expires_at < now))
    try:
        with session.begin_nested():
            session.add(EndedAdminSession(token_hash=_hashed(token), expires_at=expires_at))
    except IntegrityError:
        pass  # a second logout of the same session, perhaps at the same moment


def admin_session_ended(session: Session, token: str) -> bool:
    found = select(EndedAdminSession.token_hash).where(
        EndedAdminSession.token_hash == _hashed(token)
    )
    return session.scalar(found) is not None
