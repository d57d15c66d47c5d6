"""Reading a timeframe in tests: the fields of the Schedule it becomes, without the unset ones."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from tasks.plans import parse_timeframe


def read_rule(text: str, *, year: int | None, **kwargs: Any) -> dict[str, Any]:
    """The fields a schedule was read into (text and unset fields left out)."""
    schedule = parse_timeframe(text, year=year, **kwargs)
    return {k: v for k, v in asdict(schedule).items() if k != "text" and v is not None}


def once(due: date, start: date | None = None) -> dict[str, Any]:
    return {"kind": "once", "due": due} | ({"start": start} if start else {})
