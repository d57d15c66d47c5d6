"""Splitting agency cells, one rule at a time: names hold commas and "và" themselves, so only a
separator followed by something that opens an agency or a group of its own (or the end of a
known name) splits; wrapped lines are rejoined and prose after a name is cut off. The real
cells of the labelled corpus are in test_agency_names_real.py."""

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
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Lao động – Thương binh và Xã Hội",
    "Báo và Phát thanh, Truyền hình tỉnh",
    "Viện Chiến lược, Chính sách TN&MT",
    "Các phòng, ban chuyên môn thuộc UBND huyện",
    "Ủy ban nhân dân phường, xã, đặc khu",
    "báo, đài",
    "UBND các xã, phường",
    "các sở, ban, ngành, đoàn thể Thành phố",
    "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
    "Các sở, ngành, UBND xã, phường, đặc khu",
    "Cơ quan, tổ chức và doanh nghiệp liên quan",
    "Ban Chỉ huy Phòng, chống thiên tai và Tìm kiếm cứu nạn tỉnh",
    "Đồng chí Phó chủ tịch Thường trực, phụ trách lĩnh vực Giám sát và Phản biện xã hội",
    "Văn phòng UBND tỉnh (Trung tâm Thông tin)",
    "Thanh tra Sở Xây dựng",
    "các viện nghiên cứu, trường đại học",
    "Đoàn kiểm tra liên ngành",
    "Hội đồng phối hợp phổ biến, giáo dục pháp luật tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    "lực lượng Công an huyện",  # the kind of body, then its name: one entry
    "cơ quan Công an các cấp",
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
        ("UBND huyện Mộc Châu, huyện Vân Hồ", ["UBND huyện Mộc Châu", "huyện Vân Hồ"]),
        ("Sở Tài chính Sở Nội vụ", ["Sở Tài chính", "Sở Nội vụ"]),
        ("Bộ CHQS tỉnh UBND cấp xã", ["Bộ CHQS tỉnh", "UBND cấp xã"]),
        (
            "Sở KH&CN, Bộ CHQS tỉnh và BCH Quân sự huyện; Ủy ban MTTQ Việt Nam tỉnh",
            ["Sở KH&CN", "Bộ CHQS tỉnh", "BCH Quân sự huyện", "Ủy ban MTTQ Việt Nam tỉnh"],
        ),
        (
            "Sở Tài chính và cơ quan, địa phương liên quan",
            ["Sở Tài chính", "cơ quan, địa phương liên quan"],
        ),
        (
            "Doanh nghiệp, Sở, ban, ngành có liên quan",
            ["Doanh nghiệp", "Sở, ban, ngành có liên quan"],
        ),
        (
            "Cơ quan thuế, các đơn vị cấp tỉnh và các địa phương",
            ["Cơ quan thuế", "các đơn vị cấp tỉnh", "các địa phương"],
        ),
        (
            "Các sở, ngành, UBND các xã, phường",
            ["Các sở, ngành", "UBND các xã, phường"],
        ),
        (
            "Các bộ, ngành, UBND tỉnh, thành phố trực thuộc trung ương",
            ["Các bộ, ngành", "UBND tỉnh, thành phố trực thuộc trung ương"],
        ),
        (
            "Các bộ, cơ quan ngang bộ, UBND tỉnh, thành phố",
            ["Các bộ, cơ quan ngang bộ", "UBND tỉnh, thành phố"],
        ),
        (
            "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương, cơ quan, tổ chức khác",
            ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", "cơ quan, tổ chức khác"],
        ),
        (
            "Hội Liên hiệp Phụ nữ tỉnh, Tỉnh đoàn, Huyện ủy",
            ["Hội Liên hiệp Phụ nữ tỉnh", "Tỉnh đoàn", "Huyện ủy"],
        ),
        ("Đảng ủy, UBND, Ủy ban MTTQ xã", ["Đảng ủy", "UBND", "Ủy ban MTTQ xã"]),
        ("Vụ Pháp chế, các Cục, Vụ liên quan", ["Vụ Pháp chế", "các Cục, Vụ liên quan"]),
        (
            "Trung tâm Y tế huyện, trạm y tế các xã",
            ["Trung tâm Y tế huyện", "trạm y tế các xã"],
        ),
        ("Công an xã, Quân sự xã", ["Công an xã", "Quân sự xã"]),
        (
            "Công chức Văn phòng - Thống kê, công chức Tư pháp - Hộ tịch",
            ["Công chức Văn phòng - Thống kê", "công chức Tư pháp - Hộ tịch"],
        ),
        (
            "Tòa án nhân dân tỉnh và Viện kiểm sát nhân dân tỉnh, Kho bạc Nhà nước khu vực XI",
            ["Tòa án nhân dân tỉnh", "Viện kiểm sát nhân dân tỉnh", "Kho bạc Nhà nước khu vực XI"],
        ),
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


