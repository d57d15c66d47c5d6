"""The plan text parser against the real documents (read at run time), the example plans, and
small crafted fixtures for each layout variant. Encodings and unreadable files are in
test_parse_plan_input.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tasks.plans import (
    ParsedPlan,
    ParseWarning,
    PlanParseError,
    Schedule,
    deadline_warning,
    parse_plan_text,
    read_plan_file,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PLANS = ROOT / "examples" / "plans"
FIXTURE_PLANS = Path(__file__).resolve().parent / "fixtures" / "plans"

ALL_UNITS = "UBND các xã, thị trấn"
AGENCIES_AND_UNITS = ["Các cơ quan, đơn vị", ALL_UNITS]
TTVH = "Trung tâm Văn hóa – Thông tin – Thể thao huyện"
NOI_VU_VHTT_UNITS = ["Phòng Nội vụ", "Phòng Văn hóa và Thông tin", ALL_UNITS]

# (seq, lead, coordinating, timeframe kind, due)
Row = tuple[str, list[str], list[str], str, date | None]


def assert_items(plan: ParsedPlan, expected: list[Row]) -> None:
    got = [
        (item.seq, item.lead, item.coordinating, item.timeframe.kind, item.timeframe.due)
        for item in plan.items
    ]
    assert got == expected


def messages(plan: ParsedPlan) -> list[str]:
    return [warning.message for warning in plan.warnings]


# --- the real documents ---------------------------------------------------------------------
@pytest.mark.shared_plans
def test_the_real_song_ma_list_plan_parses(shared_plans: Path) -> None:
    plan, _ = read_plan_file(shared_plans / "song-ma-2019-kh33-list.txt")

    assert plan.layout == "list"
    assert plan.number == "33/KH-UBND"
    assert plan.issuer == "UBND huyện Sông Mã"
    assert plan.issued_on == date(2019, 1, 11)  # not the page's posting date 28-01-2019
    assert plan.year == 2019
    assert plan.title.startswith("Kế hoạch tuyên truyền") and plan.title.endswith("năm 2019")
    assert plan.monitoring_agency is None
    assert_items(
        plan,
        [
            ("1", AGENCIES_AND_UNITS, [], "ongoing", None),
            ("2", ["Trung tâm Truyền thông - Văn hóa huyện"], AGENCIES_AND_UNITS, "weekly", None),
            (
                "3",
                [ALL_UNITS],
                ["Đoàn thể chính trị, xã hội các xã, thị trấn", "Ban quản lý bản, tổ dân phố"],
                "monthly",
                None,
            ),
            (
                "4",
                ["Phòng Nội vụ", "phòng Tài chính - Kế hoạch"],
                AGENCIES_AND_UNITS,
                "once",
                date(2019, 12, 31),
            ),
            ("5", ["Phòng Nội vụ"], AGENCIES_AND_UNITS, "once", date(2019, 12, 31)),
            ("6", ["Phòng Nội vụ"], AGENCIES_AND_UNITS, "once", date(2019, 12, 31)),
        ],
    )
    assert plan.items[0].timeframe.until == date(2019, 12, 31)
    assert plan.items[0].details and plan.items[0].details.startswith("+ ")
    assert [item.line for item in plan.items] == [10, 24, 34, 44, 54, 64]
    assert plan.warnings == []


@pytest.mark.shared_plans
def test_the_real_tuy_phuoc_table_plan_parses(shared_plans: Path) -> None:
    plan, _ = read_plan_file(shared_plans / "tuy-phuoc-2023-table.txt")

    assert plan.layout == "table"
    assert plan.number is None
    assert plan.issued_on is None
    assert plan.year == 2023
    assert plan.issuer == "UBND huyện Tuy Phước"
    assert plan.monitoring_agency == "Phòng Nội vụ huyện"
    assert plan.title.endswith("trên địa bàn huyện Tuy Phước")
    deadline = date(2022, 12, 15)
    assert_items(
        plan,
        [
            ("1", ["Phòng Nội vụ huyện", TTVH], ["Các phòng, ban, ngành huyện", ALL_UNITS],
             "ongoing", None),
            ("2", ["Các phòng, ban, ngành", ALL_UNITS], ["Phòng Nội vụ huyện"], "ongoing", None),
            ("3", ["Văn phòng HĐND & UBND huyện", "Phòng Nội vụ", TTVH],
             ["Các phòng, ban, ngành huyện", ALL_UNITS], "ongoing", None),
            ("4", NOI_VU_VHTT_UNITS, ["Các cơ quan, đơn vị có liên quan"], "once", deadline),
            ("5", NOI_VU_VHTT_UNITS, [], "once", deadline),
            ("6", [TTVH, "Đài Truyền thanh các xã, thị trấn"],
             ["Các phòng, ban, ngành", ALL_UNITS], "ongoing", None),
            ("7", ["Phòng Văn hóa và Thông tin huyện"], [ALL_UNITS], "ongoing", None),
        ],
    )  # fmt: skip
    assert {item.section for item in plan.items} == {"III"}
    late = [w for w in plan.warnings if "is before the plan's date" in w.message]
    assert [w.line for w in late] == [72, 73]
    assert all("2022-12-15" in w.message for w in late)
    assert any("number is blank (draft)" in m for m in messages(plan))
    assert any("date is blank" in m for m in messages(plan))


@pytest.mark.shared_plans
@pytest.mark.parametrize(
    "name",
    [
        "ha-noi-2024-kh54-summary-news.txt",
        "nghe-an-2019-report-news.txt",
        "province-2024-tthc-control-news.txt",
    ],
)
def test_a_news_article_about_a_plan_is_not_a_plan(shared_plans: Path, name: str) -> None:
    """Refused either as news (its reported speech) or for holding no task that names a lead."""
    with pytest.raises(
        PlanParseError, match=r"not a plan: it (?:reads as a news|is a notice)|no plan items"
    ) as error:
        read_plan_file(shared_plans / name)
    assert name in str(error.value)


@pytest.mark.shared_plans
def test_before_day_before_moves_the_real_deadline_a_day_earlier(shared_plans: Path) -> None:
    plan, _ = read_plan_file(shared_plans / "tuy-phuoc-2023-table.txt", before="day_before")
    assert plan.items[3].timeframe.due == date(2022, 12, 14)


# --- the example plans ----------------------------------------------------------------------
def test_the_song_ma_example_shows_every_list_schedule_kind() -> None:
    plan, _ = read_plan_file(EXAMPLE_PLANS / "song-ma-2019-kh33.txt")

    assert (plan.number, plan.issuer, plan.issued_on, plan.year, plan.layout) == (
        "33/KH-UBND",
        "UBND huyện Sông Mã",
        date(2019, 1, 11),
        2019,
        "list",
    )
    assert plan.monitoring_agency == "Phòng Nội vụ"
    assert_items(
        plan,
        [
            ("1", AGENCIES_AND_UNITS, [], "ongoing", None),
            ("2", ["Trung tâm Truyền thông - Văn hóa huyện"], AGENCIES_AND_UNITS, "weekly", None),
            ("3", [ALL_UNITS],
             ["Đoàn thể chính trị, xã hội các xã, thị trấn", "Ban quản lý bản, tổ dân phố"],
             "monthly", None),
            ("4", ["Phòng Nội vụ", "phòng Tài chính - Kế hoạch"], AGENCIES_AND_UNITS, "once",
             date(2019, 12, 31)),
            ("5", ["Phòng Nội vụ"], AGENCIES_AND_UNITS, "once", date(2019, 12, 31)),
            ("6", AGENCIES_AND_UNITS, ["Phòng Nội vụ"], "quarterly", None),
            ("7", ["Phòng Nội vụ"],
             ["Văn phòng HĐND & UBND huyện", "Trung tâm Truyền thông - Văn hóa huyện"],
             "semiannual", None),
        ],
    )  # fmt: skip
    assert {item.section for item in plan.items} == {"II"}
    assert plan.items[5].details == "Sản phẩm: Báo cáo quý gửi Phòng Nội vụ."
    assert plan.warnings == []


def test_the_tuy_phuoc_example_reads_its_table_with_an_extra_column() -> None:
    plan, _ = read_plan_file(EXAMPLE_PLANS / "tuy-phuoc-2023-truyen-thong.txt")

    assert (plan.number, plan.issued_on, plan.year, plan.layout) == (None, None, 2023, "table")
    assert plan.issuer == "UBND huyện Tuy Phước"
    assert plan.monitoring_agency == "Phòng Nội vụ huyện"
    deadline = date(2022, 12, 15)
    assert_items(
        plan,
        [
            ("1", ["Phòng Nội vụ huyện", TTVH], ["Các phòng, ban, ngành huyện", ALL_UNITS],
             "ongoing", None),
            ("2", ["Các phòng, ban, ngành", ALL_UNITS], ["Phòng Nội vụ huyện"], "monthly", None),
            ("3", ["Văn phòng HĐND & UBND huyện", "Phòng Nội vụ", TTVH],
             ["Các phòng, ban, ngành huyện", ALL_UNITS], "once", date(2023, 6, 30)),
            ("4", NOI_VU_VHTT_UNITS, ["Các cơ quan, đơn vị có liên quan"], "once", deadline),
            ("5", NOI_VU_VHTT_UNITS, [], "once", deadline),
            ("6", [TTVH, "Đài Truyền thanh các xã, thị trấn"],
             ["Các phòng, ban, ngành", ALL_UNITS], "weekly", None),
            ("7", ["Phòng Văn hóa và Thông tin huyện"], [ALL_UNITS], "yearly", None),
            # "Trước, trong và sau các hội nghị" names no date: a one-off, not scheduled
            ("8", ["Các phòng, ban, ngành huyện"], [ALL_UNITS], "once", None),
        ],
    )  # fmt: skip
    assert plan.items[0].details == "Sản phẩm: Tin, bài đăng trên trang điện tử huyện"
    assert plan.items[7].details is None  # its "Sản phẩm" cell is empty
    late = [w.line for w in plan.warnings if "is before the plan's date" in w.message]
    assert late == [plan.items[3].line, plan.items[4].line]
    assert any(w.line == plan.items[7].line and "not read" in w.message for w in plan.warnings)
    assert not any("cells but the header" in m for m in messages(plan))


def test_the_post_2025_province_example_names_sở_nội_vụ_as_monitor() -> None:
    plan, _ = read_plan_file(EXAMPLE_PLANS / "son-la-2025-so-noi-vu.txt")

    assert (plan.number, plan.issuer, plan.issued_on) == (
        "12/KH-UBND",
        "UBND tỉnh Sơn La",
        date(2025, 9, 3),
    )
    assert plan.monitoring_agency == "Sở Nội vụ"
    assert_items(
        plan,
        [
            ("1", ["Sở Nội vụ"], ["Sở Văn hóa, Thể thao và Du lịch", "UBND các xã, phường"],
             "once", date(2025, 12, 31)),
            ("2", ["UBND các xã, phường"], ["Sở Nội vụ"], "once", date(2025, 10, 31)),
            ("3", ["UBND các xã, phường"], [], "yearly", None),
        ],
    )  # fmt: skip
    assert plan.items[1].details == "Sản phẩm: Tài liệu tập huấn"


# --- crafted layout fixtures ----------------------------------------------------------------
def test_label_variants_and_prose_header_are_read() -> None:
    plan, _ = read_plan_file(FIXTURE_PLANS / "label-variants.txt")

    assert (plan.number, plan.issuer, plan.issued_on, plan.year) == (
        "7/KH-UBND",
        "UBND huyện Mường La",
        date(2024, 2, 3),  # "Ngày 03 tháng 2 năm 2024", not the posting date 05-02-2024
        2024,
    )
    assert_items(
        plan,
        [
            ("1", ["Phòng Nội vụ"], ["Văn phòng HĐND và UBND huyện", "Thanh tra huyện"], "once",
             date(2024, 6, 30)),
            ("2", ["Văn phòng HĐND và UBND huyện"], ["Phòng Văn hóa và Thông tin"], "once",
             date(2024, 9, 10)),
            ("3", ["Phòng Nội vụ"], [], "unknown", None),
            ("4", [], [], "once", date(2024, 6, 30)),
        ],
    )  # fmt: skip
    assert plan.items[1].details == "Kinh phí: Ngân sách huyện"  # an unknown label is kept
    assert [item.content for item in plan.items][:2] == [
        "Kiểm tra tại các xã",
        "Tập huấn nghiệp vụ một cửa",
    ]
    impossible = plan.items[2].timeframe
    assert impossible.text == "Trước ngày 31/02/2024" and "impossible date" in (
        impossible.problem or ""
    )
    assert [(w.line, w.message.split(":")[0]) for w in plan.warnings] == [
        (18, "item 3"),  # the timeframe line, not the heading
        (19, "item 4"),
    ]
    assert "no lead agency" in plan.warnings[1].message


def test_cited_document_numbers_and_posting_dates_are_not_taken_for_the_plan() -> None:
    plan, _ = read_plan_file(FIXTURE_PLANS / "cited-numbers.txt")

    assert plan.number is None  # not 828/QĐ-UBND, nor the cited 45/… and 145/KH-UBND
    assert plan.issued_on is None
    assert plan.year == 2023  # from the title
    assert plan.title == "Truyền thông về chuyển đổi số năm 2023 trên địa bàn huyện Tuy Phước"
    assert plan.issuer == "UBND huyện Tuy Phước"
    assert plan.monitoring_agency == "Phòng Nội vụ huyện"  # "Giao … theo dõi, đôn đốc"
    assert [item.seq for item in plan.items] == ["1"]  # "2. Tổ chức thực hiện" is context


def test_a_pipe_table_with_an_extra_column_and_a_short_row() -> None:
    plan, _ = read_plan_file(FIXTURE_PLANS / "pipe-table.txt")

    assert (plan.number, plan.issuer, plan.issued_on, plan.layout) == (
        "05/KH-UBND",
        "UBND xã Phước Hòa",
        date(2025, 3, 3),
        "table",
    )
    assert plan.monitoring_agency == "Văn phòng HĐND và UBND xã"
    assert [item.seq for item in plan.items] == ["1", "2", "3"]
    assert plan.items[0].coordinating == ["Công an xã"]
    assert plan.items[0].timeframe.due == date(2025, 4, 30)
    assert plan.items[1].details == "Ghi chú: Ưu tiên"
    assert plan.items[1].timeframe.kind == "unknown"
    lines = {w.line: w.message for w in plan.warnings if "cells but the header" in w.message}
    assert lines == {15: lines.get(15, "")} and "4 cells but the header has 6" in lines[15]
    assert any(w.line == 14 and "31/02/2025" in w.message for w in plan.warnings)


def test_a_tab_table_with_broken_cells_followed_by_a_list_keeps_document_order() -> None:
    plan, _ = read_plan_file(FIXTURE_PLANS / "table-and-list.txt")

    assert plan.layout == "table"
    assert [(item.section, item.seq, item.line) for item in plan.items] == [
        ("I", "1", 10),
        ("I", "2", 13),
        ("I", "3", 14),
        ("II", "1", 19),
    ]
    assert plan.items[0].lead == ["Phòng Nội vụ", "Phòng Văn hóa và Thông tin"]
    assert plan.items[0].coordinating == [ALL_UNITS]
    assert plan.items[0].timeframe.due == date(2023, 6, 30)
    assert plan.items[3].timeframe.due == date(2023, 12, 20)
    cell_counts = [w.line for w in plan.warnings if "cells but the header" in w.message]
    assert cell_counts == [13, 14]
    assert plan.issuer is None  # "Tuy Phước, ngày …" names a place, and no prose names a body


def test_a_table_header_without_rows_says_what_it_found() -> None:
    with pytest.raises(PlanParseError, match="table heading at line 4 but no numbered rows"):
        read_plan_file(FIXTURE_PLANS / "empty-table.txt")


def test_a_deadline_before_a_full_plan_date_is_flagged() -> None:
    text = (
        "Số: 3/KH-UBND\tSông Mã, ngày 20/03/2024\n\nKẾ HOẠCH\nThử\n\n"
        "1. Việc A\n- Cơ quan chủ trì: Phòng Nội vụ\n- Thời gian thực hiện: Trước ngày 10/3/2024\n"
    )
    plan = parse_plan_text(text)
    assert [(w.line, w.message) for w in plan.warnings] == [
        (
            8,
            "item 1: deadline 2024-03-10 is before the plan's date 2024-03-20: "
            "'Trước ngày 10/3/2024'",
        )
    ]


def test_a_deadline_in_an_undated_plan_counts_from_1_january_of_its_year() -> None:
    late = Schedule(text="Trước ngày 15/12/2022", kind="once", due=date(2022, 12, 15))
    in_year = Schedule(text="Trước ngày 02/01/2023", kind="once", due=date(2023, 1, 2))

    warning = deadline_warning(late, label="item 4", issued_on=None, year=2023, line=72)

    assert warning == ParseWarning(
        72,
        "item 4: deadline 2022-12-15 is before the plan's date 2023-01-01 "
        "(the plan's day and month are blank): 'Trước ngày 15/12/2022'",
    )
    assert deadline_warning(in_year, label="item 5", issued_on=None, year=2023, line=73) is None
    assert deadline_warning(late, label="item 4", issued_on=None, year=None, line=72) is None
