"""The combined wording real plans use (lists, ranges, spans, recurrence beside other words,
deadlines inside sentences) read by the grammar of pieces, each to the rule the README's
table states; and no text, however long or hostile, makes the parser slow or raise."""

from __future__ import annotations

import random
import unicodedata
from datetime import date
from typing import Any

import pytest

from tasks.plans import NOT_UNDERSTOOD, parse_timeframe
from tests.support.plan_mutations import deadline
from tests.support.schedules import once, read_rule

PLAN_YEAR = 2025


def rule(text: str, **kwargs: Any) -> dict[str, Any]:
    return read_rule(text, **({"year": PLAN_YEAR} | kwargs))


def ongoing(start: date | None = None, until: date | None = None) -> dict[str, Any]:
    bounds = {"start": start, "until": until}
    return {"kind": "ongoing"} | {k: v for k, v in bounds.items() if v}


def table(cases: list[tuple[str, dict[str, Any]]]) -> Any:
    return pytest.mark.parametrize(("text", "expected"), cases, ids=[t for t, _ in cases])


SEVERAL_DEADLINES = [
    ("Quý III, IV/2026, 2027", once(date(2026, 9, 30), date(2026, 7, 1))),
    ("Quý IV/2025 và Quý I/2026;", once(date(2025, 12, 31), date(2025, 10, 1))),
    ("Quý III và Quý IV năm 2026", once(date(2026, 9, 30), date(2026, 7, 1))),
    ("Trong tháng 6 và tháng 7/2026", once(date(2026, 6, 30), date(2026, 6, 1))),
    ("Đợt 1: tháng 6/2025; đợt 2: tháng 12/2025", once(date(2025, 6, 30), date(2025, 6, 1))),
    (
        "Ban hành trong tháng 01/2026, kiểm tra chậm nhất trong tháng 6/2026",
        once(date(2026, 1, 31), date(2026, 1, 1)),
    ),
]


@table(SEVERAL_DEADLINES)
def test_several_deadlines_are_due_on_the_first(text: str, expected: dict[str, Any]) -> None:
    assert rule(text) == expected


RANGES = [
    ("Quý II-IV/2025", once(date(2025, 12, 31), date(2025, 4, 1))),
    ("Tháng 11-12/2025", once(date(2025, 12, 31), date(2025, 11, 1))),
    ("Từ tháng 12/2025 đến quý I/2026.", once(date(2026, 3, 31), date(2025, 12, 1))),
    ("tháng 11/2025 đến tháng 4/2026;", once(date(2026, 4, 30), date(2025, 11, 1))),
    ("Từ ngày 01/12 đến ngày 15/12/2025", once(date(2025, 12, 15), date(2025, 12, 1))),
    ("(từ ngày 15/11 đến ngày 15/12)", once(date(2025, 12, 15), date(2025, 11, 15))),
    ("Quý I/2026 - Quý II/2026", once(date(2026, 6, 30), date(2026, 1, 1))),
]


@table(RANGES)
def test_a_range_is_one_deadline_at_its_end(text: str, expected: dict[str, Any]) -> None:
    assert rule(text) == expected


PERIODS = [
    ("Quý I năm 2026", once(date(2026, 3, 31), date(2026, 1, 1))),
    ("Trong quý I năm 2026", once(date(2026, 3, 31), date(2026, 1, 1))),
    ("Quí IV-2025", once(date(2025, 12, 31), date(2025, 10, 1))),
    ("TRONG QUÝ IV/2025.", once(date(2025, 12, 31), date(2025, 10, 1))),
    ("Xong trong Quý II/2026", once(date(2026, 6, 30), date(2026, 4, 1))),
    ("Tháng 12/2025", once(date(2025, 12, 31), date(2025, 12, 1))),
    ("Năm 2026", once(date(2026, 12, 31), date(2026, 1, 1))),
    ("2026", once(date(2026, 12, 31), date(2026, 1, 1))),
    ("**2025**", once(date(2025, 12, 31), date(2025, 1, 1))),
    ("6 tháng đầu năm", once(date(2025, 6, 30), date(2025, 1, 1))),
    ("Trước ngày 30/11/2025", once(date(2025, 11, 30))),
    ("Chậm nhất ngày 10/12/2025", once(date(2025, 12, 10))),
    ("Chậm nhất là ngày 30/6/2025", once(date(2025, 6, 30))),
    ("Đến hết tháng 6/2025", once(date(2025, 6, 30))),
    ("Giai đoạn 1: hoàn thành trong Quý II/2025", once(date(2025, 6, 30), date(2025, 4, 1))),
    ("Giai đoạn I: Quý II/2025", once(date(2025, 6, 30), date(2025, 4, 1))),
    # Before a whole period: done within the one before it.
    ("Hoàn thành trước năm 2025", once(date(2024, 12, 31))),
    ("trước tháng 6/2025", once(date(2025, 5, 31))),
]


