"""The words agency lists are made of, and what one comma-separated piece of such a list is.

A piece is one of: an agency that opens with a head word and goes on to its proper name ("Sở Tài
chính", "UBND các xã", "Bộ CHQS tỉnh"); a collective group opened by a determiner ("các sở",
"các cơ quan có liên quan"); a class noun ("ban", "ngành có liên quan", "cơ quan thuế"); a local
unit continuing a list of places ("phường", "thành phố trực thuộc trung ương"); or anything else,
which can only continue the name before it ("Thể thao và Du lịch"). All comparisons are made on
normalize_name keys, so case, tone placement and "Ủy ban nhân dân"/"UBND" do not matter."""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from dondoc.core.text import normalize_name


class Piece(Enum):
    NAMED = "named"  # head word + proper name: a new agency
    GROUP = "group"  # "các …": a new collective group
    CLASS = "class"  # a class noun: joins a group, follows a named agency as a new group
    PLACE = "place"  # a local unit: continues a list of places
    OTHER = "other"  # continues the name before it


# Words an agency name opens with. Those that are also class nouns are in _NAMEABLE_CLASSES.
HEAD_WORDS = (
    "Báo và Phát thanh",  # the merged provincial newspaper and broadcaster (2025)
    "Ủy ban nhân dân",
    "UBND",
    "HĐND",
    "Hội đồng nhân dân",
    "Ủy ban",
    "Ủy ban Mặt trận",
    "Mặt trận",
    "MTTQ",
    "UBMTTQ",
    "Bộ Chỉ huy",
    "Ban Chỉ huy",
    "BCH",
    "Bộ Tư lệnh",
    "Quân sự",
    "Bộ đội Biên phòng",
    "Quân khu",
    "Công an",
    "Cảnh sát",
    "Văn phòng",
    "Trung tâm",
    "Viện kiểm sát",
    "Tòa án",
    "Kho bạc",
    "Ngân hàng",
    "Chi nhánh",
    "Bảo hiểm xã hội",
    "Thông tấn xã",
    "Thanh tra",
    "Kiểm toán",
    "Thuế",
    "Hải quan",
    "Cục",
    "Tổng cục",
    "Vụ",
    "Tạp chí",
    "Nhà xuất bản",
    "Cổng thông tin",
    "Chi cục",
    "Bệnh viện",
    "Học viện",
    "Đại học",
    "Liên đoàn",
    "Liên hiệp",
    "Hiệp hội",
    "Hội đồng",
    "Huyện đoàn",
    "Tỉnh đoàn",
    "Thành đoàn",
    "Tỉnh ủy",
    "Huyện ủy",
    "Thành ủy",
    "Đảng ủy",
    "Xã đoàn",
    "Công đoàn",
    "Bưu điện",
    "Hạt Kiểm lâm",
    "Đội",
    "Tập đoàn",
    "Tổng công ty",
    "Công ty",
    "Quỹ",
)
# Heads that are a whole agency name already: "Tỉnh đoàn", "Huyện ủy", a commune's "UBND".
_WHOLE_NAMES = frozenset(
    (
        *("tỉnh đoàn", "huyện đoàn", "thành đoàn", "xã đoàn"),
        *("tỉnh ủy", "huyện ủy", "thành ủy", "đảng ủy"),
        *("ubnd", "hđnd", "mttq", "ubmttq"),
    )
)
# Class nouns: a bare one ("ban", "Doanh nghiệp") continues or opens a collective list.
CLASS_NOUNS = (
    "cơ quan",
    "đơn vị",
    "địa phương",
    "tổ chức",
    "cá nhân",
    "doanh nghiệp",
    "đoàn thể",
    "hợp tác xã",
    "lực lượng",
    "sở",
    "bộ",
    "ban",
    "ngành",
    "phòng",
    "hội",
    "viện",
    "trường",
    "đài",
    "báo",
    "đoàn",
    "cục",
    "tổng cục",
    "chi cục",
    "vụ",
    "trung tâm",
    "bệnh viện",
    "trạm",
    "đồng chí",
    "đ/c",
    "cán bộ",
    "công chức",
    "viên chức",
    "chuyên viên",
)
# Class nouns that name one agency when a proper name follows: "Phòng Nội vụ", "Hội Nông dân".
_NAMEABLE_CLASSES = frozenset(
    (
        *("cơ quan", "sở", "bộ", "ban", "phòng", "hội", "viện", "trường", "đài", "báo", "đoàn"),
        *("cục", "tổng cục", "chi cục", "vụ", "trung tâm", "bệnh viện", "trạm"),
    )
)
# Words that open a list of places ("UBND các tỉnh, thành phố"; "cấp tỉnh, cấp xã").
PLACE_WORDS = (
    "xã",
    "phường",
    "thị trấn",
    "đặc khu",
    "tỉnh",
    "thành phố",
    "huyện",
    "quận",
    "thị xã",
    "bản",
    "thôn",
    "xóm",
    "ấp",
    "buôn",
    "làng",
    "tổ dân phố",
    "khu phố",
    "cấp",
)
# Local units that are an agency of their own before a proper name: "xã Chiềng Khương",
# "huyện Mộc Châu" (a bare "xã" or "Thành phố" only continues a list of places).
_LOCAL_UNITS = frozenset(
    ("xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "thành phố", "tỉnh")
)
# Words that start with a head or class syllable but are not agencies ("xã hội", "hội nghị").
NOT_AGENCY_WORDS = (
    "xã hội",
    "hội nghị",
    "hội thảo",
    "hội nhập",
    "phòng chống",
    "phòng ngừa",
    "phòng cháy",
    "phòng thủ",
    "phòng tránh",
    "báo cáo",
    "ban hành",
    "trường hợp",
    "đội ngũ",
    "đoàn kết",
    "sở hữu",
    "bộ phận",
    "bộ trưởng",
    "cục trưởng",
    "vụ trưởng",
    "viện trưởng",
    "đội trưởng",
)
# An agency's initials alone, in capitals ("TTXVN", "KBNN"); "UBND" and the like are heads.
_ACRONYM = re.compile(r"^[A-ZĐ][A-ZĐ&]{1,7}$")
# The key of "Ủy ban nhân dân" and "UBND" alike.
PEOPLES_COMMITTEE = normalize_name("Ủy ban nhân dân")
DETERMINERS = frozenset(("các", "những"))
# Words after which a line break or an upper-case head word cannot start a new agency: links,
# and the last syllables of roles held in the agency after them ("Chủ tịch UBND tỉnh").
LINKERS = frozenset(
    (
        *("của", "thuộc", "trực", "với", "và", "các", "những", "cho", "tại", "về", "là", "ở", "&"),
        "do",  # "các cơ sở do Bộ X lựa chọn": chosen by, not a new agency
        *("tịch", "đốc", "trưởng", "phó", "viên", "đạo"),  # a role before its agency: "Chủ tịch"
    )
)
# Heads strong enough to start a new agency even without a comma: "Sở Tài chính Sở Nội vụ".
STRONG_HEADS = frozenset(normalize_name(word) for word in ("Sở", "Bộ", "UBND", "Công an"))


def _keys(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalize_name(word) for word in words)


_HEAD_KEYS = _keys(HEAD_WORDS)
_CLASS_KEYS = _keys(CLASS_NOUNS)
_PLACE_KEYS = _keys(PLACE_WORDS)
_NOT_AGENCY_KEYS = _keys(NOT_AGENCY_WORDS)
_NAMEABLE_KEYS = _keys(tuple(_NAMEABLE_CLASSES))
_WHOLE_KEYS = _keys(tuple(_WHOLE_NAMES))
_NAME_START_KEYS = _HEAD_KEYS | _CLASS_KEYS
_LONGEST = 5  # words in the longest vocabulary entry ("Ủy ban nhân dân" before folding)


@lru_cache(maxsize=4096)
def _key(words: tuple[str, ...]) -> str:
    return normalize_name(" ".join(words))


def leading(words: list[str], keys: frozenset[str]) -> int:
    """How many of the first words spell one of `keys` (longest match), 0 if none."""
    for size in range(min(_LONGEST, len(words)), 0, -1):
        if _key(tuple(words[:size])) in keys:
            return size
    return 0


def _proper(word: str) -> bool:
    """A word that opens a proper name: upper case first letter, an abbreviation or a number."""
    return word[:1].isupper() or word[:1].isdigit()


@lru_cache(maxsize=4096)
def classify(text: str) -> Piece:
    """What one separator-free piece of an agency list is. Cached: the same pieces ("UBND
    các xã", "Sở Y tế") come back item after item, and a list is classified more than once."""
    words = text.split()
    if not words:
        return Piece.OTHER
    first = normalize_name(words[0])
    if is_acronym(text):
        return Piece.NAMED  # an agency by its initials alone: "VTV", "TTXVN"
    if first in DETERMINERS:
        return Piece.GROUP if len(words) > 1 else Piece.OTHER
    if leading(words, _NOT_AGENCY_KEYS):
        return Piece.OTHER
    unit = leading(words, _PLACE_KEYS)
    head = leading(words, _HEAD_KEYS)
    if unit > head:  # "Tỉnh đoàn" and "Huyện ủy" are heads, "tỉnh" and "huyện" places
        local = _key(tuple(words[:unit])) in _LOCAL_UNITS
        named = local and len(words) > unit and words[unit][:1].isupper()
        return Piece.NAMED if named else Piece.PLACE
    noun = leading(words, _CLASS_KEYS)
    if not head and not noun:
        return Piece.OTHER
    if noun >= head:
        rest = words[noun:]
        nameable = _key(tuple(words[:noun])) in _NAMEABLE_KEYS
        return Piece.NAMED if nameable and rest and _proper(rest[0]) else Piece.CLASS
    whole = _key(tuple(words[:head])) in _WHOLE_KEYS
    return Piece.NAMED if len(words) > head or whole else Piece.OTHER


def is_acronym(text: str) -> bool:
    """An agency's initials alone, in capitals: "TTXVN", "VTV"."""
    return bool(_ACRONYM.match(text.strip()))


def is_bare_class(text: str) -> bool:
    """A class noun alone, maybe after a determiner: "ban", "Các sở", "địa phương"."""
    words = text.split()
    if words and normalize_name(words[0]) in DETERMINERS:
        words = words[1:]
    return bool(words) and leading(words, _CLASS_KEYS) == len(words)


def is_head_only(text: str) -> bool:
    """A head word with nothing after it yet ("Văn phòng", "Bộ", "Ủy ban nhân"), as a wrapped
    line ends before the rest of the name."""
    words = text.split()
    if not words:
        return True
    if leading(words, _NAME_START_KEYS) == len(words):
        return True
    start = _key(tuple(words[:_LONGEST])) + " "
    return len(words) < _LONGEST and any(key.startswith(start) for key in _NAME_START_KEYS)


def opens_agency(text: str) -> bool:
    """True when `text` opens a new agency or collective group of its own."""
    return classify(text) in (Piece.NAMED, Piece.GROUP)


def is_bare_place(text: str) -> bool:
    """A place word alone ("phường", "đặc khu"), with no qualifier after it."""
    words = text.split()
    return bool(words) and leading(words, _PLACE_KEYS) == len(words)


def peoples_committee_of_places(text: str) -> bool:
    """ "UBND xã" or "Ủy ban nhân dân tỉnh": the committees of a bare list of places, which a
    determiner before them can still cover ("Các sở, ngành, UBND xã, phường, đặc khu")."""
    words = text.split()
    head = leading(words, _HEAD_KEYS)
    if not head or _key(tuple(words[:head])) != PEOPLES_COMMITTEE:
        return False
    rest = words[head:]
    place = leading(rest, _PLACE_KEYS)
    return bool(place) and place == len(rest) and normalize_name(rest[0]) != "cấp"
