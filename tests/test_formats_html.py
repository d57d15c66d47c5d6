"""Plans saved from a legal portal as web pages: the document's body without the portal
around it, real tables with their merged cells, and every corpus plan read as its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.plans import PlanParseError
from tasks.plans.formats import read_document, sniff
from tasks.plans.parse import parse_document
from tests.support.cli import Cli
from tests.support.make_html import plan_html
from tests.support.same_fields import compare_format, corpus_texts

DOCUMENTS = Path(__file__).parent / "fixtures" / "documents"
LAYOUT_PAGE = DOCUMENTS / "layout-table-merged-cells.html"
PORTAL_PAGE = DOCUMENTS / "d09-portal-page.html"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


def test_every_corpus_plan_served_as_a_portal_page_reads_as_its_text() -> None:
    agreement = compare_format(plan_html, ".html", corpus_texts())
    assert agreement.total > 3000
    assert agreement.share >= 0.99, "\n".join(agreement.differences)


def test_the_portal_around_the_document_is_left_out() -> None:
    read = read_document(PORTAL_PAGE.read_bytes(), PORTAL_PAGE.name)
    for chrome in ("Trang chủ", "Tìm kiếm", "Văn bản liên quan", "Bản quyền", "tracking"):
        assert chrome not in read.text
    assert read.text.startswith("ỦY BAN NHÂN DÂN")


def test_a_page_laid_out_in_a_table_is_read_through_its_big_cell() -> None:
    read = read_document(LAYOUT_PAGE.read_bytes(), LAYOUT_PAGE.name)
    plan = parse_document(read.document)
    assert (plan.number, plan.issued_on.isoformat()) == ("45/KH-UBND", "2026-03-10")
    assert plan.title == "Chuyển đổi số trên địa bàn xã năm 2026"
    assert "Giới thiệu" not in read.text and "quảng cáo" not in read.text
    assert plan.monitoring_agency == "Văn phòng HĐND và UBND xã"


def test_a_lead_merged_over_two_rows_leads_both_and_a_column_group_is_split() -> None:
    plan = parse_document(read_document(LAYOUT_PAGE.read_bytes(), LAYOUT_PAGE.name).document)
    rows = [(item.seq, item.lead, item.coordinating, item.timeframe.text) for item in plan.items]
    assert rows == [
        ("1", ["Công an xã"], ["Văn phòng HĐND và UBND xã"], "Quý II/2026"),
        (
            "2",
            ["Công an xã"],
            ["Đoàn Thanh niên xã", "Hội Liên hiệp Phụ nữ xã"],
            "Trước ngày 30/6/2026",
        ),
        ("3", ["Văn phòng HĐND và UBND xã"], [], "Hằng quý"),
    ]
    assert plan.items[0].content == "Cập nhật dữ liệu dân cư trên hệ thống của xã"
    assert plan.warnings == []


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"<!DOCTYPE html><html>", "html"),
        (b"\xef\xbb\xbf  <html lang='vi'><head>", "html"),
        (b"<b>K\xe1\xba\xbe HO\xe1\xba\xa0CH</b>\nS\xe1\xbb\x91: 1/KH-UBND", "text"),
    ],
)
def test_a_web_page_is_told_by_its_markup_and_portal_text_with_tags_is_still_text(
    head: bytes, kind: str
) -> None:
    assert sniff(head) == kind


def test_a_web_page_without_a_plan_is_refused_naming_the_file() -> None:
    page = b"<html><body><nav>Trang ch\xe1\xbb\xa7</nav><p>Tin t\xe1\xbb\xa9c</p></body></html>"
    with pytest.raises(PlanParseError) as refused:
        parse_document(read_document(page, "tin-tuc.html").document)
    assert str(refused.value).startswith("tin-tuc.html: ")


def test_importing_a_page_keeps_the_page_and_knows_it_again(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "45-KH-UBND.htm"
    page.write_bytes(LAYOUT_PAGE.read_bytes())
    imported = cli.json("plan", "import", str(page), "--auto-agencies")
    assert imported["created"] is True and imported["items"] == 3
    shown = cli.json("plan", "show", str(imported["plan_id"]))
    assert shown["source_document"]["filename"] == "45-KH-UBND.htm"
    assert shown["source_document"]["media_type"] == "text/html"
    again = cli.json("plan", "import", str(page))
    assert again == again | {"plan_id": imported["plan_id"], "created": False}
    saved = cli("plan", "document", str(imported["plan_id"]), "--output", str(tmp_path / "out"))
    assert Path(saved.stdout.strip()).read_bytes() == LAYOUT_PAGE.read_bytes()
