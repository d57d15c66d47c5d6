"""Split a "Cơ quan chủ trì" / "Cơ quan phối hợp" value into agency names.

Commas and "và" both separate agencies and occur inside them ("Sở Văn hóa, Thể thao và Du
lịch", "UBND các xã, thị trấn"), so a separator only splits where the next piece starts like a
Vietnamese agency name, or where a known directory name ends."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dondoc.core.text import clean_name, normalize_name, normalize_text

# Words an agency name starts with. Compared on normalize_name keys (case, tone placement and
# "Ủy ban nhân dân"/"UBND" folded), longest first so "Ban Chỉ huy" wins over "Ban".
_HEAD_WORDS = (
    "Phòng",
    "Sở",
    "Ban",
    "Ban Chỉ huy",
    "Trung tâm",
    "UBND",
    "Ủy ban",
    "Văn phòng",
    "Đài",
    "Báo",
    "Công an",
    "Hội",
    "Các",
    "Đoàn",
    "Bưu điện",
    "Chi cục",
    "Cục",
    "Bộ",
    "Liên đoàn",
    "Mặt trận",
    "Huyện đoàn",
    "Tỉnh đoàn",
    "Thanh tra",
    "Kho bạc",
    "Chi nhánh",
    "Bệnh viện",
    "Trường",
    "Viện",
    "Ngân hàng",
    "Tòa án",
    "Hạt Kiểm lâm",
    "Đội",
)
_HEAD_KEYS = sorted((normalize_name(word) for word in _HEAD_WORDS), key=len, reverse=True)
# Local units are heads only before a capitalised proper name: "xã Chiềng Khương" is an
# agency, "xã hội" and a bare "thị trấn" (in "UBND các xã, thị trấn") are not.
_LOCAL_UNIT = re.compile(r"(?i)^(?:thị trấn|xã|phường)\s+(\w)")
# "Văn phòng HĐND & UBND huyện" is one office serving two bodies: "UBND …" after it does
# not start a new agency.
_JOINT_OFFICE_HEAD = re.compile(r"(?i)^văn phòng\b")
_JOINT_OFFICE_TAIL = re.compile(r"(?i)\b(?:hđnd|hội đồng nhân dân|đoàn đbqh)$")
_EDGE = 200  # characters of a name's ends that can hold what a joint office opens and ends with
_SEPARATOR = re.compile(r"(\s*[,;]\s*|\s+và\s+|\s*&\s*|\s*\n\s*)", re.IGNORECASE)
_BULLET = re.compile(r"^[-+•*–]\s+")
_WHITESPACE_RUN = re.compile(r"\s{2,}")
_NAME_WORDS = re.compile(r"[\s,;&]+")
_PUNCTUATION = " .;,:-–"  # what clean_name strips from a name's ends


def starts_like_agency(text: str) -> bool:
    """True when `text` opens with an agency head word followed by more name."""
    text = _BULLET.sub("", clean_name(text))
    local = _LOCAL_UNIT.match(text)
    if local:
        return local.group(1).isupper()
    key = normalize_name(text)
    for head in _HEAD_KEYS:
        if key.startswith(head + " ") and key[len(head) :].strip(" ,.;:–-"):
            return True
    return False


def split_agencies(cell: str, known: Iterable[str] = ()) -> list[str]:
    """Agency or group names in one cell or label value, each as written (cleaned)."""
    text = normalize_text(cell or "").strip()
    if not text:
        return []
    # one whitespace character per run: the separator's leading \s* would otherwise rescan a
    # long run of spaces from every position in it (20,000 spaces took 6 s)
    text = _WHITESPACE_RUN.sub(lambda run: "\n" if "\n" in run[0] else " ", text)
    atoms = _SEPARATOR.split(text)
    pieces = [_BULLET.sub("", atom.strip()) for atom in atoms[0::2]]
    separators = atoms[1::2]
    known_keys = {normalize_name(name) for name in known if name and name.strip()}
    # a run spelling a known name spans at most a few pieces per word of the longest name
    # (each word of a name is at most one piece, "UBND" four)
    span = 4 * max((len(_NAME_WORDS.split(key)) for key in known_keys), default=0) + 2

    names: list[str] = []
    index = 0
    while index < len(pieces):
        end = _known_run_end(pieces, separators, index, known_keys, span)
        protected = end is not None
        end = index if end is None else end
        chunk = _join(pieces, separators, index, end)
        if names and not protected and not _opens_agency(names[-1], chunk):
            names[-1] += separators[index - 1] + chunk
        else:
            names.append(chunk)
        index = end + 1
    return _unique(clean_name(name) for name in names)


def _known_run_end(
    pieces: list[str], separators: list[str], start: int, known_keys: set[str], span: int
) -> int | None:
    """The last piece of the longest run of at most `span` pieces from `start` that spells a
    known name: trying every run of a long value was cubic (4,000 commas took 4 min). A run
    opening with punctuation alone after punctuation is not tried: cleaning strips both, so
    the run after it spells the same name, and they join the name before (where cleaning
    strips them too)."""
    if not known_keys:
        return None
    after_punctuation = start == 0 or not separators[start - 1].strip(_PUNCTUATION + "\n")
    if after_punctuation and not pieces[start].strip(_PUNCTUATION):
        return None
    for end in range(min(len(pieces) - 1, start + span), start - 1, -1):
        if normalize_name(_join(pieces, separators, start, end)) in known_keys:
            return end
    return None


def _join(pieces: list[str], separators: list[str], start: int, end: int) -> str:
    text = pieces[start]
    for index in range(start + 1, end + 1):
        text += separators[index - 1] + pieces[index]
    return text


def _opens_agency(previous: str, piece: str) -> bool:
    if not piece.strip(" .;,"):
        return False
    if normalize_name(piece).startswith("ubnd") and _joint_office(previous):
        return False
    return starts_like_agency(piece)


def _joint_office(name: str) -> bool:
    """Whether `name` is a joint office, read from its two ends only: `name` grows with every
    piece joined to it, and cleaning all of it for every piece of a long value was quadratic."""
    head, tail = clean_name(name[:_EDGE]), clean_name(name[-_EDGE:])
    return bool(_JOINT_OFFICE_HEAD.match(head) and _JOINT_OFFICE_TAIL.search(tail))


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = normalize_name(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out
