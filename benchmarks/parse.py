"""Parse benchmark: a generated 2,000-item plan in each layout (numbered items with labels, and
a table) read by parse_plan_text (the document reader, then understanding), against a baseline
measured in the same run (normalising and splitting the same text: the floor of touching it at
all); then linearity: the same plans at N, 2N and 4N items, where each doubling should about
double the time (a ratio near 4 is a quadratic hot spot).

Run: .venv/bin/python benchmarks/parse.py [--items 2000] [--repeat 5] [--linearity 1000]
Target (issue 2): under 2 s for 2,000 items on a 2-core machine."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dondoc.core.text import normalize_text

# The linearity table reads 4,000 items (1.1 M characters), past the size a plan may have
# (DONDOC_MAX_PLAN_CHARS): the benchmark measures the reader, not that limit.
os.environ.setdefault("DONDOC_MAX_PLAN_CHARS", "100000000")
os.environ.setdefault("DONDOC_MAX_PLAN_LINES", "10000000")
from tasks.plans import parse_plan_text

TIMEFRAMES = [
    "Thường xuyên trong năm {year}",
    "Hằng tuần",
    "Hằng tháng (trước ngày 20)",
    "trước ngày 05 tháng cuối cùng của mỗi quý",
    "6 tháng, năm",
    "Quý III/{year}",
    "Hoàn thành chậm nhất trước 15/11/{year}",
    "Trước ngày 15/11 hằng năm",
]
LEADS = [
    "Phòng Nội vụ",
    "Phòng Văn hóa và Thông tin, UBND các xã, thị trấn",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Trung tâm Văn hóa – Thông tin – Thể thao huyện và Phòng Tư pháp",
]
COORDINATING = ["Các cơ quan, đơn vị", "UBND các xã, thị trấn; Phòng Tài chính - Kế hoạch", ""]


def list_plan(items: int, year: int) -> str:
    lines = [f"KẾ HOẠCH\nThử tải danh sách nhiệm vụ năm {year}\n", "Số: 99/KH-UBND\n"]
    lines.append(f"Huyện Thử, ngày 10 tháng 1 năm {year}\n")
    for n in range(1, items + 1):
        lines.append(f"{n}. Nhiệm vụ thử số {n} về cải cách hành chính.")
        lines.append(f"- Thời gian thực hiện: {TIMEFRAMES[n % len(TIMEFRAMES)].format(year=year)}.")
        lines.append(f"- Cơ quan chủ trì: {LEADS[n % len(LEADS)]}.")
        if coordinating := COORDINATING[n % len(COORDINATING)]:
            lines.append(f"- Cơ quan phối hợp: {coordinating}.")
        lines.append(
            "- Nội dung: Nội dung chi tiết của nhiệm vụ, có dấu phẩy, chấm phẩy; và hơn.\n"
        )
    return "\n".join(lines)


def table_plan(items: int, year: int) -> str:
    lines = [f"KẾ HOẠCH\nThử tải bảng nhiệm vụ năm {year}\n", "Số: 98/KH-UBND\n"]
    lines.append(f"Huyện Thử, ngày 10 tháng 1 năm {year}\n")
    lines.append("III. HOẠT ĐỘNG TRỌNG TÂM\n")
    lines.append("STT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện\tSản phẩm")
    for n in range(1, items + 1):
        timeframe = TIMEFRAMES[n % len(TIMEFRAMES)].format(year=year)
        lead, coordinating = LEADS[n % len(LEADS)], COORDINATING[n % len(COORDINATING)]
        lines.append(f"{n}\tNhiệm vụ thử số {n}\t{lead}\t{coordinating}\t{timeframe}\tBáo cáo")
    lines.append("\nIV. KINH PHÍ THỰC HIỆN\n")
    return "\n".join(lines)


def machine() -> str:
    """CPU model and core count, for the BENCHMARKS.md header."""
    model = platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores"


def best_of(
    repeat: int, work: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> float:
    timings = []
    for _ in range(repeat):
        start = clock()
        work()
        timings.append(clock() - start)
    return min(timings)


LAYOUTS: tuple[tuple[str, Callable[[int, int], str]], ...] = (
    ("labels", list_plan),
    ("table", table_plan),
)


def linearity(smallest: int, repeat: int, year: int) -> None:
    """CPU time for N, 2N and 4N items and the ratio of each doubling (best of `repeat`), the
    baseline's ratios beside them: CPU time, not wall time, so that other work on a shared
    machine moves the ratios less, and the baseline shows how much it still does."""
    sizes = (smallest, 2 * smallest, 4 * smallest)
    print(f"\n# linearity, CPU s, best of {repeat}: N, 2N, 4N items; ~2 per doubling is linear")
    print(
        "| layout | " + " | ".join(f"{n:,} items s" for n in sizes) + " | 2N/N | 4N/2N | "
        "baseline 2N/N | baseline 4N/2N |"
    )
    print("|---|" + "---:|" * (len(sizes) + 4))
    for layout, build in LAYOUTS:
        texts = [build(n, year) for n in sizes]
        times = [
            best_of(repeat, lambda t=text: parse_plan_text(t), time.process_time) for text in texts
        ]
        floors = [
            best_of(repeat, lambda t=text: normalize_text(t).split("\n"), time.process_time)
            for text in texts
        ]
        print(
            f"| {layout} | " + " | ".join(f"{seconds:.3f}" for seconds in times) + " | "
            f"{times[1] / times[0]:.2f} | {times[2] / times[1]:.2f} | "
            f"{floors[1] / floors[0]:.2f} | {floors[2] / floors[1]:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--linearity", type=int, default=1000, help="N, the smallest plan")
    args = parser.parse_args()
    year = date.today().year
    print(
        f"# parse benchmark, {date.today()}, {machine()}, "
        f"Python {platform.python_version()}, {args.items} items, best of {args.repeat}"
    )
    print("| layout | bytes | baseline s | parse s | ratio | items parsed |")
    print("|---|---:|---:|---:|---:|---:|")
    for layout, build in LAYOUTS:
        text = build(args.items, year)
        baseline = best_of(args.repeat, lambda t=text: normalize_text(t).split("\n"))
        parsed = parse_plan_text(text)
        elapsed = best_of(args.repeat, lambda t=text: parse_plan_text(t))
        print(
            f"| {layout} | {len(text.encode()):,} | {baseline:.4f} | {elapsed:.3f} | "
            f"{elapsed / baseline:.0f}× | {len(parsed.items)} |"
        )
        assert len(parsed.items) == args.items, f"{layout}: parsed {len(parsed.items)} items"
        assert parsed.layout == ("table" if layout == "table" else "list"), parsed.layout
    if args.linearity:
        linearity(args.linearity, args.repeat, year)


if __name__ == "__main__":
    main()
