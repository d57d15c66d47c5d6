"""Structured plans (YAML, CSV, XLSX): the three formats round-trip to the same plan, and bad
input is refused with the file, the line or row and the field named."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from tasks.plans import ParsedItem, ParsedPlan, PlanParseError, Schedule, read_plan_file
from tasks.plans.structured import (
    ITEMS_SHEET,
    PLAN_SHEET,
    STRUCTURED_SUFFIXES,
    dump_csv,
    dump_xlsx,
    dump_yaml,
    load_csv,
    load_xlsx,
    load_yaml,
    read_structured_file,
)
from tasks.plans.structured.build import item_mapping
from tasks.plans.structured.fields import PLAN_FIELDS
from tests.support.settings import SettingsEnv

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "structured"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "plans" / "commune-2025-example.yaml"
FORMATS = {
    "yaml": (dump_yaml, load_yaml),
    "csv": (dump_csv, load_csv),
    "xlsx": (dump_xlsx, load_xlsx),
}


def comparable(plan: ParsedPlan) -> dict[str, Any]:
    """The plan without source positions, which differ between a YAML line and a sheet row
    (the evidence is where the text said it; a structured file keeps none)."""
    data = plan.to_json()
    for item in data["items"]:
        item.pop("line"), item.pop("evidence")
    data["warnings"] = [warning["message"] for warning in data["warnings"]]
    return data


def tricky_plan() -> ParsedPlan:
    return read_structured_file(FIXTURES / "tricky.yaml")[0]


def xlsx_edited(plan: ParsedPlan, sheet: str, cell: str, value: Any) -> bytes:
    """The plan's workbook with one cell changed, as an admin would in Excel."""
    book = load_workbook(io.BytesIO(dump_xlsx(plan)))
    book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_example_commune_plan_loads_without_warnings() -> None:
    plan, canonical = read_structured_file(EXAMPLE)
    assert plan.issuer == "UBND xã Chiềng Khương"
    assert plan.monitoring_agency == "Văn phòng HĐND và UBND xã"
    assert (plan.issued_on, plan.year) == (date(2025, 8, 4), 2025)
    assert plan.warnings == []
    kinds = {item.seq: item.timeframe.kind for item in plan.items}
    assert kinds == {
        "1": "ongoing",
        "2": "monthly",
        "3": "once",
        "4": "quarterly",
        "5": "once",
        "6": "once",
    }
    assert plan.items[2].coordinating == ["Đoàn Thanh niên xã", "Các thôn, bản"]
    assert plan.items[4].timeframe.due == date(2025, 12, 19)  # pinned by `due:`
    assert comparable(load_yaml(canonical)) == comparable(plan)


