"""OCR of scanned plans: accuracy, speed and memory (issue 15's targets: ≥ 92 % of labelled
fields right at 300 dpi, ≤ 8 s a page, ≤ 500 MiB for a 100-page scan).

Each chosen plan of tests/corpus (the real plans, with their labels in expected.json) is made
into a Word document (tests.support.make_docx), a PDF by LibreOffice and a scan of it
(tests.support.make_scan: 300 dpi grey, turned ±0.5–1.5°, noise), then read back by
`tasks.plans.formats.ocr.read_pdf` and `parse_document` and scored with the corpus's own
scorer (tests.support.corpus), next to the score of the plan's text itself. The baseline
for speed is the `tesseract` program alone on each page, timed in the same run.

Run: .venv/bin/python benchmarks/ocr_accuracy.py [NAME-PREFIX ...] [--misses]
     .venv/bin/python benchmarks/ocr_accuracy.py --memory [PAGES]   (peak RSS, one process)
Scans are cached in $DONDOC_BENCH_CACHE (default /tmp/dondoc-ocr-bench)."""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tasks.plans.formats.ocr import read_pdf
from tasks.plans.parse import parse_document
from tests.support import corpus
from tests.support.make_docx import plan_docx
from tests.support.make_scan import docx_to_pdf, image_pdf, scanned_pages

CACHE = Path(os.environ.get("DONDOC_BENCH_CACHE", "/tmp/dondoc-ocr-bench"))
# a subset a loaded 2-core machine reads in minutes: every layout family, short plans first
DEFAULT = (
    "d09-",  # a Word table (tab table), 14 items
    "d07-",  # a PDF table with merged cells
    "c501-",  # cell-line table, lead only
    "d24-",  # label lines
    "d10-",  # group labels
    "c403-",  # agency blocks with dash bullets
    "d11-",  # prose
    "d13-",  # an official letter: refused
)


def scan_of(name: str, text: str) -> Path:
    """The cached image-only PDF of plan `name` (made once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.scan.pdf"
    if not path.exists():
        pdf = docx_to_pdf(plan_docx(text))
        (CACHE / f"{name}.pdf").write_bytes(pdf)
        path.write_bytes(image_pdf(scanned_pages(pdf)))
    return path


def tesseract_alone(scan: Path) -> tuple[float, int]:
    """Seconds the `tesseract` program alone takes on the scan's pages, and the page count."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", str(scan), f"{tmp}/p"], check=True, timeout=600
        )
        pages = sorted(Path(tmp).glob("p-*.pgm"))
        environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        start = time.perf_counter()
        for page in pages:
            command = ["tesseract", str(page), "-", "-l", "vie", "--psm", "3", "tsv"]
            subprocess.run(command, check=True, capture_output=True, env=environment)
        return time.perf_counter() - start, len(pages)


def accuracy(prefixes: list[str], misses: bool) -> None:
    expected: dict[str, dict[str, Any]] = json.loads((corpus.CORPUS / "expected.json").read_text())
    names = [name for name in expected if any(name.startswith(p) for p in prefixes)]
    text_score, ocr_score = corpus.Score(), corpus.Score()
    ocr_seconds = alone_seconds = 0.0
    pages = 0
    print("| plan | pages | OCR s/page | tesseract alone s/page | text fields | scan fields |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        path = corpus.CORPUS / "documents" / name
        scan = scan_of(name, path.read_text(encoding="utf-8"))
        start = time.perf_counter()
        read = read_pdf(scan.read_bytes(), str(scan))
        seconds = time.perf_counter() - start
        alone, count = tesseract_alone(scan)
        ocr_seconds, alone_seconds, pages = (
            ocr_seconds + seconds,
            alone_seconds + alone,
            pages + count,
        )
        before = (
            sum(text_score.right.values()),
            sum(ocr_score.right.values()),
            sum(ocr_score.total.values()),
        )
        corpus.score_file(path, expected[name], text_score)
        scanned = partial(parse_document, read.document)
        corpus.score_plan(name, expected[name], ocr_score, scanned)
        got_text = sum(text_score.right.values()) - before[0]
        got_scan = sum(ocr_score.right.values()) - before[1]
        fields = sum(ocr_score.total.values()) - before[2]
        print(
            f"| {name[:40]} | {count} | {seconds / count:.1f} | {alone / count:.1f} "
            f"| {got_text}/{fields} | {got_scan}/{fields} |",
            flush=True,
        )
    right, total = sum(ocr_score.right.values()), sum(ocr_score.total.values())
    text_right = sum(text_score.right.values())
    print(
        f"\n{len(names)} plans, {pages} pages: scans {right}/{total} = {ocr_score.accuracy:.1f} % "
        f"of labelled fields (their text: {text_right}/{total} = {text_score.accuracy:.1f} %); "
        f"OCR {ocr_seconds / max(pages, 1):.1f} s a page, tesseract alone "
        f"{alone_seconds / max(pages, 1):.1f} s a page"
    )
    if misses:
        text_misses = set(text_score.misses)
        print("\n".join(miss for miss in ocr_score.misses if miss not in text_misses))


def memory(pages: int) -> None:
    """Peak RSS reading a `pages`-page scan (a few scanned pages repeated, copied by
    pypdfium2), in a fresh process that reads the file and the reader, nothing else."""
    import pypdfium2 as pdfium

    path = CACHE / f"scan-{pages}-pages.pdf"
    if not path.exists():
        name = "d09-ubnd-laocai-2026-docx-tab-table.txt"
        scan = scan_of(name, (corpus.CORPUS / "documents" / name).read_text(encoding="utf-8"))
        source = pdfium.PdfDocument(scan.read_bytes())
        target = pdfium.PdfDocument.new()
        while len(target) < pages:
            target.import_pages(source, list(range(min(len(source), pages - len(target)))))
        buffer = io.BytesIO()
        target.save(buffer)
        path.write_bytes(buffer.getvalue())
    subprocess.run([sys.executable, __file__, "--read", str(path)], check=True)


def read_one(path: Path) -> None:
    """Read one scan in this process and say its time and peak RSS."""
    data = path.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    read = read_pdf(data, path.name)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = max(read.pages, default=0)
    print(
        f"{pages} pages ({len(data) / 2**20:.0f} MiB PDF): {seconds:.0f} s, "
        f"{seconds / max(pages, 1):.1f} s a page, {len(read.document.lines)} lines; peak RSS "
        f"{peak:.0f} MiB (with the file read, before OCR: {before:.0f} MiB; tesseract runs "
        "in its own process)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prefixes", nargs="*", help="plans whose file names start so")
    parser.add_argument("--misses", action="store_true", help="list misses the text has not")
    parser.add_argument("--memory", type=int, metavar="PAGES", help="peak RSS for PAGES pages")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.read:
        read_one(arguments.read)
        return
    if arguments.memory:
        memory(arguments.memory)
        return
    accuracy(arguments.prefixes or list(DEFAULT), arguments.misses)


if __name__ == "__main__":
    main()
