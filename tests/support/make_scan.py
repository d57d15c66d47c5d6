"""Scans for OCR fixtures and benchmarks, made as a paper copy fed through a scanner would be:
a PDF (LibreOffice's, from a DOCX made by `make_docx`) rasterised in grey by pdftoppm,
each page turned a little (±0.5–1.5°) and speckled with noise, saved as images or as an
image-only PDF (no text layer: what OCR has to read).

usage: python -m tests.support.make_scan IN.pdf OUT.pdf [DPI]
       python -m tests.support.make_scan IN.pdf OUT.png PAGE ANGLE   (a 1-bit fixture page)"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

SOFFICE_TIMEOUT = 180


def docx_to_pdf(docx: bytes) -> bytes:
    """LibreOffice's PDF of a DOCX (its own profile in a temporary directory, so a running
    LibreOffice or another test's profile is never touched)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "plan.docx"
        source.write_bytes(docx)
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        command = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp]
        subprocess.run(
            [*command, str(source), profile],
            check=True,
            capture_output=True,
            timeout=SOFFICE_TIMEOUT,
        )
        return (Path(tmp) / "plan.pdf").read_bytes()


def scanned_pages(
    pdf: bytes, dpi: int = 300, seed: int = 7, first: int = 1, last: int = 0
) -> Iterator[Image.Image]:
    """The PDF's pages (`first` to `last`, 0 for all) as scans: grey, turned a little, noisy."""
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
        command = ["pdftoppm", "-r", str(dpi), "-gray", *pages, str(source), f"{tmp}/page"]
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        for path in sorted(Path(tmp).glob("page-*.pgm")):
            with Image.open(path) as page:
                yield scan_look(page, rng)


def scan_look(page: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A clean page as a scanner gives it back: turned by 0.5–1.5° either way, grey noise,
    and a few black specks."""
    angle = float(rng.uniform(0.5, 1.5) * rng.choice([-1.0, 1.0]))
    turned = page.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(turned, np.float32) + rng.normal(0.0, 14.0, (turned.height, turned.width))
    pixels[rng.random(pixels.shape) < 0.0003] = 0.0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")


def bilevel(page: Image.Image, angle: float, seed: int = 7) -> Image.Image:
    """A page as a black-and-white scanner (or a fax) gives it back, turned by `angle`
    degrees: grey noise then a threshold leave ragged strokes and specks; 1-bit PNGs of it
    are small enough to commit (the OCR fixtures in tests/fixtures/documents)."""
    rng = np.random.default_rng(seed)
    turned = page.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(turned, np.float32) + rng.normal(0.0, 14.0, (turned.height, turned.width))
    pixels[rng.random(pixels.shape) < 0.0003] = 0.0
    return Image.fromarray(np.where(pixels < 150, 0, 255).astype(np.uint8), "L").convert("1")


def cleaned_up(page: Image.Image) -> Image.Image:
    """A scan as an office scanner's own cleanup leaves it before compressing: smoothed by a
    pixel and its paper made white. Saved at JPEG quality 50 a page weighs ~0.5 MB, as real
    scans do, where the noise of `scan_look` left in the paper makes it ~2 MB."""
    smooth = page.filter(ImageFilter.GaussianBlur(1))
    return smooth.point(lambda value: 255 if value > 200 else value)


def image_pdf(pages: Iterator[Image.Image], dpi: int = 300, quality: int = 80) -> bytes:
    """An image-only PDF of `pages` (JPEG-compressed, as scanners write them)."""
    first = next(pages)
    buffer = io.BytesIO()
    rest = list(pages)
    first.save(
        buffer, format="PDF", save_all=True, append_images=rest, resolution=dpi, quality=quality
    )
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) == 4:
        pdf, page, angle = Path(argv[0]).read_bytes(), int(argv[2]), float(argv[3])
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "in.pdf"
            source.write_bytes(pdf)
            command = ["pdftoppm", "-r", "300", "-gray", "-f", str(page), "-l", str(page)]
            subprocess.run([*command, str(source), f"{tmp}/page"], check=True, timeout=120)
            with Image.open(next(Path(tmp).glob("page-*.pgm"))) as clean:
                bilevel(clean, angle).save(argv[1], dpi=(300, 300), optimize=True)
        return 0
    if len(argv) not in (2, 3):
        print(__doc__.rsplit("usage: ", 1)[-1].strip(), file=sys.stderr)
        return 2
    dpi = int(argv[2]) if len(argv) == 3 else 300
    pdf = Path(argv[0]).read_bytes()
    Path(argv[1]).write_bytes(image_pdf(scanned_pages(pdf, dpi), dpi))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