@table(PERIODS)
def test_a_named_period_is_due_on_its_last_day(text: str, expected: dict[str, Any]) -> None:
    assert rule(text) == expected


IN_A_SENTENCE = [
    ("Rà soát các văn bản và hoàn thành trong tháng 12/2025.", once(date(2025, 12, 31))),
    ("Các sở gửi kết quả về Sở Tư pháp trước ngày 15 tháng 12 năm 2025.", once(date(2025, 12, 15))),
    ("Ban hành kế hoạch chậm nhất là ngày 15/4/2026 và tổ chức thực hiện", once(date(2026, 4, 15))),
    ("Theo lộ trình của Đề án, riêng dự án A hoàn thành trước năm 2026", once(date(2025, 12, 31))),
    ("Tháng 11/2025 (sau khi có hướng dẫn của tỉnh)", once(date(2025, 11, 30))),
    ("Dự kiến tháng 11/2025", once(date(2025, 11, 30))),
]


@table(IN_A_SENTENCE)
def test_a_deadline_inside_a_sentence_or_beside_an_aside_is_read(
    text: str, expected: dict[str, Any]
) -> None:
    assert {k: v for k, v in rule(text).items() if k != "start"} == expected


CONTINUING = [
    ("2026-2030", ongoing(date(2026, 1, 1), date(2030, 12, 31))),
    ("Năm 2025 - 2026", ongoing(date(2025, 1, 1), date(2026, 12, 31))),
    ("năm 2026 – 2027.", ongoing(date(2026, 1, 1), date(2027, 12, 31))),
    ("Trong năm 2023, 2024.", ongoing(date(2023, 1, 1), date(2024, 12, 31))),
    ("Giai đoạn 2026-2030", ongoing(date(2026, 1, 1), date(2030, 12, 31))),
    ("Giai đoạn 2026–2030 và những năm tiếp theo", ongoing(date(2026, 1, 1))),
    ("Năm 2026 và các năm tiếp theo.", ongoing(date(2026, 1, 1))),
    ("Quý IV/2025 và các năm tiếp theo", ongoing(date(2025, 10, 1))),
    ("Từ 01/7/2025", ongoing(date(2025, 7, 1))),
    ("Bắt đầu thực hiện từ năm 2026", ongoing(date(2026, 1, 1))),
    ("Thường xuyên trong năm", ongoing()),
    ("Nhiệm vụ thường xuyên", ongoing()),
    ("Thực hiện thường xuyên khi có yêu cầu của cấp trên", ongoing()),
    # The recurrence paces only the report: the work itself goes on.
    ("Thường xuyên, định kỳ hằng quý báo cáo kết quả", ongoing()),
    ("Thường xuyên đến hết năm 2025", ongoing(until=date(2025, 12, 31))),
]


@table(CONTINUING)
def test_spans_and_continuing_work_are_ongoing(text: str, expected: dict[str, Any]) -> None:
    assert rule(text) == expected


