"""PDF fixtures as agencies make them: a plan's text as a Word document (`make_docx`) exported
to PDF by LibreOffice, many documents in one `soffice` run (it starts in ~10 s, then takes
about a second a document). Also the field-by-field comparison of a plan read from a
document with the same plan read from its text, which the accuracy tests count.

usage: python -m tests.support.make_pdf OUT_DIR IN.txt…"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tasks.plans.document import read_text
from tasks.plans.formats.parts import (
    Paragraph,
    Part,
    ReadDocument,
    Table,
    TableCell,
    build_document,
)
from tasks.plans.parse import normalize_plan_text
from tasks.plans.parsed import ParsedPlan, PlanParseError, PlanWithoutTasks
from tests.support.make_docx import plan_docx

SOFFICE_TIMEOUT = 900  # seconds, for the whole corpus on a busy machine


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(documents: Iterable[Path], out_dir: Path) -> None:
    """Each document (DOCX, ODT …) as out_dir/<stem>.pdf, in one LibreOffice run with a
    throwaway profile (a shared one is locked by any LibreOffice already running)."""
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
                "pdf",
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


# --- comparing what two readers made of one plan -------------------------------------------


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@dataclass
class Comparison:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def count(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(miss)

    @property
    def percent(self) -> float:
        return 100.0 * self.right / max(self.total, 1)


def outcome(parse: Callable[[], ParsedPlan]) -> ParsedPlan | None:
    """The plan read, None when it was refused (not a plan, or no task in it)."""
    try:
        return parse()
    except (PlanWithoutTasks, PlanParseError):
        return None


def compare(name: str, want: ParsedPlan | None, got: ParsedPlan | None, into: Comparison) -> None:
    """Fields of `got` equal to `want`'s: the refusal, then number, title, date, and each
    item's content, lead, coordinating agencies and timeframe (an item missing or extra
    counts its four fields wrong)."""
    into.count(
        (want is None) == (got is None), f"{name}: refused {got is None}, text {want is None}"
    )
    if want is None or got is None:
        return
    for key in ("number", "title", "issued_on"):
        mine, theirs = getattr(got, key), getattr(want, key)
        into.count(_norm(str(mine)) == _norm(str(theirs)), f"{name}: {key} {mine!r} vs {theirs!r}")
    for index in range(max(len(want.items), len(got.items))):
        label = f"{name}: item {index + 1}"
        if index >= len(want.items) or index >= len(got.items):
            for _ in range(4):
                into.count(False, f"{label} only in {'text' if index < len(want.items) else 'pdf'}")
            continue
        a, b = got.items[index], want.items[index]
        into.count(
            _norm(a.content) == _norm(b.content), f"{label} content {a.content!r} vs {b.content!r}"
        )
        into.count(a.lead == b.lead, f"{label} lead {a.lead} vs {b.lead}")
        into.count(
            a.coordinating == b.coordinating,
            f"{label} coordinating {a.coordinating} vs {b.coordinating}",
        )
        tf_a, tf_b = a.timeframe.to_json(), b.timeframe.to_json()
        tf_a["text"], tf_b["text"] = _norm(tf_a.get("text")), _norm(tf_b.get("text"))
        into.count(tf_a == tf_b, f"{label} timeframe {tf_a} vs {tf_b}")


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


def as_written(text: str) -> ReadDocument:
    """What a perfect reader of `plan_docx(text)` would hand over: the text reader's blocks
    as whole paragraphs and tables. Parsing it tells what the round trip through a Word
    document loses whatever the format's reader does (a PDF-copied table whose cells are
    its lines cannot become a Word table in columns)."""
    parts: list[Part] = []
    for block in read_text(normalize_plan_text(text)).blocks:
        if block.kind == "table":
            rows = tuple(
                tuple(
                    TableCell(cell.parts or ((cell.text,) if cell.text else ()), max(cell.span, 1))
                    for cell in row.cells
                )
                for row in block.rows
            )
            parts.append(Table(rows))
        else:
            written = f"{block.written_marker} {block.text}".strip()
            parts.append(Paragraph(written, bold=block.kind == "heading"))
    return build_document(parts)
