"""Small DOCX files written part by part, for the DOCX reader's behaviour fixtures
(tests/fixtures/documents): a few kilobytes each, holding exactly the Word features a test
is about (numbering definitions, merged and nested cells, headers, text boxes, content
controls), where python-docx's template would add 900 KB of styles.

usage: python -m tests.support.docx_parts FOLDER   (rewrites the fixtures there)"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = {
    "word/numbering.xml": "numbering",
    "word/styles.xml": "styles",
    "word/header1.xml": "header",
    "word/footer1.xml": "footer",
}


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive of these members: a damaged or hostile "DOCX" for the refusal tests."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_package(body: str, parts: dict[str, str] | None = None) -> bytes:
    """A DOCX whose document body is `body` (w: elements), with `parts` (numbering.xml,
    styles.xml, header1.xml, footer1.xml: their inner XML) related to it."""
    parts = parts or {}
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-'
        f'officedocument.wordprocessingml.{_TYPES[name]}+xml"/>'
        for name in parts
    )
    relations = "".join(
        f'<Relationship Id="rId{index}" Type="{_REL}/{_TYPES[name]}" '
        f'Target="{name.removeprefix("word/")}"/>'
        for index, name in enumerate(parts, start=10)
    )
    section = ""
    for index, name in enumerate(parts, start=10):
        if _TYPES[name] in {"header", "footer"}:
            kind = _TYPES[name]
            section += f'<w:{kind}Reference w:type="default" r:id="rId{index}"/>'
    roots = {"numbering": "numbering", "styles": "styles", "header": "hdr", "footer": "ftr"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        archive = _Fixed(zipped)
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f"<w:document {_NAMESPACES}><w:body>{body}"
            f"<w:sectPr>{section}</w:sectPr></w:body></w:document>",
        )
        archive.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{relations}</Relationships>",
        )
        for name, inner in parts.items():
            root = roots[_TYPES[name]]
            archive.writestr(
                name,
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f"<w:{root} {_NAMESPACES}>{inner}</w:{root}>",
            )
    return out.getvalue()


class _Fixed:
    """Members dated 1 January 2026: the same fixture written twice is the same bytes."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def writestr(self, name: str, text: str) -> None:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        self.archive.writestr(info, text, compress_type=zipfile.ZIP_DEFLATED)


def p(
    text: str, *, num: int | None = None, level: int = 0, style: str = "", bold: bool = False
) -> str:
    properties = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num is not None:
        properties += f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
    run = "<w:rPr><w:b/></w:rPr>" if bold else ""
    text = f'<w:t xml:space="preserve">{text}</w:t>'
    return f"<w:p><w:pPr>{properties}</w:pPr><w:r>{run}{text}</w:r></w:p>"