def test_yaml_dump_of_a_loaded_dump_is_identical() -> None:
    first = dump_yaml(tricky_plan())
    assert dump_yaml(load_yaml(first)) == first


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_gives_the_same_plan(fmt: str) -> None:
    dump, load = FORMATS[fmt]
    plan = tricky_plan()
    assert comparable(load(dump(plan), source=f"plan.{fmt}")) == comparable(plan)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_vietnamese_punctuation_and_line_breaks_survive(fmt: str) -> None:
    dump, load = FORMATS[fmt]
    item = load(dump(tricky_plan())).items[0]
    assert item.seq == "1.10"
    assert item.content == "Rà soát hồ sơ “trễ hạn”, lập danh sách; gửi 'Văn phòng' trước họp"
    assert item.details == (
        "Dòng thứ nhất, có dấu phẩy; có chấm phẩy.\nDòng thứ hai: \"ngoặc kép\" và 'nháy đơn'."
    )
    assert item.lead == ["Các thôn, bản", "Công an xã"]
    assert item.coordinating == ["Trường Tiểu học, THCS Chiềng Khương"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_pinned_deadline_of_a_stored_plan_survives(fmt: str) -> None:
    event = Schedule(text="Trước Hội nghị sơ kết", kind="once", due=date(2025, 6, 20))
    item = ParsedItem("1", "Chuẩn bị báo cáo", ["Công an xã"], [], event)
    plan = ParsedPlan(title="Kế hoạch", year=2025, issued_on=date(2025, 1, 10), items=[item])
    dump, load = FORMATS[fmt]
    assert load(dump(plan)).items[0].timeframe == event


def test_dump_pins_only_deadlines_the_text_does_not_give() -> None:
    dumped = dump_yaml(read_structured_file(EXAMPLE)[0])
    assert dumped.count("due:") == 1
    assert "    timeframe: Trước Hội nghị tổng kết năm\n    due: 2025-12-19\n" in dumped


@pytest.mark.parametrize("name", ["song-ma-2019-kh33-list.txt", "tuy-phuoc-2023-table.txt"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_plan_parsed_from_text_round_trips(shared_plans: Path, name: str, fmt: str) -> None:
    parsed, _ = read_plan_file(shared_plans / name)
    dump, load = FORMATS[fmt]
    again = comparable(load(dump(parsed)))
    expected = comparable(parsed)
    again.pop("warnings"), expected.pop("warnings")  # the text's header warnings stay behind
    assert again == expected


def test_all_formats_give_the_same_canonical_text(tmp_path: Path) -> None:
    plan = tricky_plan()
    (tmp_path / "plan.yml").write_text(dump_yaml(plan), encoding="utf-8")
    (tmp_path / "plan.csv").write_text(dump_csv(plan), encoding="utf-8")
    (tmp_path / "plan.xlsx").write_bytes(dump_xlsx(plan))
    texts = {read_structured_file(tmp_path / f"plan.{fmt}")[1] for fmt in ("yml", "csv", "xlsx")}
    assert texts == {dump_yaml(plan)}
    assert {".yaml", ".yml", ".csv", ".xlsx"} == STRUCTURED_SUFFIXES


def test_semicolon_csv_saved_by_excel_loads() -> None:
    plan, _ = read_structured_file(FIXTURES / "excel-semicolon.csv")
    assert plan.title == "Kế hoạch xã Chiềng Khương"
    assert [(item.seq, item.line) for item in plan.items] == [("1", 2), ("2", 4)]
    assert plan.items[0].content == "Rà soát; cập nhật"
    assert plan.items[0].coordinating == ["Đoàn Thanh niên xã", "Các thôn, bản"]
    assert plan.items[1].timeframe.day == 20


def test_warnings_name_the_line_of_each_doubtful_item() -> None:
    plan, _ = read_structured_file(FIXTURES / "warnings.yaml")
    found = [(warning.line, warning.message.split(":")[0]) for warning in plan.warnings]
    assert found == [(5, "item 1"), (9, "item 2"), (14, "item 3"), (21, "item 4")]
    messages = " | ".join(warning.message for warning in plan.warnings)
    assert "no lead agency" in messages
    assert "'Đột xuất' not read" in messages
    assert "deadline 2025-07-15 is before the plan's date 2025-08-01" in messages
    assert "'phường' starts in lower case" in messages
    assert len(plan.items) == 4  # warned about, not dropped


@pytest.mark.parametrize(
    ("name", "line", "fragments"),
    [
        ("missing-title.yaml", 1, ["field 'title'", "missing"]),
        ("item-without-content.yaml", 9, ["item 2", "field 'content'", "missing"]),
        ("bad-date.yaml", 3, ["field 'issued_on'", "'04/08/2025' is not a date"]),
        ("unknown-key.yaml", 8, ["item 1", "field 'coordinatng'", "unknown"]),
        ("lead-not-list.yaml", 6, ["item 1", "field 'lead'", "list of agency names"]),
        ("no-items.yaml", 3, ["field 'items'", "no items"]),
        ("not-yaml.yaml", 6, ["not valid YAML", "quoted scalar from line 4"]),
        ("duplicate-key.yaml", 6, ["content: given twice (also on line 5)"]),
        ("due-on-recurring.yaml", 9, ["field 'due'", "monthly"]),
        ("bad-date.csv", 3, ["row 3", "column 'due'", "'31/12/2025' is not a date"]),
        ("unknown-column.csv", 1, ["row 1", "unknown column 'ghi chú'"]),
        ("no-content.csv", 3, ["row 3", "column 'content'", "missing"]),
        ("plan-field-twice.csv", 3, ["row 3", "column 'title'", "differs"]),
    ],
)
def test_bad_input_names_file_line_and_field(name: str, line: int, fragments: list[str]) -> None:
    path = FIXTURES / name
    with pytest.raises(PlanParseError) as caught:
        read_structured_file(path)
    assert caught.value.line == line
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: ")
    for fragment in fragments:
        assert fragment in message


def test_corrupt_workbook_is_refused_with_the_file_named() -> None:
    path = FIXTURES / "corrupt.xlsx"
    with pytest.raises(PlanParseError, match=r"corrupt\.xlsx: not a readable \.xlsx workbook"):
        read_structured_file(path)


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "fragments"),
    [
        (PLAN_SHEET, "B5", "năm 2025", ["sheet 'Kế hoạch'", "row 5", "field 'issued_on'"]),
        (PLAN_SHEET, "A9", "ghi_chu", ["sheet 'Kế hoạch'", "row 9", "field 'ghi_chu'"]),
        (ITEMS_SHEET, "C3", None, ["sheet 'Nhiệm vụ'", "row 3", "column 'content'"]),
        (ITEMS_SHEET, "I1", "ghi chú", ["sheet 'Nhiệm vụ'", "row 1", "'ghi chú'"]),
    ],
)
def test_bad_workbook_cell_names_sheet_row_and_field(
    sheet: str, cell: str, value: Any, fragments: list[str]
) -> None:
    data = xlsx_edited(tricky_plan(), sheet, cell, value)
    with pytest.raises(PlanParseError) as caught:
        load_xlsx(data, source="plan.xlsx")
    message = str(caught.value)
    assert message.startswith("plan.xlsx:")
    for fragment in fragments:
        assert fragment in message


def test_workbook_without_the_items_sheet_is_refused() -> None:
    book = load_workbook(io.BytesIO(dump_xlsx(tricky_plan())))
    book[ITEMS_SHEET].title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PlanParseError, match="no sheet 'Nhiệm vụ'; found 'Sheet1'"):
        load_xlsx(buffer.getvalue(), source="plan.xlsx")


