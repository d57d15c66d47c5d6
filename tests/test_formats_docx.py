"""The DOCX reader (and DOC, RTF, ODT through LibreOffice): Word's automatic numbering shown
as Word shows it, merged and nested cells, only the document's own text, bad packages refused
with the reason; and every corpus plan made into a Word document reads to the fields its text
does (issue 15: ≥ 99 %)."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tasks.plans.document.model import Block
from tasks.plans.formats import docx, read_document
from tasks.plans.formats.parts import ReadDocument
from tasks.plans.parse import parse_document
from tasks.plans.parsed import PlanParseError
from tests.conftest import FIXTURES, require
from tests.support.docx_parts import docx_package, numbering_fixture, p, tables_fixture
from tests.support.docx_parts import zip_of as _zip
from tests.support.make_docx import plan_docx
from tests.support.same_fields import Agreement, compare, parse_or_refusal, text_plan

DOCUMENTS = FIXTURES / "documents"
CORPUS = Path(__file__).resolve().parent / "corpus" / "documents"


def read(name: str) -> ReadDocument:
    return read_document((DOCUMENTS / name).read_bytes(), name)


def refusal(data: bytes, name: str = "plan.docx") -> str:
    with pytest.raises(PlanParseError) as caught:
        read_document(data, name)
    return str(caught.value)


def table(document: ReadDocument) -> Block:
    return next(block for block in document.document.blocks if block.kind == "table")


def test_the_fixtures_are_what_their_maker_writes() -> None:
    assert (DOCUMENTS / "numbering.docx").read_bytes() == numbering_fixture()
    assert (DOCUMENTS / "tables.docx").read_bytes() == tables_fixture()


# --- numbering -------------------------------------------------------------------------------


def test_word_numbering_is_written_in_front_of_each_paragraph() -> None:
    lines = [line for line in read("numbering.docx").text.splitlines() if line]
    assert lines[:9] == [
        "KẾ HOẠCH",
        "I. MỤC ĐÍCH",
        "1. Mục đích",
        "a) việc một",
        "b) việc hai",
        "2. Yêu cầu",
        "a) việc ba",  # a lower level starts again under the next item
        "II. NHIỆM VỤ",
        "1. Nhiệm vụ một",
    ]


def test_a_multi_level_list_shows_every_level() -> None:
    lines = [line for line in read("numbering.docx").text.splitlines() if line]
    assert lines[9:14] == ["1. Một", "1.1. Một một", "1.2. Một hai", "2. Hai", "2.1. Hai một"]


def test_a_list_restarted_in_word_starts_at_its_value_and_another_instance_counts_on() -> None:
    lines = [line for line in read("numbering.docx").text.splitlines() if line]
    assert lines[14:17] == [
        "5. Năm, từ một danh sách bắt đầu lại",
        "6. Sáu",
        "3. Ba, danh sách thứ hai nối tiếp",  # same list, no restart: after "2. Hai"
    ]


def test_numbering_from_a_paragraph_style_bullets_and_articles_are_shown() -> None:
    lines = [line for line in read("numbering.docx").text.splitlines() if line]
    assert lines[17:23] == [
        "(i) theo kiểu danh sách",
        "(ii) theo kiểu danh sách nữa",
        "• chấm đầu dòng",  # a Symbol-font bullet
        "- gạch đầu dòng",
        "Điều 1. Phạm vi",
        "Điều 2. Hiệu lực",
    ]


def test_a_level_that_never_restarts_counts_on_and_numbering_zero_is_none() -> None:
    lines = [line for line in read("numbering.docx").text.splitlines() if line]
    assert lines[23:] == [
        "A. Phần đầu",
        "A.1 mục con",
        "B. Phần sau",
        "B.2 mục con không bắt đầu lại",
        "không đánh số",
    ]


def test_numbered_paragraphs_become_the_items_and_headings_understanding_reads() -> None:
    blocks = read("numbering.docx").document.blocks
    kinds = [(block.kind, block.style, block.marker) for block in blocks[1:4]]
    assert kinds == [("heading", "roman", "I"), ("item", "number", "1"), ("item", "letter", "a")]


def test_a_bold_style_or_bold_runs_make_a_bold_paragraph() -> None:
    data = docx_package(
        p("KẾ HOẠCH", style="Heading1") + p("Đậm", bold=True) + p("thường"),
        {"word/styles.xml": '<w:style w:styleId="Heading1"><w:rPr><w:b/></w:rPr></w:style>'},
    )
    paragraphs = [(part.text, part.bold) for part in docx.parts(data, "bold.docx")]
    assert paragraphs == [("KẾ HOẠCH", True), ("Đậm", True), ("thường", False)]


# --- tables and the rest of the body ---------------------------------------------------------


def test_a_merged_header_cell_spans_its_columns() -> None:
    heading = table(read("tables.docx")).rows[0].cells
    assert [(cell.text, cell.span) for cell in heading] == [
        ("TT", 1),
        ("Nội dung", 1),
        ("Cơ quan thực hiện", 2),
        ("Thời gian", 1),
    ]


def test_a_cell_merged_down_is_empty_as_a_copy_of_the_table_leaves_it() -> None:
    rows = table(read("tables.docx")).rows
    assert rows[1].texts() == ["", "", "Chủ trì", "Phối hợp", ""]
    assert rows[3].texts()[2] == ""  # "Sở Tư pháp" merged over rows 1 and 2
    assert rows[2].texts()[2] == "Sở Tư pháp"


def test_a_nested_tables_text_stays_in_its_cell() -> None:
    rows = table(read("tables.docx")).rows
    assert rows[3].texts() == [
        "2",
        "Công bố thủ tục",
        "",
        "Sở Tài chính Kho bạc Thuế tỉnh Ngân hàng",
        "Tháng 6/2026",
    ]


def test_headers_footers_and_deleted_or_hidden_text_are_not_read() -> None:
    text = read("tables.docx").text
    assert "đầu trang" not in text and "Trang 1" not in text
    assert "Giữ thêm lại" in text.splitlines()
    assert "đã xoá" not in text and "ẩn" not in text


def test_a_text_box_and_a_content_control_are_read_once() -> None:
    lines = [line for line in read("tables.docx").text.splitlines() if line]
    assert lines.count("Nơi nhận: như trên") == 1
    assert lines.index("Nơi nhận: như trên") == lines.index("Đoạn có hộp chữ") + 1
    assert "Số: 12/KH-UBND" in lines


def test_a_two_row_table_heading_made_in_word_reads_to_the_same_tasks() -> None:
    text = (DOCUMENTS / "two-row-heading.txt").read_text(encoding="utf-8")
    data = plan_docx(text)
    document_xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert '<w:gridSpan w:val="2"/>' in document_xml and 'w:vMerge w:val="restart"' in document_xml
    plan = parse_document(read_document(data, "two-row-heading.docx").document)
    assert [(item.lead, item.coordinating) for item in plan.items] == [
        (["Sở Tư pháp"], ["Các sở, ngành"]),
        (["Văn phòng UBND tỉnh"], ["Sở Tư pháp"]),
        (["Sở Khoa học và Công nghệ"], ["UBND các xã"]),
    ]


# --- bad files -------------------------------------------------------------------------------


def test_a_zip_bomb_dressed_as_a_docx_is_refused_naming_the_part() -> None:
    bomb = _zip({"word/document.xml": b" " * (51 * 1024 * 1024)})  # 51 MB of spaces: 50 KB
    assert len(bomb) < 200_000
    message = refusal(bomb, "bomb.docx")
    assert message.startswith("bomb.docx: refused: word/document.xml unpacks to over 50 MB")
    assert "zip bomb" in message


def test_a_package_that_unpacks_to_hundreds_of_megabytes_is_refused() -> None:
    members = {"word/document.xml": b"<w:document/>"}
    members |= {f"word/media/image{n}.bin": b"\0" * (45 * 1024 * 1024) for n in range(5)}
    message = refusal(_zip(members), "big.docx")
    assert "big.docx: refused: it unpacks to 225 MB, over the 200 MB limit" in message


def test_a_truncated_docx_is_refused_as_damaged() -> None:
    data = (DOCUMENTS / "tables.docx").read_bytes()
    message = refusal(data[: len(data) // 2], "cut.docx")
    assert message.startswith("cut.docx: not a readable Word file: the zip is corrupt or truncated")


def test_a_damaged_part_is_refused_naming_it() -> None:
    content = b"<w:document>" + hashlib.sha256(b"seed").hexdigest().encode() * 100
    data = bytearray(_zip({"word/document.xml": content}))
    data[80:120] = b"\xff" * 40  # inside the compressed document.xml
    message = refusal(bytes(data), "bad.docx")
    assert "bad.docx: not a readable Word file: word/document.xml is corrupt" in message


def test_a_zip_without_a_document_part_is_no_word_file() -> None:
    data = _zip({"word/document.xml.bak": b"", "[Content_Types].xml": b""})
    assert "zip archive, not a plan document" in refusal(data, "odd.docx")


def test_xml_declaring_entities_is_refused_before_parsing() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document>&b;</w:document>'
    )
    message = refusal(_zip({"word/document.xml": laughs}), "laughs.docx")
    assert message == (
        "laughs.docx: refused: word/document.xml declares a DTD or entities, which Word never "
        "writes"
    )


def test_malformed_xml_is_refused_naming_the_part() -> None:
    message = refusal(_zip({"word/document.xml": b"<w:document><w:body>"}), "broken.docx")
    assert message.startswith("broken.docx: not a readable Word file: word/document.xml is not")


def test_a_password_protected_docx_is_refused_saying_how_to_open_it() -> None:
    message = refusal((DOCUMENTS / "password.docx").read_bytes(), "password.docx")
    assert message.startswith("password.docx: a password-protected (encrypted) Word document")
    assert "without the password" in message


# --- LibreOffice formats -----------------------------------------------------------------


def _soffice(source: Path, to: str, tmp_path: Path) -> Path:
    profile = (tmp_path / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", to]
    subprocess.run(
        [*command, "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return source.with_suffix(f".{to}")


@pytest.mark.parametrize("suffix", ["doc", "odt"])
def test_a_doc_or_odt_reads_to_the_same_plan_as_its_docx(suffix: str, tmp_path: Path) -> None:
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    source = tmp_path / "plan.docx"
    source.write_bytes(
        plan_docx(
            (CORPUS / "c202-thutuong-2025-decision-cell-line-table-year-spans.txt").read_text()
        )
    )
    converted = _soffice(source, suffix, tmp_path)
    as_docx = parse_document(read_document(source.read_bytes(), "plan.docx").document)
    other = parse_document(read_document(converted.read_bytes(), converted.name).document)
    agreement = Agreement()
    compare("plan", as_docx, other, agreement)
    assert agreement.differences == [] and agreement.total > 100


def test_without_libreoffice_a_doc_is_refused_naming_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "WordDocument".encode("utf-16-le")
    message = refusal(doc, "old.doc")
    assert message.startswith("old.doc: reading this format needs LibreOffice")
    assert "libreoffice-writer-nogui" in message


# --- the corpus ------------------------------------------------------------------------------


def _corpus(shared: Path | None) -> list[Path]:
    paths = sorted(CORPUS.glob("*.txt"))
    if shared is not None:
        paths += sorted(shared.glob("*.txt"))
    seen: set[str] = set()
    unique = []
    for path in paths:  # the shared plans are also in tests/corpus: each is read once
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            unique.append(path)
    return unique


def test_corpus_plans_made_into_word_read_to_the_fields_of_their_text(shared_plans: Path) -> None:
    agreement = Agreement()
    documents = _corpus(shared_plans / "real")
    for path in documents:
        data = plan_docx(path.read_text(encoding="utf-8"))
        got = parse_or_refusal(
            lambda data=data, name=path.name: parse_document(
                read_document(data, name.replace(".txt", ".docx")).document
            )
        )
        compare(path.name, text_plan(path), got, agreement)
    assert len(documents) >= 70
    assert agreement.share >= 0.99, "\n".join(agreement.differences)
