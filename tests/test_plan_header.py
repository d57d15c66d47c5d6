"""A plan's header facts (number, date, year, issuer) wherever its first page puts them, and the
agency it tells to monitor, each rule on a short constructed text."""

from __future__ import annotations

from datetime import date

from tasks.plans import parse_plan_text
from tasks.plans.header import PlanHeader, find_monitoring_agency, read_header

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"


def header_of(*lines: str) -> PlanHeader:
    """The header of a text whose body starts after `lines` (a first section heading)."""
    return read_header([*lines, "I. MỤC ĐÍCH"], len(lines))


def monitor_of(*lines: str, claimed: frozenset[int] = frozenset()) -> str | None:
    return find_monitoring_agency(list(lines), set(claimed))


# --- the number ------------------------------------------------------------------------------
def test_the_number_is_read_from_a_cell_that_merges_the_issuer_and_the_number() -> None:
    header = header_of(
        f"ỦY BAN MTTQ VIỆT NAM XÃ AN BÌNH BAN THƯỜNG TRỰC Số: 7/KH-MTTQ-BTT\t{MOTTO} "
        "An Bình, ngày 5 tháng 3 năm 2025",
        "KẾ HOẠCH",
        "Tuyên truyền bầu cử",
        "Ban Thường trực Ủy ban MTTQ Việt Nam xã An Bình ban hành kế hoạch như sau:",
    )
    assert (header.number, header.issued_on, header.year) == (
        "7/KH-MTTQ-BTT",
        date(2025, 3, 5),
        2025,
    )
    assert header.issuer == "Ban Thường trực Ủy ban MTTQ Việt Nam xã An Bình"


def test_numbers_of_party_and_department_bodies_keep_their_whole_kind() -> None:
    assert header_of("Số: 1105/KH-ĐKT", "KẾ HOẠCH").number == "1105/KH-ĐKT"
    assert header_of("Số 21-KH/ĐU", "KẾ HOẠCH").number == "21-KH/ĐU"


def test_an_upper_case_number_label_needs_its_colon() -> None:
    assert header_of("SỐ: 8/KH-UBND", "KẾ HOẠCH").number == "8/KH-UBND"


def test_a_date_written_with_dashes_is_read() -> None:
    assert header_of("Số: 8/KH-UBND\tPhú Yên, ngày 05-3-2025", "KẾ HOẠCH").issued_on == date(
        2025, 3, 5
    )


def test_a_number_cited_in_the_header_is_not_the_plans_own() -> None:
    header = header_of(
        "SỞ CÔNG THƯƠNG",
        "ĐOÀN KIỂM TRA",
        "THEO QUYẾT ĐỊNH",
        "SỐ 1050/QĐ-SCT        Lào Cai, ngày 10 tháng 3 năm 2026",
        "Số: 1105/KH-ĐKT",
        "KẾ HOẠCH",
    )
    assert (header.number, header.issued_on) == ("1105/KH-ĐKT", date(2026, 3, 10))


def test_a_gazette_running_header_is_neither_the_number_nor_the_date() -> None:
    header = header_of(
        "CÔNG BÁO/Số 302/Ngày 02-06-2026",
        "THỦ TƯỚNG CHÍNH PHỦ",
        "Số: 893/QĐ-TTg",
        "Hà Nội, ngày 20 tháng 5 năm 2026",
        "QUYẾT ĐỊNH",
        "Căn cứ Luật Tổ chức Chính phủ; theo đề nghị của Thủ tướng Chính phủ;",
    )
    assert (header.number, header.issued_on, header.issuer) == (
        "893/QĐ-TTg",
        date(2026, 5, 20),
        "Thủ tướng Chính phủ",
    )


def test_a_plan_issued_with_a_decision_takes_the_decisions_number_and_date() -> None:
    header = header_of(
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2025",
        "(Ban hành kèm theo Quyết định số 435/QĐ-UBND ngày 12/3/2025 của UBND tỉnh An Giang)",
    )
    assert (header.number, header.issued_on, header.year) == (
        "435/QĐ-UBND",
        date(2025, 3, 12),
        2025,
    )


