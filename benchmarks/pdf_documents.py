"""The PDF reader on a 30-page text PDF against pdftotext on the same file (issue 15).
against a baseline measured in the same run on the same file. For PDF the baseline is
poppler's `pdftotext` (a whole process, as one would run it) on the same file: text out,
without tables, paragraphs or a plan.

The PDF is a real corpus plan (a provincial plan's task table, long rows) whose rows are
repeated and renumbered until LibreOffice lays it out on about 30 pages (pages counted, the
rows scaled once from a first try), made with tests.support.make_docx and LibreOffice.

Run: .venv/bin/python benchmarks/documents.py [--repeat 5] [--pages 30]
Target (issue 15): a 30-page text PDF in < 2 s on a 2-core machine."""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support (the fixture makers) and the benchmarks' helpers

from benchmarks.documents import SOURCE_PLAN, long_plan  # noqa: E402
from benchmarks.parse import best_of, machine  # noqa: E402
from tasks.plans.formats import read_document  # noqa: E402
from tasks.plans.parse import parse_document  # noqa: E402
from tests.support.make_pdf import plan_pdfs  # noqa: E402


def _pdf_of(text: str, folder: Path) -> tuple[bytes, int]:
    path = plan_pdfs({"plan": text}, folder)["plan"]
    data = path.read_bytes()
    document = pdfium.PdfDocument(data)
    try:
        return data, len(document)
    finally:
        document.close()


Row = tuple[str, ...]


def pdf_case(repeat: int = 5, target_pages: int = 30) -> list[Row]:
    """The plan as a PDF of about `target_pages` pages: pdftotext, read, read + parse."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        return [("PDF", "needs LibreOffice (soffice) and poppler-utils (pdftotext)")]
    text = SOURCE_PLAN.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as work:
        rows = 60
        data, pages = _pdf_of(long_plan(text, rows), Path(work) / "first")
        rows = max(round(rows * target_pages / pages), 1)
        data, pages = _pdf_of(long_plan(text, rows), Path(work) / "sized")
        path = Path(work) / "plan.pdf"
        path.write_bytes(data)

        def baseline() -> int:
            done = subprocess.run(
                ["pdftotext", "-q", str(path), "-"], capture_output=True, check=True
            )
            return len(done.stdout)

        def read_and_parse() -> int:
            return len(parse_document(read_document(data, "plan.pdf").document).items)

        items = read_and_parse()
        floor = best_of(repeat, baseline)
        reading = best_of(repeat, lambda: read_document(data, "plan.pdf"))
        whole = best_of(repeat, read_and_parse)
    return [
        (
            "PDF",
            f"{len(data):,}",
            str(pages),
            str(items),
            f"{floor:.3f}",
            f"{reading:.3f}",
            f"{whole:.3f}",
            f"{whole / floor:.1f}×",
            "< 2 s" + (" ✓" if whole < 2 else " ✗"),
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", type=int, default=30, help="pages of the PDF")
    args = parser.parse_args()
    print(
        f"# documents benchmark, {date.today()}, {machine()}, "
        f"Python {platform.python_version()}, best of {args.repeat}"
    )
    print(
        "| format | bytes | pages | items | baseline s | read s | read + parse s | ratio | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in pdf_case(args.repeat, args.pages):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
