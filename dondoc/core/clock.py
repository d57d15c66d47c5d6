"""The clock, read once per command: instants are UTC, and "today" is the date in the
service's time zone (Asia/Ho_Chi_Minh), which is what a deadline means to an agency.

The one place that says what UTC means to dondoc: `now_utc` reads the clock, `as_utc` reads
a stored instant back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dondoc.core.settings import get_settings


def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def now_utc() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An instant as an aware UTC datetime. Naive values are UTC: SQLite keeps stored
    instants as text without a zone, and so do e-mail dates written "-0000"."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def start_of_local_day(day: date) -> datetime:
    """Midnight of `day` in the service's zone, as an aware instant."""
    return datetime.combine(day, time(0), tzinfo=zone())
