"""How a deadline is named in every calendar: the UIDs of its events (in feeds and in emails'
.ics parts) and when an event last changed. Feeds and emails must agree, so both take them
from here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from dondoc.core.clock import as_utc


def uid_host(base_url: str) -> str:
    """The domain part of every event UID: the service's own host name."""
    return urlsplit(base_url).hostname or "dondoc"


def lead_uid(occurrence_id: int, host: str) -> str:
    """The UID of a lead agency's own deadline, in its feed and in emails' .ics parts."""
    return f"dondoc-occ-{occurrence_id}@{host}"


def slot_uid(prefix: str, first_id: int, host: str) -> str:
    """The UID of a deadline grouped across lead agencies: `sup-<agency>` in a supporting
    agency's feed, `plan` or `mon` in plan and monitoring feeds."""
    return f"dondoc-{prefix}-{first_id}@{host}"


def event_modified(updated_at: datetime, late_since: date | None) -> datetime:
    """When the event last changed: its row's update, or the day its due date passed (its
    title may have turned "QUÁ HẠN" then with no row changing)."""
    moment = as_utc(updated_at)
    if late_since is None:
        return moment
    turned = datetime.combine(late_since + timedelta(days=1), time(0), tzinfo=UTC)
    return max(moment, turned)
