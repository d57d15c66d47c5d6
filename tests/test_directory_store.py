"""The agency directory in a database (SQLite and PostgreSQL): importing, re-importing, and
the scopes that keep several localities' directories apart in one database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dondoc.core.text import normalize_name
from models import Agency, AgencyGroup, Plan
from models.queries import (
    agencies_without_email,
    agency_by_key,
    list_agencies,
    list_groups,
    monitoring_agencies,
    unverified_agencies,
)
from tasks.directory import (
    Resolver,
    create_unverified,
    guess_kind,
    import_directory,
    load_directory,
)
from tasks.directory.resolve import stored_known_names
from tasks.plans import import_parsed_plan, read_plan_file
from tests.conftest import ROOT
from tests.support.directories import DIRECTORIES, SONG_MA, TUY_PHUOC
from tests.support.directories import DIRECTORY_FIXTURES as FIXTURES

CHIENG_KHUONG = DIRECTORIES / "chieng-khuong-2025.yaml"
SON_LA = DIRECTORIES / "son-la-2025.yaml"
SONG_MA_SCOPE = "UBND huyện Sông Mã"
TUY_PHUOC_SCOPE = "UBND huyện Tuy Phước"
CHIENG_KHUONG_SCOPE = "UBND xã Chiềng Khương"
SON_LA_SCOPE = "UBND tỉnh Sơn La"
SONG_MA_KEY = normalize_name(SONG_MA_SCOPE)
TUY_PHUOC_KEY = normalize_name(TUY_PHUOC_SCOPE)
SONG_MA_COMMUNES = 19
TUY_PHUOC_COMMUNES = 13


def _import_all(session: Session, *paths: Path) -> None:
    for path in paths:
        counts = import_directory(session, load_directory(path))
        assert counts.warnings == [], (path, counts.warnings)


def _agency(session: Session, agency_id: int | None) -> Agency:
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    assert agency is not None
    return agency


# --- importing one directory --------------------------------------------------------------


@pytest.mark.parametrize("path", [SONG_MA, TUY_PHUOC], ids=lambda p: p.stem)
def test_import_creates_everything_and_reimport_changes_nothing(
    db_session: Session, path: Path
) -> None:
    directory = load_directory(path)
    first = import_directory(db_session, directory)
    assert (first.agencies.created, first.groups.created) == (
        len(directory.agencies),
        len(directory.groups),
    )
    again = import_directory(db_session, load_directory(path))
    assert (again.agencies.unchanged, again.groups.unchanged) == (
        len(directory.agencies),
        len(directory.groups),
    )
    assert again.agencies.created == again.agencies.updated == again.groups.updated == 0
    assert again.warnings == []
    assert str(again).startswith(f"scope {directory.scope!r}: agencies: 0 created")


def test_stored_directory_keeps_fields_parents_and_members(db_session: Session) -> None:
    import_directory(db_session, load_directory(SONG_MA))
    interior = agency_by_key(db_session, normalize_name("Phòng Nội vụ"), SONG_MA_KEY)
    assert interior is not None
    assert interior.email == "pnv.songma@example.org"
    assert interior.aliases == ["Phòng Nội vụ huyện", "Phòng NV"]
    assert interior.parent is not None and interior.parent.name == "UBND huyện Sông Mã"
    assert agency_by_key(db_session, normalize_name("Phòng Nội vụ")) is None  # not global
    assert [a.name for a in monitoring_agencies(db_session)] == ["Phòng Nội vụ"]
    assert [a.name for a in agencies_without_email(db_session)] == [
        "Đoàn thể chính trị, xã hội các xã, thị trấn",
        "Ban quản lý bản, tổ dân phố",
    ]
    communes = next(g for g in list_groups(db_session) if g.name == "UBND các xã, thị trấn")
    assert len(communes.members) == SONG_MA_COMMUNES

    resolver = Resolver.from_session(db_session)
    group = resolver.resolve("UBND các xã, thị trấn")
    assert group.group_id == communes.id
    assert resolver.expand(communes.id) == sorted(a.id for a in communes.members)
    assert resolver.resolve("Phòng Nội vụ huyện").agency_id == interior.id


def test_reimport_with_a_changed_email_updates_only_that_agency(db_session: Session) -> None:
    directory = load_directory(SONG_MA)
    import_directory(db_session, directory)
    index = next(i for i, a in enumerate(directory.agencies) if a.name == "Phòng Tư pháp")
    directory.agencies[index] = directory.agencies[index].model_copy(
        update={"email": "tuphap.moi@example.org"}
    )
    counts = import_directory(db_session, directory)
    assert (counts.agencies.updated, counts.agencies.unchanged) == (1, 31)
    justice = agency_by_key(db_session, normalize_name("Phòng Tư pháp"), SONG_MA_KEY)
    assert justice is not None and justice.email == "tuphap.moi@example.org"


def test_group_membership_change_is_an_update_and_a_dropped_member_is_said(
    db_session: Session,
) -> None:
    directory = load_directory(FIXTURES / "mini.yaml")
    import_directory(db_session, directory)
    communes = next(i for i, g in enumerate(directory.groups) if g.name == "UBND các xã")
    directory.groups[communes] = directory.groups[communes].model_copy(
        update={"members": ["UBND xã Chiềng Phung"]}
    )
    directory.agencies = [a for a in directory.agencies if a.name != "UBND xã Chiềng Khương"]
    counts = import_directory(db_session, directory)
    assert (counts.groups.updated, counts.groups.unchanged) == (1, 1)
    assert counts.warnings == [
        "group 'UBND các xã' loses 1 members this directory does not list"
        " (UBND xã Chiềng Khương, …); another locality's directory needs a `scope` of its own"
    ]
    group = db_session.get(
        AgencyGroup, Resolver.from_session(db_session).resolve("UBND các xã").group_id
    )
    assert group is not None and [a.name for a in group.members] == ["UBND xã Chiềng Phung"]


def test_csv_import_over_its_yaml_twin_changes_nothing(db_session: Session) -> None:
    import_directory(db_session, load_directory(FIXTURES / "mini.yaml"))
    counts = import_directory(db_session, load_directory(FIXTURES / "mini.csv"))
    assert (counts.agencies.unchanged, counts.groups.unchanged) == (5, 2)
    assert counts.agencies.created == counts.agencies.updated == counts.groups.updated == 0


def test_auto_created_agency_becomes_verified_when_its_scope_directory_names_it(
    db_session: Session,
) -> None:
    created = create_unverified(db_session, "Phòng Nội vụ.", SONG_MA_KEY)
    assert (created.name, created.scope_key, created.kind, created.verified, created.email) == (
        "Phòng Nội vụ",
        SONG_MA_KEY,
        "phong",
        False,
        None,
    )
    assert create_unverified(db_session, "PHÒNG NỘI VỤ", SONG_MA_KEY) is created
    elsewhere = create_unverified(db_session, "Phòng Nội vụ", TUY_PHUOC_KEY)
    assert elsewhere is not created and elsewhere.scope_key == TUY_PHUOC_KEY
    assert unverified_agencies(db_session) == [created, elsewhere]

    counts = import_directory(db_session, load_directory(SONG_MA))
    assert (counts.agencies.created, counts.agencies.updated) == (31, 1)
    assert created.verified and created.email == "pnv.songma@example.org"
    assert unverified_agencies(db_session) == [elsewhere]
    assert len(list_agencies(db_session, [SONG_MA_KEY])) == 32


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("UBND xã Hội Nghĩa", "xa"),
        ("Ủy ban nhân dân thị trấn Sông Mã", "thi_tran"),
        ("Văn phòng HĐND và UBND huyện", "van_phong"),
        ("Sở Nội vụ", "so"),
        ("Các thôn, bản", None),
    ],
)
def test_kind_is_guessed_from_the_head_word(name: str, kind: str | None) -> None:
    assert guess_kind(name) == kind


# --- several localities in one database ---------------------------------------------------


def test_three_directories_in_one_database_keep_their_own_groups_and_agencies(
    db_session: Session,
) -> None:
    _import_all(db_session, SONG_MA, TUY_PHUOC, CHIENG_KHUONG)
    communes = {
        group.scope_key: len(group.members)
        for group in list_groups(db_session)
        if group.name == "UBND các xã, thị trấn"
    }
    assert communes == {SONG_MA_KEY: SONG_MA_COMMUNES, TUY_PHUOC_KEY: TUY_PHUOC_COMMUNES}
    # The 2019 district commune and the 2025 commune are two records with their own inboxes.
    same_name = [a for a in list_agencies(db_session) if a.name == "UBND xã Chiềng Khương"]
    assert {(a.scope_key, a.email) for a in same_name} == {
        (SONG_MA_KEY, "ubnd.chiengkhuong@example.org"),
        (normalize_name(CHIENG_KHUONG_SCOPE), "ubnd.chiengkhuong2025@example.org"),
    }
    again = import_directory(db_session, load_directory(SONG_MA))
    assert again.agencies.unchanged == 32 and again.warnings == []


@pytest.mark.parametrize(
    ("scope", "email", "communes"),
    [
        (TUY_PHUOC_SCOPE, "pnv.tuyphuoc@example.org", TUY_PHUOC_COMMUNES),
        ("ỦY BAN NHÂN DÂN HUYỆN SÔNG MÃ", "pnv.songma@example.org", SONG_MA_COMMUNES),
    ],
)
def test_scoped_resolver_sends_a_shared_name_to_its_own_district(
    db_session: Session, scope: str, email: str, communes: int
) -> None:
    _import_all(db_session, SONG_MA, TUY_PHUOC, CHIENG_KHUONG)
    resolver = Resolver.from_session(db_session, scope=scope)
    assert resolver.scope_key == normalize_name(scope)
    interior = resolver.resolve("Phòng Nội vụ")
    assert interior.match == "exact"
    assert _agency(db_session, interior.agency_id).email == email
    group = resolver.resolve("UBND các xã, thị trấn")
    assert group.group_id is not None and len(resolver.expand(group.group_id)) == communes


@pytest.mark.parametrize("scope", [None, "UBND tỉnh Sơn La"])
def test_unscoped_resolver_leaves_a_shared_name_unresolved_with_qualified_suggestions(
    db_session: Session, scope: str | None
) -> None:
    _import_all(db_session, SONG_MA, TUY_PHUOC)
    resolver = Resolver.from_session(db_session, scope=scope)
    assert resolver.scope_key == ""  # no directory serves that issuer: every scope is held
    both = {"Phòng Nội vụ (UBND huyện Sông Mã)", "Phòng Nội vụ (UBND huyện Tuy Phước)"}
    for written in ("Phòng Nội vụ", "Phòng Nôi vụ"):  # exact and fuzzy
        resolution = resolver.resolve(written)
        assert (resolution.match, resolution.agency_id) == ("unresolved", None)
        assert {name for name, _ in resolution.suggestions[:2]} == both
    # A name only one district has still resolves.
    assert resolver.resolve("UBND xã Bó Sinh").match == "exact"


def test_a_global_name_resolves_from_any_scope_and_a_scope_name_wins_over_it(
    db_session: Session,
) -> None:
    _import_all(db_session, FIXTURES / "global.yaml", SONG_MA, TUY_PHUOC)

    def email_for(name: str, scope: str | None) -> str | None:
        resolution = Resolver.from_session(db_session, scope).resolve(name)
        return _agency(db_session, resolution.agency_id).email

    for scope in (SONG_MA_SCOPE, TUY_PHUOC_SCOPE, None):
        assert email_for("Sở Nội vụ", scope) == "snv.tinh@example.org"
    assert email_for("Bưu điện huyện", TUY_PHUOC_SCOPE) == "buudien.tuyphuoc@example.org"
    assert email_for("Bưu điện huyện", SONG_MA_SCOPE) == "buudien.tinh@example.org"  # none own
    # Unscoped: the global entry before any one district's.
    assert email_for("Bưu điện huyện", None) == "buudien.tinh@example.org"


def test_scope_alias_that_is_a_global_name_is_warned_about(db_session: Session) -> None:
    import_directory(db_session, load_directory(FIXTURES / "global.yaml"))
    counts = import_directory(db_session, load_directory(FIXTURES / "scoped.csv"))
    assert counts.warnings == [
        "alias 'Sở Nội vụ' of 'Sở Nội vụ tỉnh' is the name of 'Sở Nội vụ' in the global scope:"
        " this scope's plans resolve that name to 'Sở Nội vụ tỉnh'"
    ]
    assert {a.scope_key for a in list_agencies(db_session)} == {"", "ubnd huyện mẫu"}
    resolver = Resolver.from_session(db_session, scope="UBND huyện Mẫu")
    assert _agency(db_session, resolver.resolve("Sở Nội vụ").agency_id).name == "Sở Nội vụ tỉnh"


def test_monitoring_agencies_of_a_scope_come_before_the_global_ones(
    db_session: Session,
) -> None:
    _import_all(db_session, FIXTURES / "global.yaml", SONG_MA, TUY_PHUOC)
    everywhere = [a.email for a in monitoring_agencies(db_session)]
    assert everywhere == [
        "snv.tinh@example.org",
        "pnv.songma@example.org",
        "pnv.tuyphuoc@example.org",
    ]
    assert [a.email for a in monitoring_agencies(db_session, TUY_PHUOC_KEY)] == [
        "pnv.tuyphuoc@example.org",
        "snv.tinh@example.org",
    ]
    assert [a.email for a in monitoring_agencies(db_session, "")] == ["snv.tinh@example.org"]


def test_imported_plan_resolves_in_its_issuers_scope(db_session: Session) -> None:
    _import_all(db_session, SONG_MA, TUY_PHUOC, CHIENG_KHUONG)
    plan_file = ROOT / "examples" / "plans" / "tuy-phuoc-2023-truyen-thong.txt"
    known = Resolver.from_session(db_session).known_names()
    parsed, text = read_plan_file(plan_file, known_names=known)
    result = import_parsed_plan(db_session, parsed, source_text=text)
    assert result.unresolved == []
    plan = db_session.get(Plan, result.plan_id)
    assert plan is not None and plan.scope_key == TUY_PHUOC_KEY
    targets = [a.agency or a.group for item in plan.items for a in item.assignments]
    assert targets and {target.scope_key for target in targets if target} == {TUY_PHUOC_KEY}


def test_province_plan_after_2025_resolves_every_name_in_the_province_directory(
    db_session: Session,
) -> None:
    _import_all(db_session, SONG_MA, TUY_PHUOC, CHIENG_KHUONG, SON_LA)
    plan_file = ROOT / "examples" / "plans" / "son-la-2025-so-noi-vu.txt"
    known = Resolver.from_session(db_session).known_names()
    parsed, text = read_plan_file(plan_file, known_names=known)
    result = import_parsed_plan(db_session, parsed, source_text=text)
    assert [r.name_as_written for r in result.unresolved] == []
    plan = db_session.get(Plan, result.plan_id)
    assert plan is not None and plan.scope_key == normalize_name(SON_LA_SCOPE)
    monitoring = _agency(db_session, plan.monitoring_agency_id)
    assert (monitoring.name, monitoring.scope_key) == ("Sở Nội vụ", plan.scope_key)
    targets = [a.agency or a.group for item in plan.items for a in item.assignments]
    assert {target.name for target in targets if target} == {
        "Sở Nội vụ",
        "Sở Văn hóa, Thể thao và Du lịch",
        "UBND các xã, phường",
    }
    assert {target.scope_key for target in targets if target} == {plan.scope_key}


def test_stored_known_names_hold_every_name_the_resolver_knows_longest_first(
    db_session: Session,
) -> None:
    _import_all(db_session, SONG_MA, TUY_PHUOC)
    stored = stored_known_names(db_session)
    assert set(Resolver.from_session(db_session).known_names()) <= set(stored)
    assert "UBND các xã, thị trấn" in stored
    assert [len(name) for name in stored] == sorted((len(name) for name in stored), reverse=True)


def test_new_and_stored_agencies_of_one_import_link_to_each_other_as_parents(
    db_session: Session, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text("agencies:\n  - name: Phòng A\n", encoding="utf-8")
    import_directory(db_session, load_directory(first))
    second.write_text(
        "agencies:\n  - name: Phòng A\n    parent: Sở B\n"
        "  - name: Sở B\n    email: b@example.org\n  - name: Tổ C\n    parent: Phòng A\n",
        encoding="utf-8",
    )
    counts = import_directory(db_session, load_directory(second))
    assert (counts.agencies.created, counts.agencies.updated) == (2, 1)
    stored = {a.name: a for a in list_agencies(db_session, [""])}
    assert stored["Phòng A"].parent is stored["Sở B"] and stored["Tổ C"].parent is stored["Phòng A"]
    assert stored["Sở B"].email == "b@example.org" and stored["Sở B"].created_at is not None