def test_other_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(PlanParseError, match=r"plan\.json: not a structured plan"):
        read_structured_file(path)


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        # an unquoted comma in a cell: pandas took the first cell for an index and shifted
        # every column, and the plan imported with "Hàng tháng" as its lead
        ("1,Rà soát, cập nhật,Phòng Nội vụ,,Hàng tháng,Thử\n", ":2: 7 cells under 6 column"),
        # a quote left open swallowed every later row into one cell
        (
            '1,"Rà soát,Phòng Nội vụ,,Quý I/2025,Thử\n2,Tập huấn,Phòng Tư pháp,,Quý II/2025,\n',
            ":2: ",
        ),
        ("1,Rà soát,Phòng Nội vụ,,Quý I/2025,Thử\n", None),
    ],
    ids=["extra-cell", "open-quote", "well-formed"],
)
def test_a_csv_row_that_would_shift_or_swallow_cells_is_refused_with_its_line(
    tmp_path: Path, rows: str, says: str | None
) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("seq,content,lead,coordinating,timeframe,title\n" + rows, encoding="utf-8")
    if says is None:
        plan, _ = read_structured_file(path)
        assert [(item.content, item.lead) for item in plan.items] == [("Rà soát", ["Phòng Nội vụ"])]
        return
    with pytest.raises(PlanParseError) as error:
        read_structured_file(path)
    assert f"{path}{says}" in str(error.value)