def level(ilvl: int, numfmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{numfmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def numbering_fixture() -> bytes:
    """Lists as agencies' Word files hold them: a section/item/letter outline, a decimal
    multi-level list, its restart by a start override and its continuation by a second
    instance, a numbering style, bullets, articles, and upper-case letters."""
    abstracts = (
        '<w:abstractNum w:abstractNumId="1">'
        + level(0, "upperRoman", "%1.")
        + level(1, "decimal", "%2.")
        + level(2, "lowerLetter", "%3)")
        + '</w:abstractNum><w:abstractNum w:abstractNumId="2">'
        + level(0, "decimal", "%1.")
        + level(1, "decimal", "%1.%2.")
        + '</w:abstractNum><w:abstractNum w:abstractNumId="3">'
        + level(0, "lowerRoman", "(%1)")
        + '</w:abstractNum><w:abstractNum w:abstractNumId="4">'
        + level(0, "bullet", "\uf0b7")
        + level(1, "bullet", "-")
        + '</w:abstractNum><w:abstractNum w:abstractNumId="5">'
        + level(0, "decimal", "Điều %1.", extra='<w:suff w:val="space"/>')
        + '</w:abstractNum><w:abstractNum w:abstractNumId="6">'
        + level(0, "upperLetter", "%1.", start=1)
        + level(1, "decimal", "%1.%2", extra='<w:lvlRestart w:val="0"/>')
        + "</w:abstractNum>"
    )
    nums = "".join(
        f'<w:num w:numId="{num}"><w:abstractNumId w:val="{abstract}"/>{override}</w:num>'
        for num, abstract, override in (
            (1, 1, ""),
            (2, 2, ""),
            (3, 2, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride>'),
            (4, 2, ""),
            (5, 3, ""),
            (6, 4, ""),
            (7, 5, ""),
            (8, 6, ""),
        )
    )
    styles = (
        '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="ListNumber"><w:name w:val="List Number"/>'
        '<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
        "<w:rPr><w:b/></w:rPr></w:style>"
    )
    body = "".join(
        [
            p("KẾ HOẠCH", style="Heading1"),
            p("MỤC ĐÍCH", num=1, level=0),
            p("Mục đích", num=1, level=1),
            p("việc một", num=1, level=2),
            p("việc hai", num=1, level=2),
            p("Yêu cầu", num=1, level=1),
            p("việc ba", num=1, level=2),
            p("NHIỆM VỤ", num=1, level=0),
            p("Nhiệm vụ một", num=1, level=1),
            p("Một", num=2),
            p("Một một", num=2, level=1),
            p("Một hai", num=2, level=1),
            p("Hai", num=2),
            p("Hai một", num=2, level=1),
            p("Năm, từ một danh sách bắt đầu lại", num=3),
            p("Sáu", num=3),
            p("Ba, danh sách thứ hai nối tiếp", num=4),
            p("theo kiểu danh sách", style="ListNumber"),
            p("theo kiểu danh sách nữa", style="ListNumber"),
            p("chấm đầu dòng", num=6),
            p("gạch đầu dòng", num=6, level=1),
            p("Phạm vi", num=7),
            p("Hiệu lực", num=7),
            p("Phần đầu", num=8),
            p("mục con", num=8, level=1),
            p("Phần sau", num=8),
            p("mục con không bắt đầu lại", num=8, level=1),
            p("không đánh số", num=0),
        ]
    )
    parts = {"word/numbering.xml": abstracts + nums, "word/styles.xml": styles}
    return docx_package(body, parts)


def _cell(text: str, properties: str = "") -> str:
    paragraphs = "".join(p(line) for line in text.split("\n")) if text else "<w:p/>"
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{paragraphs}</w:tc>"


def tables_fixture() -> bytes:
    """A task table with a two-row heading (a cell spanning two columns, cells merged down),
    a lead cell merged over two rows, a nested table, then a text box, a content control,
    deleted and hidden text, and a header and footer that are not the document's text."""
    span = '<w:gridSpan w:val="2"/>'
    restart, down = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    nested = (
        "<w:tc><w:tcPr/><w:p><w:r><w:t>Sở Tài chính</w:t></w:r></w:p>"
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr>" + _cell("Kho bạc") + _cell("Thuế tỉnh") + "</w:tr>"
        "<w:tr>" + _cell("Ngân hàng") + _cell("") + "</w:tr>"
        "</w:tbl><w:p/></w:tc>"
    )
    table = (
        "<w:tbl><w:tblGrid>" + "<w:gridCol/>" * 5 + "</w:tblGrid>"
        "<w:tr>"
        + _cell("TT", restart)
        + _cell("Nội dung", restart)
        + _cell("Cơ quan thực hiện", span)
        + _cell("Thời gian", restart)
        + "</w:tr><w:tr>"
        + _cell("", down)
        + _cell("", down)
        + _cell("Chủ trì")
        + _cell("Phối hợp")
        + _cell("", down)
        + "</w:tr><w:tr>"
        + _cell("1")
        + _cell("Rà soát thủ tục hành chính")
        + _cell("Sở Tư pháp", restart)
        + _cell("Các sở, ngành")
        + _cell("Quý II/2026")
        + "</w:tr><w:tr>"
        + _cell("2")
        + _cell("Công bố thủ tục")
        + _cell("", down)
        + nested
        + _cell("Tháng 6/2026")
        + "</w:tr></w:tbl>"
    )
    text_box = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        "<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
        + p("Nơi nhận: như trên")
        + "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        + p("Nơi nhận: như trên")
        + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>"
        "</w:r><w:r><w:t>Đoạn có hộp chữ</w:t></w:r></w:p>"
    )
    control = (
        '<w:sdt><w:sdtPr><w:alias w:val="Số"/></w:sdtPr><w:sdtContent>'
        + p("Số: 12/KH-UBND")
        + "</w:sdtContent></w:sdt>"
    )
    edits = (
        '<w:p><w:r><w:t xml:space="preserve">Giữ </w:t></w:r>'
        "<w:del><w:r><w:delText>đã xoá </w:delText></w:r></w:del>"
        '<w:ins><w:r><w:t xml:space="preserve">thêm </w:t></w:r></w:ins>'
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn </w:t></w:r>"
        "<w:r><w:t>lại</w:t></w:r></w:p>"
    )
    body = p("BẢNG NHIỆM VỤ", bold=True) + table + text_box + control + edits
    parts = {
        "word/header1.xml": p("Chữ ở đầu trang"),
        "word/footer1.xml": p("Trang 1"),
    }
    return docx_package(body, parts)


FIXTURES = {"numbering.docx": numbering_fixture, "tables.docx": tables_fixture}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.rsplit("usage: ", 1)[-1].strip(), file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in FIXTURES.items():
        (folder / name).write_bytes(make())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
