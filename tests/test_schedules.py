"""Schedules dated over whole years on the real Vietnamese working-day calendar: every kind,
Tết 2026, the 30/4–1/5 bridge and a weekly series across the new year."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.plans import Schedule, parse_timeframe
from tasks.schedule import Slot, WorkCalendar, expand, rule_for

YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture(scope="module")
def days() -> WorkCalendar:
    return WorkCalendar.from_file(None)


def slots_for(
    text: str, days: WorkCalendar, period: tuple[date, date] = YEAR_2026, **kw: str
) -> list[Slot]:
    schedule = parse_timeframe(text, year=period[0].year)
    assert schedule.kind != "unknown", schedule.problem
    return expand(rule_for(schedule), period, days, **kw)  # type: ignore[arg-type]


def dues(slots: list[Slot]) -> list[date]:
    return [slot.due for slot in slots]


@pytest.mark.parametrize(
    "text",
    [
        "Hàng tuần",
        "Hằng tháng",
        "trước ngày 20 hàng tháng",
        "Hàng quý",
        "Hằng quý (trước ngày 05 tháng cuối cùng của mỗi quý)",
        "6 tháng, năm",
        "Hàng năm",
        "trước ngày 15/11 hàng năm",
        "Thường xuyên",
    ],
)
def test_no_due_date_of_a_whole_year_falls_on_a_day_off(text: str, days: WorkCalendar) -> None:
    for year in (2019, 2025, 2026):
        slots = slots_for(text, days, (date(year, 1, 1), date(year, 12, 31)))
        assert slots
        assert all(days.is_working_day(slot.due) for slot in slots), text
        assert all(slot.period_start <= slot.nominal_due <= slot.period_end for slot in slots)


def test_weekly_work_is_due_every_friday_and_moves_past_tet_2026(days: WorkCalendar) -> None:
    slots = slots_for("Hàng tuần", days)
    assert len(slots) == 52
    assert all(slot.nominal_due.weekday() == 4 for slot in slots)
    by_nominal = {slot.nominal_due: slot.due for slot in slots}
    assert by_nominal[date(2026, 2, 20)] == date(2026, 2, 23)  # Tết: Monday after
    assert by_nominal[date(2026, 2, 13)] == date(2026, 2, 13)  # the Friday before Tết works
    assert by_nominal[date(2026, 5, 1)] == date(2026, 5, 4)  # 1/5 is a holiday
    week = next(slot for slot in slots if slot.nominal_due == date(2026, 2, 20))
    assert (week.period_start, week.period_end) == (date(2026, 2, 16), date(2026, 2, 22))


def test_a_weekly_series_crosses_the_new_year(days: WorkCalendar) -> None:
    slots = slots_for("Hàng tuần", days, (date(2025, 12, 1), date(2026, 1, 31)))
    assert [s.nominal_due for s in slots][:6] == [
        date(2025, 12, 5),
        date(2025, 12, 12),
        date(2025, 12, 19),
        date(2025, 12, 26),
        date(2026, 1, 2),
        date(2026, 1, 9),
    ]
    crossing = slots[4]
    # The week of 29/12/2025–4/1/2026 spans both years; 2/1/2026 is a day off (override).
    assert (crossing.period_start, crossing.period_end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert crossing.due == date(2026, 1, 5)
    assert len(slots) == 9


def test_a_stated_weekday_is_kept(days: WorkCalendar) -> None:
    slots = slots_for("vào thứ 2 hàng tuần", days, (date(2026, 1, 1), date(2026, 3, 1)))
    assert {slot.nominal_due.weekday() for slot in slots} == {0}
    # Monday 16/2/2026 is Tết: that week's work is due on the next working day, 23/2.
    assert dues(slots).count(date(2026, 2, 23)) == 2
    assert date(2026, 2, 16) not in dues(slots)


def test_month_end_work_is_due_on_the_months_last_working_day(days: WorkCalendar) -> None:
    slots = slots_for("Hằng tháng", days)
    assert len(slots) == 12
    assert dues(slots)[:3] == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 31)]
    assert all(slot.due.month == slot.nominal_due.month for slot in slots)
    assert slots[1].period_start == date(2026, 2, 1)


def test_a_stated_day_of_the_month_moves_to_the_next_working_day(days: WorkCalendar) -> None:
    slots = slots_for("Hằng tháng (trước ngày 20)", days)
    assert [s.nominal_due.day for s in slots] == [20] * 12
    assert slots[1].due == date(2026, 2, 23)  # 20/2/2026 is Tết
    assert slots[5].due == date(2026, 6, 22)  # Saturday 20/6
    previous = slots_for("Hằng tháng (trước ngày 20)", days, shift="previous")
    assert previous[1].due == date(2026, 2, 13)  # the last working day before Tết


def test_day_31_of_the_month_becomes_the_last_day_of_shorter_months(days: WorkCalendar) -> None:
    slots = slots_for("trước ngày 31 hàng tháng", days)
    assert [s.nominal_due for s in slots][1:4] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_the_30_4_to_1_5_bridge(days: WorkCalendar) -> None:
    # 30/4 (the month's last day) stays in April; 1/5 moves past the weekend.
    april = slots_for("Hằng tháng", days, (date(2025, 4, 1), date(2025, 4, 30)))
    assert dues(april) == [date(2025, 4, 29)]
    may_day = expand(
        rule_for(Schedule("trước ngày 01/5/2025", "once", due=date(2025, 5, 1))),
        YEAR_2026,
        days,
    )
    assert dues(may_day) == [date(2025, 5, 5)]  # 1/5 holiday, 2/5 swapped off, then a weekend


def test_quarterly_work_at_quarter_end_and_on_a_stated_day(days: WorkCalendar) -> None:
    ends = slots_for("Hàng quý", days)
    assert [s.nominal_due for s in ends] == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]
    assert ends[2].period_start == date(2026, 7, 1)
    stated = slots_for("Hằng quý (trước ngày 05 tháng cuối cùng của mỗi quý)", days)
    assert dues(stated) == [
        date(2026, 3, 5),
        date(2026, 6, 5),
        date(2026, 9, 7),  # Saturday 5/9
        date(2026, 12, 7),  # Saturday 5/12
    ]


def test_half_yearly_and_yearly_reports(days: WorkCalendar) -> None:
    halves = slots_for("6 tháng, năm", days, (date(2019, 1, 11), date(2019, 12, 31)))
    assert dues(halves) == [date(2019, 6, 28), date(2019, 12, 31)]  # 30/6/2019 is a Sunday
    assert [s.period_start for s in halves] == [date(2019, 1, 1), date(2019, 7, 1)]
    yearly = slots_for("trước ngày 15/11 hàng năm", days)
    assert dues(yearly) == [date(2026, 11, 16)]  # Sunday 15/11
    assert dues(slots_for("Hàng năm", days)) == [date(2026, 12, 31)]


def test_one_off_deadlines_keep_their_date(days: WorkCalendar) -> None:
    assert dues(slots_for("Quý II/2026", days)) == [date(2026, 6, 30)]
    assert dues(slots_for("chậm nhất trước 15/12/2026", days)) == [date(2026, 12, 15)]
    outside = slots_for("trước ngày 10/9/2015", days)  # before the period: still owed
    assert dues(outside) == [date(2015, 9, 10)]


def test_ongoing_work_checks_in_monthly_and_ends_with_the_period(days: WorkCalendar) -> None:
    slots = slots_for("Thường xuyên trong năm 2026", days)
    assert [s.kind for s in slots] == ["checkin"] * 11 + ["due"]
    assert slots[-1].due == date(2026, 12, 31)
    assert slots[0].due == date(2026, 1, 30)
    quarterly = expand(
        rule_for(parse_timeframe("Thường xuyên", year=2026), "quarterly"), YEAR_2026, days
    )
    assert [s.nominal_due.month for s in quarterly] == [3, 6, 9, 12]
    assert quarterly[0].period_start == date(2026, 1, 1)
    final_only = expand(
        rule_for(parse_timeframe("Thường xuyên", year=2026), "none"), YEAR_2026, days
    )
    assert [s.kind for s in final_only] == ["due"]


def test_a_series_is_bounded_by_its_own_until(days: WorkCalendar) -> None:
    slots = slots_for("Hàng tháng năm 2026", days, (date(2026, 1, 1), date(2027, 12, 31)))
    assert slots[-1].nominal_due == date(2026, 12, 31)


def test_an_unreadable_timeframe_gives_no_dates_and_says_why(days: WorkCalendar) -> None:
    rule = rule_for(parse_timeframe("Trước, trong và sau Hội nghị", year=2026))
    assert rule.problem
    assert expand(rule, YEAR_2026, days) == []
    assert rule.describe("next").startswith("not scheduled")


def test_rules_are_rrule_data(days: WorkCalendar) -> None:
    stated = rule_for(
        parse_timeframe("Hằng quý (trước ngày 05 tháng cuối cùng của mỗi quý)", year=2026)
    )
    assert stated.rrule == "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=5"
    assert rule_for(parse_timeframe("Hàng tuần", year=2026)).rrule == "FREQ=WEEKLY;BYDAY=FR"
    assert "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1" in rule_for(
        parse_timeframe("Hằng tháng", year=2026)
    ).describe("next")