RECURRING = [
    ("Hằng năm.", {"kind": "yearly"}),
    ("Thường xuyên, hằng năm", {"kind": "yearly"}),
    ("Hằng năm và giai đoạn", {"kind": "yearly"}),
    ("Hằng năm và từng giai đoạn", {"kind": "yearly"}),
    ("Theo kế hoạch kiểm tra hằng năm của tỉnh", {"kind": "yearly"}),
    ("Hằng năm, trước ngày 15/12", {"kind": "yearly", "month": 12, "day": 15}),
    ("Tháng 12 hằng năm", {"kind": "yearly", "month": 12}),
    ("Ban hành trong tháng 01 hằng năm và tổ chức thực hiện", {"kind": "yearly", "month": 1}),
    ("Quý I hằng năm", {"kind": "yearly", "month": 3}),
    ("Trước ngày 31/01 năm liền kề", {"kind": "yearly", "month": 1, "day": 31}),
    ("2026 và hằng năm", {"kind": "yearly", "start": date(2026, 1, 1)}),
    (
        "Hằng năm và giai đoạn 2026-2030",
        {"kind": "yearly", "start": date(2026, 1, 1), "until": date(2030, 12, 31)},
    ),
    ("Tháng 3, 6, 9, 12 hằng năm", {"kind": "quarterly", "month": 3}),
    ("Tháng 6, 12 hằng năm", {"kind": "semiannual", "month": 6}),
    ("Tháng 3 và tháng 9 hằng năm", {"kind": "semiannual", "month": 3}),
    ("Tháng 7-8 hằng năm", {"kind": "yearly", "month": 8}),
    ("Định kỳ hằng tháng", {"kind": "monthly"}),
    ("Thường xuyên trong tháng", {"kind": "monthly"}),
    ("trước ngày 15 hằng tháng", {"kind": "monthly", "day": 15}),
    ("Trước ngày 05 của tháng liền kề", {"kind": "monthly", "day": 5}),
]


@table(RECURRING)
def test_a_recurrence_word_makes_a_series_even_beside_other_words(
    text: str, expected: dict[str, Any]
) -> None:
    assert rule(text) == expected


DAY_BEFORE = [
    ("Các sở báo cáo trước ngày 15/12/2025.", once(date(2025, 12, 14))),
    ("Trước ngày 31/01 năm liền kề", {"kind": "yearly", "month": 1, "day": 30}),
    ("Trước ngày 05 của tháng liền kề", {"kind": "monthly", "day": 4}),
    ("Hoàn thành trước năm 2025", once(date(2024, 12, 31))),
]


@table(DAY_BEFORE)
def test_day_before_setting_moves_truoc_in_combined_wording(
    text: str, expected: dict[str, Any]
) -> None:
    assert rule(text, before="day_before") == expected


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("Sau khi có hướng dẫn của Bộ", "sau khi"),
        ("Khi có phát sinh.", "khi có"),
        ("Theo yêu cầu", "theo yêu cầu"),
        ("Theo lộ trình triển khai Đề án.", "theo lộ trình"),
        ("Theo hướng dẫn của Trung ương", "theo hướng dẫn"),
        ("Sau 03 tháng kể từ khi có văn bản của Trung ương", "kể từ"),
        # A date inside a reference is not the item's deadline.
        ("Theo Quyết định số 12/QĐ-UBND ngày 05/3/2024 của UBND tỉnh", "theo"),
        ("Theo tiến độ của Luật Đất đai 2024", "theo tiến độ"),
        ("Theo kế hoạch kiểm tra năm 2026 của huyện", "theo kế hoạch"),
    ],
)
def test_event_driven_wording_is_kept_and_flagged_with_its_cause(text: str, cause: str) -> None:
    schedule = parse_timeframe(text, year=PLAN_YEAR)
    assert (schedule.kind, schedule.due, schedule.text) == ("once", None, text.rstrip("."))
    assert schedule.problem == (
        f"tied to an event or ad hoc ({cause!r}): cannot be scheduled from the text"
    )


