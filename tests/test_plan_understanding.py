"""Tasks understood from the shapes real plans use, and documents refused for not being plans:
short constructed texts for each rule, real corpus documents for each kind of refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.plans import PlanParseError, PlanWithoutTasks, parse_plan_text, read_plan_file
from tests.support.corpus import CORPUS

HEADER = "Số: 12/KH-UBND\nHà Nội, ngày 03 tháng 3 năm 2025\n\nKẾ HOẠCH\nThử nghiệm\n\n"


def items(body: str) -> list[tuple[list[str], list[str], str]]:
    plan = parse_plan_text(HEADER + body, source="plan.txt")
    return [(item.lead, item.coordinating, item.timeframe.kind) for item in plan.items]


def test_a_table_heading_says_which_column_is_which_whatever_its_words() -> None:
    body = "II. NHIỆM VỤ\n\nTT\tNhiệm vụ\tĐơn vị thực hiện\tPhối hợp\tTiến độ\n"
    body += "1\tRà soát\tSở Tư pháp\tSở Nội vụ\tHằng năm\n"
    assert items(body) == [(["Sở Tư pháp"], ["Sở Nội vụ"], "yearly")]


def test_column_headings_a_scan_misread_still_say_which_column_is_which() -> None:
    """OCR of a real scanned heading row: a mark lost ("phôi" for "phối", "vi" for "vị") and
    a speck read as a quote before "Thời gian"."""
    body = "II. NHIỆM VỤ\n\nTT\tTên nhiệm vụ\tSở, ngành chủ trì tham mưu"
    body += '\tĐơn vi phôi hợp thực hiện\t"Thời gian thực hiện\n'
    body += "1\tRà soát\tSở Tư pháp\tSở Nội vụ\tHằng năm\n"
    assert items(body) == [(["Sở Tư pháp"], ["Sở Nội vụ"], "yearly")]


def test_a_short_row_is_placed_where_its_cells_read_like_their_columns() -> None:
    body = "II. NHIỆM VỤ\n\nTT\tNội dung\tChủ trì\tPhối hợp\tThời gian\n"
    body += "1\tRà soát\tSở Tư pháp\tSở Nội vụ\tQuý II/2025\n"
    body += "\tCập nhật danh mục\tSở Tài chính\n"  # number and trailing cells merged above
    assert items(body)[1] == (["Sở Tài chính"], ["Sở Nội vụ"], "once")


def test_labels_at_any_depth_with_any_bullet_and_a_timeframe_glued_to_the_lead() -> None:
    body = "II. NỘI DUNG\n\n1. Tập huấn\na) Đơn vị chủ trì: Sở Nội vụ; thời gian: Quý III/2025\n"
    body += "+ Phối hợp: Sở Tư pháp\n"
    assert items(body) == [(["Sở Nội vụ"], ["Sở Tư pháp"], "once")]


def test_a_field_the_vocabulary_does_not_know_stays_in_its_task_among_the_labels() -> None:
    body = "II. NỘI DUNG\n\n1. Hội nghị sơ kết\n1.1. Nội dung: Đánh giá kết quả.\n"
    body += "- Thời gian: Dự kiến ngày 05/12/2025.\n- Thành phần: Thường trực HĐND, UBND xã.\n"
    body += "- Đơn vị chủ trì: Văn phòng HĐND và UBND xã.\n"
    body += "2. Hội nghị tổng kết\n- Thời gian: Quý IV/2025\n- Đơn vị chủ trì: Công an xã.\n"
    plan = parse_plan_text(HEADER + body, source="plan.txt")
    assert [(item.seq, item.lead) for item in plan.items] == [
        ("1", ["Văn phòng HĐND và UBND xã"]),
        ("2", ["Công an xã"]),
    ]
    assert "Thành phần: Thường trực HĐND, UBND xã." in (plan.items[0].details or "")


def test_a_blank_form_field_under_a_role_label_names_no_agency() -> None:
    body = (
        "II. NỘI DUNG\n\n1. Kiểm tra\n- Cơ quan chủ trì: Phòng Nội vụ\n- Thời gian: Quý IV/2025\n"
    )
    body += "PHỤ LỤC\nBIÊN BẢN HỘI NGHỊ\n- Họ và tên người chủ trì hội nghị: ………… Chức vụ ………\n"
    body += "2. Ông (bà) ……………………\n- Thời gian phát phiếu: ……………………\n"
    plan = parse_plan_text(HEADER + body, source="plan.txt")
    assert [(item.seq, item.lead) for item in plan.items] == [("1", ["Phòng Nội vụ"])]


def test_a_lead_then_an_executor_label_is_one_task_and_bare_role_headings_are_labels() -> None:
    body = "II. NỘI DUNG\n\n1. Kiện toàn tổ chức\n2. Chủ trì thực hiện\n- Sở Nội vụ.\n"
    body += "- Đơn vị thực hiện: Các phòng chuyên môn.\n3. Thời gian thực hiện: Quý I/2026\n"
    body += "4. Tập huấn\na) Cơ quan chủ trì\n- Sở Tư pháp.\n"
    body += "\n(Văn phòng Sở là đầu mối giúp Giám đốc Sở.)\n\nb) Cơ quan phối hợp\n\n"
    body += "Sở Tài chính; các sở, ngành liên quan.\n"
    assert items(body) == [
        (["Sở Nội vụ"], [], "once"),
        (["Sở Tư pháp"], ["Sở Tài chính", "các sở, ngành liên quan"], "once"),
    ]


def test_tổ_chức_closing_an_agency_list_is_the_noun_and_not_a_verb_that_ends_the_list() -> None:
    body = "II. NỘI DUNG\n\n1. Kiểm tra\n- Cơ quan thực hiện: Sở Nội vụ, các sở, ngành trong "
    body += "phạm vi nhiệm vụ của mình và các cơ quan, tổ chức khác có liên quan.\n"
    body += "2. Tuyên truyền\n- Cơ quan thực hiện: Sở Y tế tổ chức tuyên truyền.\n"
    assert [lead for lead, _, _ in items(body)] == [
        ["Sở Nội vụ", "các sở, ngành", "các cơ quan, tổ chức khác có liên quan"],
        ["Sở Y tế"],
    ]


def test_bullets_under_an_empty_executor_label_that_say_who_does_what_are_tasks_each() -> None:
    body = "II. NỘI DUNG\n\n1. Tuyên truyền\n- Cơ quan thực hiện:\n"
    body += "+ Sở Văn hóa chủ trì, phối hợp với các sở, ngành tổ chức tuyên truyền.\n"
    body += "+ Sở Xây dựng đăng tải thông điệp trên bảng tin.\n"
    assert [lead for lead, _, _ in items(body)] == [["Sở Văn hóa"], ["Sở Xây dựng"]]


def test_an_agency_heading_owns_its_bullets_but_not_those_where_it_only_coordinates() -> None:
    body = "III. PHÂN CÔNG NHIỆM VỤ\n\n1. Công an tỉnh\n- Tham mưu kiện toàn Ban Chỉ đạo.\n"
    body += "- Phối hợp với Sở Nội vụ kiểm tra việc thực hiện.\n"
    body += "- Chủ trì, phối hợp với Sở Tư pháp rà soát quy chế.\n"
    assert items(body) == [
        (["Công an tỉnh"], [], "once"),
        (["Công an tỉnh"], ["Sở Tư pháp"], "once"),
    ]


def test_a_heading_that_names_the_lead_and_partners_gives_them_to_every_bullet() -> None:
    body = "III. NHIỆM VỤ\n\n2. Bảo đảm kinh phí\n"
    body += "2.1. Sở Tài chính chủ trì, phối hợp các sở, ngành\n"
    body += "- Tham mưu bố trí dự toán cho các hoạt động.\n"
    body += "- Chủ trì, phối hợp với Kho bạc Nhà nước hướng dẫn thanh toán.\n"
    assert items(body) == [
        (["Sở Tài chính"], ["các sở, ngành"], "once"),
        (["Sở Tài chính"], ["Kho bạc Nhà nước"], "once"),
    ]


def test_an_agency_that_directs_its_force_before_the_colon_owes_the_task() -> None:
    body = "III. NHIỆM VỤ\n\n3. Kiểm soát địa bàn\n"
    body += "3.1. Sở Giáo dục và Đào tạo chỉ đạo các trường học: Chủ trì, phối hợp với Đoàn "
    body += "Thanh niên tổ chức các buổi ngoại khóa.\n"
    assert items(body) == [(["Sở Giáo dục và Đào tạo"], ["Đoàn Thanh niên"], "once")]


def test_headings_name_courts_groups_without_cac_and_bodies_joined_by_va() -> None:
    body = "III. NHIỆM VỤ\n\n1. Viện kiểm sát nhân dân tỉnh, Tòa án nhân dân tỉnh\n"
    body += "- Đẩy nhanh việc xét xử các vụ án điểm.\n"
    body += "2. Báo và Phát thanh, Truyền hình tỉnh; Sở Văn hóa và Thể thao\n\n"
    body += "Mở chuyên mục hỏi đáp hằng tuần.\n"
    body += "\n3. Sở, ngành liên quan\n\nCăn cứ nhiệm vụ được giao, chủ động bố trí nguồn lực.\n"
    assert [lead for lead, _, _ in items(body)] == [
        ["Viện kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh"],
        ["Báo và Phát thanh, Truyền hình tỉnh", "Sở Văn hóa và Thể thao"],
        ["Sở, ngành liên quan"],
    ]


def test_a_request_to_an_agency_or_to_kinds_of_addressee_before_a_colon_is_their_task() -> None:
    body = "III. NHIỆM VỤ\n\n5. Đề nghị Công ty Cấp nước tỉnh: Bảo đảm nước sạch cho "
    body += "các điểm sơ tán. Phối hợp chính quyền cơ sở kiểm tra đường ống.\n"
    body += "6. Đề nghị các doanh nghiệp bưu chính (A, B và C): Duy trì liên lạc trong mùa bão.\n"
    body += "7. Doanh nghiệp, tổ chức, cá nhân: Quan tâm ủng hộ vật tư cho vùng bị ngập.\n"
    assert items(body) == [
        (["Công ty Cấp nước tỉnh"], ["chính quyền cơ sở"], "once"),
        (["các doanh nghiệp bưu chính (A, B và C)"], [], "once"),
        (["Doanh nghiệp, tổ chức, cá nhân"], [], "once"),
    ]


def test_a_heading_that_lists_its_places_after_a_colon_owns_the_bullets_below() -> None:
    body = "III. NHIỆM VỤ\n\n4. Ủy ban nhân dân các phường: An Lạc, Bình Hòa và Tân Mỹ\n"
    body += "- Rà soát các hộ ven sông.\n- Bố trí điểm tập kết vật tư.\n"
    owner = "Ủy ban nhân dân các phường: An Lạc, Bình Hòa và Tân Mỹ"
    assert items(body) == [([owner], [], "once"), ([owner], [], "once")]


def test_a_bullet_that_opens_coordinating_but_later_says_its_agency_leads_is_its_task() -> None:
    body = "III. NHIỆM VỤ\n\n2. Sở Y tế\n- Phối hợp chặt chẽ với Sở Nội vụ rà soát nhân lực "
    body += "y tế cơ sở; chủ trì xây dựng quy trình cấp cứu ban đầu.\n"
    body += "- Phối hợp với Sở Tư pháp phổ biến pháp luật về khám chữa bệnh.\n"
    assert items(body) == [(["Sở Y tế"], ["Sở Nội vụ"], "once")]


def test_labelled_tasks_under_an_agency_heading_where_it_only_coordinates_are_not_its() -> None:
    body = "III. NHIỆM VỤ\n\n1. Sở Nội vụ\n\n- Rà soát biên chế các đơn vị.\n\n"
    body += "Thời gian thực hiện: Quý I/2026.\n\n"
    body += "- Phối hợp với Sở Tài chính thẩm định kinh phí.\n\n"
    body += "Thời gian thực hiện: Quý II/2026.\n"
    assert items(body) == [(["Sở Nội vụ"], [], "once")]


def test_duties_of_a_body_with_a_note_in_brackets_and_an_agency_partnering_before_a_colon() -> None:
    body = "III. NHIỆM VỤ\n\n1. Trách nhiệm của các cơ quan chủ quản (bao gồm cả các đơn vị "
    body += "sự nghiệp trực thuộc):\n\n- Đôn đốc đơn vị cấp dưới.\n\n"
    body += "2. Các sở chuyên ngành\n\n+ Sở Xây dựng phối hợp Ban Quản lý dự án tỉnh: hướng "
    body += "dẫn kiểm tra công trình.\n"
    assert items(body) == [
        (["các cơ quan chủ quản"], [], "once"),
        (["Sở Xây dựng"], ["Ban Quản lý dự án tỉnh"], "once"),
    ]


def test_a_sentence_names_its_lead_partners_and_deadline() -> None:
    body = "II. NỘI DUNG\n\n1. Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với Liên "
    body += "đoàn Lao động tỉnh thực hiện; thời gian: trong quý III/2025.\n"
    assert items(body) == [
        (["Sở Lao động - Thương binh và Xã hội"], ["Liên đoàn Lao động tỉnh"], "once")
    ]


def test_partners_listed_on_past_a_semicolon_and_tổ_chức_as_a_noun_in_the_list() -> None:
    body = "II. NỘI DUNG\n\n1. Rà soát quy chế phối hợp (Giao Sở Nội vụ chủ trì, phối hợp "
    body += "với Thanh tra tỉnh; Sở Tài chính và các đơn vị, tổ chức có liên quan tham mưu).\n"
    assert items(body) == [
        (
            ["Sở Nội vụ"],
            ["Thanh tra tỉnh", "Sở Tài chính", "các đơn vị, tổ chức có liên quan"],
            "once",
        )
    ]


def test_a_period_introduced_by_trong_inside_a_task_is_its_deadline() -> None:
    body = "III. NHIỆM VỤ\n\n1. Sở Y tế\n- Tổ chức tập huấn cho y tế cơ sở, báo cáo kết quả "
    body += "trong tháng 10/2026.\n- Phấn đấu phủ kín trạm y tế ngay trong năm 2026.\n"
    plan = parse_plan_text(HEADER + body, source="plan.txt")
    assert [str(item.timeframe.due) for item in plan.items] == ["2026-10-31", "2026-12-31"]


def test_a_timeframe_label_after_a_run_of_sibling_agency_bullets_is_the_whole_runs() -> None:
    body = "III. NHIỆM VỤ\n\n1. Hướng dẫn rà soát tài sản. Trong đó:\n\n"
    body += "+ Sở Xây dựng: hướng dẫn rà soát nhà công vụ.\n\n"
    body += "+ Sở Y tế: hướng dẫn rà soát trang thiết bị y tế.\n\n"
    body += "Thời gian thực hiện: Từ tháng 11/2025 đến khi kết thúc đợt rà soát.\n"
    assert items(body) == [(["Sở Xây dựng"], [], "ongoing"), (["Sở Y tế"], [], "ongoing")]


def test_a_coordination_regulation_names_no_partners_and_political_bodies_stay_whole() -> None:
    body = "III. NHIỆM VỤ\n\n1. Sở Tư pháp\n- Ban hành quy chế phối hợp với Công an tỉnh "
    body += "trong việc cung cấp lý lịch tư pháp.\n"
    body += "- Chủ trì, phối hợp với các tổ chức chính trị - xã hội tổ chức phổ biến pháp luật.\n"
    assert items(body) == [
        (["Sở Tư pháp"], [], "once"),
        (["Sở Tư pháp"], ["các tổ chức chính trị - xã hội"], "once"),
    ]


def test_duties_in_to_chuc_thuc_hien_are_not_tasks_and_the_refusal_says_what_was_found() -> None:
    body = "I. MỤC ĐÍCH\n\nNâng cao nhận thức.\n\nII. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ\n"
    body += "- Theo dõi, đôn đốc việc thực hiện Kế hoạch.\n"
    with pytest.raises(PlanWithoutTasks, match="1 duties of agencies in 'Tổ chức thực hiện'"):
        parse_plan_text(HEADER + body, source="plan.txt")


@pytest.mark.parametrize(
    "heading",
    [
        "III. TỔ CHÚC THỰC HIỆN",  # as d24's scan reads its bold capitals
        "III. TÔ CHUC THUC HIÊN",  # every mark lost or wrong
        "III. TỔ CHỨC THỰC HIỆM",  # one letter wrong in a long heading
    ],
)
def test_a_scanned_heading_with_wrong_marks_still_opens_to_chuc_thuc_hien(heading: str) -> None:
    """d24's text with its section heading as a scan misreads it: the duties below the
    heading (the Ban Thường trực's, the bodies') stay duties, and the plan keeps its 15 tasks."""
    path = CORPUS / "documents" / "d24-mttq-xa-luongminh-2025-label-lines-role-leads.txt"
    text = path.read_text(encoding="utf-8")
    assert "III. TỔ CHỨC THỰC HIỆN" in text
    plan = parse_plan_text(text.replace("III. TỔ CHỨC THỰC HIỆN", heading), source=path.name)
    assert len(plan.items) == 15
    assert plan.monitoring_agency == read_plan_file(path)[0].monitoring_agency


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("d12-news-hue-2025-reject.txt", "news article"),
        ("d13-bovhttdl-2025-official-letter-reject.txt", "official letter"),
        ("d14-ubnd-hatinh-2025-tthc-decision-reject.txt", "administrative procedures"),
        ("d16-sct-laocai-2026-report-reject.txt", "report"),
        ("c303-vptw-2025-thong-bao-ket-luan-giao-chu-tri-reject.txt", "notice"),
        ("c407-ubnd-daklak-2025-directive-chi-thi-tasks-reject.txt", "directive"),
    ],
)
def test_a_real_document_that_is_not_a_plan_is_refused_with_its_reason(
    name: str, reason: str
) -> None:
    with pytest.raises(PlanParseError, match=f"not a plan: .*{reason}") as error:
        read_plan_file(Path(CORPUS / "documents" / name))
    assert name in str(error.value)


def test_a_pdf_table_with_wrapped_headings_and_a_class_list_partner_on_its_own_lines() -> None:
    heading = "TT\nNhiệm vụ\nCơ quan \nchủ trì\nCơ quan\n phối hợp\nSản phẩm\nThời gian\n"
    body = "II. NHIỆM VỤ\n\n" + heading
    body += "1\nSoạn thảo quy chế\nmẫu.\nBộ Tư pháp\nBộ Nội vụ\nĐơn vị, hiệp hội\nvà doanh nghiệp\n"
    body += "liên quan\nCác văn bản được\nban hành\nQuý II/2026\n"
    assert items(body) == [
        (["Bộ Tư pháp"], ["Bộ Nội vụ", "Đơn vị, hiệp hội và doanh nghiệp liên quan"], "once")
    ]


def test_a_pdf_time_cell_broken_after_its_first_word_still_opens_the_time_column() -> None:
    heading = "TT\nNhiệm vụ\nCơ quan chủ trì\nKết quả\nThời gian\nGhi chú\n"
    body = "II. NHIỆM VỤ\n\n" + heading
    body += "1\nTuyên truyền pháp luật.\nSở Tư pháp\nCác tin bài được\nđăng tải\nThường\nxuyên\n"
    body += "Theo chỉ đạo\n"
    body += "2\nRà soát văn bản.\nSở Nội vụ\nBáo cáo\nNhiệm vụ thường\nxuyên\n"
    assert items(body) == [(["Sở Tư pháp"], [], "ongoing"), (["Sở Nội vụ"], [], "ongoing")]


def test_a_pdf_partner_cell_ending_in_initials_and_a_time_cell_broken_word_by_word() -> None:
    heading = "TT\nNhiệm vụ\nCơ quan chủ trì\nCơ quan phối hợp\nKết quả\nThời hạn\n"
    body = "II. NHIỆM VỤ\n\n" + heading
    body += "1\nPhổ biến chính sách.\nBộ Nội vụ\nCác Bộ, ngành, Hội đồng\nvề các dự án\n"
    body += "ODA, VOV,\nTTXVN\nHội nghị, tập huấn\nThực\nhiện\nthường\nxuyên, lồng ghép.\n"
    assert items(body) == [
        (["Bộ Nội vụ"], ["Các Bộ, ngành", "Hội đồng về các dự án ODA", "VOV", "TTXVN"], "ongoing")
    ]


def test_giao_with_a_list_after_gom_makes_the_listed_agencies_the_leads() -> None:
    body = "II. NHIỆM VỤ\n\n1. Nâng cao năng lực\na) Giao các đơn vị nòng cốt gồm: Trường Đại học "
    body += "Sư phạm, Viện Hóa học và các trung tâm do\nSở Y tế chọn thực hiện tập huấn.\n"
    assert items(body) == [
        (["Trường Đại học Sư phạm", "Viện Hóa học", "các trung tâm do Sở Y tế chọn"], [], "once")
    ]


def test_a_pdf_lead_cell_in_numbered_parts_after_the_time_leads_with_each_parts_agencies() -> None:
    heading = "TT\nNHIỆM VỤ\nTHỜI HẠN\nCƠ QUAN CHỦ TRÌ\nCƠ QUAN PHỐI HỢP\n"
    body = "II. NHIỆM VỤ\n\n" + heading
    body += "1\nRà soát quy chế\nQuý II/2026\n1. Sở Nội vụ chủ trì tổng hợp,\nđề xuất\n"
    body += "2. Sở Tư pháp, các sở đề\nxuất\nCác địa phương\n"
    assert items(body) == [(["Sở Nội vụ", "Sở Tư pháp", "các sở"], ["Các địa phương"], "once")]


def test_pdf_sub_rows_with_empty_last_cells_share_the_merged_cells_of_the_row_above() -> None:
    heading = "TT\nNội dung\nCơ quan chủ trì\nCơ quan phối hợp\nThời gian\n"
    body = "II. NHIỆM VỤ\n\n" + heading
    body += "-\nNâng cấp trường học.\nSở Giáo dục\nSở Xây dựng\nNăm 2026\n"
    body += "-\nNâng cấp trạm y tế.\nSở Y tế\n"
    assert items(body) == [
        (["Sở Giáo dục"], ["Sở Xây dựng"], "once"),
        (["Sở Y tế"], ["Sở Xây dựng"], "once"),
    ]


def test_a_pdf_agency_cell_whose_head_word_is_broken_from_its_name_goes_on() -> None:
    heading = "TT\nNội dung\nCơ quan chủ trì\nCơ quan phối hợp\nKết quả\nThời gian\n"
    body = "II. NHIỆM VỤ\n\n" + heading
    body += "1\nKiểm tra hồ sơ.\nThanh\ntra\nGiao thông\nSở Tư pháp\nBáo cáo\nNăm 2026\n"
    assert items(body) == [(["Thanh tra Giao thông"], ["Sở Tư pháp"], "once")]


def test_to_chuc_in_a_list_of_agencies_is_the_noun_and_before_its_object_the_verb() -> None:
    body = "II. NHIỆM VỤ\n\nTT\tNhiệm vụ\tĐơn vị thực hiện\tThời gian\n"
    body += "1\tTuyên truyền\tCác phòng, ban, tổ chức chính trị - xã hội\tQuý II/2025\n"
    body += "2\tTập huấn\tPhòng Y tế tổ chức lớp học\tQuý III/2025\n"
    assert items(body) == [
        (["Các phòng, ban, tổ chức chính trị - xã hội"], [], "once"),
        (["Phòng Y tế"], [], "once"),
    ]


def test_a_pdf_lead_cell_that_submits_to_another_body_keeps_that_body_out_of_the_partners() -> None:
    heading = "TT\nNội dung\nCơ quan chủ trì\nCơ quan phối hợp\nThời gian\n"
    body = "II. NHIỆM VỤ\n\n" + heading
    body += "1\nBố trí kinh phí.\nỦy ban nhân\ndân xã\ntrình\nHội đồng\nnhân dân xã\n"
    body += "Các đơn vị\nliên quan\nNăm 2026\n"
    assert items(body) == [(["Ủy ban nhân dân xã"], ["Các đơn vị liên quan"], "once")]
