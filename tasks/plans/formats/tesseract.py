"""Tesseract run as a program (Debian's tesseract-ocr with the Vietnamese model): one page in
on stdin, its words with boxes and confidences out as TSV. A program rather than a binding,
so a page that makes it hang or crash is killed and named, never the importer with it."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tasks.plans.parsed import PlanParseError

PACKAGES = "tesseract-ocr tesseract-ocr-vie"
LANGUAGE = "vie"
# A page takes seconds; a minute means Tesseract is stuck on it (noise it reads as text).
PAGE_TIMEOUT = 120.0
# Threads per page: more only fight the other processes on a small machine.
THREADS = "1"
# Where Debian's packages put the models (tesseract-ocr 4 and 5).
_TESSDATA = (
    Path("/usr/share/tesseract-ocr/5/tessdata"),
    Path("/usr/share/tesseract-ocr/4.00/tessdata"),
)


@dataclass(frozen=True)
class Word:
    """One recognised word: its box in page pixels, Tesseract's confidence (0–100) and the
    block/paragraph/line it put the word in (its reading order)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    block: int
    paragraph: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def center(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


def program(source: str) -> str:
    """The tesseract program, checked to have the Vietnamese model; PlanParseError naming the
    Debian packages when either is missing."""
    found = shutil.which("tesseract")
    if found is None:
        raise PlanParseError.one(
            source, f"a scan needs OCR, and Tesseract is not installed (apt install {PACKAGES})"
        )
    if not has_model(LANGUAGE):
        raise PlanParseError.one(
            source,
            "a scan needs OCR, and Tesseract's Vietnamese model is not installed "
            f"(apt install {PACKAGES})",
        )
    return found


def has_model(language: str) -> bool:
    """Whether Tesseract has the model for `language` ("vie", "eng")."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    places = ([Path(prefix), Path(prefix) / "tessdata"] if prefix else []) + list(_TESSDATA)
    return any((place / f"{language}.traineddata").is_file() for place in places)


def recognise(
    image: bytes, dpi: int, source: str, page: int, layout: str = "3", language: str = LANGUAGE
) -> list[Word]:
    """The words Tesseract reads on one page (`image` a PNG or PNM file's bytes); `layout`
    its page segmentation mode: 3 finds the blocks of a page, 6 reads one block."""
    command = [program(source), "stdin", "stdout", "-l", language, "--psm", layout]
    command += ["--dpi", str(dpi), "tsv"]
    environment = {**os.environ, "OMP_THREAD_LIMIT": THREADS}
    try:
        result = subprocess.run(
            command,
            input=image,
            capture_output=True,
            timeout=PAGE_TIMEOUT,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        message = f"page {page}: OCR took over {PAGE_TIMEOUT:g} s and was stopped"
        raise PlanParseError.one(source, message) from error
    except OSError as error:
        raise PlanParseError.one(source, f"cannot run tesseract: {error.strerror}") from error
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip().splitlines()
        why = said[-1] if said else f"exit status {result.returncode}"
        raise PlanParseError.one(source, f"page {page}: OCR failed: {why}")
    return parse_tsv(result.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[Word]:
    """Tesseract's TSV: one row per page, block, paragraph, line and word; the words (level
    5) with text are kept, in Tesseract's reading order."""
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5":
            continue
        text = fields[11].strip()
        if not text:
            continue
        try:
            block, paragraph, line = int(fields[2]), int(fields[3]), int(fields[4])
            left, top, width, height = (int(value) for value in fields[6:10])
            confidence = max(float(fields[10]), 0.0)
        except ValueError:
            continue
        words.append(Word(text, left, top, width, height, confidence, block, paragraph, line))
    return words