def test_a_tiny_workbook_declaring_a_cell_at_its_last_row_and_column_is_refused_at_once(
    tmp_path: Path,
) -> None:
    # 5 KB on disk; read whole (as pandas did) it grew past 20 GB and was killed
    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiệm vụ"
    sheet["A1"], sheet["XFD1048576"] = "content", "x"
    path = tmp_path / "plan.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(PlanParseError) as error:
        read_structured_file(path)
    assert str(error.value) == (
        f"{path}:1048576: sheet 'Nhiệm vụ' has data past row 10,000; split it, or it is not a plan"
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_plan() -> ParsedPlan:
    return read_structured_file(FIXTURES / "formulas.yaml")[0]


def test_csv_export_writes_formula_text_behind_an_apostrophe_and_reads_it_back() -> None:
    plan = formula_plan()
    dumped = dump_csv(plan)
    cells = [cell for row in csv.reader(io.StringIO(dumped.removeprefix("\ufeff"))) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert '\'=HYPERLINK("http://evil.example/","Xem hướng dẫn")' in cells
    assert "''=1+1 đã có dấu nháy" in cells  # an apostrophe already there is kept
    assert comparable(load_csv(dumped)) == comparable(plan)


def test_xlsx_export_stores_formula_text_as_text_and_reads_it_back() -> None:
    plan = formula_plan()
    data = dump_xlsx(plan)
    book = load_workbook(io.BytesIO(data))  # formulas as written, not their cached values
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell for cell in cells if isinstance(cell.value, str)]
    assert {c.value for c in texts if c.value.startswith("=")} == {
        '=HYPERLINK("http://evil.example/","Xem hướng dẫn")',
        '=HYPERLINK("http://evil.example/","Kế hoạch")',
        "=9/KH-UBND",
    }
    assert all(c.quotePrefix for c in texts if c.value.startswith(FORMULA_STARTS))
    assert comparable(load_xlsx(data)) == comparable(plan)


def test_an_unmodified_export_of_formula_text_is_the_same_document(tmp_path: Path) -> None:
    """The canonical text is what an import compares: the same one means no second plan."""
    plan, canonical = read_structured_file(FIXTURES / "formulas.yaml")
    (tmp_path / "plan.csv").write_text(dump_csv(plan), encoding="utf-8")
    (tmp_path / "plan.xlsx").write_bytes(dump_xlsx(plan))
    for name in ("plan.csv", "plan.xlsx"):
        assert read_structured_file(tmp_path / name)[1] == canonical, name


def test_a_csv_past_the_row_limit_is_refused_at_the_first_row_over_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    rows = "".join(f"{n},Việc {n},Sở A,Quý I/2025,Thử\n" for n in range(10_001))
    path.write_text("seq,content,lead,timeframe,title\n" + rows, encoding="utf-8")
    with pytest.raises(PlanParseError) as error:
        read_structured_file(path)
    assert str(error.value) == (
        f"{path}:10001: not a readable CSV table: more than 10,000 rows; split the file, or it "
        "is not a plan"
    )


class _PyYamlEmitter(yaml.SafeDumper):
    """How plans were dumped before libyaml wrote them: PyYAML's own emitter, lists indented."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_PyYamlEmitter.add_representer(str, _PyYamlEmitter.represent_str)


def plan_document(plan: ParsedPlan) -> dict[str, Any]:
    document = {key: getattr(plan, key) for key in PLAN_FIELDS}
    document = {key: value for key, value in document.items() if value is not None}
    return document | {"items": [item_mapping(item, plan.year, "on") for item in plan.items]}


def dumped_before(plan: ParsedPlan) -> str:
    return yaml.dump(
        plan_document(plan),
        Dumper=_PyYamlEmitter,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
    )


@pytest.mark.parametrize("name", ["song-ma-2019-kh33-list.txt", "tuy-phuoc-2023-table.txt"])
def test_a_plan_dumps_to_the_text_stored_before_so_its_import_is_recognised(
    shared_plans: Path, name: str
) -> None:
    for plan in (read_plan_file(shared_plans / name)[0], read_structured_file(EXAMPLE)[0]):
        assert dump_yaml(plan) == dumped_before(plan)


def test_text_with_line_separators_long_lines_and_document_markers_dumps_the_same_data() -> None:
    odd = ["a\u2028b", "c\x85d", "x " * 6_000 + "\ny", "...", "- \n...\n---", "trailing \nspace"]
    items = [
        ParsedItem(str(n), text, [text, "Phòng Nội vụ"], [text], Schedule(text, "unknown"))
        for n, text in enumerate(odd, 1)
    ]
    plan = ParsedPlan(title="Kế hoạch\u2028mới", year=2025, items=items)
    assert yaml.safe_load(dump_yaml(plan)) == plan_document(plan)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_structured_plan_over_the_plan_character_limit_is_refused_before_it_is_read(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dumped = FORMATS[fmt][0](tricky_plan())
    SettingsEnv(monkeypatch).set(max_plan_chars=300)
    path = tmp_path / f"plan.{fmt}"
    path.write_bytes(dumped if isinstance(dumped, bytes) else dumped.encode("utf-8"))
    with pytest.raises(PlanParseError) as error:
        read_structured_file(path)
    limit = "characters, over the 300-character limit of a plan (DONDOC_MAX_PLAN_CHARS)"
    assert str(error.value).startswith(f"{path}: ") and str(error.value).endswith(limit)
