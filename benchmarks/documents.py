"""Documents benchmark: a plan as agencies publish it read by read_document + parse_document,
against a baseline measured in the same run on the same file (for DOCX: unzipping it and
reading word/document.xml's text with lxml, the floor of touching the document at all). One
function per format, each printing its rows of one table; later formats (PDF, OCR) add theirs.

The DOCX is a real corpus plan (a provincial plan's task table, long rows) whose rows are
repeated and renumbered: once to 600 rows, and once to the rows that make it 30 pages as
LibreOffice lays it out (pages are counted, not assumed: without LibreOffice only the first).

Run: .venv/bin/python benchmarks/documents.py [--repeat 5] [--rows 600]
Target (issue 15): a 30-page DOCX in < 2 s on a 2-core machine."""

from __future__ import annotations

import argparse
import io
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support (the fixture maker) and the benchmarks' helpers

from benchmarks.parse import best_of, machine  # noqa: E402
from tasks.plans.formats import read_document  # noqa: E402
from tasks.plans.parse import parse_document  # noqa: E402
from tests.support.make_docx import plan_docx  # noqa: E402

SOURCE_PLAN = (
    ROOT / "tests" / "corpus" / "documents" / "d27-ubnd-lamdong-2026-docx-tab-appendix-yearly.txt"
)
_ROW = re.compile(r"^(\d{1,3})\t")
_W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
Row = tuple[str, ...]


def long_plan(text: str, rows: int) -> str:
    """`text` with the lines of its task table (first to last numbered row) repeated and
    renumbered until the table holds `rows` numbered rows."""
    lines = text.splitlines()
    numbered = [index for index, line in enumerate(lines) if _ROW.match(line)]
    first, last = numbered[0], numbered[-1]
    block = lines[first : last + 1]
    out = lines[:first]
    count = 0
    while count < rows:
        for line in block:
            if _ROW.match(line):
                if count == rows:
                    break
                count += 1
                line = _ROW.sub(f"{count}\t", line, count=1)
            out.append(line)
    out += lines[last + 1 :]
    return "\n".join(out) + "\n"


def docx_baseline(data: bytes) -> int:
    """Unzip the DOCX and read word/document.xml's text runs: what any reader must do."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return sum(len(element.text or "") for element in root.iter(_W_T))


def pages(data: bytes, suffix: str) -> int | None:
    """The document's page count as LibreOffice lays it out (None without LibreOffice)."""
    if shutil.which("soffice") is None:
        return None
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        (folder / f"plan{suffix}").write_bytes(data)
        profile = (folder / "profile").as_uri()
        command = ["soffice", f"-env:UserInstallation={profile}", "--headless"]
        subprocess.run(
            [
                *command,
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(folder / f"plan{suffix}"),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        pdf = folder / "plan.pdf"
        return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) if pdf.exists() else None


def docx_section(repeat: int, rows: int, target_pages: int) -> list[Row]:
    """The plan at `rows` task rows, and (with LibreOffice to count pages) at the rows that
    make it `target_pages` long, scaled from the first one's page count."""
    text = SOURCE_PLAN.read_text(encoding="utf-8")
    data = plan_docx(long_plan(text, rows))
    counted = pages(data, ".docx")
    out = [_docx_row(data, counted, repeat)]
    if counted:
        sized = plan_docx(long_plan(text, max(round(rows * target_pages / counted), 1)))
        out.insert(0, _docx_row(sized, pages(sized, ".docx"), repeat))
    return out


def _docx_row(data: bytes, counted: int | None, repeat: int) -> Row:
    def read_and_parse() -> int:
        return len(parse_document(read_document(data, "plan.docx").document).items)

    items = read_and_parse()
    baseline = best_of(repeat, lambda: docx_baseline(data))
    reading = best_of(repeat, lambda: read_document(data, "plan.docx"))
    whole = best_of(repeat, read_and_parse)
    return (
        "DOCX",
        f"{len(data):,}",
        str(counted or "?"),
        str(items),
        f"{baseline:.3f}",
        f"{reading:.3f}",
        f"{whole:.3f}",
        f"{whole / baseline:.0f}×",
        "< 2 s" + (" ✓" if whole < 2 else " ✗"),
    )


SECTIONS: tuple[tuple[str, Callable[[int, int, int], list[Row]]], ...] = (("docx", docx_section),)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=600, help="task-table rows of the plan")
    parser.add_argument("--pages", type=int, default=30, help="pages of the sized plan")
    parser.add_argument("--only", choices=[name for name, _ in SECTIONS])
    args = parser.parse_args()
    print(
        f"# documents benchmark, {date.today()}, {machine()}, "
        f"Python {platform.python_version()}, best of {args.repeat}"
    )
    print(
        "| format | bytes | pages | items | baseline s | read s | read + parse s | ratio | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, section in SECTIONS:
        if args.only and name != args.only:
            continue
        for row in section(args.repeat, args.rows, args.pages):
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
