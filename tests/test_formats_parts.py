"""What every format reader shares: its paragraphs, printed lines and tables built into the
text reader's Document, and what the reader knew that a copy loses (a merged cell, OCR's doubt)
carried to the fields read from them."""

from __future__ import annotations

from tasks.plans.formats.parts import Line, Paragraph, Table, TableCell, build_document
from tasks.plans.parse import parse_document

HEAD = [
    Paragraph("ỦY BAN NHÂN DÂN XÃ AN BÌNH", bold=True),
    Paragraph("Số: 7/KH-UBND"),
    Paragraph("An Bình, ngày 3 tháng 2 năm 2026"),
    Paragraph("KẾ HOẠCH", bold=True),
    Paragraph("Tuyên truyền pháp luật", bold=True),
    Paragraph("năm 2026", bold=True),
    Paragraph("Ủy ban nhân dân xã ban hành kế hoạch như sau:"),
]
HEADING = tuple(
    TableCell((text,)) for text in ("TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian")
)


def _row(*texts: str, merged: tuple[int, ...] = (), confidence: float | None = None):
    return tuple(
        TableCell((text,) if text else (), continues=at in merged, confidence=confidence)
        for at, text in enumerate(texts)
    )


def test_a_title_typed_as_two_bold_paragraphs_is_one_title_and_the_prose_after_is_not() -> None:
    read = build_document(
        [*HEAD, Table((HEADING, _row("1", "Tuyên truyền", "Công an xã", "", "Quý I")))]
    )
    plan = parse_document(read.document)
    assert plan.title == "Tuyên truyền pháp luật năm 2026"
    assert (plan.number, plan.issued_on.isoformat()) == ("7/KH-UBND", "2026-02-03")


def test_a_printed_title_in_bold_ends_where_the_plain_text_after_it_begins() -> None:
    printed = [Line(part.text, bold=part.bold) for part in HEAD]
    table = Table((HEADING, _row("1", "Tuyên truyền", "Công an xã", "", "Quý I")))
    plan = parse_document(build_document([*printed, table], "x.pdf").document)
    assert plan.title == "Tuyên truyền pháp luật năm 2026"


def test_each_paragraph_printed_line_and_table_row_is_one_line_of_the_stored_text() -> None:
    read = build_document(
        [Paragraph("Một"), Line("hai dòng"), Line("in ra"), Table((_row("a", "b"),))], "x.pdf"
    )
    assert read.text.splitlines() == ["Một", "hai dòng", "in ra", "a\tb"]
    assert read.document.source == "x.pdf"


def test_a_lead_merged_over_two_rows_leads_both() -> None:
    table = Table(
        (
            HEADING,
            _row("1", "Tuyên truyền", "Công an xã", "Đoàn xã", "Quý I/2026"),
            _row("2", "Hội nghị", "", "", "Quý II/2026", merged=(2,)),
        )
    )
    plan = parse_document(build_document([*HEAD, table]).document)
    assert [item.lead for item in plan.items] == [["Công an xã"], ["Công an xã"]]
    assert [item.coordinating for item in plan.items] == [["Đoàn xã"], []]


def test_a_row_ocr_was_unsure_of_is_checked_first() -> None:
    table = Table(
        (
            HEADING,
            _row("1", "Tuyên truyền", "Công an xã", "", "Quý I/2026", confidence=96),
            _row("2", "Hội nghị", "Công an xã", "", "Quý II/2026", confidence=54),
        )
    )
    plan = parse_document(build_document([*HEAD, table]).document)
    sure, unsure = plan.items
    assert {mark.level for mark in sure.confidence.values()} == {"high"}
    assert unsure.confidence["lead"].reason == "OCR was unsure of the scanned text (54 %)"
    assert unsure.evidence is not None and unsure.evidence.to_json()["ocr_confidence"] == 54
