"""The files of benchmarks/big_inputs.py: for each reader a valid file scaled to ~10 MB, the
same just under the readers' limits, and hostile shapes (a 5 MB cell, a cell at XFD1048576, a
zip bomb, YAML aliases, deep nesting, long scalars, many columns). Every writer takes the path
to write and returns nothing; the text is made from a fixed seed, so runs compare."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

MB = 1_000_000
TEN_MB = 10 * MB
HUGE_CELL = 5 * MB
ROWS = 9_990  # under dondoc.core.sheets.MAX_ROWS (10,000 with the header)
ISSUER = "UBND huyện Sông Mã"
LEAD = "Phòng Nội vụ"
SUPPORT = "UBND các xã, thị trấn"
WORDS = tuple(
    " ".join(
        (
            "tuyên truyền cải cách hành chính công chức người dân doanh nghiệp thủ tục dịch vụ",
            "công trực tuyến kiểm tra đánh giá báo cáo kết quả thực hiện nhiệm vụ xã thị trấn",
            "huyện",
            "tỉnh phòng ban đơn vị hội nghị tổng kết sơ kết chỉ số hài lòng số hóa hồ sơ lưu trữ",
            "bản tổ dân phố đồng bào dân tộc phát thanh truyền hình văn hóa thông tin tư pháp tài",
            "chính kế hoạch",
        )
    ).split()
)
Writer = Callable[[Path], None]


def words(rng: random.Random, chars: int) -> str:
    """About `chars` characters of Vietnamese words, varied enough not to compress to nothing."""
    out: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


# --- plan text ------------------------------------------------------------------------------
TEXT_HEADER = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HUYỆN SÔNG MÃ\tĐộc lập - Tự do - Hạnh phúc
Số: 33/KH-UBND\tSông Mã, ngày 11/01/2019

KẾ HOẠCH
Tuyên truyền về cải cách hành chính ở huyện Sông Mã năm 2019

II. NỘI DUNG, PHÂN CÔNG THỰC HIỆN

"""


def _text_item(n: int, content: str) -> str:
    return (
        f"{n}. {content}\n- Thời gian thực hiện: Hàng tháng.\n- Cơ quan chủ trì: {LEAD}.\n"
        f"- Cơ quan phối hợp: {SUPPORT}.\n"
    )


def plan_text(items: int, content_chars: int, *, chars: int = 0, size: int = 0) -> Writer:
    """`items` items of about `content_chars`, stopping before `chars` characters or at `size`
    bytes when given."""

    def write(path: Path) -> None:
        rng, parts = random.Random(1), [TEXT_HEADER]
        written, count = len(TEXT_HEADER.encode()), len(TEXT_HEADER)
        for n in range(1, items + 1):
            part = _text_item(n, words(rng, content_chars))
            if chars and count + len(part) > chars:
                break
            parts.append(part)
            written, count = written + len(part.encode()), count + len(part)
            if size and written >= size:
                break
        path.write_text("".join(parts), encoding="utf-8")

    return write


def text_random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(2).randbytes(TEN_MB))


# --- structured plans -----------------------------------------------------------------------
ITEM_COLUMNS = ("seq", "section", "content", "details", "lead", "coordinating", "timeframe")
PLAN_VALUES = {
    "number": "33/KH-UBND",
    "title": "Tuyên truyền về cải cách hành chính năm 2019",
    "issuer": ISSUER,
    "issued_on": "2019-01-11",
    "year": "2019",
    "monitoring_agency": LEAD,
}


def _items(rows: int, details_chars: int, timeframe: str = "Hàng tháng") -> Iterator[list[str]]:
    rng = random.Random(3)
    for n in range(1, rows + 1):
        content = f"Nhiệm vụ số {n}: {words(rng, 60)}"
        yield [str(n), "II", content, words(rng, details_chars), LEAD, SUPPORT, timeframe]


def plan_csv(rows: int, details_chars: int) -> Writer:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as file:
            out = csv.writer(file)
            out.writerow([*ITEM_COLUMNS, *PLAN_VALUES])
            for n, row in enumerate(_items(rows, details_chars)):
                out.writerow(row + (list(PLAN_VALUES.values()) if n == 0 else []))

    return write


def plan_xlsx(rows: int, details_chars: int) -> Writer:
    def write(path: Path) -> None:
        book = Workbook(write_only=True)
        items = book.create_sheet("Nhiệm vụ")
        items.append(list(ITEM_COLUMNS))
        for row in _items(rows, details_chars):
            items.append(row)
        plan = book.create_sheet("Kế hoạch")
        plan.append(["field", "value"])
        for key, value in PLAN_VALUES.items():
            plan.append([key, value])
        book.save(path)

    return write


def plan_yaml(rows: int, details_chars: int, timeframe: str = "Hàng tháng") -> Writer:
    def write(path: Path) -> None:
        head = "".join(f"{key}: {value!r}\n" for key, value in PLAN_VALUES.items())
        parts = [head.replace("'", '"'), "items:\n"]
        for seq, section, content, details, lead, support, when in _items(
            rows, details_chars, timeframe
        ):
            parts.append(
                f'  - seq: "{seq}"\n    section: {section}\n    content: "{content}"\n'
                f'    details: "{details}"\n    lead: ["{lead}"]\n'
                f'    coordinating: ["{support}"]\n    timeframe: {when}\n'
            )
        path.write_text("".join(parts), encoding="utf-8")

    return write


