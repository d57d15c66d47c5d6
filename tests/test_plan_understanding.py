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


def test_a_short_row_is_placed_where_its_cells_read_like_their_columns() -> None:
    body = "II. NHIỆM VỤ\n\nTT\tNội dung\tChủ trì\tPhối hợp\tThời gian\n"
    body += "1\tRà soát\tSở Tư pháp\tSở Nội vụ\tQuý II/2025\n"
    body += "\tCập nhật danh mục\tSở Tài chính\n"  # number and trailing cells merged above
    assert items(body)[1] == (["Sở Tài chính"], ["Sở Nội vụ"], "once")


def test_labels_at_any_depth_with_any_bullet_and_a_timeframe_glued_to_the_lead() -> None:
    body = "II. NỘI DUNG\n\n1. Tập huấn\na) Đơn vị chủ trì: Sở Nội vụ; thời gian: Quý III/2025\n"
    body += "+ Phối hợp: Sở Tư pháp\n"
    assert items(body) == [(["Sở Nội vụ"], ["Sở Tư pháp"], "once")]


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


def test_a_sentence_names_its_lead_partners_and_deadline() -> None:
    body = "II. NỘI DUNG\n\n1. Sở Lao động - Thương binh và Xã hội chủ trì, phối hợp với Liên "
    body += "đoàn Lao động tỉnh thực hiện; thời gian: trong quý III/2025.\n"
    assert items(body) == [
        (["Sở Lao động - Thương binh và Xã hội"], ["Liên đoàn Lao động tỉnh"], "once")
    ]


def test_duties_in_to_chuc_thuc_hien_are_not_tasks_and_the_refusal_says_what_was_found() -> None:
    body = "I. MỤC ĐÍCH\n\nNâng cao nhận thức.\n\nII. TỔ CHỨC THỰC HIỆN\n\n1. Sở Nội vụ\n"
    body += "- Theo dõi, đôn đốc việc thực hiện Kế hoạch.\n"
    with pytest.raises(PlanWithoutTasks, match="1 duties of agencies in 'Tổ chức thực hiện'"):
        parse_plan_text(HEADER + body, source="plan.txt")


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
