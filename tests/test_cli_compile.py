"""`dondoc plan compile` and `dondoc occurrences` end to end on SQLite and PostgreSQL."""

from __future__ import annotations

import getpass

import pytest

from dondoc.cli.output import console
from tests.conftest import EXAMPLES, FIXTURES
from tests.support.cli import Cli

SONG_MA_PLAN = EXAMPLES / "plans" / "song-ma-2019-kh33.txt"
SONG_MA_DIRECTORY = EXAMPLES / "directories" / "song-ma.yaml"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


@pytest.fixture
def approved(cli: Cli) -> str:
    return cli.song_ma_plan()


def test_compile_prints_counts_and_is_idempotent(cli: Cli, approved: str) -> None:
    first = cli.json("plan", "compile", approved)
    assert first["changed"] is True and first["version"] == 1
    assert first["counts"]["added"] == 748
    assert first["period"] == ["2019-01-11", "2019-12-31"]
    assert {entry["seq"] for entry in first["diff"]} == {"1", "2", "3", "4", "5", "6", "7"}
    again = cli("plan", "compile", approved).stdout
    assert "nothing changed" in again and "748 unchanged" in again


def test_compile_refuses_a_draft_and_a_bad_period(cli: Cli) -> None:
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    plan_id = str(cli.json("plan", "import", str(SONG_MA_PLAN))["plan_id"])
    refused = cli("plan", "compile", plan_id, expect=1)
    assert "only approved plans compile" in refused.stderr
    cli("plan", "approve", plan_id, "--by", "Nguyễn Văn A")
    bad = cli("plan", "compile", plan_id, "--period", "2019-12-31", expect=1)
    assert "FROM:TO" in bad.stderr
    assert cli.json("occurrences", "list") == []


def test_occurrences_list_filters_by_plan_agency_dates_and_status(cli: Cli, approved: str) -> None:
    cli("plan", "compile", approved)
    rows = cli.json("occurrences", "list", "--plan", approved)
    assert len(rows) == 748
    assert set(rows[0]) >= {"id", "plan_id", "item_seq", "agency", "due", "status"}
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)

    commune = cli.json("occurrences", "list", "--agency", "UBND xã Chiềng Khương", "--json")
    assert {r["agency"] for r in commune} == {"UBND xã Chiềng Khương"}
    group = cli.json(
        "occurrences", "list", "--agency", "UBND các xã, thị trấn", "--to", "2019-01-31"
    )
    assert len({r["agency"] for r in group}) == 19

    march = cli.json("occurrences", "list", "--from", "2019-03-01", "--to", "2019-03-31")
    assert {r["due"][:7] for r in march} == {"2019-03"}
    overdue = cli.json("occurrences", "list", "--status", "overdue")  # 2019 is long past
    assert len(overdue) == 748 and {r["status"] for r in overdue} == {"overdue"}
    cli("occurrences", "list", "--status", "late", expect=2, says="--status must be one of")
    assert (
        "did you mean"
        in cli("occurrences", "list", "--agency", "UBND xã Chiềng Khoo", expect=1).stderr
    )


def test_occurrences_done_records_late_work_once(cli: Cli, approved: str) -> None:
    cli("plan", "compile", approved)
    first = cli.json("occurrences", "list", "--plan", approved, "--limit", "1")[0]
    cli(
        "occurrences",
        "done",
        str(first["id"]),
        "--at",
        first["due"],
        "--note",
        "Đã xong",
        "--by",
        "Tester",
    )
    late_id = str(cli.json("occurrences", "list", "--status", "overdue", "--limit", "1")[0]["id"])
    cli("occurrences", "done", late_id)
    done = {r["id"]: r for r in cli.json("occurrences", "list", "--status", "done")}
    assert done[first["id"]]["completed_by"] == "Tester" and done[first["id"]]["note"] == "Đã xong"
    late = cli.json("occurrences", "list", "--status", "done_late")
    assert [r["id"] for r in late] == [int(late_id)]
    again = cli("occurrences", "done", late_id, "--by", "Someone else", expect=1).stderr
    assert "only pending or overdue" in again and f"(reported by {getpass.getuser()} on " in again
    assert (
        "in the future"
        in cli("occurrences", "done", late_id, "--at", "2999-01-01", expect=2).stderr
    )


def test_plan_show_prints_each_items_rule(
    cli: Cli, approved: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = cli.json("plan", "show", approved)
    rules = {item["seq"]: item["rule"] for item in shown["items"]}
    assert rules["2"]["rrule"] == "FREQ=WEEKLY;BYDAY=FR"
    assert rules["6"]["rrule"] == "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=5"
    assert rules["1"]["checkin"] == "FREQ=MONTHLY;BYMONTHDAY=-1"
    assert rules["4"]["once"] == "2019-12-31"
    monkeypatch.setattr(console, "width", 240)  # a wide terminal: no wrapping inside the rule
    assert "RRULE:FREQ=WEEKLY;BYDAY=FR" in cli("plan", "show", approved).stdout


def test_an_amended_plan_compiles_with_its_diff(cli: Cli, approved: str) -> None:
    cli("plan", "compile", approved)
    amended = str(
        cli.json("plan", "import", str(FIXTURES / "plans" / "song-ma-2019-kh33-amended.txt"))[
            "plan_id"
        ]
    )
    cli("plan", "approve", amended, "--by", "Nguyễn Văn A")
    out = cli("plan", "compile", amended).stdout
    assert f"amends plan {approved}" in out
    assert "- item 5 (removed): 1 cancelled" in out
    assert "+ item 8 (added): 7 added" in out


def test_the_demo_imports_approves_and_compiles_every_example(cli: Cli) -> None:
    from dondoc.cli.demo import EXAMPLES, load_examples

    assert len(load_examples(cli.database_url, EXAMPLES)) == 4
    plans = cli.json("plan", "list")
    assert {plan["status"] for plan in plans} == {"approved"}
    for plan in plans:
        assert cli.json("occurrences", "list", "--plan", str(plan["id"]), "--limit", "1")
    assert "nothing changed" in cli("plan", "compile", str(plans[0]["id"])).stdout


def test_compile_names_the_bad_line_of_the_override_file(
    cli: Cli, approved: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = FIXTURES / "workdays" / "bad-date.yaml"
    monkeypatch.setenv("DONDOC_WORKDAY_OVERRIDES", str(bad))
    refused = cli("plan", "compile", approved, expect=1)
    assert f"{bad}:" in refused.stderr.replace("\n", "") and "date" in refused.stderr
    assert cli.json("occurrences", "list") == []