def test_a_blank_draft_number_is_not_replaced_by_a_decision_it_cites() -> None:
    header = header_of(
        "Số:     /KH-SCT",
        "KẾ HOẠCH",
        "(Ban hành kèm theo Quyết định số 9/QĐ-UBND ngày 01/02/2025 của UBND tỉnh)",
    )
    assert header.number is None
    assert any("number is blank (draft)" in w.message for w in header.warnings)


# --- the date and the year --------------------------------------------------------------------
def test_a_date_broken_over_two_lines_is_read_whole() -> None:
    header = header_of("Số: 12/KH-UBND\tHà Nội, ngày 20", "\ttháng 11 năm 2025", "KẾ HOẠCH")
    assert header.issued_on == date(2025, 11, 20)


def test_a_date_wrapped_in_the_right_column_is_read_across_the_left_columns_lines() -> None:
    header = header_of(
        "Số: 12/KH-UBND\tHà Nội, ngày 20",
        "V/v tổ chức hội nghị\ttháng 11 năm 2025",
        "KẾ HOẠCH",
    )
    assert header.issued_on == date(2025, 11, 20)


def test_a_pdf_header_with_its_columns_spaced_apart_gives_the_date() -> None:
    header = header_of(
        f"UBND TỈNH AN GIANG        {MOTTO}",
        "Số: 40/KH-UBND          An Giang, ngày 02 tháng 4 năm 2025",
        "KẾ HOẠCH",
    )
    assert (header.number, header.issued_on) == ("40/KH-UBND", date(2025, 4, 2))


def test_a_blank_draft_day_gives_no_date_but_the_year() -> None:
    header = header_of("Số:    /KH-UBND\tLâm Đồng, ngày      tháng 3 năm 2026", "KẾ HOẠCH", "Thử")
    assert (header.issued_on, header.year) == (None, 2026)
    assert any("date is blank (draft)" in w.message for w in header.warnings)


def test_the_dated_year_ranks_above_the_year_in_the_title() -> None:
    header = header_of(
        "Số:    /KH-UBND\tLâm Đồng, ngày      tháng 12 năm 2025",
        "KẾ HOẠCH",
        "Cải cách hành chính năm 2026",
    )
    assert (header.title, header.year) == ("Cải cách hành chính năm 2026", 2025)


def test_the_title_gives_the_year_when_the_plan_is_undated() -> None:
    assert header_of("KẾ HOẠCH", "Cải cách hành chính năm 2024").year == 2024


# --- the issuer -------------------------------------------------------------------------------
def test_the_issuer_is_the_lowest_body_of_the_left_column_spelled_as_the_text_writes_it() -> None:
    header = header_of(
        f"UBND TỈNH AN GIANG\t{MOTTO}",
        "SỞ NỘI VỤ\tAn Giang, ngày 3 tháng 4 năm 2025",
        "Số: 15/KH-SNV",
        "KẾ HOẠCH",
        "Thử",
        "Sở Nội vụ xây dựng kế hoạch như sau:",
    )
    assert header.issuer == "Sở Nội vụ"


def test_a_peoples_committee_keeps_its_short_form() -> None:
    header = header_of(
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "HUYỆN SÔNG MÃ\tĐộc lập - Tự do - Hạnh phúc",
        "Số: 3/KH-UBND\tSông Mã, ngày 20/03/2024",
        "KẾ HOẠCH",
    )
    assert header.issuer == "UBND huyện Sông Mã"


def test_upper_case_lines_of_a_web_page_above_its_breadcrumb_are_not_the_issuer() -> None:
    assert (
        header_of("BAN BIÊN TẬP CỔNG THÔNG TIN", "Trang chủ > Tin tức", "KẾ HOẠCH").issuer is None
    )


def test_the_issuer_is_read_from_the_left_column_only() -> None:
    header = header_of(
        f"ỦY BAN NHÂN DÂN\t{MOTTO}",
        "TỈNH SƠN LA",
        "\tSơn La, ngày 3 tháng 9 năm 2025",
        "Số: 12/KH-UBND",
        "KẾ HOẠCH",
    )
    assert (header.issuer, header.issued_on) == ("UBND tỉnh Sơn La", date(2025, 9, 3))


