"""A plan saved from a legal portal as a web page: the document's body only (menus, related
documents, comments and scripts left out), its paragraphs as paragraphs and its tables as
tables, merged cells kept (colspan as a span, rowspan as cells continuing the one above).

The body is found without knowing the portal: from the page down, while one child holds most
of its parent's text, that child is the body. Menus and sidebars never hold most of the text;
a data table may, and is never descended into (a layout table's one big cell is).
lxml's HTML parser (libxml2) is used because it is fast on large pages and reads the broken
markup portals serve."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.etree
import lxml.html

from dondoc.core.text import decode_bytes
from tasks.plans.formats.parts import (
    Paragraph,
    Part,
    ReadDocument,
    Table,
    TableCell,
    build_document,
)
from tasks.plans.parsed import PlanParseError

_DROPPED = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "iframe", "object", "svg", "head",
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section",
     "article", "main", "center", "dd", "dt", "address", "figure", "figcaption", "ul", "ol",
     "dl", "body", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption"}
)  # fmt: skip
_BOLD = frozenset({"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6"})
MOST = 0.7  # the share of its parent's text that makes a child the document's body
MAX_SPAN = 64


def read(data: bytes, source: str) -> ReadDocument:
    try:
        text = decode_bytes(data).text
        root = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError) as error:
        raise PlanParseError.one(source, f"cannot read the web page: {error}") from error
    for element in root.iter(*_DROPPED):
        element.drop_tree() if element.getparent() is not None else None
    body = _document_body(root)
    return build_document(_parts(body), source)


def _text_length(element: lxml.html.HtmlElement) -> int:
    return len("".join(element.itertext()).split())


def _document_body(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    node = root.find("body")
    node = root if node is None else node
    while True:
        total = _text_length(node)
        children = [child for child in node if isinstance(child.tag, str)]
        best = max(children, key=_text_length, default=None)
        if best is None or not total or _text_length(best) < MOST * total:
            return node
        if best.tag == "table":
            # a layout table (a page laid out in one big cell) is a container; a table
            # holding most of the text is the plan's table, and the text around it counts
            cell = max(best.iter("td", "th"), key=_text_length, default=None)
            if cell is None or _text_length(cell) < MOST * total:
                return node
            best = cell
        node = best


def _parts(node: lxml.html.HtmlElement) -> Iterator[Part]:
    """The node's paragraphs and tables in reading order: inline runs between blocks, and
    the lines a <br> ends, are paragraphs of their own."""
    line: list[str] = []
    bold = [True]

    def flush() -> Iterator[Part]:
        text = " ".join("".join(line).split())
        if text:
            yield Paragraph(text, bold=bold[0])
        line.clear()
        bold[0] = True

    def inline(text: str | None, is_bold: bool) -> None:
        if text and text.strip():
            line.append(text)
            bold[0] = bold[0] and is_bold
        elif text:
            line.append(" ")

    def walk(element: lxml.html.HtmlElement, in_bold: bool) -> Iterator[Part]:
        is_bold = in_bold or element.tag in _BOLD or _bold_style(element)
        if element.tag == "table":
            yield from flush()
            yield _table(element)
            return
        block = element.tag in _BLOCKS
        if block or element.tag == "br":
            yield from flush()
        if element.tag != "br":
            inline(element.text, is_bold)
            for child in element:
                if isinstance(child.tag, str):
                    yield from walk(child, is_bold)
                if block and child.tag in _BLOCKS:
                    yield from flush()
                inline(child.tail, is_bold)
        if block:
            yield from flush()

    yield from walk(node, False)
    yield from flush()


def _bold_style(element: lxml.html.HtmlElement) -> bool:
    style = element.get("style", "").replace(" ", "").lower()
    return "font-weight:bold" in style or "font-weight:700" in style


def _table(table: lxml.html.HtmlElement) -> Table:
    rows: list[tuple[TableCell, ...]] = []
    below: dict[int, int] = {}  # grid column → rows a rowspan still covers
    for tr in table.iter("tr"):
        if _owner_table(tr) is not table:
            continue  # a nested table's row: its text is in its cell
        cells: list[TableCell] = []
        column = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while below.get(column, 0) > 0:
                below[column] -= 1
                cells.append(TableCell((), continues=True))
                column += 1
            span = _number(td.get("colspan"))
            rowspan = _number(td.get("rowspan"))
            cells.append(TableCell(tuple(_cell_paragraphs(td)), span=span))
            for covered in range(column, column + span):
                below[covered] = rowspan - 1
            column += span
        while below.get(column, 0) > 0:
            below[column] -= 1
            cells.append(TableCell((), continues=True))
            column += 1
        rows.append(tuple(cells))
    return Table(tuple(rows))


def _owner_table(tr: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    parent = tr.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _cell_paragraphs(td: lxml.html.HtmlElement) -> Iterator[str]:
    for part in _parts(td):
        if isinstance(part, Paragraph):
            yield part.text
        else:  # a table nested in a cell: its rows, each as one line of the cell
            for row in part.rows:
                yield " ".join(" ".join(cell.paragraphs) for cell in row)


def _number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_SPAN)
    except ValueError:
        return 1