def test_bullets_and_line_breaks_between_names_separate_them() -> None:
    cell = "- Sở Y tế\n- Sở Giáo dục và\nĐào tạo\n+ UBND các huyện, thành phố\nSở Nội vụ\ncác sở"
    assert split_agencies(cell) == [
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "UBND các huyện, thành phố",
        "Sở Nội vụ",
        "các sở",
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Bộ \nTư pháp, Văn\nphòng Chính phủ", ["Bộ Tư pháp", "Văn phòng Chính phủ"]),
        ("Ủy ban nhân \ndân cấp tỉnh ở \nđịa phương", ["Ủy ban nhân dân cấp tỉnh ở địa phương"]),
        (
            "Bộ Khoa học và \nCông nghệ \nCơ quan, tổ chức",
            ["Bộ Khoa học và Công nghệ", "Cơ quan, tổ chức"],
        ),
        ("Ủy ban nhân dân\ncác tỉnh, thành phố", ["Ủy ban nhân dân các tỉnh, thành phố"]),
    ],
)
def test_a_name_wrapped_over_lines_is_rejoined(cell: str, expected: list[str]) -> None:
    assert split_agencies(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "Sở Nội vụ chủ trì tham mưu UBND tỉnh ban hành kế hoạch; Sở Tư pháp và các sở, "
            "ngành tổ chức triển khai, hướng dẫn các cơ quan, đơn vị",
            ["Sở Nội vụ", "Sở Tư pháp", "các sở, ngành"],
        ),
        (
            "Sở Nội vụ, các sở, ban, ngành trong phạm vi chức năng, nhiệm vụ của mình và các cơ "
            "quan có liên quan",
            ["Sở Nội vụ", "các sở, ban, ngành", "các cơ quan có liên quan"],
        ),
        ("Các sở, ngành có liên quan theo chức năng, nhiệm vụ.", ["Các sở, ngành có liên quan"]),
        (
            "Sở Y tế tiến hành rà soát; các sở, ngành rà soát văn bản. Đồng thời, Sở Nội vụ …",
            ["Sở Y tế", "các sở, ngành"],
        ),
        ("Sở Y tế rà soát; xây dựng tiêu chí, Sở Nội vụ", ["Sở Y tế"]),
        ("Ủy ban nhân dân cấp tỉnh trình Hội đồng nhân dân", ["Ủy ban nhân dân cấp tỉnh"]),
        ("Giao Công an tỉnh chủ trì", ["Công an tỉnh"]),
        (
            "Sở Nông nghiệp và Môi trường rà soát, đôn đốc các tổ chức",
            ["Sở Nông nghiệp và Môi trường"],
        ),
        ("Bộ Quốc phòng chủ trì, phối hợp với Bộ Công an", ["Bộ Quốc phòng"]),
        (
            "Bộ Tư pháp và Bộ Tài nguyên & Môi trường để nghiên cứu mô hình",
            ["Bộ Tư pháp", "Bộ Tài nguyên & Môi trường"],
        ),
        (
            "các tổ chức chính trị – xã hội trong công tác tuyên truyền",
            ["các tổ chức chính trị – xã hội"],
        ),
        (
            "các cơ quan, đơn vị trực thuộc Ủy ban nhân dân tỉnh tổ chức công bố kế hoạch sau khi "
            "được Chủ tịch Ủy ban nhân dân tỉnh phê duyệt",
            ["các cơ quan, đơn vị trực thuộc Ủy ban nhân dân tỉnh"],
        ),
    ],
)
def test_prose_after_a_name_is_cut_off(cell: str, expected: list[str]) -> None:
    assert split_agencies(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Sở Y tế (chủ trì), Sở Tài chính (phối hợp)", ["Sở Y tế", "Sở Tài chính"]),
        ("Sở Tư pháp thực hiện.", ["Sở Tư pháp"]),
        ("Phòng Tư pháp tham mưu", ["Phòng Tư pháp"]),
        ("Các cơ quan, tổ chức thực hiện", ["Các cơ quan, tổ chức"]),
        (
            "Văn phòng UBND tỉnh và các cơ quan có liên quan tham mưu).",
            ["Văn phòng UBND tỉnh", "các cơ quan có liên quan"],
        ),
        (
            "Trung tâm Dịch vụ việc làm (Sở Nội vụ, Sở Tài chính), Sở Y tế",
            ["Trung tâm Dịch vụ việc làm (Sở Nội vụ, Sở Tài chính)", "Sở Y tế"],
        ),
    ],
)
def test_leftovers_that_are_not_names_are_dropped(cell: str, expected: list[str]) -> None:
    assert split_agencies(cell) == expected