def test_a_standing_committee_is_read_with_the_body_it_belongs_to() -> None:
    header = header_of(
        "ĐẢNG BỘ TỈNH AN GIANG",
        "BAN THƯỜNG VỤ TỈNH ỦY",
        "Số 21-KH/TU",
        "KẾ HOẠCH",
        "Ban Thường vụ Tỉnh ủy ban hành kế hoạch như sau:",
    )
    assert (header.issuer, header.number) == ("Ban Thường vụ Tỉnh ủy", "21-KH/TU")


def test_an_issuer_not_written_elsewhere_is_capitalised_once() -> None:
    assert header_of("BỘ Y TẾ", "Số: 9/KH-BYT", "KẾ HOẠCH").issuer == "Bộ y tế"


# --- the monitoring agency ----------------------------------------------------------------------
def test_an_agency_told_to_monitor_and_urge_is_the_monitor() -> None:
    assert monitor_of("Giao Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này.") == (
        "Sở Nội vụ"
    )


def test_an_agency_labelled_before_its_duties_is_the_monitor() -> None:
    line = "- Phòng Nội vụ: Chủ trì, theo dõi, đôn đốc, kiểm tra việc thực hiện Kế hoạch."
    assert monitor_of("IV. TỔ CHỨC THỰC HIỆN", line) == "Phòng Nội vụ"


def test_the_standing_agency_that_follows_and_compiles_is_the_monitor() -> None:
    line = (
        "Sở Tư pháp là cơ quan thường trực, có trách nhiệm theo dõi, tổng hợp tình hình "
        "thực hiện Kế hoạch."
    )
    assert monitor_of(line) == "Sở Tư pháp"


def test_the_agency_reports_go_to_for_compiling_is_the_monitor_and_a_group_is_not() -> None:
    line = "Các sở, ngành báo cáo kết quả về Sở Tài chính để tổng hợp, báo cáo UBND tỉnh."
    assert monitor_of(line) == "Sở Tài chính"
    assert monitor_of("Báo cáo UBND tỉnh (qua Sở Công Thương) để xem xét.") == "Sở Công Thương"


def test_an_agency_heading_whose_bullet_says_so_is_the_monitor() -> None:
    lines = (
        "V. TỔ CHỨC THỰC HIỆN",
        "1. Sở Khoa học và Công nghệ:",
        "- Chủ trì, theo dõi, đôn đốc các cơ quan thực hiện Kế hoạch.",
        "2. Sở Tài chính",
        "- Bố trí kinh phí.",
    )
    assert monitor_of(*lines) == "Sở Khoa học và Công nghệ"
    assert monitor_of("1. Trách nhiệm của Bộ Tư pháp", "a) Đôn đốc việc thực hiện.") == (
        "Bộ Tư pháp"
    )


def test_a_bodys_head_stands_for_the_body_and_a_person_stays_a_person() -> None:
    minister = (
        "1. Bộ trưởng Bộ Công an có trách nhiệm giúp Thủ tướng Chính phủ theo dõi, kiểm tra, "
        "đôn đốc các bộ triển khai Kế hoạch."
    )
    assert monitor_of(minister) == "Bộ Công an"
    officer = ("3. Cán bộ phụ trách lĩnh vực tuyên truyền", "- Theo dõi, đôn đốc việc thực hiện.")
    assert monitor_of(*officer) == "Cán bộ phụ trách lĩnh vực tuyên truyền"


def test_heads_of_bodies_give_their_body_and_a_portfolio_holder_stays_a_person() -> None:
    urges = "theo dõi, đôn đốc việc thực hiện Kế hoạch."
    assert monitor_of(f"Giám đốc Sở Nội vụ {urges}") == "Sở Nội vụ"
    assert monitor_of(f"Chánh Văn phòng UBND tỉnh {urges}") == "Văn phòng UBND tỉnh"
    holder = "Phó Chủ tịch UBND xã phụ trách văn hóa - xã hội"
    assert monitor_of(f"{holder} {urges}") == holder


def test_the_agency_given_the_task_is_the_monitor_not_the_one_giving_it() -> None:
    assert monitor_of("UBND tỉnh giao Sở Y tế chủ trì, theo dõi, đôn đốc các đơn vị.") == "Sở Y tế"


