"""The document model read from plain text: what the reader recovers from portal markdown, Word
tab rows, portal cell lines and PDF cell lines, before any understanding."""

from __future__ import annotations

from tasks.plans.document import Block, read_text


def tables(text: str) -> list[Block]:
    return [block for block in read_text(text).blocks if block.kind == "table"]


def test_portal_markdown_is_stripped_and_a_bold_heading_over_two_lines_is_one_block() -> None:
    document = read_text("**II. NỘI\nDUNG KẾ HOẠCH**\n\n**1. Sở\nKhoa học và Công nghệ**\n")
    headings = [(block.marker, block.text) for block in document.blocks]
    assert headings == [("II", "NỘI DUNG KẾ HOẠCH"), ("1", "Sở Khoa học và Công nghệ")]


def test_hard_wrapped_label_lines_are_joined_back() -> None:
    text = "\n".join(
        [
            "- Cơ quan thực hiện: Sở Khoa",
            "học và Công nghệ; Sở Tư pháp.",
            "",
            "- Thời gian thực hiện: Quý",
            "IV năm 2025.",
        ]
    )
    blocks = read_text(text).blocks
    assert [block.text for block in blocks] == [
        "Cơ quan thực hiện: Sở Khoa học và Công nghệ; Sở Tư pháp.",
        "Thời gian thực hiện: Quý IV năm 2025.",
    ]
    assert (blocks[0].line, blocks[0].end, blocks[1].line) == (1, 2, 4)


def test_a_wrapped_line_opening_with_an_accented_lower_case_word_and_a_colon_goes_on() -> None:
    text = "Chủ trì, phối hợp với các sở, ngành liên quan tổ chức thực hiện tiểu dự\n"
    text += "án 2: Tập huấn kỹ năng cho cán bộ cơ sở trên địa bàn tỉnh trong năm 2026.\n"
    assert len(read_text(text).blocks) == 1


def test_a_name_wrapped_before_its_colon_goes_on_but_a_two_word_label_starts_a_block() -> None:
    text = "+ Sở Công Thương phối hợp Ban Quản lý các Khu công nghiệp tỉnh Quảng\n"
    text += "Bình: hướng dẫn các doanh nghiệp rà soát tài sản trong các khu công nghiệp\n"
    text += "Thời gian: Quý IV/2025.\n"
    blocks = read_text(text).blocks
    assert [block.text[:9] for block in blocks] == ["Sở Công T", "Thời gian"]


def test_portal_cell_lines_become_rows_of_cells_and_a_section_row_keeps_its_two_cells() -> None:
    cells = ["**STT**", "|", "**Nội dung**", "|", "**Chủ trì**", "|", "|", "**I**", "|"]
    cells += ["**NHÓM A**", "|", "|", "1", "|", "Rà soát", "quy định", "|", "Sở Tài chính", "|"]
    text = "\n".join(["|", *cells]) + "\n"
    (table,) = tables(text)
    assert [row.texts() for row in table.rows] == [
        ["STT", "Nội dung", "Chủ trì"],
        ["I", "NHÓM A"],
        ["1", "Rà soát quy định", "Sở Tài chính"],
    ]
    assert table.rows[2].cells[1].parts == ("Rà soát", "quy định")


def test_a_word_cell_broken_over_two_lines_is_joined_into_its_row() -> None:
    text = "\n".join(
        [
            "STT\tNội dung\tCơ quan chủ trì\tThời gian",
            "1\tTập huấn\tPhòng Nội vụ,",
            "Phòng Tư pháp\tQuý II/2025",
        ]
    )
    (table,) = tables(text)
    assert table.rows[1].texts() == ["1", "Tập huấn", "Phòng Nội vụ, Phòng Tư pháp", "Quý II/2025"]


def test_a_pdf_table_keeps_each_rows_lines_and_drops_the_heading_repeated_on_the_next_page() -> (
    None
):
    heading = "TT\nNội dung\nCơ quan chủ\ntrì\nThời gian\n"
    text = (
        heading
        + "1\nRà soát các\nquy định.\nBộ Tư pháp\nNăm 2026\nCÔNG BÁO/Số 12/Ngày 01-01-2026\n95\n"
        + heading
        + "2\nSửa đổi luật.\nBộ Tài chính\nQuý IV/2026\n"
    )
    (table,) = tables(text)
    assert table.loose
    assert [row.texts()[0] for row in table.rows] == ["TT", "1", "2"]
    assert table.rows[1].texts() == ["1", "Rà soát các", "quy định.", "Bộ Tư pháp", "Năm 2026"]


def test_two_pdf_cells_on_one_line_with_a_wide_gap_are_two_cell_lines() -> None:
    text = "TT\nNội dung\nCơ quan chủ trì\nThời gian\n7  Xây dựng đề án\nBộ Tư pháp\nNăm 2026\n"
    (table,) = tables(text)
    assert table.rows[1].texts() == ["7", "Xây dựng đề án", "Bộ Tư pháp", "Năm 2026"]
