"""The PDF reader on PDFs LibreOffice made from Word documents (tests/fixtures/documents, made
by tests.support.pdf_fixtures), on broken and hostile PDFs, and over the whole corpus: each
plan as a Word document exported to PDF reads to the same fields as its text."""

from __future__ import annotations

import hashlib
import sys
import types
from pathlib import Path

import pytest

from tasks.plans.document import read_text
from tasks.plans.document.model import Block
from tasks.plans.formats import read_document
from tasks.plans.formats.parts import ReadDocument
from tasks.plans.parse import normalize_plan_text, parse_document, parse_plan_text
from tasks.plans.parsed import PlanParseError
from tests.conftest import FIXTURES, ROOT, SHARED_PLANS, require
from tests.support.make_pdf import as_written, plan_pdfs, soffice
from tests.support.pdf_fixtures import HEADER, plan_text
from tests.support.same_fields import Agreement, compare, parse_or_refusal

DOCUMENTS = FIXTURES / "documents"
TABLE_PDF = DOCUMENTS / "plan-table-pages.pdf"


def _read(path: Path) -> ReadDocument:
    return read_document(path.read_bytes(), path.name)


def _task_table(read: ReadDocument) -> Block:
    return next(
        block for block in read.document.blocks if block.kind == "table" and len(block.rows) > 3
    )


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(PlanParseError) as caught:
        read_document(data, name)
    return str(caught.value)


def _pdf(pages: int, content: bytes = b"", extra: bytes = b"") -> bytes:
    """A minimal valid PDF of `pages` pages sharing one content stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (4 + page) for page in range(pages))
        + b"] /Count %d >>" % pages,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out) + extra


# --- tables, running text ----------------------------------------------------------------


def test_a_merged_heading_cell_spans_its_columns() -> None:
    heading, sub = _task_table(_read(TABLE_PDF)).rows[:2]
    assert [(cell.text, cell.span) for cell in heading.cells] == [
        ("STT", 1),
        ("Nội dung nhiệm vụ", 1),
        ("Cơ quan thực hiện", 2),
        ("Thời gian thực hiện", 1),
    ]
    assert sub.texts() == ["", "", "Chủ trì", "Phối hợp", ""]  # merged down: empty below
    assert [cell.merged for cell in sub.cells] == [True, True, False, False, True]


def test_a_row_cut_by_a_page_break_is_one_row_and_the_repeated_heading_is_dropped() -> None:
    read = _read(TABLE_PDF)
    rows = _task_table(read).rows
    assert [row.cells[0].text for row in rows] == ["STT", "", *map(str, range(1, 9))]
    first = rows[2].cells[1].text
    assert first.startswith("Rà soát, cập nhật danh mục dữ liệu dùng chung")
    assert first.endswith("định kỳ hằng quý để tổng hợp, theo dõi và chỉ đạo.")
    assert read.pages[-1] >= 3  # the table ran over pages, its rows cut at their ends
    assert first == plan_text().splitlines()[9].split("\t")[1]


def test_running_headers_and_page_numbers_are_dropped() -> None:
    text = _read(TABLE_PDF).text
    assert HEADER not in text
    assert not [line for line in text.splitlines() if line.strip().isdigit()]


def test_the_table_plan_reads_to_the_fields_of_its_text() -> None:
    agreement = Agreement()
    want = parse_plan_text(plan_text(), source="plan.txt")
    compare("plan-table-pages", want, parse_document(_read(TABLE_PDF).document), agreement)
    assert agreement.differences == []
    assert len(want.items) == 8


# --- bad input ----------------------------------------------------------------------------


def test_an_encrypted_pdf_is_refused_with_the_reason() -> None:
    data = (DOCUMENTS / "plan-encrypted.pdf").read_bytes()
    message = _refusal(data, "KH 12.pdf")
    assert message.startswith("KH 12.pdf")
    assert "encrypted with a password" in message


def test_a_truncated_pdf_is_refused() -> None:
    data = TABLE_PDF.read_bytes()
    message = _refusal(data[: len(data) * 2 // 3], "cut.pdf")
    assert "cut.pdf" in message and "incomplete" in message


def test_blanks_after_the_end_marker_are_allowed_however_many() -> None:
    padded = TABLE_PDF.read_bytes() + b"\r\n\x00" * 50_000
    assert len(_task_table(read_document(padded, "padded.pdf")).rows) > 3


def test_a_truncated_pdf_is_refused_whatever_blanks_follow_the_cut() -> None:
    data = TABLE_PDF.read_bytes()
    message = _refusal(data[: len(data) * 2 // 3] + b"\n" * 100_000, "cut.pdf")
    assert "cut.pdf" in message and "incomplete" in message


def test_a_damaged_pdf_is_refused() -> None:
    message = _refusal(b"%PDF-1.7\n" + b"\x00garbage\xff" * 500 + b"\n%%EOF\n", "bad.pdf")
    assert "bad.pdf" in message and "damaged" in message


def test_a_pdf_of_2000_pages_is_refused_by_the_page_limit() -> None:
    message = _refusal(_pdf(2000), "huge.pdf")
    assert "huge.pdf" in message
    assert "2,000 pages, over the 500-page limit (DONDOC_MAX_PDF_PAGES)" in message


def test_the_page_limit_is_a_setting(settings_env) -> None:  # type: ignore[no-untyped-def]
    settings_env.set(max_pdf_pages=2)
    assert "3 pages, over the 2-page limit" in _refusal(_pdf(3), "three.pdf")


def test_a_page_with_absurdly_many_objects_is_refused() -> None:
    content = b"0 0 m 1 1 l S\n" * 100_001
    message = _refusal(_pdf(1, content), "drawing.pdf")
    assert "drawing.pdf" in message and "page 1 holds 100,001 drawn objects" in message


def test_a_pdf_with_more_text_than_a_plan_is_refused_as_its_pages_are_read(settings_env) -> None:  # type: ignore[no-untyped-def]
    settings_env.set(max_plan_chars=1_000)
    message = _refusal(TABLE_PDF.read_bytes(), "long.pdf")
    assert "long.pdf: over 1,000 characters by page 2" in message
    assert "DONDOC_MAX_PLAN_CHARS" in message


def test_a_pdf_without_text_goes_to_the_ocr_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, str]] = []
    ocr = types.ModuleType("tasks.plans.formats.ocr")
    ocr.read_pdf = lambda data, source: calls.append((data, source)) or "read by OCR"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tasks.plans.formats.ocr", ocr)
    data = _pdf(2)
    assert read_document(data, "scan.pdf") == "read by OCR"
    assert calls == [(data, "scan.pdf")]


# --- the corpus as PDFs -------------------------------------------------------------------


def _plan_texts() -> dict[str, str]:
    """Every plan document of the corpus and of ../shared/plans/real, each once."""
    texts: dict[str, str] = {}
    seen: set[str] = set()
    folders = [ROOT / "tests" / "corpus" / "documents", SHARED_PLANS / "real"]
    for path in sorted(path for folder in folders for path in folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            texts[path.stem] = text
    return texts


@pytest.fixture(scope="session")
def corpus_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    """Each corpus plan's text and its PDF, all exported in one LibreOffice run (~1 min)."""
    require(soffice() is not None, "LibreOffice (soffice) is not installed")
    require(SHARED_PLANS.is_dir(), f"the real plan documents are not at {SHARED_PLANS}")
    texts = _plan_texts()
    pdfs = plan_pdfs(texts, tmp_path_factory.mktemp("corpus-pdf"))
    return {name: (texts[name], pdfs[name]) for name in texts}