def test_a_destination_after_a_reporting_phrase_is_found_without_its_deadline() -> None:
    line = "Các xã báo cáo về tình hình thực hiện gửi Sở Nội vụ để tổng hợp."
    assert monitor_of(line) == "Sở Nội vụ"
    line = (
        "3. Chế độ báo cáo: Các cơ quan gửi báo cáo về Phòng Nội vụ trước ngày 15/12 để tổng hợp."
    )
    assert monitor_of(line) == "Phòng Nội vụ"


def test_a_sentence_without_a_subject_is_about_the_one_before_it() -> None:
    line = (
        "1. Sở Nội vụ chịu trách nhiệm về nội dung Kế hoạch này. Tham mưu UBND tỉnh theo "
        "dõi, đôn đốc các sở thực hiện Kế hoạch."
    )
    assert monitor_of(line) == "Sở Nội vụ"


def test_a_subject_after_an_opening_phrase_is_found() -> None:
    line = (
        "5. Kết thúc đợt kiểm tra, Ban Chỉ đạo huyện, chịu trách nhiệm tổng hợp báo cáo "
        "kết quả thực hiện."
    )
    assert monitor_of(line) == "Ban Chỉ đạo huyện"


def test_urging_ranks_above_receiving_reports() -> None:
    lines = (
        "Các xã báo cáo kết quả về Phòng Văn hóa để tổng hợp.",
        "Giao Phòng Nội vụ theo dõi, đôn đốc các xã thực hiện Kế hoạch.",
    )
    assert monitor_of(*lines) == "Phòng Nội vụ"


def test_monitoring_the_whole_plan_ranks_above_monitoring_a_part() -> None:
    lines = (
        "1. Phòng Công nghiệp: theo dõi, tổng hợp tình hình thực hiện các nhiệm vụ về khu "
        "công nghiệp.",
        "2. Phòng Tổng hợp: Là đầu mối tổng hợp, theo dõi tiến độ thực hiện Kế hoạch.",
    )
    assert monitor_of(*lines) == "Phòng Tổng hợp"


def test_the_implementation_section_is_read_before_the_tasks() -> None:
    lines = (
        "- Sở Công Thương theo dõi, đôn đốc doanh nghiệp đăng ký thực hiện Kế hoạch.",
        "IV. TỔ CHỨC THỰC HIỆN",
        "Giao Sở Nội vụ tổng hợp kết quả thực hiện, báo cáo UBND tỉnh.",
    )
    assert monitor_of(*lines) == "Sở Nội vụ"
    assert monitor_of(*lines[:1], claimed=frozenset({0})) is None  # an item's own task


def test_no_agency_is_named_when_none_is_told_to_monitor() -> None:
    lines = (
        "IV. TỔ CHỨC THỰC HIỆN",
        "Đài Truyền hình phát sóng vào khung giờ có nhiều người theo dõi.",
        "- Phối hợp với Sở Y tế theo dõi, đôn đốc việc tiêm chủng.",
        "Sở Xây dựng phối hợp với Sở Giao thông theo dõi, đôn đốc việc sửa đường.",
        "Các cơ quan, đơn vị nghiêm túc triển khai thực hiện.",
    )
    assert monitor_of(*lines) is None


# --- through the parser -----------------------------------------------------------------------
def test_the_parser_reads_header_facts_and_the_monitor_from_a_merged_word_header() -> None:
    text = (
        "UBND TỈNH AN GIANG SỞ CÔNG THƯƠNG Số: 16/KH-SCT\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
        "Độc lập - Tự do - Hạnh phúc An Giang, ngày 18 tháng 11 năm 2025\n\nKẾ HOẠCH\n"
        "Kiểm tra an toàn năm 2026\n\nSở Công Thương xây dựng kế hoạch như sau:\n"
        "I. NHIỆM VỤ\n1. Kiểm tra cơ sở\n- Cơ quan chủ trì: Phòng Kỹ thuật an toàn\n"
        "- Thời gian thực hiện: Quý II/2026\nII. TỔ CHỨC THỰC HIỆN\n"
        "Giao Văn phòng Sở theo dõi, đôn đốc việc thực hiện Kế hoạch này.\n"
    )
    plan = parse_plan_text(text)
    assert (plan.number, plan.issued_on, plan.year, plan.issuer) == (
        "16/KH-SCT",
        date(2025, 11, 18),
        2025,
        "Sở Công Thương",
    )
    assert plan.monitoring_agency == "Văn phòng Sở"
