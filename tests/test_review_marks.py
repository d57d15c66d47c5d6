"""Evidence, confidence and review marks: every parsed field keeps where it was read and how
sure the parser is, `plan parse --json` adds both to its contract, and `plan show` and the
approve-plan review list the doubtful items first with a "⚠ check" per low field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dondoc.core.db import session_scope
from flows.approve_plan import plan_review
from models import Plan, PlanItem
from tasks.plans import Schedule, judge, parse_plan_text
from tests.conftest import EXAMPLES, FIXTURES
from tests.support.cli import Cli

DOUBTFUL_PLAN = FIXTURES / "plans" / "one-sure-one-doubtful.txt"
SONG_MA_DIRECTORY = EXAMPLES / "directories" / "song-ma.yaml"
SURE = {
    "lead": {"level": "high"},
    "coordinating": {"level": "high"},
    "timeframe": {"level": "high"},
}
PERSON = "Đồng chí Trưởng ban Tuyên giáo"  # a person, where an agency belongs
DOUBTS = [
    {
        "field": "coordinating",
        "reason": "'Đồng chí Trưởng ban Tuyên giáo' does not look like an agency",
    },
    {"field": "timeframe", "reason": "timeframe names no date"},
]
HEADER = (
    "ỦY BAN NHÂN DÂN\nXÃ PHƯỚC HÒA\nSố: 07/KH-UBND\nPhước Hòa, ngày 03 tháng 3 năm 2025\n\n"
    "KẾ HOẠCH\nRà soát hồ sơ năm 2025\n\nII. NHIỆM VỤ CỤ THỂ\n\n"
)


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


def imported_doubtful_plan(cli: Cli) -> str:
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    return str(cli.json("plan", "import", str(DOUBTFUL_PLAN))["plan_id"])


def lows(text: str) -> list[dict[str, str | None]]:
    """Each item's low fields and their reasons, in document order."""
    return [
        {name: mark.reason for name, mark in item.confidence.items() if mark.level == "low"}
        for item in parse_plan_text(HEADER + text).items
    ]


def test_plan_parse_json_keeps_its_keys_and_adds_evidence_and_confidence(cli: Cli) -> None:
    sure, doubtful = cli.json("plan", "parse", str(DOUBTFUL_PLAN))["items"]
    keys = {"seq", "content", "lead", "coordinating", "timeframe", "section", "line"}
    assert set(sure) == set(doubtful) == keys | {"evidence", "confidence"}
    assert sure["timeframe"] == {
        "text": "Trước ngày 30/6/2025",
        "kind": "once",
        "due": "2025-06-30",
    }
    assert sure["evidence"] == {"line": 10, "timeframe_line": 16, "how": "labels"}
    assert sure["confidence"] == SURE
    assert doubtful["evidence"] == {"line": 18, "timeframe_line": 24, "how": "labels"}
    assert doubtful["confidence"] == {
        "lead": {"level": "high"},
        "coordinating": {"level": "low", "reason": DOUBTS[0]["reason"]},
        "timeframe": {"level": "low", "reason": "timeframe names no date"},
    }


def test_a_lead_read_from_a_sentence_is_low_and_one_from_a_label_is_not() -> None:
    text = (
        "1. Giao Công an xã chủ trì, phối hợp với Văn phòng HĐND và UBND xã rà soát hồ sơ"
        " cư trú; thời gian: tháng 5/2025.\n\n2. Rà soát bảng niêm yết\n\n"
        "- Cơ quan chủ trì: Văn phòng HĐND và UBND xã.\n\n- Thời gian thực hiện: Tháng 4/2025.\n"
    )
    assert lows(text) == [{"lead": "lead read from a sentence"}, {}]


def test_a_lead_taken_from_an_agency_heading_is_low_and_a_missing_timeframe_too() -> None:
    text = (
        "1. Công an xã\n\n- Rà soát hồ sơ cư trú, hoàn thành trong tháng 5/2025.\n\n"
        "2. Văn phòng HĐND và UBND xã\n\n- Cập nhật danh mục thủ tục hành chính.\n"
    )
    heading = "lead taken from an agency heading"
    assert lows(text) == [
        {"lead": heading},
        {"lead": heading, "timeframe": "no timeframe given"},
    ]
    assert parse_plan_text(HEADER + text).items[1].evidence.timeframe_line == 0  # type: ignore[union-attr]