@pytest.mark.shared_plans
def test_the_corpus_as_pdf_reads_to_the_fields_of_its_text(
    corpus_pdfs: dict[str, tuple[str, Path]],
) -> None:
    """Number, title, date, year, monitoring agency, item count, each item's content, lead,
    coordinating agencies and timeframe, or the refusal, for every plan (tests.support.
    same_fields): PDF against text, and against a perfect reader of the Word document (which
    tells the PDF reader's own losses from the round trip's)."""
    against_text, against_word, kept = Agreement(), Agreement(), Agreement()
    for name, (text, pdf) in corpus_pdfs.items():
        want = parse_or_refusal(lambda text=text, name=name: parse_plan_text(text, source=name))
        word = parse_or_refusal(lambda text=text: parse_document(as_written(text).document))
        got = parse_or_refusal(lambda pdf=pdf: parse_document(_read(pdf).document))
        compare(name, want, got, against_text)
        compare(name, word, got, against_word)
        if not any(block.loose for block in read_text(normalize_plan_text(text)).blocks):
            compare(name, want, got, kept)  # no table copied out of a PDF (cells one per line)
    print(
        f"\ncorpus as PDF: {against_text.same}/{against_text.total} fields as the text "
        f"({against_text.share:.2%}), {against_word.same}/{against_word.total} as the Word "
        f"document's ({against_word.share:.2%}); without the plans whose tables were copied "
        f"out of a PDF (make_docx lays them out in columns again): "
        f"{kept.same}/{kept.total} ({kept.share:.2%})"
    )
    # what is measured, held so it cannot widen unnoticed: 99.70 % as the text (issue 15's
    # 99 %), 99.79 % as the Word document's, 99.79 % without the PDF-copied tables
    assert against_text.share >= 0.996, "\n".join(against_text.differences[:40])
    assert against_word.share >= 0.997, "\n".join(against_word.differences[:40])
    assert kept.share >= 0.997, "\n".join(kept.differences[:40])
