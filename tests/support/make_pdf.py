"""PDF fixtures as agencies make them: a plan's text as a Word document (`make_docx`) exported
to PDF by LibreOffice, many documents in one `soffice` run (it starts in ~10 s, then takes
about a second a document); and what a perfect reader of the Word document would hand over,
to tell the PDF reader's losses from the round trip's (fields compared by same_fields).

usage: python -m tests.support.make_pdf OUT_DIR IN.txt…"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from tasks.plans.document import read_text
from tasks.plans.document.model import Row
from tasks.plans.formats.parts import (
    Paragraph,
    Part,
    ReadDocument,
    Table,
    TableCell,
    build_document,
)
from tasks.plans.parse import normalize_plan_text
from tests.support.make_docx import MERGED, laid_out, plan_docx, table_columns

SOFFICE_TIMEOUT = 900  # seconds, for the whole corpus on a busy machine


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(documents: Iterable[Path], out_dir: Path, export: str = "pdf") -> None:
    """Each document (DOCX, ODT …) as out_dir/<stem>.pdf, in one LibreOffice run with a
    throwaway profile (a shared one is locked by any LibreOffice already running); `export`
    is LibreOffice's filter, with its options ("pdf:writer_pdf_Export:{…}")."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                export,
                "--outdir",
                str(out_dir),
                *map(str, documents),
            ],
            check=True,
            capture_output=True,
            timeout=SOFFICE_TIMEOUT,
        )


def plan_pdfs(texts: dict[str, str], out_dir: Path) -> dict[str, Path]:
    """Each named plan text as a PDF exported from its Word document."""
    out_dir.mkdir(parents=True, exist_ok=True)
    documents = []
    for name, text in texts.items():
        path = out_dir / f"{name}.docx"
        path.write_bytes(plan_docx(text))
        documents.append(path)
    convert_to_pdf(documents, out_dir)
    return {name: out_dir / f"{name}.pdf" for name in texts}


def as_written(text: str) -> ReadDocument:
    """What a perfect reader of `plan_docx(text)` would hand over: its paragraphs and tables
    as make_docx lays them out, read without loss. Parsing it tells the PDF reader's own losses
    from what the round trip through a Word document changes whatever the format's reader."""
    parts: list[Part] = []
    for block in read_text(normalize_plan_text(text)).blocks:
        if block.kind == "table":
            above, rows = ([], table_columns(block.rows)) if block.loose else laid_out(block.rows)
            parts += [Paragraph(paragraph) for paragraph in above]
            parts.append(Table(_grid(rows)))
        else:
            written = f"{block.written_marker} {block.text}".strip()
            parts.append(Paragraph(written, bold=block.kind == "heading"))
    return build_document(parts)


def _grid(rows: list[Row]) -> tuple[tuple[TableCell, ...], ...]:
    """Rows as Word's grid holds them: a short row's last cell spanning the rest."""
    width = max(sum(max(cell.span, 1) for cell in row.cells) for row in rows)
    grid = []
    for row in rows:
        cells = [
            TableCell(
                cell.parts or ((cell.text,) if cell.text else ()),
                max(cell.span, 1),
                continues=cell.line == MERGED,
            )
            for cell in row.cells
        ]
        short = width - sum(cell.span for cell in cells)
        if short > 0:
            cells[-1] = replace(cells[-1], span=cells[-1].span + short)
        grid.append(tuple(cells))
    return tuple(grid)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.rsplit("usage: ", 1)[-1].strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    texts = {Path(name).stem: Path(name).read_text(encoding="utf-8") for name in argv[1:]}
    for path in plan_pdfs(texts, out).values():
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