def test_a_field_label_at_the_start_is_dropped_and_a_later_one_ends_the_value() -> None:
    assert split_agencies("- Cơ quan chủ trì: Sở Y tế, Sở Nội vụ") == ["Sở Y tế", "Sở Nội vụ"]
    assert split_agencies("Chủ trì: Sở Y tế") == ["Sở Y tế"]
    cell = "Phòng Quản lý Công nghiệp; Đơn vị phối hợp: Phòng Quản lý Năng lượng."
    assert split_agencies(cell) == ["Phòng Quản lý Công nghiệp"]


def test_a_role_holder_is_one_name_with_the_agency_it_heads() -> None:
    assert split_agencies("Bộ trưởng Bộ Công an") == ["Bộ trưởng Bộ Công an"]
    assert not starts_like_agency("Bộ trưởng Bộ Công an")


def test_xa_hoi_is_never_a_commune() -> None:
    cell = "Phòng Lao động – Thương binh và Xã Hội, Phòng Nội vụ"
    assert split_agencies(cell) == ["Phòng Lao động – Thương binh và Xã Hội", "Phòng Nội vụ"]


def test_a_known_name_protects_a_span_the_heuristics_would_split() -> None:
    cell = "Cục thuế, Bộ Tài Chính; Sở Nội vụ"
    assert split_agencies(cell) == ["Cục thuế", "Bộ Tài Chính", "Sở Nội vụ"]
    known = ["Cục Thuế, Bộ Tài chính"]  # case differs: still known
    assert split_agencies(cell, known) == ["Cục thuế, Bộ Tài Chính", "Sở Nội vụ"]


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
        ("Tỉnh đoàn", True),
        ("các sở, ngành", True),
        ("Các", False),
        ("Thể thao và Du lịch", False),
        ("Xã Hội", False),
    ],
)
def test_starts_like_agency_needs_a_head_word_and_more_name(text: str, expected: bool) -> None:
    assert starts_like_agency(text) is expected


def test_initials_after_a_comma_are_agencies_and_initials_wrapped_onto_a_line_go_on() -> None:
    assert split_agencies("Bộ Ngoại giao, VTV, TTXVN") == ["Bộ Ngoại giao", "VTV", "TTXVN"]
    assert split_agencies("Hội đồng về các dự án\nODA, VOV") == ["Hội đồng về các dự án ODA", "VOV"]


def test_each_numbered_line_of_a_cell_opens_with_its_own_agencies() -> None:
    cell = "1. Sở Tài chính tổng kết, đánh\ngiá kết quả (trong Quý I).\n2. Sở Tư pháp, các sở\n"
    cell += "đề xuất sửa đổi quy định"
    assert split_agencies(cell) == ["Sở Tài chính", "Sở Tư pháp", "các sở"]
