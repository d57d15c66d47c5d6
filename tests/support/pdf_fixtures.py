"""The PDF fixtures in tests/fixtures/documents, made with LibreOffice from Word documents
written here: a plan whose task table has a merged two-row heading and runs over three pages
(a row split by a page break, its heading row repeated), under a running header and page
numbers; and the same plan exported with a password.

usage: python -m tests.support.pdf_fixtures OUT_DIR"""

from __future__ import annotations

import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.support.make_docx import plan_docx
from tests.support.make_pdf import convert_to_pdf

HEADER = "Kế hoạch số 12/KH-UBND ngày 15/3/2026 của UBND huyện Mẫu"
PASSWORD = "mat-khau"
_TASKS = [
    ("Rà soát, cập nhật danh mục dữ liệu dùng chung của huyện", "Phòng Văn hóa", "Các xã"),
    ("Xây dựng kho dữ liệu số hóa hồ sơ thủ tục hành chính", "Văn phòng HĐND và UBND", "Các phòng"),
    ("Tập huấn kỹ năng số cho cán bộ, công chức cấp xã", "Phòng Nội vụ", "Phòng Văn hóa"),
    ("Nâng cấp mạng nội bộ và hệ thống hội nghị trực tuyến", "Phòng Văn hóa", "Viễn thông huyện"),
    ("Triển khai chữ ký số cho lãnh đạo các cơ quan, đơn vị", "Văn phòng HĐND và UBND", "Các xã"),
    ("Đánh giá mức độ chuyển đổi số của các xã, thị trấn", "Phòng Nội vụ", "Các xã, thị trấn"),
    ("Tuyên truyền lợi ích của dịch vụ công trực tuyến", "Phòng Văn hóa", "Đài truyền thanh"),
    ("Kiểm tra an toàn thông tin các hệ thống dùng chung", "Công an huyện", "Phòng Văn hóa"),
]
_TIMES = ["Quý I năm 2026", "Quý II năm 2026", "Tháng 6 năm 2026", "Trước ngày 30/9/2026"]
# Each task's content runs long, so that rows reach a page's end and one is split there.
_MORE = (
    "; bảo đảm kết nối, chia sẻ dữ liệu giữa các cơ quan, đơn vị trên địa bàn, cập nhật "
    "thường xuyên, đầy đủ, chính xác, báo cáo kết quả thực hiện về Ủy ban nhân dân huyện "
    "theo định kỳ hằng quý để tổng hợp, theo dõi và chỉ đạo"
)


def plan_text() -> str:
    rows = [
        f"{at}\t{content}{_MORE * (1 + at % 3)}.\t{lead}\t{partner}\t{_TIMES[at % len(_TIMES)]}"
        for at, (content, lead, partner) in enumerate(_TASKS, start=1)
    ]
    return "\n".join(
        [
            "ỦY BAN NHÂN DÂN HUYỆN MẪU\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Số: 12/KH-UBND\tMẫu, ngày 15 tháng 3 năm 2026",
            "",
            "KẾ HOẠCH",
            "Chuyển đổi số trong cơ quan hành chính huyện năm 2026",
            "",
            "I. NHIỆM VỤ CỤ THỂ",
            "STT\tNội dung nhiệm vụ\tCơ quan thực hiện\t\tThời gian thực hiện",
            "\t\tChủ trì\tPhối hợp\t",
            *rows,
            "",
            "II. TỔ CHỨC THỰC HIỆN",
            "Các cơ quan, đơn vị căn cứ Kế hoạch này triển khai thực hiện.",
        ]
    )


def plan_with_running_text(text: str) -> bytes:
    """plan_docx(text) with a running header on every page, a page number in the footer,
    and the task table's heading rows repeated on each page."""
    word = docx.Document(io.BytesIO(plan_docx(text)))
    section = word.sections[0]
    section.header.paragraphs[0].text = HEADER
    footer = section.footer.paragraphs[0]
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    number = OxmlElement("w:t")
    number.text = "1"
    run.append(number)
    field.append(run)
    footer._p.append(field)
    table = word.tables[-1]
    for row in table.rows[:2]:
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:tblHeader"))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def encrypted_pdf(document: Path, out_dir: Path) -> Path:
    """`document` exported to PDF with an open password (LibreOffice's export option)."""
    options = json.dumps(
        {
            "EncryptFile": {"type": "boolean", "value": "true"},
            "DocumentOpenPassword": {"type": "string", "value": PASSWORD},
        }
    )
    convert_to_pdf([document], out_dir, f"pdf:writer_pdf_Export:{options}")
    return out_dir / f"{document.stem}.pdf"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.rsplit("usage: ", 1)[-1].strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "plan-table-pages.docx"
        source.write_bytes(plan_with_running_text(plan_text()))
        convert_to_pdf([source], out)
        locked = Path(work) / "plan-encrypted.docx"
        shutil.copy(source, locked)
        encrypted_pdf(locked, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
