"""Signed, expiring links an agency follows to report work done, from a feed or an email.

The link carries what it is about and until when it is valid, signed with HMAC-SHA256 under
the service's secret key: nothing is stored per link, and a link cannot be forged or
stretched. The expiry is derived from the work (not the clock), so a feed that links to it
stays byte-identical from one build to the next."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from models.feed_queries import ItemDetails
from tasks.schedule import uid_host

SIGNATURE_BYTES = 16
LINK_GRACE = timedelta(days=90)  # completion links stay valid this long after the plan ends
PERIOD_PARAMETER = "han"  # ?han=2019-04-05: the period the page opens on


class InvalidLink(ValueError):
    """Malformed, forged or expired: the page says so without saying which."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str, secret: str) -> bytes:
    mac = hmac.new(secret.encode(), f"dondoc-link:{payload}".encode(), hashlib.sha256)
    return mac.digest()[:SIGNATURE_BYTES]


def sign_link(subject: str, expires: date, secret: str) -> str:
    """A token for `subject` (e.g. "item:12:agency:34") valid until `expires` inclusive."""
    payload = f"{subject}|{expires:%Y%m%d}"
    return f"{_b64(payload.encode())}.{_b64(_signature(payload, secret))}"


def open_link(token: str, secret: str, today: date) -> str:
    """The subject a token was signed for; InvalidLink when it is not one of ours or has
    expired."""
    try:
        encoded, signature = token.split(".")
        payload = _unb64(encoded).decode()
        subject, expires = payload.rsplit("|", 1)
        valid_until = date(int(expires[:4]), int(expires[4:6]), int(expires[6:8]))
        given = _unb64(signature)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidLink("not a dondoc link") from exc
    if not hmac.compare_digest(given, _signature(payload, secret)):
        raise InvalidLink("not a dondoc link")
    if today > valid_until:
        raise InvalidLink("the link has expired")
    return subject


def completion_link(
    base_url: str, *, agency_id: int, item_id: int, expires: date, secret: str
) -> str:
    """Where an agency reports its work on an item done (the page lists its open periods)."""
    token = sign_link(f"item:{item_id}:agency:{agency_id}", expires, secret)
    return f"{base_url.rstrip('/')}/done/{token}"


def completion_expiry(plan_end: date | None, today: date) -> date:
    """How long a completion link stays valid: until well after the plan ends."""
    return (plan_end or today) + LINK_GRACE


@dataclass(frozen=True)
class LinkMaker:
    """Completion links and calendar UIDs as the feeds make them."""

    base_url: str
    secret: str
    uid_domain: str | None = None  # DONDOC_UID_DOMAIN: UIDs that outlive a change of address

    @property
    def host(self) -> str:
        return self.uid_domain or uid_host(self.base_url)

    def completion(self, item: ItemDetails, agency_id: int, day: date, due: date) -> str:
        """The item's page for the agency, opening on the period due on `due` (the one the
        email or the calendar event is about; unsigned, since it only chooses what is shown
        first: the form still names the period, and it must be the link's item and agency's)."""
        expires = completion_expiry(item.plan_end, day)
        signed = _signed(self.base_url, self.secret, item.item_id, agency_id, expires)
        return f"{signed}?{PERIOD_PARAMETER}={due:%Y-%m-%d}"


@lru_cache(maxsize=65536)
def _signed(base_url: str, secret: str, item_id: int, agency_id: int, expires: date) -> str:
    """One HMAC per (item, agency): a digest day repeats them across periods and emails."""
    return completion_link(
        base_url, agency_id=agency_id, item_id=item_id, expires=expires, secret=secret
    )
