"""Feed tokens: made, found and revoked. See models.feed for why a token is derived from
the secret key and a stored salt instead of being stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, FeedToken

# 32 bytes of HMAC-SHA256 in unpadded base64url: 43 characters, 256 bits.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def derive_token(salt: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"dondoc-feed:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(
    session: Session,
    *,
    kind: str,
    secret: str,
    now: datetime,
    agency_id: int | None = None,
    plan_id: int | None = None,
) -> tuple[FeedToken, str]:
    """A fresh token row (flushed) and the token itself."""
    salt = secrets.token_hex(32)
    token = derive_token(salt, secret)
    row = FeedToken(
        kind=kind,
        agency_id=agency_id,
        plan_id=plan_id,
        salt=salt,
        token_sha256=token_sha256(token),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, token


def find_token(session: Session, token: str) -> FeedToken | None:
    """The active row a token from a URL belongs to, or None for anything else: a malformed,
    unknown or revoked token all look the same to the caller (and so to the client)."""
    # the same work for every token, well-formed or not, known or not, revoked or not, so the
    # time of the answer does not tell them apart (it did: 1.5, 7 and 9 ms)
    well_formed = TOKEN_SHAPE.fullmatch(token) is not None
    digest = token_sha256(token[:64])
    row = session.scalars(select(FeedToken).where(FeedToken.token_sha256 == digest)).first()
    stored = row.token_sha256 if row is not None else "0" * len(digest)
    matches = hmac.compare_digest(stored, digest)
    return row if well_formed and matches and row is not None and row.active else None


def create_missing_tokens(session: Session, secret: str, now: datetime) -> int:
    """An agency token for every agency without an active one, and a monitoring token for
    every monitoring agency without one; how many were made."""
    active = session.execute(
        select(FeedToken.kind, FeedToken.agency_id).where(
            FeedToken.revoked_at.is_(None), FeedToken.agency_id.is_not(None)
        )
    ).all()
    have = {(kind, agency_id) for kind, agency_id in active}
    made = 0
    for agency in session.scalars(select(Agency).order_by(Agency.id)):
        kinds = ["agency", "monitoring"] if agency.monitoring else ["agency"]
        for kind in kinds:
            if (kind, agency.id) not in have:
                new_token(session, kind=kind, secret=secret, now=now, agency_id=agency.id)
                made += 1
    return made