def structured_csv_huge_field(path: Path) -> None:
    """One quoted `details` cell of 5 MB over many lines."""
    rng = random.Random(4)
    body = "\n".join(words(rng, 200) for _ in range(HUGE_CELL // 200))
    rows = [
        [*ITEM_COLUMNS, *PLAN_VALUES],
        ["1", "II", "Một nhiệm vụ", body, LEAD, "", "Hàng tháng"],
    ]
    rows[1] += list(PLAN_VALUES.values())
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)


def csv_many_columns(first: list[str]) -> Writer:
    """A header of the known columns `first` then unknown ones to 10 MB, and one row."""

    def write(path: Path) -> None:
        extra = [f"c{n}" for n in range(TEN_MB // 8)]
        with path.open("w", encoding="utf-8", newline="") as file:
            out = csv.writer(file)
            out.writerow(first + extra)
            out.writerow(["1"] * len(first))

    return write


# --- agency directories -----------------------------------------------------------------------
def _agencies(target: int) -> Iterator[tuple[int, str, str, str]]:
    rng, size, n = random.Random(5), 0, 0
    while size < target:
        n += 1
        name = f"Phòng {words(rng, 30)} số {n}"
        alias, note = f"P{n} {words(rng, 20)}", words(rng, 120)
        size += len(name) + len(alias) + len(note) + 80
        yield n, name, alias, note


def directory_yaml_entries(rows: int | None = None) -> Writer:
    def write(path: Path) -> None:
        parts = [f"scope: {ISSUER}\nagencies:\n"]
        for n, name, alias, note in _agencies(TEN_MB * 4 // 5):
            parts.append(
                f'  - name: "{name}"\n    aliases: ["{alias}"]\n    kind: phong\n'
                f"    email: p{n}@example.org\n    note: {note}\n"
            )
            if n == rows:
                break
        path.write_text("".join(parts), encoding="utf-8")

    return write


directory_yaml = directory_yaml_entries()


def directory_csv(rows: int) -> Writer:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as file:
            out = csv.writer(file)
            out.writerow(["name", "aliases", "kind", "email", "note", "scope"])
            for n, name, alias, note in _agencies(TEN_MB):
                out.writerow([name, alias, "phong", f"p{n}@example.org", note * 2, ISSUER])
                if n >= rows:
                    break

    return write


def directory_csv_huge_field(path: Path) -> None:
    rng = random.Random(6)
    note = "\n".join(words(rng, 200) for _ in range(HUGE_CELL // 200))
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([["name", "note"], [LEAD, note]])


# --- done sheets ------------------------------------------------------------------------------
DONE_HEADER = ["Mã", "Trạng thái", "Ngày hoàn thành", "Người báo cáo", "Ghi chú"]


def _done_rows(rows: int, note_chars: int) -> Iterator[list[str]]:
    rng = random.Random(7)
    for n in range(1, rows + 1):
        yield [str(n), "Xong", "28/12/2019", "Lò Văn Hải", words(rng, note_chars)]


def done_csv(rows: int, note_chars: int) -> Writer:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as file:
            out = csv.writer(file)
            out.writerow(DONE_HEADER)
            out.writerows(_done_rows(rows, note_chars))

    return write


def done_xlsx(rows: int, note_chars: int) -> Writer:
    def write(path: Path) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Hoàn thành")
        sheet.append(DONE_HEADER)
        for row in _done_rows(rows, note_chars):
            sheet.append(row)
        book.save(path)

    return write


def done_csv_huge_field(path: Path) -> None:
    rng = random.Random(8)
    note = "\n".join(words(rng, 200) for _ in range(HUGE_CELL // 200))
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([DONE_HEADER, ["1", "Xong", "28/12/2019", "Lò", note]])


# --- YAML -------------------------------------------------------------------------------------
def yaml_aliases(path: Path) -> None:
    """Billion laughs: nine levels of ten aliases each."""
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def yaml_deep(path: Path) -> None:
    path.write_text("x: " + "[" * (TEN_MB // 2) + "]" * (TEN_MB // 2) + "\n", encoding="utf-8")


def yaml_long_scalar(template: str) -> Writer:
    """`template` with {value} replaced by a 5 MB plain scalar."""

    def write(path: Path) -> None:
        path.write_text(template.format(value=words(random.Random(10), HUGE_CELL)), "utf-8")

    return write


def workdays_yaml(path: Path) -> None:
    """Every day of 1900–2100 listed off once (~73,000 entries), with long reasons."""
    rng, day, parts = random.Random(11), date(1900, 1, 1), ["off:\n"]
    while day < date(2101, 1, 1):
        parts.append(f"  - {{date: {day.isoformat()}, reason: {words(rng, 78)}}}\n")
        day += timedelta(days=1)
    path.write_text("".join(parts), encoding="utf-8")


def policy_yaml(path: Path) -> None:
    """A valid policy whose lead-time list is 10 MB long."""
    days = ", ".join(str(n % 61) for n in range(TEN_MB // 4))
    path.write_text(f"reminders:\n  once: [{days}]\n", encoding="utf-8")
