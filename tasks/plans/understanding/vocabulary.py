"""The words plans use for the parts of a task, as labels ("Cơ quan chủ trì:") and as table
headings ("Đơn vị thực hiện"), mapped to one role each. One vocabulary serves label blocks and
table columns, so a heading learnt for one is known to the other."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from dondoc.core.text import normalize_name, without_marks

Role = Literal[
    "seq", "content", "lead", "coordinating", "executor", "timeframe", "product", "monitor", "note"
]

_SEQ = {"tt", "stt", "số tt", "số thứ tự", "thứ tự"}
_EXECUTOR = re.compile(
    r"^(?:cơ quan|đơn vị|cơ quan, đơn vị|cơ quan/đơn vị|bộ phận|sở, ngành)?"
    r"\s*(?:thực hiện|tham mưu|đầu mối|triển khai|chịu trách nhiệm|trách nhiệm thực hiện"
    r"|phân công thực hiện|giao thực hiện)$"
)
_STARTS = (
    ("timeframe", ("thời gian", "thời hạn", "tiến độ", "thời điểm", "mốc thời gian")),
    (
        "content",
        ("nội dung", "nhiệm vụ", "tên nhiệm vụ", "hoạt động", "công việc", "tên đề án", "chỉ tiêu"),
    ),
    ("product", ("sản phẩm", "kết quả", "hình thức", "dự kiến sản phẩm", "kết quả dự kiến")),
    ("note", ("ghi chú", "kinh phí", "nguồn kinh phí", "dự toán")),
)
_BARE_LABEL_WORDS = 6
# a label noun, not the verb: "Cơ quan chủ trì" is a label, "Chủ trì, phối hợp" a task
_BARE_LABEL_START = re.compile(
    r"^(?:cơ quan|đơn vị|thời gian|thời hạn|tiến độ)\b|^(?:chủ trì|phối hợp)(?: thực hiện)?[.:]?$"
)
_BARE_LABEL_ROLES = {"lead", "coordinating", "executor", "timeframe"}
_LABEL = re.compile(r"^(?P<label>[^:]{2,60}?)\s*:\s*(?P<value>.*)$", re.S)
_SPACES = re.compile(r"\s+")
_LABEL_SPLIT = re.compile(r"[;.]\s+(?=[^:;.]{2,40}:)")


def fold(text: str) -> str:
    """A phrase's matching key: case and spacing folded, letters kept as written (unlike
    normalize_name, which also moves tone marks for comparing agency names)."""
    return _SPACES.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class _Words:
    """The vocabulary role_of matches a heading against: as written, or with marks dropped."""

    seq: frozenset[str]
    signed: tuple[str, ...]  # heading starts that name no role: "thời gian ký"
    monitor: tuple[str, ...]
    lead: str
    coordinating: str
    executor: re.Pattern[str]
    starts: tuple[tuple[str, tuple[str, ...]], ...]

    def without_marks(self) -> _Words:
        return _Words(
            frozenset(map(without_marks, self.seq)),
            tuple(map(without_marks, self.signed)),
            tuple(map(without_marks, self.monitor)),
            without_marks(self.lead),
            without_marks(self.coordinating),
            re.compile(without_marks(self.executor.pattern)),
            tuple((role, tuple(map(without_marks, words))) for role, words in self.starts),
        )


_WORDS = _Words(
    frozenset(_SEQ),
    ("thời gian ký", "ngày ký", "người ký"),
    ("theo dõi", "giám sát"),
    "chủ trì",
    "phối hợp",
    _EXECUTOR,
    _STARTS,
)
# a scanned heading read with a wrong mark ("Đơn vi phôi hợp") still names its column
_UNMARKED = _WORDS.without_marks()


@lru_cache(maxsize=8192)
def role_of(heading: str) -> Role | None:
    """The role a label or column heading names, or None when it names none; a heading that
    names none as written is tried again with its marks dropped (as OCR misreads them)."""
    key = normalize_name(re.sub(r"[*()\[\]]", " ", heading)).strip(" .:-–\"'“”")
    key = re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", key))
    if not key or len(key.split()) > 9:
        return None
    return _role(key, _WORDS) or _role(without_marks(key), _UNMARKED)


def _role(key: str, words: _Words) -> Role | None:
    if key in words.seq:
        return "seq"
    if key.startswith(words.signed):
        return None
    if any(word in key for word in words.monitor):
        return "monitor"
    lead_at, coordinating_at = key.find(words.lead), key.find(words.coordinating)
    if lead_at >= 0 and (coordinating_at < 0 or lead_at < coordinating_at):
        return "lead"
    if coordinating_at >= 0:
        return "coordinating"
    if words.executor.match(key):
        return "executor"
    for role, starts in words.starts:
        if key.startswith(starts):
            return role  # type: ignore[return-value]
    return None


def split_labels(text: str) -> list[tuple[Role, str]]:
    """A block that is one or more labels ("Đơn vị chủ trì: X; Đơn vị phối hợp: Y") as
    (role, value) pairs; [] when the block does not open with a known label."""
    if not text:
        return []  # a marker alone ("-"): the commonest block of a long run
    found = _LABEL.match(text)
    if not found or role_of(found["label"]) is None:
        short = len(text.split()) <= _BARE_LABEL_WORDS and _BARE_LABEL_START.match(fold(text))
        bare = role_of(text) if short else None
        # "a) Cơ quan chủ trì" with its agencies as the bullets below it
        return [(bare, "")] if bare in _BARE_LABEL_ROLES else []
    pieces = _LABEL_SPLIT.split(text)
    out: list[tuple[Role, str]] = []
    for piece in pieces:
        labelled = _LABEL.match(piece)
        role = role_of(labelled["label"]) if labelled else None
        if labelled and role is not None:
            out.append((role, labelled["value"].strip()))
        elif out:
            role, value = out[-1]
            out[-1] = (role, f"{value}; {piece}".strip("; "))
    return out
