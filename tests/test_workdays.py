"""The Vietnamese working-day calendar: the holidays package plus the override file, the
day arithmetic deadlines are counted with, and `dondoc calendar workdays`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dondoc.cli.calendar import calendar_app
from tasks.schedule import (
    DayOverride,
    WorkCalendar,
    WorkdayException,
    WorkdayOverrideError,
    default_overrides_path,
    load_overrides,
)
from tests.support.settings import SettingsEnv

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "workdays"


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    """The calendar as dondoc uses it: the package and the packaged override file."""
    return WorkCalendar.from_file(None)


@pytest.fixture(scope="module")
def package_only() -> WorkCalendar:
    """What the holidays package knows by itself."""
    return WorkCalendar()


def unwrapped(text: str) -> str:
    """Rich wraps stderr at the terminal width, even inside a long path: compare without it."""
    return "".join(text.split())


def days(start: date, end: date) -> list[date]:
    return [date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)]


# --- which days are worked ------------------------------------------------------------------


def test_tet_2026_is_a_rest_from_14_to_22_february(calendar: WorkCalendar) -> None:
    assert not any(calendar.is_working_day(d) for d in days(date(2026, 2, 14), date(2026, 2, 22)))
    assert calendar.is_working_day(date(2026, 2, 13))  # the Friday before
    assert calendar.is_working_day(date(2026, 2, 23))  # Monday after
    assert calendar.reason(date(2026, 2, 14)) == "Nghỉ Tết Nguyên đán Bính Ngọ 2026"
    assert calendar.reason(date(2026, 2, 17)) == "Nghỉ Tết Nguyên đán Bính Ngọ 2026"


def test_the_package_alone_knows_the_tet_2026_weekdays(package_only: WorkCalendar) -> None:
    tet = days(date(2026, 2, 16), date(2026, 2, 20))
    assert not any(package_only.is_working_day(d) for d in tet)
    assert package_only.reason(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert package_only.is_working_day(date(2026, 2, 23))


def test_2_january_2026_is_off_only_thanks_to_the_override(
    calendar: WorkCalendar, package_only: WorkCalendar
) -> None:
    assert package_only.is_working_day(date(2026, 1, 2))
    assert package_only.reason(date(2026, 1, 2)) is None
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.reason(date(2026, 1, 2)) == "Nghỉ Tết Dương lịch 2026"
    assert not calendar.is_working_day(date(2026, 1, 1))
    assert calendar.is_working_day(date(2026, 1, 5))


def test_2025_swap_friday_2_may_off_and_saturday_26_april_worked(
    calendar: WorkCalendar, package_only: WorkCalendar
) -> None:
    for cal in (calendar, package_only):
        assert not cal.is_working_day(date(2025, 5, 2))
        assert cal.is_working_day(date(2025, 4, 26))
        assert not cal.is_working_day(date(2025, 4, 27))  # the Sunday stays a rest day
    assert calendar.reason(date(2025, 4, 26)) == "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025"
    # Without the override the reason is built from the package's swapped day off.
    assert package_only.reason(date(2025, 4, 26)) == "Làm bù cho ngày nghỉ thứ Sáu 02/05/2025"


def test_30_april_to_4_may_2025_is_one_break(calendar: WorkCalendar) -> None:
    assert not any(calendar.is_working_day(d) for d in days(date(2025, 4, 30), date(2025, 5, 4)))
    assert calendar.is_working_day(date(2025, 4, 29))
    assert calendar.is_working_day(date(2025, 5, 5))
    assert calendar.reason(date(2025, 4, 30)) == "Ngày Chiến thắng"
    assert calendar.reason(date(2025, 5, 1)) == "Ngày Quốc tế Lao động"
    assert calendar.next_working_day(date(2025, 4, 30)) == date(2025, 5, 5)


def test_reason_is_none_for_an_ordinary_weekday_or_weekend(calendar: WorkCalendar) -> None:
    assert calendar.reason(date(2026, 3, 10)) is None  # a Tuesday
    assert calendar.reason(date(2026, 3, 7)) is None  # a Saturday
    assert not calendar.is_working_day(date(2026, 3, 7))
    # A holiday on a Sunday is still named, though the day was a rest day anyway.
    assert calendar.reason(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"


def test_an_override_wins_over_the_package() -> None:
    calendar = WorkCalendar(
        [
            DayOverride(date(2025, 9, 2), working=True, reason="Trực Quốc khánh"),
            DayOverride(date(2025, 9, 3), working=False, reason="Nghỉ thêm"),
            DayOverride(date(2025, 4, 26), working=False, reason="Không làm bù"),
        ]
    )
    assert calendar.is_working_day(date(2025, 9, 2))
    assert calendar.reason(date(2025, 9, 2)) == "Trực Quốc khánh"
    assert not calendar.is_working_day(date(2025, 9, 3))
    assert not calendar.is_working_day(date(2025, 4, 26))
    assert not calendar.is_working_day(date(2025, 9, 1))  # the package still counts


def test_holiday_years_are_computed_only_when_asked_for() -> None:
    calendar = WorkCalendar()
    calendar.is_working_day(date(2031, 3, 3))
    calendar.is_working_day(date(2031, 7, 8))
    # Private, but the point: a compile touching one year must not expand 1901–2100.
    assert calendar._holidays.years == {2031}


# --- day arithmetic ---------------------------------------------------------------------


def test_next_and_previous_working_day_across_tet_2026(calendar: WorkCalendar) -> None:
    assert calendar.next_working_day(date(2026, 2, 14)) == date(2026, 2, 23)
    assert calendar.previous_working_day(date(2026, 2, 22)) == date(2026, 2, 13)
    assert calendar.next_working_day(date(2026, 2, 13)) == date(2026, 2, 13)
    assert calendar.previous_working_day(date(2026, 2, 23)) == date(2026, 2, 23)
    assert calendar.shift(date(2026, 2, 18), "next") == date(2026, 2, 23)
    assert calendar.shift(date(2026, 2, 18), "previous") == date(2026, 2, 13)


def test_next_and_previous_working_day_across_new_year_2026(
    calendar: WorkCalendar, package_only: WorkCalendar
) -> None:
    assert calendar.next_working_day(date(2026, 1, 1)) == date(2026, 1, 5)
    assert calendar.previous_working_day(date(2026, 1, 4)) == date(2025, 12, 31)
    assert package_only.next_working_day(date(2026, 1, 1)) == date(2026, 1, 2)


def test_shift_refuses_an_unknown_direction(calendar: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="direction"):
        calendar.shift(date(2026, 2, 18), "later")  # type: ignore[arg-type]


def test_add_working_days_across_a_weekend(calendar: WorkCalendar) -> None:
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert calendar.add_working_days(friday, 1) == monday
    assert calendar.add_working_days(friday, 5) == date(2026, 3, 13)
    assert calendar.add_working_days(monday, -1) == friday
    assert calendar.add_working_days(date(2026, 3, 7), 1) == monday  # from a Saturday
    assert calendar.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_add_working_days_across_a_holiday(calendar: WorkCalendar) -> None:
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert calendar.add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert calendar.add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)
    assert calendar.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)


def test_working_days_between_across_a_weekend_and_a_holiday(calendar: WorkCalendar) -> None:
    assert calendar.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    # Due on Friday 13/2/2026, checked on Wednesday 25/2: three working days overdue.
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert calendar.working_days_between(date(2025, 4, 29), date(2025, 5, 5)) == 1


def test_working_days_between_counts_what_add_working_days_adds(
    calendar: WorkCalendar,
) -> None:
    for start in days(date(2026, 1, 1), date(2026, 3, 1)):
        for n in (1, 3, 10):
            assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


# --- exceptions of a year ---------------------------------------------------------------


def test_exceptions_2026_list_days_off_and_worked_weekends_with_reasons(
    calendar: WorkCalendar,
) -> None:
    found = calendar.exceptions(2026)
    by_day = {e.day: e for e in found}
    assert [e.day for e in found] == sorted(by_day)
    assert by_day[date(2026, 1, 1)] == WorkdayException(
        date(2026, 1, 1), False, "Nghỉ Tết Dương lịch 2026", "override"
    )
    assert by_day[date(2026, 1, 2)] == WorkdayException(
        date(2026, 1, 2), False, "Nghỉ Tết Dương lịch 2026", "override"
    )
    for d in days(date(2026, 2, 16), date(2026, 2, 20)):
        assert by_day[d] == WorkdayException(
            d, False, "Nghỉ Tết Nguyên đán Bính Ngọ 2026", "override"
        )
    assert by_day[date(2026, 4, 27)] == WorkdayException(
        date(2026, 4, 27), False, "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)", "holidays"
    )
    for d in (date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2)):
        assert by_day[d].source == "holidays" and not by_day[d].working
    # Weekend days of a break are not exceptions, nor are ordinary days.
    assert date(2026, 2, 14) not in by_day
    assert date(2026, 4, 26) not in by_day
    assert date(2026, 3, 10) not in by_day
    for e in found:
        assert e.working == (e.day.weekday() >= 5) and e.reason


def test_exceptions_2025_include_the_worked_saturday(calendar: WorkCalendar) -> None:
    by_day = {e.day: e for e in calendar.exceptions(2025)}
    assert by_day[date(2025, 4, 26)] == WorkdayException(
        date(2025, 4, 26), True, "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025", "override"
    )
    assert not by_day[date(2025, 5, 2)].working


# --- the override file ------------------------------------------------------------------


def test_the_packaged_override_file_loads() -> None:
    overrides = load_overrides(default_overrides_path())
    by_day = {o.day: o for o in overrides}
    assert len(by_day) == len(overrides)
    assert by_day[date(2026, 1, 2)].working is False
    assert by_day[date(2025, 4, 26)].working is True
    assert set(days(date(2026, 2, 14), date(2026, 2, 22))) <= set(by_day)
    assert set(days(date(2026, 1, 1), date(2026, 1, 4))) <= set(by_day)
    assert all(o.line > 0 and o.reason for o in overrides)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-date.yaml", "bad-date.yaml:3: date: 2025-02-30 is not a date"),
        ("range-backwards.yaml", "range-backwards.yaml:3: to: 2026-02-14 is before from"),
        ("range-too-long.yaml", "range-too-long.yaml:2: to: 2026-02-14 to 2062-02-22 is"),
        ("unknown-key.yaml", "unknown-key.yaml:4: reson: unknown key"),
        ("unknown-list.yaml", "unknown-list.yaml:3: holidays: unknown key"),
        ("missing-reason.yaml", "missing-reason.yaml:3: reason: missing"),
        ("duplicate-day.yaml", "duplicate-day.yaml:4: date: 2026-02-21 is listed twice"),
        ("not-a-mapping.yaml", "not-a-mapping.yaml:2: expected a mapping"),
        ("broken-yaml.yaml", "broken-yaml.yaml:3: not valid YAML"),
    ],
)
def test_a_bad_override_file_names_file_line_and_field(name: str, expected: str) -> None:
    with pytest.raises(WorkdayOverrideError) as raised:
        load_overrides(FIXTURES / name)
    assert expected in str(raised.value)
    assert str(raised.value).startswith(str(FIXTURES / name) + ":")


def test_an_override_file_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "off:\n"
        "  - {date: 2026-13-01, reason: a}\n"
        "  - {from: 2026-01-01, reason: b}\n"
        "  - {date: 2026-01-05, from: 2026-01-06, reason: c}\n"
        "work: 3\n",
        encoding="utf-8",
    )
    with pytest.raises(WorkdayOverrideError) as raised:
        load_overrides(path)
    assert [(problem.line, problem.field) for problem in raised.value.problems] == [
        (2, "date"),
        (3, "to"),
        (4, "date"),
        (5, "work"),
    ]


def test_a_missing_override_file_is_an_override_error(tmp_path: Path) -> None:
    with pytest.raises(WorkdayOverrideError, match="cannot read the file"):
        WorkCalendar.from_file(tmp_path / "absent.yaml")


# --- dondoc calendar workdays -----------------------------------------------------------


@pytest.fixture
def runner(settings_env: SettingsEnv) -> CliRunner:
    settings_env.set(workday_overrides=None)
    return CliRunner()


def test_cli_workdays_prints_the_table(runner: CliRunner) -> None:
    result = runner.invoke(calendar_app, ["workdays", "2026"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "02/01/2026" in result.stdout
    assert "16/02/2026" in result.stdout
    assert "22/08/2026" in result.stdout  # the worked Saturday of the 2/9 break
    assert "Thứ Sáu" in result.stdout
    assert "14/02/2026" not in result.stdout  # a Saturday off is no exception


def test_cli_workdays_json_lists_the_exceptions(runner: CliRunner) -> None:
    result = runner.invoke(calendar_app, ["workdays", "2025", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(row) == {"date", "weekday", "working", "reason", "source"} for row in rows)
    by_date = {row["date"]: row for row in rows}
    assert by_date["2025-04-26"] == {
        "date": "2025-04-26",
        "weekday": "Thứ Bảy",
        "working": True,
        "reason": "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025",
        "source": "override",
    }
    assert by_date["2025-04-30"]["source"] == "holidays"
    assert by_date["2025-05-02"]["working"] is False


def test_cli_workdays_with_a_bad_override_file_exits_1(runner: CliRunner) -> None:
    bad = FIXTURES / "bad-date.yaml"
    result = runner.invoke(calendar_app, ["workdays", "2025", "--overrides", str(bad)])
    assert result.exit_code == 1
    assert unwrapped(f"{bad}:3: date: 2025-02-30 is not a date") in unwrapped(result.stderr)
    assert result.stdout == ""


def test_cli_workdays_reads_the_override_file_from_settings(
    runner: CliRunner, settings_env: SettingsEnv
) -> None:
    settings_env.set(workday_overrides=FIXTURES / "duplicate-day.yaml")
    result = runner.invoke(calendar_app, ["workdays", "2026", "--json"])
    assert result.exit_code == 1
    assert "duplicate-day.yaml:4:" in unwrapped(result.stderr)


def test_a_reason_longer_than_a_line_is_refused_at_its_line(tmp_path: Path) -> None:
    # a 5 MB reason took the calendar's table over a minute to lay out
    path = tmp_path / "overrides.yaml"
    path.write_text(f"off:\n  - {{date: 2026-01-05, reason: {'x' * 301}}}\n", encoding="utf-8")
    with pytest.raises(WorkdayOverrideError) as raised:
        load_overrides(path)
    assert str(raised.value) == f"{path}:2: reason: longer than 300 characters: say it in a line"
    path.write_text(f"off:\n  - {{date: 2026-01-05, reason: {'x' * 300}}}\n", encoding="utf-8")
    assert load_overrides(path)[0].reason == "x" * 300
