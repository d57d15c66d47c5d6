"""The `dondoc` command end to end on SQLite and PostgreSQL: import, show, approve, export."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from dondoc.core.db import session_scope
from models import Agency, Plan
from tasks.plans import SCHEDULE_KINDS
from tests.conftest import EXAMPLES
from tests.support.cli import Cli
from tests.support.corpus import CORPUS

SONG_MA_PLAN = EXAMPLES / "plans" / "song-ma-2019-kh33.txt"
TUY_PHUOC_PLAN = EXAMPLES / "plans" / "tuy-phuoc-2023-truyen-thong.txt"
SONG_MA_DIRECTORY = EXAMPLES / "directories" / "song-ma.yaml"
TUY_PHUOC_DIRECTORY = EXAMPLES / "directories" / "tuy-phuoc.yaml"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


def plan_count(database_url: str) -> int:
    with session_scope(database_url) as session:
        return session.scalar(select(func.count()).select_from(Plan)) or 0


def test_plan_parse_json_follows_the_documented_shape(cli: Cli) -> None:
    data = cli.json("plan", "parse", str(SONG_MA_PLAN))
    assert data["number"] == "33/KH-UBND"
    assert data["issued_on"] == "2019-01-11"
    assert data["year"] == 2019
    for item in data["items"]:
        assert set(item) >= {"seq", "content", "lead", "coordinating", "timeframe"}
        assert item["timeframe"]["kind"] in SCHEDULE_KINDS
        assert all(isinstance(name, str) for name in item["lead"] + item["coordinating"])
    assert all(set(w) == {"line", "message"} for w in data["warnings"])


def test_a_plan_without_tasks_prints_what_was_read_then_fails(cli: Cli) -> None:
    plan = CORPUS / "documents" / "c405-ubnd-dongthap-2025-tcth-agency-blocks-no-items.txt"
    result = cli("plan", "parse", str(plan), "--json", expect=1)
    data = json.loads(result.stdout)
    assert (data["number"], data["items"]) == ("597/KH-UBND", [])
    assert "duties of agencies in 'Tổ chức thực hiện'" in data["refused"]
    assert "no plan items" in result.stderr


def test_plan_parse_writes_nothing(cli: Cli, database_url: str) -> None:
    cli("plan", "parse", str(SONG_MA_PLAN))
    assert plan_count(database_url) == 0


def test_import_show_and_approve_a_plan(cli: Cli) -> None:
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    imported = cli.json("plan", "import", str(SONG_MA_PLAN))
    assert imported["created"] is True
    assert imported["unresolved"] == []
    plan_id = str(imported["plan_id"])

    shown = cli.json("plan", "show", plan_id)
    assert shown["status"] == "draft"
    assert shown["scope"] == "ubnd huyện sông mã"
    assert shown["monitoring_agency"] is not None
    weekly = [i for i in shown["items"] if i["timeframe"]["kind"] == "weekly"]
    assert weekly and all(a["resolved"] for a in weekly[0]["lead"])

    cli("plan", "approve", plan_id, "--by", "Nguyễn Văn A")
    approved = cli.json("plan", "show", plan_id)
    assert approved["status"] == "approved"
    assert approved["approved_by"] == "Nguyễn Văn A"
    refused = cli("plan", "approve", plan_id, "--by", "Nguyễn Văn A", expect=1)
    assert "only a draft can be approved" in refused.stderr
    assert [p["status"] for p in cli.json("plan", "list")] == ["approved"]


def test_the_same_document_in_nfd_with_crlf_is_not_imported_twice(
    cli: Cli, tmp_path: Path, database_url: str
) -> None:
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    first = cli.json("plan", "import", str(SONG_MA_PLAN))
    variant = tmp_path / "copy.txt"
    text = unicodedata.normalize("NFD", SONG_MA_PLAN.read_text(encoding="utf-8"))
    variant.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    second = cli.json("plan", "import", str(variant))
    assert second == {**second, "plan_id": first["plan_id"], "created": False}
    assert plan_count(database_url) == 1


def test_unknown_agencies_are_reported_with_suggestions_and_left_unresolved(cli: Cli) -> None:
    imported = cli.json("plan", "import", str(SONG_MA_PLAN))
    assert imported["unresolved"], "without a directory every name is unresolved"
    shown = cli.json("plan", "show", str(imported["plan_id"]))
    leads = [a for item in shown["items"] for a in item["lead"]]
    assert leads and all(a["match"] == "unresolved" and a["resolved"] is None for a in leads)


def test_auto_agencies_creates_unverified_agencies_without_email(
    cli: Cli, database_url: str
) -> None:
    imported = cli.json("plan", "import", str(TUY_PHUOC_PLAN), "--auto-agencies")
    assert imported["unresolved"] == []
    assert imported["created_agencies"]
    with session_scope(database_url) as session:
        created = session.scalars(select(Agency).where(Agency.verified.is_(False))).all()
        assert {a.name for a in created} == set(imported["created_agencies"])
        assert all(a.email is None for a in created)


@pytest.mark.parametrize("fmt", ["yaml", "csv", "xlsx"])
def test_export_and_reimport_gives_the_same_plan(cli: Cli, tmp_path: Path, fmt: str) -> None:
    cli("agencies", "import", str(TUY_PHUOC_DIRECTORY))
    plan_id = str(cli.json("plan", "import", str(TUY_PHUOC_PLAN))["plan_id"])
    exported = tmp_path / f"plan.{fmt}"
    cli("plan", "export", plan_id, "--format", fmt, "--out", str(exported))
    again = cli.json("plan", "import", str(exported))
    assert again["created"] is True

    def comparable(plan_ref: str) -> dict[str, object]:
        shown = cli.json("plan", "show", plan_ref)
        # where the text said it (line, evidence) is not kept in a spreadsheet
        items = [
            {k: v for k, v in item.items() if k not in ("line", "evidence")}
            for item in shown["items"]
        ]
        keep = ("number", "title", "issuer", "issued_on", "year", "monitoring_agency")
        return {"items": items, **{k: shown[k] for k in keep}}

    assert comparable(str(again["plan_id"])) == comparable(plan_id)


def test_export_yaml_to_stdout_is_loadable_text(cli: Cli) -> None:
    plan_id = str(cli.json("plan", "import", str(SONG_MA_PLAN))["plan_id"])
    out = cli("plan", "export", plan_id, "--format", "yaml").stdout
    assert "33/KH-UBND" in out and "items:" in out
    plan = yaml.safe_load(out)
    assert (plan["number"], plan["issuer"], plan["year"]) == (
        "33/KH-UBND",
        "UBND huyện Sông Mã",
        2019,
    )
    assert plan["issued_on"] == date(2019, 1, 11)
    assert [item["seq"] for item in plan["items"]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert plan["items"][0]["lead"] == ["Các cơ quan, đơn vị", "UBND các xã, thị trấn"]
    assert plan["items"][0]["timeframe"] == "Thường xuyên trong năm 2019"


def test_export_refuses_an_unknown_format(cli: Cli) -> None:
    plan_id = str(cli.json("plan", "import", str(SONG_MA_PLAN))["plan_id"])
    result = cli("plan", "export", plan_id, "--format", "pdf", expect=2)
    assert "--format" in result.stderr


@pytest.mark.parametrize(
    "news",
    [
        "ha-noi-2024-kh54-summary-news.txt",
        "nghe-an-2019-report-news.txt",
        "province-2024-tthc-control-news.txt",
    ],
)
def test_news_articles_are_refused_and_nothing_is_written(
    cli: Cli, shared_plans: Path, database_url: str, news: str
) -> None:
    for command in ("parse", "import"):
        result = cli("plan", command, str(shared_plans / news), expect=1)
        assert news in result.stderr and "not a plan: it " in result.stderr
    assert plan_count(database_url) == 0


def test_an_error_naming_a_long_path_is_one_unbroken_line(cli: Cli, tmp_path: Path) -> None:
    deep = tmp_path / ("thư-mục-rất-dài-" * 6) / "kế-hoạch-không-có-nội-dung.txt"
    deep.parent.mkdir(parents=True)
    deep.write_bytes(b"")
    result = cli("plan", "parse", str(deep), expect=1)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {deep}") and "empty" in line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("Pho\u0300ng Tư pháp".encode("cp1258"), "UTF-8"),
    ],
    ids=["empty", "binary", "windows-1258"],
)
def test_unreadable_files_get_a_clear_error(
    cli: Cli, tmp_path: Path, database_url: str, content: bytes, expected: str
) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(content)
    result = cli("plan", "import", str(path), expect=1)
    assert "plan.txt" in result.stderr and expected in result.stderr
    assert plan_count(database_url) == 0


def test_show_of_a_missing_plan_fails(cli: Cli) -> None:
    result = cli("plan", "show", "999", expect=1)
    assert "no plan with id 999" in result.stderr


def test_agencies_list_shows_the_imported_directory(cli: Cli) -> None:
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    listed = cli.json("agencies", "list")
    groups = {g["name"]: g["members"] for g in listed["groups"]}
    assert len(groups["UBND các xã, thị trấn"]) == 19
    assert {g["scope"] for g in listed["groups"]} == {"ubnd huyện sông mã"}
    assert any(a["monitoring"] for a in listed["agencies"])


def test_a_directory_with_an_invalid_email_is_refused_whole(
    cli: Cli, tmp_path: Path, database_url: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "agencies:\n  - name: Phòng Nội vụ\n    email: pnv@example.org\n"
        "  - name: Phòng Tư pháp\n    email: not-an-address\n",
        encoding="utf-8",
    )
    result = cli("agencies", "import", str(bad), expect=1)
    assert "bad.yaml:5" in result.stderr and "email" in result.stderr
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Agency)) == 0


def test_directory_fields_dondoc_does_not_read_are_reported(cli: Cli, tmp_path: Path) -> None:
    directory = tmp_path / "extra.yaml"
    directory.write_text(
        "agencies:\n  - name: Phòng Nội vụ\n    email: pnv@example.org\n    fax: 0212 3456\n",
        encoding="utf-8",
    )
    result = cli("agencies", "import", str(directory))
    assert "extra.yaml:4" in result.stderr and "fax" in result.stderr


def test_a_plan_naming_no_monitoring_agency_gets_its_localitys_flagged_one(
    cli: Cli, shared_plans: Path
) -> None:
    cli("agencies", "import", str(TUY_PHUOC_DIRECTORY))
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    imported = cli.json("plan", "import", str(shared_plans / "song-ma-2019-kh33-list.txt"))
    shown = cli.json("plan", "show", str(imported["plan_id"]))
    assert shown["monitoring_agency_as_written"] is None
    assert shown["monitoring_agency"] == "Phòng Nội vụ"
    assert shown["scope"] == "ubnd huyện sông mã"
    listed = cli.json("agencies", "list")["agencies"]
    flagged = [a for a in listed if a["monitoring"] and a["scope"] == "ubnd huyện sông mã"]
    assert [a["name"] for a in flagged] == ["Phòng Nội vụ"]


def test_an_unscoped_plan_gets_no_monitoring_agency_when_several_are_flagged(
    cli: Cli, tmp_path: Path
) -> None:
    cli("agencies", "import", str(TUY_PHUOC_DIRECTORY))
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "title: Kế hoạch thử không rõ địa phương\nyear: 2024\nitems:\n"
        "  - seq: '1'\n    content: Báo cáo\n    lead:\n      - Phòng Tư pháp\n"
        "    timeframe: Hằng quý\n",
        encoding="utf-8",
    )
    shown = cli.json("plan", "show", str(cli.json("plan", "import", str(plan))["plan_id"]))
    assert shown["scope"] == ""
    assert shown["monitoring_agency"] is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_unmodified_export_of_formula_text_imports_as_the_same_plan(
    cli: Cli, database_url: str, tmp_path: Path, fmt: str
) -> None:
    formulas = Path(__file__).parent / "fixtures" / "structured" / "formulas.yaml"
    plan_id = str(cli.json("plan", "import", str(formulas), "--auto-agencies")["plan_id"])
    exported = tmp_path / f"plan.{fmt}"
    cli("plan", "export", plan_id, "--format", fmt, "--out", str(exported))
    again = cli("plan", "import", str(exported))
    assert f"already imported as plan {plan_id} (same document)" in again.stdout
    assert plan_count(database_url) == 1
    shown = cli.json("plan", "show", plan_id)
    assert shown["items"][0]["content"].startswith('=HYPERLINK("http://evil.example/"')


def test_a_long_plan_is_shown_in_part_and_listed_whole_as_json(cli: Cli, tmp_path: Path) -> None:
    items = "".join(
        f"{n}. Việc số {n}\n- Cơ quan chủ trì: Sở Y tế\n- Thời gian: Quý II/2025\n"
        for n in range(1, 251)
    )
    plan = tmp_path / "dai.txt"
    plan.write_text("KẾ HOẠCH\nThử\n" + items, encoding="utf-8")
    shown = cli("plan", "parse", str(plan)).stdout
    assert "Việc số 200" in shown and "Việc số 201" not in shown
    assert "… and 50 more rows not shown (--json lists every row)" in shown
    assert len(json.loads(cli("plan", "parse", str(plan), "--json").stdout)["items"]) == 250
