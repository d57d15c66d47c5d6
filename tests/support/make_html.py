"""A plan's text as a legal portal serves it: the document among a menu, a search box, a list
of related documents and a footer, paragraphs as <p>, tables as real HTML tables. For tests of
the HTML reader: what it reads from the page must be what the text reader reads from the text."""

from __future__ import annotations

import html
import sys
from pathlib import Path

from tasks.plans.document import Block, read_text
from tests.support.make_docx import table_columns

_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<style>td {{ border: 1px solid #000 }}</style><script>var tracking = 1;</script></head>
<body>
<header><a href="/">Trang chủ</a> | <a href="/van-ban">Văn bản pháp luật</a></header>
<nav><ul><li><a href="/a">Văn bản mới</a></li><li><a href="/b">Tra cứu</a></li></ul></nav>
<form action="/tim-kiem"><input name="q"><button>Tìm kiếm</button></form>
<div class="layout">
<div class="sidebar"><h3>Văn bản liên quan</h3><ul>
<li><a href="/c">Quyết định về việc ban hành quy chế làm việc</a></li>
<li><a href="/d">Công văn về việc báo cáo kết quả</a></li></ul></div>
<div class="content"><div class="toanvan">
{body}
</div></div></div>
<footer>Bản quyền thuộc về cổng thông tin. Địa chỉ: số 1, đường A.</footer>
</body></html>
"""


def _cell(lines: tuple[str, ...]) -> str:
    return "<td>" + "<br>".join(html.escape(line) for line in lines) + "</td>"


def _block(block: Block) -> str:
    if block.kind == "table":
        rows = "".join(
            "<tr>" + "".join(_cell(cell.parts or (cell.text,)) for cell in row.cells) + "</tr>\n"
            for row in (table_columns(block.rows) if block.loose else block.rows)
        )
        return f"<table>\n{rows}</table>"
    text = html.escape(f"{block.written_marker} {block.text}".strip())
    if block.kind == "heading":
        return f"<p><strong>{text}</strong></p>"
    return f"<p>{text}</p>"


def plan_html(text: str) -> bytes:
    document = read_text(text)
    body = "\n".join(_block(block) for block in document.blocks)
    title = html.escape(document.blocks[0].text if document.blocks else "")
    return _PAGE.format(title=title, body=body).encode("utf-8")


if __name__ == "__main__":
    source, target = sys.argv[1:3]
    Path(target).write_bytes(plan_html(Path(source).read_text(encoding="utf-8")))
