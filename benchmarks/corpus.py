"""A nation-scale corpus written straight into a migrated database, for the benchmarks that
need one (compile now; the feeds and reminders later).

Localities each have 20 agencies (8 departments and 12 communes), one group "UBND các xã,
thị trấn" of the 12 communes, and approved plans of 25 items with one lead and one
coordinating agency per item. The 25 item templates cover every schedule kind; the few
group-led ones are what makes the count nation-sized (a group lead owes each member every
date). Rows go in with Core `insert(table)` executemany and explicit ids, one transaction
per chunk of localities, so generating 100,000 assignments takes seconds and little memory:
the benchmark measures compiling, not building fixtures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, text

from dondoc.core.db import get_engine
from dondoc.core.text import item_keys, normalize_name
from models import Agency, AgencyGroup, Assignment, Plan, PlanItem, agency_group_member
from tasks.plans import Schedule
from tasks.schedule import WorkingDays, expand, rule_for

YEAR = 2025
AGENCIES_PER_LOCALITY = 20
GROUP_NAME = "UBND các xã, thị trấn"
DEPARTMENTS = (
    "Phòng Nội vụ",
    "Phòng Tư pháp",
    "Phòng Tài chính – Kế hoạch",
    "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế",
    "Phòng Tài nguyên và Môi trường",
    "Văn phòng HĐND và UBND",
)
COMMUNES = AGENCIES_PER_LOCALITY - len(DEPARTMENTS)  # the group's members
WORDS = ("An", "Bình", "Tân", "Phú", "Hòa", "Long", "Thạnh", "Mỹ", "Đông", "Xuân", "Hưng", "Lộc")
S = Schedule
# (content, schedule, lead is the group): ~1,050 occurrences per plan at 12 group members.
ITEMS: tuple[tuple[str, Schedule, bool], ...] = (
    ("Báo cáo tình hình an ninh trật tự", S("Hằng tuần", "weekly"), True),
    ("Cập nhật cổng thông tin điện tử", S("Hằng tuần", "weekly"), False),
    ("Giao ban công tác cải cách hành chính", S("Thứ Hai hằng tuần", "weekly", weekday=0), False),
    ("Báo cáo công tác tiếp công dân", S("Hằng tháng", "monthly"), True),
    ("Báo cáo kết quả giải quyết thủ tục", S("Trước ngày 20 hằng tháng", "monthly", day=20), False),
    ("Tổng hợp số liệu chuyển đổi số", S("Hằng tháng", "monthly"), False),
    ("Báo cáo công tác tư pháp", S("Trước ngày 20 hằng tháng", "monthly", day=20), False),
    ("Báo cáo công tác phòng, chống tham nhũng", S("Hằng quý", "quarterly"), True),
    (
        "Báo cáo kiểm soát thủ tục hành chính",
        S("trước ngày 05 tháng cuối của mỗi quý", "quarterly", month=3, day=5),
        False,
    ),
    ("Đánh giá chỉ số hài lòng", S("Hằng quý", "quarterly"), False),
    ("Sơ kết công tác thi đua", S("6 tháng, năm", "semiannual"), True),
    ("Báo cáo thực hiện quy chế dân chủ", S("6 tháng, năm", "semiannual"), False),
    ("Tổng kết công tác năm", S("Hằng năm", "yearly"), True),
    ("Xây dựng kế hoạch năm sau", S("Trước 15/11 hằng năm", "yearly", month=11, day=15), False),
    (
        "Rà soát văn bản quy phạm pháp luật",
        S("Hoàn thành trước 30/6/2025", "once", due=date(YEAR, 6, 30)),
        True,
    ),
    ("Kiện toàn tổ công tác", S("Quý I/2025", "once", due=date(YEAR, 3, 31)), False),
    ("Tuyên truyền, phổ biến pháp luật", S("Thường xuyên", "ongoing"), False),
    ("Theo dõi thi hành pháp luật", S("Thường xuyên trong năm 2025", "ongoing"), False),
    ("Tổ chức hội nghị chuyên đề", S("Trước 15/9/2025", "once", due=date(YEAR, 9, 15)), False),
    ("Cập nhật cơ sở dữ liệu hộ tịch", S("Hằng tháng", "monthly"), False),
    ("Kiểm tra công tác văn thư, lưu trữ", S("Hằng quý", "quarterly"), False),
    ("Báo cáo công tác dân tộc", S("Hằng năm", "yearly"), False),
    ("Tự kiểm tra công tác cải cách", S("6 tháng, năm", "semiannual"), False),
    ("Tập huấn nghiệp vụ", S("Quý III/2025", "once", due=date(YEAR, 9, 30)), False),
    ("Giám sát thực hiện nhiệm vụ", S("Thường xuyên", "ongoing"), False),
)


@dataclass
class Corpus:
    localities: int
    agencies: int
    groups: int
    plans: int
    items: int
    assignments: int
    expected_occurrences: int  # from the schedules themselves: what a compile must write
    plan_ids: list[int]


def locality_name(index: int) -> str:
    """Vietnamese-looking and unique: "UBND huyện Tân Lộc 17", a few provinces first."""
    level = "tỉnh" if index < 63 else "huyện"
    first, second = WORDS[index % len(WORDS)], WORDS[(index // len(WORDS)) % len(WORDS)]
    return f"UBND {level} {first} {second} {index + 1}"


def issued_on(plan_index: int) -> date:
    """Early January, spread over a fortnight so periods (and counts) differ a little."""
    return date(YEAR, 1, 2 + plan_index % 12)


def generate(url: str, *, agencies: int, plans: int, days: WorkingDays, chunk: int = 50) -> Corpus:
    """Write the corpus into the freshly migrated, empty database at `url`; plan p belongs
    to locality p mod localities, so any --plans spreads over every locality."""
    localities = max(1, agencies // AGENCIES_PER_LOCALITY)
    now = datetime.now(UTC)
    counts = Corpus(localities, 0, 0, 0, 0, 0, 0, [])
    slots: dict[tuple[int, date], int] = {}
    with get_engine(url).begin() as connection:
        for first in range(0, localities, chunk):
            block = range(first, min(first + chunk, localities))
            tables = _directory_rows(block, now)
            tables.update(_plan_rows(block, localities, plans, now, counts, slots, days))
            for table, rows in tables.items():
                if rows:
                    connection.execute(insert(table), rows)
        counts.agencies = localities * AGENCIES_PER_LOCALITY
        counts.groups = localities
        _advance_sequences(connection)
    return counts


def _directory_rows(block: range, now: datetime) -> dict[Any, list[dict[str, Any]]]:
    agencies, groups, members = [], [], []
    for loc in block:
        scope = normalize_name(locality_name(loc))
        names = [*DEPARTMENTS, *(_commune(loc, n) for n in range(COMMUNES))]
        for n, name in enumerate(names):
            agencies.append(
                {
                    "id": _agency_id(loc, n),
                    "scope_key": scope,
                    "name": name,
                    "key": normalize_name(name),
                    "aliases": [],
                    "kind": None,
                    "email": f"a{_agency_id(loc, n)}@example.org",
                    "head_email": f"head{_agency_id(loc, n)}@example.org",
                    "monitoring": n == 0,
                    "verified": True,
                    "created_at": now,
                }
            )
        groups.append(
            {
                "id": loc + 1,
                "scope_key": scope,
                "name": GROUP_NAME,
                "key": normalize_name(GROUP_NAME),
                "aliases": [],
                "created_at": now,
            }
        )
        members += [
            {"group_id": loc + 1, "agency_id": _agency_id(loc, len(DEPARTMENTS) + n)}
            for n in range(COMMUNES)
        ]
    return {
        Agency.__table__: agencies,
        AgencyGroup.__table__: groups,
        agency_group_member: members,
    }


def _plan_rows(
    block: range,
    localities: int,
    plans: int,
    now: datetime,
    counts: Corpus,
    slots: dict[tuple[int, date], int],
    days: WorkingDays,
) -> dict[Any, list[dict[str, Any]]]:
    plan_rows, item_rows, assignment_rows = [], [], []
    for p in _plans_of(block, localities, plans):
        loc, plan_id, issued = p % localities, p + 1, issued_on(p)
        name = locality_name(loc)
        plan_rows.append(
            {
                "id": plan_id,
                "number": f"{p + 1}/KH-UBND",
                "issuer": name,
                "title": f"Kế hoạch thực hiện nhiệm vụ năm {YEAR} của {name}",
                "scope_key": normalize_name(name),
                "issued_on": issued,
                "year": YEAR,
                "status": "approved",
                "layout": "list",
                "source_text": f"benchmark plan {p}",
                "source_sha256": hashlib.sha256(f"dondoc-bench-{p}".encode()).hexdigest(),
                "warnings": [],
                "approved_by": "benchmark",
                "approved_at": now,
                "created_at": now,
            }
        )
        contents = [f"{content} ({p + 1}/KH-UBND)" for content, _, _ in ITEMS]
        for position, (key, content, (_, schedule, group)) in enumerate(
            zip(item_keys(contents), contents, ITEMS, strict=True)
        ):
            item_id = plan_id * len(ITEMS) + position
            item_rows.append(
                {
                    "id": item_id,
                    "plan_id": plan_id,
                    "position": position,
                    "seq": str(position + 1),
                    "key": key,
                    "content": content,
                    "timeframe_text": schedule.text,
                    "schedule_kind": schedule.kind,
                    "due": schedule.due,
                    "schedule": schedule.to_json(),
                }
            )
            lead = _agency_id(loc, position % len(DEPARTMENTS))
            partner = _agency_id(loc, (position + 1) % len(DEPARTMENTS))
            base = {"item_id": item_id, "position": 0, "match": "exact", "group_id": None}
            assignment_rows += [
                {
                    **base,
                    "id": 2 * item_id,
                    "role": "lead",
                    "name_as_written": GROUP_NAME if group else DEPARTMENTS[position % 8],
                    "agency_id": None if group else lead,
                    "group_id": loc + 1 if group else None,
                },
                {
                    **base,
                    "id": 2 * item_id + 1,
                    "role": "coordinating",
                    "name_as_written": DEPARTMENTS[(position + 1) % 8],
                    "agency_id": partner,
                },
            ]
            if (position, issued) not in slots:
                rule = rule_for(schedule)
                slots[position, issued] = len(expand(rule, (issued, date(YEAR, 12, 31)), days))
            counts.expected_occurrences += slots[position, issued] * (COMMUNES if group else 1)
        counts.plan_ids.append(plan_id)
    counts.plans += len(plan_rows)
    counts.items += len(item_rows)
    counts.assignments += len(assignment_rows)
    return {
        Plan.__table__: plan_rows,
        PlanItem.__table__: item_rows,
        Assignment.__table__: assignment_rows,
    }


def _plans_of(block: range, localities: int, plans: int) -> Iterator[int]:
    for loc in block:
        yield from range(loc, plans, localities)


def _agency_id(locality: int, n: int) -> int:
    return locality * AGENCIES_PER_LOCALITY + n + 1


def _commune(locality: int, n: int) -> str:
    level = "thị trấn" if n == 0 else "xã"
    return f"UBND {level} {WORDS[(locality + n) % len(WORDS)]} {n + 1}"


def _advance_sequences(connection: Connection) -> None:
    """Explicit ids leave PostgreSQL's sequences at 1; later inserts (a feeds benchmark
    adding agencies) would collide, so move each past its table's largest id."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("agency", "agency_group", "plan", "plan_item", "assignment"):
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        )
