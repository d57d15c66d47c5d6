"""A scanned page made ready for OCR: opened within bounds (a decompression bomb is refused by
its header, before a pixel is decoded), turned grey, straightened (a page fed a little askew
reads worse, and its table rulings stop being rows and columns of pixels) and its table
rulings found, so cells come from the printed grid rather than from guesses at word gaps."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from PIL import Image, ImageFilter, UnidentifiedImageError

from tasks.plans.parsed import PlanParseError

_T = TypeVar("_T")
# A 300-dpi A3 page is 3508 × 4961 (17 Mpx); 60 Mpx is past any page, short of a bomb.
MAX_PIXELS = 60_000_000
MAX_SIDE = 20_000
DPI = 300
# Straightening: a hand-fed page is off by a degree or two; searched on a small copy.
MAX_SKEW = 5.0
_SKEW_WIDTH = 900
# A ruling is a dark run this long (pixels at 300 dpi: 1.5 cm); text strokes are shorter.
_RULE_LENGTH = 180
_DARK = 140
# a ruling's pixels: lighter than text's (a thin line scans grey), most of a run's length
_RULE_DARK = 200
_RULE_INK = 0.9
# a page with fewer grey pixels than this share is black and white already
_BILEVEL = 0.02


@dataclass(frozen=True)
class Rule:
    """A straight ruling: `at` its y (horizontal) or x (vertical), from `start` to `end`."""

    at: int
    start: int
    end: int


@dataclass
class Page:
    """A straightened grey page, its rulings found (and erased from `image`, which is what
    Tesseract reads: a ruling read as text turns into "|" and "_" in the cells)."""

    image: Image.Image
    number: int
    dpi: int
    skew: float
    horizontal: list[Rule]
    vertical: list[Rule]


def open_pages(data: bytes, source: str) -> Iterator[tuple[Image.Image, int]]:
    """Each frame of an image file (a multi-page TIFF has several), grey, with its dpi;
    PlanParseError for a file that is not an image or is too big to decode. A frame is
    decoded only when it is asked for: a 100-page TIFF is never all in memory."""
    image = _decoded(source, lambda: Image.open(io.BytesIO(data)))
    _check_size(image.size, source)
    frames = getattr(image, "n_frames", 1)
    for index in range(frames):
        yield _decoded(source, lambda index=index: _frame(image, index, source))


def _frame(image: Image.Image, index: int, source: str) -> tuple[Image.Image, int]:
    image.seek(index)
    _check_size(image.size, source, index + 1)
    return grey(image), _dpi(image)


def _decoded(source: str, decode: Callable[[], _T]) -> _T:
    """`decode()`'s result; its failures said as a PlanParseError naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return decode()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        reason = "the image is too large to be a scanned page (a decompression bomb?)"
        raise PlanParseError.one(source, reason) from error
    except PlanParseError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        reason = f"the image cannot be read (corrupt or truncated?): {error}"
        raise PlanParseError.one(source, reason) from error


def _check_size(size: tuple[int, int], source: str, page: int = 0) -> None:
    width, height = size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        where = f"page {page}: " if page > 1 else ""
        raise PlanParseError.one(
            source,
            f"{where}the image is {width} × {height} pixels, over the "
            f"{MAX_PIXELS // 1_000_000} Mpx a scanned page can be",
        )


def _dpi(frame: Image.Image) -> int:
    """The dpi the file says, else 300 (what scanners are set to for text)."""
    value = frame.info.get("dpi")
    try:
        dpi = round(float(value[0])) if value else 0
    except (TypeError, ValueError, IndexError):
        dpi = 0
    return dpi if 70 <= dpi <= 1200 else DPI


