"""The one reading of UTC: stored instants come back aware, whichever database kept them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from dondoc.core.clock import as_utc, now_utc


def test_a_naive_instant_is_read_as_utc() -> None:
    """SQLite keeps instants as text without a zone; they were written as UTC."""
    assert as_utc(datetime(2019, 3, 28, 0, 30)) == datetime(2019, 3, 28, 0, 30, tzinfo=UTC)


def test_an_aware_instant_keeps_its_moment_and_is_shown_in_utc() -> None:
    hanoi = datetime(2019, 3, 28, 7, 30, tzinfo=timezone(timedelta(hours=7)))
    moved = as_utc(hanoi)
    assert moved == hanoi and moved.utcoffset() == timedelta(0)
    assert moved.isoformat() == "2019-03-28T00:30:00+00:00"


def test_now_is_aware_and_utc() -> None:
    assert now_utc().utcoffset() == timedelta(0)
