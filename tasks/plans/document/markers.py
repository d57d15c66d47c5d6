"""How a line opens: a section numeral ("II."), a number ("1.", "1.2"), a letter ("a)"), a
bullet ("-", "+", "•"), or a short label ("Cơ quan chủ trì:"). The reader starts a block there;
understanding uses the marker's style and depth to nest items under headings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tasks.plans.document.model import MarkerStyle

_PATTERNS: tuple[tuple[MarkerStyle, re.Pattern[str]], ...] = (
    ("roman", re.compile(r"^(?P<m>[IVX]{1,5})\s*[.):–]\s*|^(?P<m2>[IVX]{1,5})\s*$")),
    # an article of a decision ("Điều 2. Tổ chức thực hiện") is a top-level section
    ("roman", re.compile(r"^(?P<m>Điều\s+\d{1,2})\s*[.:]\s*")),
    ("roman", re.compile(r"^(?P<m>[A-H])\s*[.)]\s+(?=[A-ZĐÀ-Ỹ])")),
    ("number", re.compile(r"^(?P<m>\d{1,3}(?:\.\d{1,2}){1,4})\.?(?:\s+|$)")),
    ("number", re.compile(r"^(?P<m>\d{1,3})\s*[.)](?!\d)\s*")),
    ("letter", re.compile(r"^(?P<m>[a-zđ])\s*\)\s*")),
    ("dash", re.compile(r"^(?P<m>[-–—])(?:\s*(?=\S)|\s*$)")),
    ("plus", re.compile(r"^(?P<m>\+)(?:\s*(?=\S)|\s*$)")),
    ("bullet", re.compile(r"^(?P<m>[•●▪◦·*○■□✓])(?:\s*(?=\S)|\s*$)")),
)
# Marker styles from the outermost in: a block of a deeper style belongs to the one above it.
MARKER_DEPTH = {"roman": 0, "number": 1, "letter": 2, "dash": 3, "plus": 4, "bullet": 5}
# The styles of a list's items under a heading (a letter "a)" included)
BULLET_STYLES = frozenset({"dash", "plus", "bullet", "letter"})
_LABEL_START = re.compile(r"^[A-ZĐÀ-Ỹ][^:.;!?]{1,48}:(?:\s|$)")


@dataclass(frozen=True)
class Marker:
    style: MarkerStyle
    marker: str  # normalised: "II", "1.2", "a", "-"
    written: str  # as in the text: "II.", "1.2.", "a)", "-"
    rest: str


@lru_cache(maxsize=4096)
def read_marker(text: str) -> Marker | None:
    """The marker `text` opens with, or None. Cached: the reader, the understanding and the
    monitoring finder each ask it of the same lines (five times a line on average)."""
    for style, pattern in _PATTERNS:
        found = pattern.match(text)
        if found:
            marker = found.group("m") or (found.groupdict().get("m2") or "")
            return Marker(style, marker, found.group(0).strip(), text[found.end() :].strip())
    return None


def starts_label(text: str) -> bool:
    """A line opening with a short capitalised phrase and a colon: "Thời gian thực hiện: …"."""
    # [À-Ỹ] also holds lower-case letters ("án 1: …" goes on a wrapped "Tiểu dự"), hence isupper
    return text[:1].isupper() and bool(_LABEL_START.match(text))
