"""Timeframe wording from plans read into Schedules; what cannot be read must say why."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest

from tasks.plans import NOT_UNDERSTOOD, parse_timeframe
from tests.support.schedules import once, read_rule

PLAN_YEAR = 2024


def rule(text: str, **kwargs: Any) -> dict[str, Any]:
    return read_rule(text, **({"year": PLAN_YEAR} | kwargs))


READABLE = [
    ("Thường xuyên", {"kind": "ongoing"}),
    ("Thường xuyên trong năm 2019", {"kind": "ongoing", "until": date(2019, 12, 31)}),
    ("Thường xuyên (trong năm 2019)", {"kind": "ongoing", "until": date(2019, 12, 31)}),
    ("Thường xuyên và đột xuất", {"kind": "ongoing"}),
    ("Hàng tuần", {"kind": "weekly"}),
    ("Hằng tuần", {"kind": "weekly"}),
    ("Hàng tuần (thứ Sáu)", {"kind": "weekly", "weekday": 4}),
    ("vào thứ 6 hàng tuần", {"kind": "weekly", "weekday": 4}),
    ("Hằng tuần vào thứ Hai", {"kind": "weekly", "weekday": 0}),
    ("Hàng tháng", {"kind": "monthly"}),
    ("Hằng tháng", {"kind": "monthly"}),
    ("cuối tháng", {"kind": "monthly"}),
    ("Hằng tháng (trước ngày 20)", {"kind": "monthly", "day": 20}),
    ("trước ngày 15 của tháng", {"kind": "monthly", "day": 15}),
    ("trước ngày 25 hằng tháng", {"kind": "monthly", "day": 25}),
    ("Hàng tháng năm 2024", {"kind": "monthly", "until": date(2024, 12, 31)}),
    ("Hàng quý", {"kind": "quarterly"}),
    ("trước ngày 05 tháng cuối cùng của mỗi quý", {"kind": "quarterly", "month": 3, "day": 5}),
    ("trước ngày 10 của tháng đầu quý", {"kind": "quarterly", "month": 1, "day": 10}),
    ("6 tháng, năm", {"kind": "semiannual"}),
    ("6 tháng và cả năm", {"kind": "semiannual"}),
    ("định kỳ 6 tháng", {"kind": "semiannual"}),
    ("Hàng năm", {"kind": "yearly"}),
    ("Trước ngày 15/11 hàng năm", {"kind": "yearly", "month": 11, "day": 15}),
    ("trước ngày 20/11 hằng năm", {"kind": "yearly", "month": 11, "day": 20}),
    ("Quý II/2024", once(date(2024, 6, 30), date(2024, 4, 1))),
    ("quý III năm 2015", once(date(2015, 9, 30), date(2015, 7, 1))),
    ("Quý 4/2023", once(date(2023, 12, 31), date(2023, 10, 1))),
    ("trong Quý I", once(date(2024, 3, 31), date(2024, 1, 1))),
    ("Tháng 6/2024", once(date(2024, 6, 30), date(2024, 6, 1))),
    ("tháng 6 năm 2024", once(date(2024, 6, 30), date(2024, 6, 1))),
    ("Trong tháng 6", once(date(2024, 6, 30), date(2024, 6, 1))),
    ("Tháng 6 – 7/2024", once(date(2024, 7, 31), date(2024, 6, 1))),
    ("đến cuối tháng 2/2024", once(date(2024, 2, 29))),
    ("Trong năm 2019", once(date(2019, 12, 31), date(2019, 1, 1))),
    ("Năm 2024", once(date(2024, 12, 31), date(2024, 1, 1))),
    ("6 tháng đầu năm 2023", once(date(2023, 6, 30), date(2023, 1, 1))),
    ("(Hoàn thành) chậm nhất trước 15/12/2022", once(date(2022, 12, 15))),
    ("Hoàn thành chậm nhất trước 15/12/2022", once(date(2022, 12, 15))),
    ("trước ngày 10/9/2015", once(date(2015, 9, 10))),
    ("Hoàn thành trước 30/6", once(date(2024, 6, 30))),
    ("ngày 15/3/2024", once(date(2024, 3, 15))),
    ("ngày 15 tháng 3 năm 2024", once(date(2024, 3, 15))),
    ("từ 01/3 đến 30/6/2024", once(date(2024, 6, 30), date(2024, 3, 1))),
    ("giữa năm", once(date(2024, 6, 30))),
    ("cuối năm", once(date(2024, 12, 31))),
    ("Thời gian thực hiện: Hàng tuần.", {"kind": "weekly"}),
]


@pytest.mark.parametrize(("text", "expected"), READABLE, ids=[t for t, _ in READABLE])
def test_reads_timeframe(text: str, expected: dict[str, Any]) -> None:
    assert rule(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            unicodedata.normalize("NFD", "Hằng tháng (trước ngày 20)"),
            {"kind": "monthly", "day": 20},
        ),
        (unicodedata.normalize("NFD", "Quý II/2024"), once(date(2024, 6, 30), date(2024, 4, 1))),
        ("Hàng\u00a0tuần", {"kind": "weekly"}),
        (
            "Thường\u00a0xuyên  trong\u202fnăm 2019.",
            {"kind": "ongoing", "until": date(2019, 12, 31)},
        ),
        ("Tháng 6 \u2014 7/2024", once(date(2024, 7, 31), date(2024, 6, 1))),
        ("Quý I\u20132024", once(date(2024, 3, 31), date(2024, 1, 1))),
        ("HẰNG THÁNG (TRƯỚC NGÀY 20)", {"kind": "monthly", "day": 20}),
        ("QUÝ II/2024", once(date(2024, 6, 30), date(2024, 4, 1))),
        ("Qúy II/2024", once(date(2024, 6, 30), date(2024, 4, 1))),
    ],
    ids=[
        "nfd-monthly",
        "nfd-quarter",
        "nbsp",
        "nbsp-narrow",
        "em-dash",
        "en-dash",
        "upper",
        "upper-quarter",
        "old-tone",
    ],
)
def test_reads_messy_input(text: str, expected: dict[str, Any]) -> None:
    assert rule(text) == expected


def test_text_is_kept_cleaned_not_keyed() -> None:
    schedule = parse_timeframe(
        unicodedata.normalize("NFD", " Hằng\u00a0tháng  (trước ngày 20). "), year=PLAN_YEAR
    )
    assert schedule.text == "Hằng tháng (trước ngày 20)"
    assert unicodedata.is_normalized("NFC", schedule.text)


DAY_BEFORE = [
    ("trước ngày 15/12/2022", once(date(2022, 12, 14))),
    ("Hoàn thành trước 1/1/2024", once(date(2023, 12, 31))),
    ("Hằng tháng (trước ngày 20)", {"kind": "monthly", "day": 19}),
    ("trước ngày 15 của tháng", {"kind": "monthly", "day": 14}),
    ("trước ngày 01 hàng tháng", {"kind": "monthly"}),
    ("trước ngày 05 tháng cuối cùng của mỗi quý", {"kind": "quarterly", "month": 3, "day": 4}),
    ("trước ngày 01 tháng đầu quý", {"kind": "quarterly"}),
    ("Trước ngày 15/11 hàng năm", {"kind": "yearly", "month": 11, "day": 14}),
    ("trước ngày 01/12 hàng năm", {"kind": "yearly", "month": 11}),
    # Without "trước" the date is the deadline itself.
    ("ngày 15/3/2024", once(date(2024, 3, 15))),
    ("chậm nhất ngày 15/12/2022", once(date(2022, 12, 15))),
    ("Quý II/2024", once(date(2024, 6, 30), date(2024, 4, 1))),
]


@pytest.mark.parametrize(("text", "expected"), DAY_BEFORE, ids=[t for t, _ in DAY_BEFORE])
def test_day_before_setting_moves_truoc_deadlines(text: str, expected: dict[str, Any]) -> None:
    assert rule(text, before="day_before") == expected


IMPOSSIBLE = [
    ("31/02/2024", "impossible date: 31/02/2024"),
    ("29/2", "impossible date: 29/02/2023"),
    ("Quý V/2024", "no such quarter: V"),
    ("Quý 5/2024", "no such quarter: 5"),
    ("tháng 13/2024", "no such month: 13"),
    ("trước ngày 31/2 hàng năm", "impossible date: 31/02"),
    ("trước ngày 32 hàng tháng", "no such day of the month: 32"),
    ("từ 01/7 đến 30/6/2024", "date range ends before it starts: 2024-07-01 to 2024-06-30"),
]


@pytest.mark.parametrize(("text", "problem"), IMPOSSIBLE, ids=[t for t, _ in IMPOSSIBLE])
def test_impossible_dates_are_named(text: str, problem: str) -> None:
    schedule = parse_timeframe(text, year=2023)
    assert (schedule.kind, schedule.problem) == ("unknown", problem)


@pytest.mark.parametrize(
    "text",
    ["trước, trong và sau Hội nghị", "Đột xuất", "theo chỉ đạo", "Khi có yêu cầu"],
)
def test_event_bound_timeframes_are_flagged(text: str) -> None:
    schedule = parse_timeframe(text, year=PLAN_YEAR)
    assert (schedule.kind, schedule.due) == ("once", None)  # no date: not scheduled
    assert schedule.problem is not None
    assert "event or ad hoc" in schedule.problem
    assert "cannot be scheduled" in schedule.problem
    assert schedule.text == text


@pytest.mark.parametrize("text", ["Sớm nhất có thể", "3 tháng", "hàng quý trước ngày 20", "?"])
def test_unreadable_text_is_kept_and_flagged(text: str) -> None:
    schedule = parse_timeframe(text, year=PLAN_YEAR)
    assert (schedule.kind, schedule.text, schedule.problem) == ("unknown", text, NOT_UNDERSTOOD)
    assert schedule.due is None


@pytest.mark.parametrize("text", ["đầu năm", "giữa tháng 6"])
def test_vague_wording_is_not_guessed(text: str) -> None:
    schedule = parse_timeframe(text, year=PLAN_YEAR)
    assert (schedule.kind, schedule.due) == ("once", None)  # no date: not scheduled
    assert schedule.problem is not None and schedule.problem.startswith("vague")


def test_empty_timeframe_is_flagged() -> None:
    schedule = parse_timeframe("  ", year=PLAN_YEAR)
    assert (schedule.kind, schedule.problem) == ("once", "no timeframe given")


@pytest.mark.parametrize(
    "text", ["Hoàn thành trước 30/6", "Trong tháng 6", "trong Quý I", "cuối năm"]
)
def test_missing_year_is_reported(text: str) -> None:
    schedule = parse_timeframe(text, year=None)
    assert schedule.kind == "unknown"
    assert schedule.problem is not None and schedule.problem.startswith("no year:")
    assert text in schedule.problem


def test_year_in_text_wins_over_plan_year() -> None:
    assert parse_timeframe("Quý 4/2023", year=None).due == date(2023, 12, 31)
    assert parse_timeframe("trước ngày 10/9/2015", year=2024).due == date(2015, 9, 10)


def test_two_digit_year_means_this_century() -> None:
    assert parse_timeframe("15/12/22", year=None).due == date(2022, 12, 15)


def test_recurring_needs_no_year() -> None:
    assert parse_timeframe("Hằng tháng (trước ngày 20)", year=None).day == 20
    assert parse_timeframe("Thường xuyên", year=None).kind == "ongoing"


@pytest.mark.parametrize("year", [0, 1, 1899, 2101, 9999, 10000, -5])
def test_a_plan_year_out_of_range_is_no_year_and_never_a_crash(year: int) -> None:
    for text in ("cuối tháng 5", "giữa năm", "Quý IV", "6 tháng đầu năm", "trước ngày 31/12"):
        schedule = parse_timeframe(text, year=year)
        assert (schedule.kind, schedule.problem) == ("unknown", f"impossible year: {year}")
    assert parse_timeframe("Quý II/2025", year=year).due == date(2025, 6, 30)


@pytest.mark.parametrize(
    ("written", "start", "due"),
    [
        ("Quý II/25", date(2025, 4, 1), date(2025, 6, 30)),
        ("Quý II năm 25", date(2025, 4, 1), date(2025, 6, 30)),
        ("Tháng 6/25", date(2025, 6, 1), date(2025, 6, 30)),
        ("Quý IV/2026", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_a_two_digit_year_after_a_quarter_or_month_is_that_year_not_the_plans(
    written: str, start: date, due: date
) -> None:
    # "Quý II/25" in a 2024 plan was read as Q2 2024: the written year silently dropped
    schedule = parse_timeframe(written, year=2024)
    assert (schedule.kind, schedule.start, schedule.due, schedule.problem) == (
        "once",
        start,
        due,
        None,
    )
