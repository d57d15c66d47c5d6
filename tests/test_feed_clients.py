"""A province-wide plan's feeds as other people's software reads them: a directory of 60
communes and a plan whose tasks fall on "UBND các xã, phường" (each commune owes them), its
feeds built, then read by icalendar, ical.js, sabre/vobject (validated), libical and Python's
vobject, which must all see the same events and find nothing to complain of."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import vobject
from sqlalchemy.orm import Session

from calendars.feeds import write_feeds
from models import Plan
from tasks.directory import import_directory, load_directory
from tasks.plans import import_plan_file
from tasks.schedule import compile_plan
from tests.support.ical_check import assert_parsers_agree
from tests.support.seeds import OPTIONS

COMMUNES = 60
NOW = datetime(2025, 1, 10, 2, 0, tzinfo=UTC)
TODAY = date(2025, 6, 16)
WINDOW = (date(2024, 12, 1), date(2026, 2, 1))
PLAN = """ỦY BAN NHÂN DÂN
TỈNH THỬ NGHIỆM
Số: 12/KH-UBND
Thử Nghiệm, ngày 06 tháng 01 năm 2025

KẾ HOẠCH
Tuyên truyền, phổ biến pháp luật năm 2025

1. Tuyên truyền pháp luật trên hệ thống truyền thanh cơ sở, kể cả văn bản mới; báo cáo kết quả
- Cơ quan chủ trì: UBND các xã, phường
- Cơ quan phối hợp: Sở Tư pháp; Sở Văn hóa, Thể thao và Du lịch
- Thời gian thực hiện: Hằng tháng

2. Tổng hợp, đánh giá kết quả thực hiện kế hoạch
- Cơ quan chủ trì: Sở Tư pháp
- Cơ quan phối hợp: UBND các xã, phường
- Thời gian thực hiện: Quý II/2025

3. Kiểm tra việc thực hiện tại cơ sở
- Cơ quan chủ trì: Sở Nội vụ
- Thời gian thực hiện: trước ngày 15/12/2025

IV. TỔ CHỨC THỰC HIỆN
Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này.
"""


def _directory(path: Path) -> Path:
    communes = [f"UBND xã Thử Nghiệm {n}" for n in range(1, COMMUNES + 1)]
    lines = ["scope: UBND tỉnh Thử Nghiệm", "", "agencies:"]
    for name, email in (
        ("Sở Nội vụ", "snv"),
        ("Sở Tư pháp", "stp"),
        ("Sở Văn hóa, Thể thao và Du lịch", "svhttdl"),
        *((name, f"xa{n}") for n, name in enumerate(communes, start=1)),
    ):
        lines += [f'  - name: "{name}"', f"    email: {email}@example.org"]
        if name == "Sở Nội vụ":
            lines.append("    monitoring: true")
    lines += ["", "groups:", '  - name: "UBND các xã, phường"', "    members:"]
    lines += [f'      - "{name}"' for name in communes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_60_commune_plans_feeds_read_the_same_in_five_readers(
    db_session: Session, tmp_path: Path
) -> None:
    import_directory(db_session, load_directory(_directory(tmp_path / "tinh.yaml")))
    plan_file = tmp_path / "kh12.txt"
    plan_file.write_text(PLAN, encoding="utf-8")
    plan_id = import_plan_file(db_session, plan_file).plan_id
    db_session.get(Plan, plan_id).approve("admin", NOW)  # type: ignore[union-attr]
    compile_plan(db_session, plan_id, OPTIONS, now=NOW)
    written = write_feeds(db_session, tmp_path / "feeds", TODAY)
    agency_feeds = [feed for feed in written if feed.spec.kind == "agency"]
    assert len(agency_feeds) == COMMUNES + 3  # Sở Văn hóa… only supports: a feed all the same
    checked = [feed for feed in written if feed.spec.kind != "agency"] + agency_feeds[:3]
    for feed in checked:
        events = assert_parsers_agree(feed.path, *WINDOW)
        assert events, feed.spec
        calendar = vobject.readOne(feed.path.read_text(encoding="utf-8"))
        by_vobject = sorted(
            (str(e.uid.value), str(e.summary.value), e.dtstart.value) for e in calendar.vevent_list
        )
        assert by_vobject == sorted((e.uid, e.summary, e.start) for e in events)
    monitoring = [feed for feed in written if feed.spec.kind == "monitoring"]
    assert monitoring and "[0/60 ✓" in monitoring[0].path.read_text(encoding="utf-8")
