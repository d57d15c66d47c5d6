"""A Schedule (what the plan's text says) turned into a DueRule (data: an RFC 5545 recurrence
rule and where a deadline on a day off goes) and then into dated slots over a period.

The rule is what `dondoc plan show` prints and what the calendar feeds will carry, so one
reading of "Hằng quý (trước ngày 05 tháng cuối cùng của mỗi quý)" drives everything:
FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=5. Expansion uses dateutil.rrule; the working-day
calendar moves each nominal date to the day it is really due."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal, Protocol

from dateutil.rrule import rrulestr

from tasks.plans import Schedule

Shift = Literal["next", "previous"]
Checkin = Literal["monthly", "quarterly", "none"]
SlotKind = Literal["due", "checkin"]
Unit = Literal["week", "month", "quarter", "half", "year", "once", "plan"]

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FRIDAY = 4
_CHECKIN_RULES: dict[str, str | None] = {
    "monthly": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "quarterly": "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "none": None,
}
_CHECKIN_UNITS: dict[str | None, Unit] = {
    _CHECKIN_RULES["monthly"]: "month",
    _CHECKIN_RULES["quarterly"]: "quarter",
}


class WorkingDays(Protocol):
    """What expansion needs of tasks.schedule.workdays.WorkCalendar."""

    def is_working_day(self, day: date) -> bool: ...

    def shift(self, day: date, direction: Shift) -> date: ...


@dataclass(frozen=True)
class DueRule:
    """How an item's deadlines are generated. `rrule` is None for a one-off (`once` holds its
    date) and for an unknown timeframe (`problem` says why nothing is scheduled)."""

    kind: str
    unit: Unit
    rrule: str | None = None
    once: date | None = None
    start: date | None = None
    until: date | None = None
    checkin: str | None = None
    problem: str | None = None

    def describe(self, shift: Shift) -> str:
        """One line for `plan show`: the rule, then where a deadline on a day off goes."""
        if self.problem:
            return f"not scheduled: {self.problem}"
        if self.kind == "ongoing":
            rule = f"check-in {self.checkin or 'none'}, final due at the period's end"
        else:
            rule = f"RRULE:{self.rrule}" if self.rrule else f"due {self.once}"
        return f"{rule} · day off → {shift} working day"


@dataclass(frozen=True)
class Slot:
    """One period's deadline before agencies are attached."""

    kind: SlotKind
    period_start: date
    period_end: date
    nominal_due: date
    due: date


def rule_for(schedule: Schedule, checkin: Checkin = "monthly") -> DueRule:
    """The recurrence a schedule stands for; anchors default to the end of each period."""
    kind, day = schedule.kind, schedule.day
    bounds = {"start": schedule.start, "until": schedule.until}
    if kind == "weekly":
        weekday = FRIDAY if schedule.weekday is None else schedule.weekday
        return DueRule(kind, "week", f"FREQ=WEEKLY;BYDAY={WEEKDAY_CODES[weekday]}", **bounds)
    if kind == "monthly":
        return DueRule(kind, "month", "FREQ=MONTHLY;" + _month_days(day), **bounds)
    if kind == "quarterly":
        first = schedule.month or 3
        months = ",".join(str(first + 3 * q) for q in range(4))
        return DueRule(
            kind, "quarter", f"FREQ=MONTHLY;BYMONTH={months};" + _month_days(day), **bounds
        )
    if kind == "semiannual":
        first = schedule.month or 6
        rule = f"FREQ=MONTHLY;BYMONTH={first},{first + 6};" + _month_days(day)
        return DueRule(kind, "half", rule, **bounds)
    if kind == "yearly":
        rule = f"FREQ=MONTHLY;BYMONTH={schedule.month or 12};" + _month_days(day)
        return DueRule(kind, "year", rule, **bounds)
    if kind == "ongoing":
        return DueRule(kind, "plan", None, checkin=_CHECKIN_RULES[checkin], **bounds)
    if kind == "once" and schedule.due is not None:
        return DueRule(kind, "once", None, once=schedule.due, start=schedule.start)
    return DueRule(kind, "once", problem=schedule.problem or "no date in the timeframe")


def _month_days(day: int | None) -> str:
    """The stated day, or the month's last day; a day the month lacks (31 in April) becomes
    its last day rather than skipping the month."""
    if day is None:
        return "BYMONTHDAY=-1"
    if day <= 28:
        return f"BYMONTHDAY={day}"
    return f"BYMONTHDAY={day},-1;BYSETPOS=1"


def due_on(nominal: date, days: WorkingDays, shift: Shift, *, weekly: bool = False) -> date:
    """The working day a nominal deadline falls due: unchanged on a working day; a month's
    last day (not a weekly one) moves back to the month's last working day, so "cuối
    tháng/quý/năm" work stays in its period; any other day moves by `shift` (Civil Code
    art. 148: the next one)."""
    if days.is_working_day(nominal):
        return nominal
    if not weekly and (nominal + timedelta(days=1)).day == 1:
        return days.shift(nominal, "previous")
    return days.shift(nominal, shift)


def expand(
    rule: DueRule, period: tuple[date, date], days: WorkingDays, shift: Shift = "next"
) -> list[Slot]:
    """The slots of one item over the plan's period [start, end], bounded by the rule's own
    start and until. A one-off keeps its date even outside the period: the text states it."""
    if rule.problem:
        return []
    if rule.once is not None:
        start = rule.start or date(rule.once.year, 1, 1)
        return [Slot("due", start, rule.once, rule.once, due_on(rule.once, days, shift))]
    start = max(period[0], rule.start or period[0])
    end = min(period[1], rule.until or period[1])
    if end < start:
        return []
    if rule.rrule is None:  # ongoing: check-ins, then the final due at the end of the period
        final = Slot("due", date(end.year, 1, 1), end, end, due_on(end, days, shift))
        if rule.checkin is None:
            return [final]
        unit = _CHECKIN_UNITS[rule.checkin]
        checkins = [
            Slot("checkin", *_unit_bounds(unit, nominal), nominal, due_on(nominal, days, shift))
            for nominal in _dates(rule.checkin, start, end)
            if nominal < end
        ]
        return [*checkins, final]
    weekly = rule.unit == "week"
    return [
        Slot(
            "due",
            *_unit_bounds(rule.unit, nominal),
            nominal,
            due_on(nominal, days, shift, weekly=weekly),
        )
        for nominal in _dates(rule.rrule, start, end)
    ]


@lru_cache(maxsize=4096)
def _dates(rule: str, start: date, end: date) -> tuple[date, ...]:
    """The rule's dates in [start, end]; cached, because every plan of a year asks for the
    same few rules over the same few periods."""
    begin = datetime(start.year, start.month, start.day)
    stop = datetime(end.year, end.month, end.day)
    return [
        moment.date() for moment in rrulestr(rule, dtstart=begin).between(begin, stop, inc=True)
    ]


def _unit_bounds(unit: Unit, day: date) -> tuple[date, date]:
    """The calendar period a nominal deadline closes: its week (Monday–Sunday), month,
    quarter, half-year or year."""
    if unit == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
    first = (day.month - 1) // months * months + 1
    last = first + months - 1
    return date(day.year, first, 1), date(day.year, last, calendar.monthrange(day.year, last)[1])
