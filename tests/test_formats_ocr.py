"""Scans read by OCR (tasks.plans.formats.ocr): a scanned appendix table of a real corpus plan
(d09, Lào Cai 2026: its text made into Word by tests.support.make_docx, a PDF by LibreOffice,
pages 14–15 as 1-bit 300-dpi scans turned +1.2° and −0.8°, by
`python -m tests.support.make_scan PLAN.pdf OUT.png PAGE ANGLE`; the same way d09's page 13,
where a page break cuts the appendix's heading row after its first line, turned −0.7°, and
c501's appendix, Bắc Ninh 2025, page 26 turned +0.9°), and files that are not scans to read.
OCR takes seconds a page, so the two pages are read once for the module."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tasks.plans.formats import is_document, read_document, tesseract
from tasks.plans.formats import ocr as ocr_reader
from tasks.plans.formats.ocr_tables import (
    find_grids,
    grid_cells,
    one_row_grids,
    rejoined,
    tidy,
    with_row_uprights,
)
from tasks.plans.formats.parts import ReadDocument
from tasks.plans.formats.scan import grey, prepare, skew_angle
from tasks.plans.parse import parse_document
from tasks.plans.parsed import PlanParseError
from tests.conftest import FIXTURES, require

SCANS = FIXTURES / "documents"
FIRST, SECOND = SCANS / "scan-d09-appendix-1.png", SCANS / "scan-d09-appendix-2.png"
C501_APPENDIX = SCANS / "scan-c501-appendix.png"
D09_PAGE_13 = SCANS / "scan-d09-page-13.png"


def _needs_tesseract() -> None:
    require(
        tesseract.has_model("vie") and tesseract.shutil.which("tesseract") is not None,
        f"Tesseract with its Vietnamese model is not installed ({tesseract.PACKAGES})",
    )


def _tiff(*paths: Path) -> bytes:
    """The pages as one multi-page TIFF (CCITT G4, as document scanners write them)."""
    pages = [Image.open(path) for path in paths]
    buffer = io.BytesIO()
    pages[0].save(
        buffer,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        compression="group4",
        dpi=(300, 300),
    )
    return buffer.getvalue()


@pytest.fixture(scope="module")
def appendix() -> ReadDocument:
    _needs_tesseract()
    return read_document(_tiff(FIRST, SECOND), "appendix.tif")


def _table_rows(read: ReadDocument) -> list[list[str]]:
    tables = [block for block in read.document.blocks if block.kind == "table"]
    assert len(tables) == 1, "the table across the two pages is one table"
    return [row.texts() for row in tables[0].rows]


def test_a_scanned_table_is_read_into_its_rows_and_columns(appendix: ReadDocument) -> None:
    rows = _table_rows(appendix)
    assert rows[0][:4] == [
        "TT",
        "Tên nhiệm vụ",
        "Sở, ngành chủ trì tham mưu",
        "Đơn vị phối hợp thực hiện",
    ]
    numbered = {row[0]: row for row in rows if row[0].isdigit()}
    assert sorted(numbered, key=int) == ["1", "2", "3", "4", "5"]
    assert numbered["4"][2] == "Sở Nông nghiệp và Môi trường"
    assert numbered["4"][3] == "Các Sở, ban, ngành và các địa phương liên quan"
    assert numbered["4"][4] == "Hàng năm"


def test_a_row_cut_by_the_page_break_is_joined_to_the_row_it_continues(
    appendix: ReadDocument,
) -> None:
    second = next(row for row in _table_rows(appendix) if row[0] == "2")
    assert second[1].startswith("Rà soát, điều chỉnh")
    assert second[1].endswith("tầm nhìn đến năm 2050.")  # printed at the top of page 2


def test_the_text_above_the_table_and_each_lines_confidence_are_kept(
    appendix: ReadDocument,
) -> None:
    assert appendix.text.startswith("MỘT SỐ NHIỆM VỤ TRỌNG TÂM CỦA CÁC SỞ, BAN, NGÀNH")
    confidence = appendix.document.confidence
    assert confidence and all(0 <= value <= 100 for value in confidence.values())
    assert sum(confidence.values()) / len(confidence) > 80


def test_a_scanned_plan_table_parses_to_its_items(appendix: ReadDocument) -> None:
    # the appendix alone: its table is the plan's, each row a task with its lead agency
    plan = parse_document(appendix.document)
    leads = [item.lead for item in plan.items]
    assert len(plan.items) == 5
    assert leads[1] == ["Sở Nông nghiệp và Môi trường"]
    assert plan.items[3].timeframe.kind == "yearly"


def test_a_page_fed_askew_is_straightened() -> None:
    with Image.open(FIRST) as page:
        assert skew_angle(page.convert("L")) == pytest.approx(-1.2, abs=0.15)
    with Image.open(SECOND) as page:
        assert skew_angle(page.convert("L")) == pytest.approx(0.8, abs=0.15)


def test_a_heading_row_whose_column_lines_are_a_row_tall_is_cut_into_its_cells() -> None:
    """c501's heading row "TT | Chỉ tiêu | Chủ trì": its column lines do not run on into the
    body's, too short to be found as the page's rulings; read as one cell the heading was
    "TT | Chỉ tiêu | Chủ trì" and no column said who leads."""
    with Image.open(C501_APPENDIX) as image:
        page = prepare(grey(image), 1, 300)
    (grid,) = find_grids(page.horizontal, page.vertical)
    heading = grid_cells(grid)[0]
    assert len([cell for cell in heading if cell]) == 1  # what the page's rulings alone give
    cut = grid_cells(with_row_uprights(grid, np.asarray(page.image)))
    assert [[(cell.start, cell.span) for cell in row if cell] for row in cut[:3]] == [
        [(0, 1), (1, 1), (2, 1)],
        [(0, 3)],  # "I. Kinh tế số": a section row across the table stays one cell
        [(0, 1), (1, 1), (2, 1)],
    ]


def test_a_heading_rows_first_line_left_alone_by_a_page_break_is_a_table_row() -> None:
    """d09's page 13 ends with the first line of its appendix's heading row ("TT | Tên nhiệm
    vụ | Sở, | Đơn vị phối | Thời | Ghi"), the rest on page 14: a table one row tall, whose
    column lines are too short to be found as rulings. Read as a row, the next page's table
    joins it; read as a line of text, the heading lost its first words."""
    with Image.open(D09_PAGE_13) as image:
        page = prepare(grey(image), 13, 300)
    grids = find_grids(page.horizontal, page.vertical)
    assert len(grids) == 1  # the signature block ("Nơi nhận" | "TM. ỦY BAN NHÂN DÂN")
    (row,) = one_row_grids(page.horizontal, grids, np.asarray(page.image))
    assert row.top > grids[0].bottom
    assert [[(cell.start, cell.span) for cell in cells if cell] for cells in grid_cells(row)] == [
        [(0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]
    ]


def test_a_speck_read_as_a_word_of_its_own_is_dropped_from_the_line() -> None:
    assert tidy("Các Bộ, „ ngành") == "Các Bộ, ngành"  # d07's scan, a coordinating cell
    assert tidy("TM. ỦY BAN NHÂN DÂN „") == "TM. ỦY BAN NHÂN DÂN"
    assert tidy("Chủ tịch „Ủy ban") == "Chủ tịch „Ủy ban"  # a quote opening a word stays
    assert tidy("Thườn g ˆ xuyên") == "Thường xuyên"  # and the syllable's last letter put back


def test_a_word_a_narrow_column_broke_over_two_lines_is_put_together() -> None:
    # d09's time cells as its scan prints them
    assert rejoined(["Thườn", "g xuyên"]) == ["Thường xuyên"]
    assert rejoined(["Xong trong Quý I/202", "6"]) == ["Xong trong Quý I/2026"]
    assert rejoined(["Sở Tài chính", "Sở Nội vụ"]) == ["Sở Tài chính", "Sở Nội vụ"]
    assert rejoined(["điểm b", "h khoản 2"]) == ["điểm b", "h khoản 2"]


def test_a_year_split_by_a_space_is_joined_after_a_slash() -> None:
    assert tidy("Xong trong Quý I/202 6") == "Xong trong Quý I/2026"  # d09's scan, a time cell
    assert tidy("01/01/203 0") == "01/01/2030"
    assert tidy("ngày 12/3 2025") == "ngày 12/3 2025"  # not a year cut in two


def test_a_scanned_pdf_is_read_page_by_page() -> None:
    _needs_tesseract()
    with Image.open(FIRST) as page:
        top = page.crop((0, 0, page.width, page.height // 3)).convert("L")
    buffer = io.BytesIO()
    top.save(buffer, format="PDF", resolution=300)
    read = ocr_reader.read_pdf(buffer.getvalue(), "scan.pdf")
    assert "(Kèm theo Kế hoạch số:" in read.text
    assert _table_rows(read)[0][0] == "TT"


def test_an_image_with_no_text_is_refused_saying_so() -> None:
    _needs_tesseract()
    blank = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(blank, format="PNG", dpi=(150, 150))
    with pytest.raises(PlanParseError) as raised:
        read_document(blank.getvalue(), "blank.png")
    assert str(raised.value) == "blank.png: no text found: OCR read nothing on the scan"


def test_a_corrupt_image_is_refused_naming_the_file() -> None:
    data = FIRST.read_bytes()[:4000]  # a PNG cut short
    assert is_document(data)
    with pytest.raises(PlanParseError) as raised:
        read_document(data, "cut.png")
    assert str(raised.value).startswith("cut.png: the image cannot be read (corrupt or truncated?)")


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header says it is `width` × `height` (a decompression bomb's trick)."""
    buffer = io.BytesIO()
    Image.new("1", (8, 8), 1).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


@pytest.mark.parametrize(
    ("width", "height", "why"),
    [
        (8_000, 9_000, "8000 × 9000 pixels, over the 60 Mpx a scanned page can be"),
        (100_000, 100_000, "too large to be a scanned page (a decompression bomb?)"),
    ],
)
def test_an_image_too_large_to_be_a_page_is_refused_before_it_is_decoded(
    width: int, height: int, why: str
) -> None:
    with pytest.raises(PlanParseError) as raised:
        read_document(_png_claiming(width, height), "bomb.png")
    assert str(raised.value) == f"bomb.png: the image is {why}"


def test_a_pdf_with_more_pages_than_the_limit_is_refused_before_any_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _needs_tesseract()
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(3):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    monkeypatch.setattr(ocr_reader, "page_limit", lambda: 2)
    with pytest.raises(PlanParseError) as raised:
        ocr_reader.read_pdf(buffer.getvalue(), "long.pdf")
    assert str(raised.value) == "long.pdf: 3 pages, over the 2-page limit (DONDOC_MAX_PDF_PAGES)"


def test_without_tesseract_the_message_names_the_packages_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: None)
    with pytest.raises(PlanParseError) as raised:
        read_document(FIRST.read_bytes(), "scan.png")
    assert str(raised.value) == (
        "scan.png: a scan needs OCR, and Tesseract is not installed "
        "(apt install tesseract-ocr tesseract-ocr-vie)"
    )


def test_without_the_vietnamese_model_the_message_names_the_packages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _needs_tesseract()
    monkeypatch.setattr(tesseract, "_TESSDATA", (tmp_path,))
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(PlanParseError) as raised:
        read_document(FIRST.read_bytes(), "scan.png")
    assert "Tesseract's Vietnamese model is not installed (apt install tesseract-ocr" in str(
        raised.value
    )


def test_a_page_ocr_cannot_finish_in_time_is_stopped_and_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _needs_tesseract()
    monkeypatch.setattr(tesseract, "PAGE_TIMEOUT", 0.01)
    with pytest.raises(PlanParseError) as raised:
        read_document(FIRST.read_bytes(), "slow.png")
    assert str(raised.value) == "slow.png: page 1: OCR took over 0.01 s and was stopped"