@pytest.mark.parametrize(
    "text", ["hằng năm trước ngày 20", "hoàn thành trước ngày 20", "Từ ngày 20"]
)
def test_a_day_whose_month_is_not_said_is_not_guessed(text: str) -> None:
    schedule = parse_timeframe(text, year=PLAN_YEAR)
    assert (schedule.kind, schedule.problem) == ("unknown", NOT_UNDERSTOOD)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Quý III, V/2026", "no such quarter: V"),
        ("Tháng 13/2025 đến tháng 2/2026", "no such month: 13"),
        ("Trước ngày 31/02 năm liền kề", "impossible date: 31/02"),
        (
            "Từ tháng 5/2025 đến tháng 2/2025",
            "date range ends before it starts: 2025-05-01 to 2025-02-28",
        ),
    ],
)
def test_impossible_pieces_are_named(text: str, problem: str) -> None:
    schedule = parse_timeframe(text, year=PLAN_YEAR)
    assert (schedule.kind, schedule.problem) == ("unknown", problem)


def test_a_list_without_a_year_takes_the_plan_year_or_says_there_is_none() -> None:
    assert parse_timeframe("Quý III, IV", year=2024).due == date(2024, 9, 30)
    schedule = parse_timeframe("Quý III, IV", year=None)
    assert schedule.kind == "unknown"
    assert schedule.problem == "no year: 'Quý III, IV' gives none and the plan has none"


def test_nfd_text_reads_like_nfc() -> None:
    for text in ("Quý III, IV/2026", "Giai đoạn 2026–2030 và những năm tiếp theo"):
        assert rule(unicodedata.normalize("NFD", text)) == rule(text)


# d07's time cells as its scan reads them: the marks of the time words lost or wrong, and a
# quarter's roman numeral read as digits
SCANNED = [
    ("Hãng năm và từng giai đoạn", "Hằng năm và từng giai đoạn"),
    ("Quy 1/2027", "Quý I/2027"),
    ("Quý 11/2028", "Quý II/2028"),
    ("Xong trong Quý I1/2026", "Xong trong Quý II/2026"),
    ("Quý 1V/2026", "Quý IV/2026"),
]


@pytest.mark.parametrize(("scanned", "printed"), SCANNED, ids=[s for s, _ in SCANNED])
def test_a_time_cell_a_scan_misreads_reads_as_the_printed_one(scanned: str, printed: str) -> None:
    assert rule(scanned) == rule(printed)


def test_an_eleventh_month_is_not_taken_for_a_quarter_read_as_digits() -> None:
    assert rule("Tháng 11/2025") == once(date(2025, 11, 30), date(2025, 11, 1))


HOSTILE = {
    "spaces": " " * 100_000 + "x",
    "parentheses": "(" * 50_000 + ")" * 50_000,
    "slashes": "1/" * 50_000,
    "digits": "1" * 100_000,
    "quarter list": "quý i, " * 15_000,
    "month list": "tháng 1-" * 12_000,
    "years": "2025-" * 20_000,
    "dates": "1/1/2025 và " * 8_000,
    "anchors": "trước ngày " * 9_000,
    "recurrence": "thường xuyên hằng năm báo cáo, " * 3_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_100_kb_hostile_text_is_read_not_hung_on(text: str) -> None:
    # a deadline, not a timing: a quadratic or backtracking reading of 100 KB never answers
    # within it; how fast it answers is benchmarks/fuzz.py's to measure
    with deadline(10):
        schedule = parse_timeframe(text, year=PLAN_YEAR)
    assert schedule.kind


def test_random_pieces_never_make_the_parser_raise() -> None:
    words = "quý quí tháng năm ngày trước từ đến hết trong hằng mỗi liền kề thường xuyên giai"
    words += " đoạn các tiếp theo và , ; - / ( ) . * I IV V 0 00 13 31 32 29 02 2025 1899 9999"
    vocabulary = words.split()
    chance = random.Random(20251201)
    for _ in range(3_000):
        text = " ".join(chance.choices(vocabulary, k=chance.randint(1, 10)))
        for year in (PLAN_YEAR, None):
            schedule = parse_timeframe(text, year=year, before=chance.choice(["on", "day_before"]))
            unscheduled = schedule.kind == "unknown" or schedule.due is None
            assert unscheduled or schedule.problem is None