def grey(image: Image.Image) -> Image.Image:
    """8-bit grey; transparency laid on white (a PNG with an alpha channel is text on nothing)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    if image.mode == "L":
        return image.copy()
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image.convert("I"), dtype=np.float64)
        top = float(array.max()) or 1.0
        return Image.fromarray((array * (255.0 / top)).astype(np.uint8), "L")
    return image.convert("L")


def prepare(image: Image.Image, number: int, dpi: int) -> Page:
    """The page straightened, its rulings found and erased."""
    skew = skew_angle(image)
    if abs(skew) >= 0.05:
        image = image.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255)
    pixels = np.asarray(image)
    dark = pixels < _RULE_DARK
    scale = dpi / DPI
    length = max(int(_RULE_LENGTH * scale), 20)
    across, across_mask = _rules(dark, length)
    down, down_mask = _rules(np.ascontiguousarray(dark.T), length)
    if across or down:
        cleaned = pixels.copy()
        cleaned[across_mask | down_mask.T] = 255
        image = Image.fromarray(cleaned, "L")
    # a grey scan's grain smoothed and the page made black on white before OCR: Tesseract's
    # own threshold leaves ragged strokes, and a bold capital loses its accents to them
    image = clean_grey(image)
    return Page(image, number, dpi, skew, across, down)


def clean_grey(image: Image.Image) -> Image.Image:
    """A grey page smoothed (a Gaussian of one pixel) and thresholded where its histogram
    splits ink from paper (Otsu); a page already black and white (a fax, a 1-bit scan) is
    left as it is, since smoothing thins its small dots away."""
    # PIL's histograms, not arrays of the page: a page is 8 MB, as 8-byte counts 70 MB
    shades = image.histogram()
    grey_share = sum(shades[41:215]) / max(image.width * image.height, 1)
    if grey_share < _BILEVEL:
        return image
    smooth = image.filter(ImageFilter.GaussianBlur(1))
    counts = np.asarray(smooth.histogram(), np.float64)
    weight = np.cumsum(counts)
    mass = np.cumsum(counts * np.arange(256))
    total, everything = weight[-1], mass[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (everything * weight / total - mass) ** 2 / (weight * (total - weight))
    threshold = int(np.nanargmax(between))
    return smooth.point([255 if shade > threshold else 0 for shade in range(256)])


def skew_angle(image: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) that straightens the page: the one whose rows
    of ink are sharpest (text lines and rulings line up with pixel rows), found on a small
    copy, coarse then fine. Each candidate turns the ink's coordinates, not the image."""
    small = image.reduce(max(round(image.width / _SKEW_WIDTH), 1))
    ys, xs = np.nonzero(np.asarray(small) < _DARK)
    if ys.size == 0:
        return 0.0
    ys = ys.astype(np.float64)
    xs = xs - small.width / 2

    def sharpness(angle: float) -> float:
        turn = np.deg2rad(angle)
        rows = np.rint(ys * np.cos(turn) - xs * np.sin(turn)).astype(np.int64)
        profile = np.bincount(rows - rows.min()).astype(np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    best = max(np.arange(best - 0.1, best + 0.101, 0.025), key=sharpness)
    return round(float(best), 3)


def _rules(dark: np.ndarray, length: int) -> tuple[list[Rule], np.ndarray]:
    """The horizontal rulings of `dark` (rows of pixels; pass the transpose for vertical
    ones): runs at least `length` long, a pixel's breaks and a pixel's tilt forgiven. Also
    the mask of their pixels, to erase them."""
    height, width = dark.shape
    if width < length:
        return [], np.zeros_like(dark)
    # a thin ruling, tilted by a pixel or greyed by the scanner, wanders between two rows
    # and breaks: a row counts its neighbours' ink, and a run may miss a few pixels
    bridged = dark.copy()
    bridged[1:] |= dark[:-1]
    bridged[:-1] |= dark[1:]
    # counts up to the width (≤ MAX_SIDE) fit 16 bits: half the memory of 32-bit ones
    runs = np.zeros((height, width + 1), np.uint16)
    np.cumsum(bridged, axis=1, dtype=np.uint16, out=runs[:, 1:])
    # a window starting at x is (nearly) all ink
    full = (runs[:, length:] - runs[:, :-length]) >= length * _RULE_INK
    rows = np.flatnonzero(full.any(axis=1))
    mask = np.zeros_like(dark)
    if rows.size == 0:
        return [], mask
    # a pixel is on a ruling when a full window starts at most `length` - 1 before it
    starts = np.zeros((rows.size, width + length), np.uint16)
    last = length + full.shape[1]
    np.cumsum(full[rows], axis=1, dtype=np.uint16, out=starts[:, length:last])
    starts[:, last:] = starts[:, last - 1 : last]
    on = (starts[:, length:] - starts[:, :width]) > 0
    mask[rows] = on & dark[rows]
    rules: list[Rule] = []
    # consecutive rows are one ruling (a thick or slightly tilted one)
    breaks = np.flatnonzero(np.diff(rows) > 1)
    for first, end in zip(
        [0, *(breaks + 1).tolist()], [*(breaks + 1).tolist(), rows.size], strict=True
    ):
        spans = np.flatnonzero(on[first:end].any(axis=0))
        rules.extend(_segments(spans, int(rows[first] + rows[end - 1]) // 2, length))
    # a ruling's pixels spill a row or two past what is a full run: erase them too
    mask[1:] |= mask[:-1] & dark[1:]
    mask[:-1] |= mask[1:] & dark[:-1]
    return rules, mask


def _segments(columns: np.ndarray, at: int, length: int) -> list[Rule]:
    """The ruling pieces at row `at`, from the columns its pixels cover (gaps of a few
    pixels, a ruling's joints, bridged)."""
    if columns.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(columns) > 8)
    starts = [columns[0], *columns[breaks + 1].tolist()]
    ends = [*columns[breaks].tolist(), columns[-1]]
    return [
        Rule(at, int(start), int(end))
        for start, end in zip(starts, ends, strict=True)
        if end - start + 1 >= length
    ]
