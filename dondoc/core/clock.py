"""The clock, read once per command: instants are UTC, and "today" is the date in the
service's time zone (Asia/Ho_Chi_Minh), which is what a deadline means to an agency."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dondoc.core.settings import get_settings


def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def now_utc() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    return moment.astimezone(zone()).date()


def start_of_local_day(day: date) -> datetime:
    """Midnight of `day` in the service's zone, as an aware instant."""
    return datetime.combine(day, time(0), tzinfo=zone())
