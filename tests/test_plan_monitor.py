"""`dondoc plan monitor`: who follows a plan up, named in the plan's own directory scope."""

from __future__ import annotations

import pytest

from dondoc.core.db import session_scope
from models import Plan
from tasks.directory import import_directory, load_directory
from tests.conftest import EXAMPLES
from tests.support.cli import Cli
from tests.support.seeds import seed_song_ma


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


@pytest.fixture
def plan_id(database_url: str) -> str:
    """Sông Mã's plan, with Tuy Phước's directory beside it: its "Phòng Nội vụ" and
    "Phòng Tư pháp" carry the same names in another scope."""
    with session_scope(database_url) as session:
        import_directory(session, load_directory(EXAMPLES / "directories" / "tuy-phuoc.yaml"))
        return str(seed_song_ma(session))


def monitoring(database_url: str, plan_id: str) -> tuple[str | None, str | None]:
    with session_scope(database_url) as session:
        plan = session.get(Plan, int(plan_id))
        assert plan is not None
        agency = plan.monitoring_agency
        return (agency.name, agency.scope_key) if agency else (None, None)


def test_monitor_sets_an_agency_of_the_plans_scope_and_clear_restores_the_default(
    cli: Cli, plan_id: str, database_url: str
) -> None:
    assert monitoring(database_url, plan_id) == ("Phòng Nội vụ", "ubnd huyện sông mã")
    set_to = cli.json("plan", "monitor", plan_id, "Phòng Tư pháp")
    assert set_to["monitoring_agency"] == "Phòng Tư pháp"
    assert monitoring(database_url, plan_id) == ("Phòng Tư pháp", "ubnd huyện sông mã")
    assert cli.json("plan", "show", plan_id)["monitoring_agency"] == "Phòng Tư pháp"

    cleared = cli.json("plan", "monitor", plan_id, "--clear")
    assert cleared["monitoring_agency"] == "Phòng Nội vụ"
    assert monitoring(database_url, plan_id) == ("Phòng Nội vụ", "ubnd huyện sông mã")
    out = cli("plan", "monitor", "33/KH-UBND", "Văn phòng HĐND - UBND huyện").stdout
    assert "theo dõi, đôn đốc: Văn phòng HĐND và UBND huyện" in out


def test_monitor_refuses_other_scopes_groups_and_unclear_requests(
    cli: Cli, plan_id: str, database_url: str
) -> None:
    other = cli("plan", "monitor", plan_id, "UBND xã Phước Thắng", expect=1)  # Tuy Phước
    assert "no agency named 'UBND xã Phước Thắng'" in other.stderr
    group = cli("plan", "monitor", plan_id, "UBND các xã, thị trấn", expect=1)
    assert "is a group" in group.stderr
    assert "one of them" in cli("plan", "monitor", plan_id, expect=2).stderr
    cli("plan", "monitor", plan_id, "Phòng Tư pháp", "--clear", expect=2, says="one of them")
    assert monitoring(database_url, plan_id) == ("Phòng Nội vụ", "ubnd huyện sông mã")