def test_cells_taken_from_the_table_row_above_make_partners_and_timeframe_low() -> None:
    text = (
        "| STT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |\n|---|---|---|---|---|\n"
        "| 1 | Rà soát bảng niêm yết | Văn phòng HĐND và UBND xã | Công an xã | Tháng 4/2025 |\n"
        "| 2 | Cập nhật danh mục thủ tục | Công an xã |\n"
    )
    assert lows(text) == [
        {},
        {
            "coordinating": "taken from the table row above",
            "timeframe": "timeframe taken from the table row above",
        },
    ]


def test_an_unread_timeframe_and_a_name_unlike_an_agency_are_low_unless_known() -> None:
    unread = Schedule(text="Theo tiến độ chung", kind="unknown", problem="timeframe not understood")
    marks = judge(["Tổ công tác số 2"], ["Sở, ban, ngành có liên quan"], unread, None)
    assert {name: (mark.level, mark.reason) for name, mark in marks.items()} == {
        "lead": ("low", "'Tổ công tác số 2' does not look like an agency"),
        "coordinating": ("high", None),
        "timeframe": ("low", "timeframe not read"),
    }
    known = judge(["Tổ công tác số 2"], [], unread, None, known=["Tổ công tác số 2"])
    assert known["lead"].level == "high"


def test_plan_show_lists_the_doubtful_item_first_and_marks_its_fields(cli: Cli) -> None:
    plan_id = imported_doubtful_plan(cli)
    shown = cli.json("plan", "show", plan_id)
    assert shown["check_first"] == [{"seq": "2", "line": 18, "doubts": DOUBTS}]
    assert [item["confidence"] == SURE for item in shown["items"]] == [True, False]
    assert shown["items"][1]["evidence"] == {"line": 18, "timeframe_line": 24, "how": "labels"}

    out = cli("plan", "show", plan_id, says="Check these first: 1 of 2 items").stdout
    assert out.index("Check these first") < out.index("90/KH-UBND")
    assert out.count("⚠ check:") == 4  # two fields, in the check list and in the plan's table


def test_the_approve_review_lists_the_doubtful_item_before_the_warnings(
    cli: Cli, database_url: str
) -> None:
    plan_id = int(imported_doubtful_plan(cli))
    with session_scope(database_url) as session:
        plan = session.get(
            Plan, plan_id, options=[selectinload(Plan.items).selectinload(PlanItem.assignments)]
        )
        assert plan is not None
        review = plan_review(plan)
    assert review.check_first == [
        "- Nhiệm vụ 2 (dòng 18): Bổ sung danh mục hồ sơ lưu trữ — ⚠ check: coordinating: "
        f"{DOUBTS[0]['reason']}; ⚠ check: timeframe: timeframe names no date"
    ]
    markdown = review.markdown()
    assert "- Nhiệm vụ cần kiểm tra trước: 1" in markdown
    assert markdown.index("## Kiểm tra trước (check these first)") < markdown.index("## Cảnh báo")


def test_a_plan_corrected_through_a_spreadsheet_round_trip_has_nothing_to_check(
    cli: Cli, tmp_path: Path, database_url: str
) -> None:
    plan_id = imported_doubtful_plan(cli)
    exported = tmp_path / "plan.yaml"
    cli("plan", "export", plan_id, "--format", "yaml", "--out", str(exported))
    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    data["items"][1] |= {"coordinating": ["Phòng Nội vụ"], "timeframe": "Trước ngày 15/9/2025"}
    exported.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    corrected = str(cli.json("plan", "import", str(exported))["plan_id"])
    shown = cli.json("plan", "show", corrected)
    assert shown["check_first"] == []
    assert [item["evidence"] for item in shown["items"]] == [None, None]
    with session_scope(database_url) as session:
        stored = session.scalars(select(PlanItem).order_by(PlanItem.id)).all()
        assert [item.evidence is None for item in stored] == [False, False, True, True]
