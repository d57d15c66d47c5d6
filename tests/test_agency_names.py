"""Splitting agency cells: names hold commas and "và" themselves, so only a separator followed
by something shaped like an agency (or the end of a known name) splits."""

from __future__ import annotations

import pytest

from tasks.plans import split_agencies, starts_like_agency

SINGLE_NAMES = [
    "Sở Văn hóa, Thể thao và Du lịch",
    "Phòng Văn hóa và Thông tin",
    "UBND các xã, thị trấn",
    "Các cơ quan, đơn vị",
    "Các phòng, ban, ngành huyện",
    "Đoàn thể chính trị, xã hội các xã, thị trấn",
    "Ban quản lý bản, tổ dân phố",
    "Văn phòng HĐND & UBND huyện",
    "Văn phòng HĐND và UBND huyện",
    "Trung tâm Văn hóa – Thông tin – Thể thao huyện",
    "Phòng Tài chính - Kế hoạch",
    "Các cơ quan, đơn vị có liên quan",
]


@pytest.mark.parametrize("name", SINGLE_NAMES)
def test_a_name_with_commas_or_va_stays_whole(name: str) -> None:
    assert split_agencies(name) == [name]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "Phòng Nội vụ, Phòng Văn hóa và Thông tin và UBND các xã, thị trấn",
            ["Phòng Nội vụ", "Phòng Văn hóa và Thông tin", "UBND các xã, thị trấn"],
        ),
        (
            "Văn phòng HĐND & UBND huyện, Phòng Nội vụ, "
            "Trung tâm Văn hóa – Thông tin – Thể thao huyện",
            [
                "Văn phòng HĐND & UBND huyện",
                "Phòng Nội vụ",
                "Trung tâm Văn hóa – Thông tin – Thể thao huyện",
            ],
        ),
        (
            "Phòng Nội vụ, phòng Tài chính - Kế hoạch.",
            ["Phòng Nội vụ", "phòng Tài chính - Kế hoạch"],
        ),
        (
            "Đoàn thể chính trị, xã hội các xã, thị trấn; Ban quản lý bản, tổ dân phố.",
            ["Đoàn thể chính trị, xã hội các xã, thị trấn", "Ban quản lý bản, tổ dân phố"],
        ),
        (
            "Các cơ quan, đơn vị, UBND các xã, thị trấn",
            ["Các cơ quan, đơn vị", "UBND các xã, thị trấn"],
        ),
        (
            "Các phòng, ban, ngành huyện và UBND các xã, thị trấn",
            ["Các phòng, ban, ngành huyện", "UBND các xã, thị trấn"],
        ),
        (
            "Phòng Nội vụ huyện, Trung tâm Văn hóa – Thông tin – Thể thao huyện.",
            ["Phòng Nội vụ huyện", "Trung tâm Văn hóa – Thông tin – Thể thao huyện"],
        ),
        (
            "Trung tâm Văn hóa – Thông tin – Thể thao huyện, Đài Truyền thanh các xã, thị trấn",
            ["Trung tâm Văn hóa – Thông tin – Thể thao huyện", "Đài Truyền thanh các xã, thị trấn"],
        ),
        (
            "Sở Văn hóa, Thể thao và Du lịch và Sở Nội vụ",
            ["Sở Văn hóa, Thể thao và Du lịch", "Sở Nội vụ"],
        ),
        ("Hội Nông dân & Hội Phụ nữ huyện", ["Hội Nông dân", "Hội Phụ nữ huyện"]),
        ("UBND xã Chiềng Khương, xã Nậm Ty", ["UBND xã Chiềng Khương", "xã Nậm Ty"]),
        ("Thị trấn Sông Mã; xã Chiềng Khương", ["Thị trấn Sông Mã", "xã Chiềng Khương"]),
        (
            "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh, Sở Nội vụ",
            ["Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh", "Sở Nội vụ"],
        ),
    ],
)
def test_separators_split_only_between_agencies(cell: str, expected: list[str]) -> None:
    assert split_agencies(cell) == expected


def test_newlines_in_a_table_cell_separate_names_but_a_wrapped_name_is_rejoined() -> None:
    cell = "Phòng Nội vụ,\nPhòng Văn hóa\nvà Thông tin\nUBND các xã,\nthị trấn"
    assert split_agencies(cell) == [
        "Phòng Nội vụ",
        "Phòng Văn hóa và Thông tin",
        "UBND các xã, thị trấn",
    ]


def test_a_known_name_protects_a_span_the_heuristics_would_split() -> None:
    cell = "Phòng Lao động – Thương binh và Xã Hội, Phòng Nội vụ"
    # "Xã Hội" looks like a commune ("xã" + capitalised name) to the heuristics alone.
    assert split_agencies(cell) == ["Phòng Lao động – Thương binh", "Xã Hội", "Phòng Nội vụ"]
    known = ["Phòng Lao động - Thương binh và Xã hội"]  # hyphen and case differ: still known
    assert split_agencies(cell, known) == [
        "Phòng Lao động – Thương binh và Xã Hội",
        "Phòng Nội vụ",
    ]


def test_names_are_cleaned_and_repeats_dropped() -> None:
    cell = "  Phòng  Nội\u00a0vụ ;  phòng nội vụ,  UBND các xã, thị trấn. "
    assert split_agencies(cell) == ["Phòng Nội vụ", "UBND các xã, thị trấn"]


def test_an_nfd_cell_comes_back_nfc() -> None:
    import unicodedata

    cell = unicodedata.normalize("NFD", "Phòng Văn hóa và Thông tin, Phòng Nội vụ")
    assert split_agencies(cell) == ["Phòng Văn hóa và Thông tin", "Phòng Nội vụ"]


@pytest.mark.parametrize("cell", ["", "   ", " ; , "])
def test_an_empty_cell_gives_no_names(cell: str) -> None:
    assert split_agencies(cell) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phòng Nội vụ", True),
        ("Uỷ ban nhân dân huyện", True),
        ("xã Chiềng Khương", True),
        ("ban", False),
        ("xã hội các xã", False),
        ("thị trấn", False),
        ("đơn vị có liên quan", False),
    ],
)
def test_starts_like_agency_needs_a_head_word_and_more_name(text: str, expected: bool) -> None:
    assert starts_like_agency(text) is expected
