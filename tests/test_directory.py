"""The agency directory: loading (YAML, CSV) and resolving names as plans write them.
Storing and scopes in a database: test_directory_store.py."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from dondoc.core.text import normalize_name
from tasks.directory import (
    Directory,
    DirectoryError,
    NamedEntry,
    Resolver,
    load_directory,
)
from tests.support.directories import DIRECTORIES, SONG_MA, TUY_PHUOC
from tests.support.directories import DIRECTORY_FIXTURES as FIXTURES

SONG_MA_COMMUNES = 19


@pytest.fixture(scope="module")
def song_ma() -> Directory:
    return load_directory(SONG_MA)


@pytest.fixture(scope="module")
def song_ma_resolver(song_ma: Directory) -> Resolver:
    return Resolver.from_directory(song_ma)


def _agency_id(resolver: Resolver, name: str) -> int:
    resolution = resolver.resolve(name)
    assert resolution.match == "exact", resolution
    assert resolution.agency_id is not None
    return resolution.agency_id


# --- loading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "scope", "agencies", "groups"),
    [
        ("song-ma.yaml", "UBND huyện Sông Mã", 32, 2),
        ("tuy-phuoc.yaml", "UBND huyện Tuy Phước", 37, 4),
        ("chieng-khuong-2025.yaml", "UBND xã Chiềng Khương", 9, 2),
        ("son-la-2025.yaml", "UBND tỉnh Sơn La", 10, 1),
    ],
)
def test_example_directories_load_with_their_scope_and_without_warnings(
    file_name: str, scope: str, agencies: int, groups: int
) -> None:
    directory = load_directory(DIRECTORIES / file_name)
    assert (directory.scope, directory.scope_key) == (scope, normalize_name(scope))
    assert (len(directory.agencies), len(directory.groups)) == (agencies, groups)
    assert directory.warnings == []
    assert sum(agency.monitoring for agency in directory.agencies) == 1


def test_directory_without_scope_is_in_the_global_scope() -> None:
    directory = load_directory(FIXTURES / "mini.yaml")
    assert (directory.scope, directory.scope_key) == (None, "")


def test_csv_scope_column_sets_the_scope_however_each_row_spells_it() -> None:
    directory = load_directory(FIXTURES / "scoped.csv")
    assert (directory.scope, directory.scope_key) == ("UBND huyện Mẫu", "ubnd huyện mẫu")
    assert [a.name for a in directory.agencies][-1] == "Sở Nội vụ tỉnh"
    assert directory.warnings == []


def test_csv_directory_loads_the_same_entries_as_its_yaml_twin() -> None:
    from_yaml = load_directory(FIXTURES / "mini.yaml")
    from_csv = load_directory(FIXTURES / "mini.csv")

    def shape(directory: Directory) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        keep = {"line", "field_lines"}
        return (
            [a.model_dump(exclude=keep) for a in directory.agencies],
            [g.model_dump(exclude=keep) for g in directory.groups],
        )

    assert shape(from_csv) == shape(from_yaml)
    assert from_csv.agencies[1].line == 3  # the header is line 1
    assert from_csv.warnings == []


def test_unread_yaml_field_is_reported_as_a_warning() -> None:
    directory = load_directory(FIXTURES / "unread-field.yaml")
    assert directory.warnings == [f"{FIXTURES / 'unread-field.yaml'}:3: field 'emial' is not read"]
    assert directory.agencies[0].email is None


@pytest.mark.parametrize(
    ("file_name", "line", "field", "fragment"),
    [
        ("missing-name.yaml", 4, "name", "is required"),
        ("bad-email.yaml", 6, "email", "invalid email address 'ptp.example.org'"),
        ("bad-monitoring.yaml", 3, "monitoring", "expected true or false, got 'maybe'"),
        ("duplicate-agency.yaml", 4, "name", "'Phòng Tài chính - Kế hoạch' (line 2)"),
        ("alias-claimed-twice.yaml", 5, "aliases", "alias 'Phòng NV'"),
        ("unknown-member.yaml", 5, "members", "'UBND xã Chiềng Phung' is not an agency"),
        ("unknown-parent.yaml", 3, "parent", "unknown parent 'UBND huyện Sông Mã'"),
        ("missing-name.csv", 3, "name", "the name is empty"),
        ("bad-email.csv", 3, "email", "invalid email address 'ptp@@example.org'"),
        ("bad-monitoring.csv", 2, "monitoring", "got 'có lẽ'"),
        ("unknown-parent.csv", 3, "parent", "unknown parent 'UBND huyện Khác'"),
        ("bad-scope.yaml", 2, "scope", "expected the name of a People's Committee, got ["),
        (
            "mixed-scope.csv",
            4,
            "scope",
            "'UBND huyện Khác' differs from 'UBND huyện Mẫu' on line 2",
        ),
        ("blank-scope-row.csv", 3, "scope", "a blank cell differs from 'UBND huyện Mẫu' on line 2"),
    ],
)
def test_bad_directory_names_file_line_and_field(
    file_name: str, line: int, field: str, fragment: str
) -> None:
    path = FIXTURES / file_name
    with pytest.raises(DirectoryError) as caught:
        load_directory(path)
    message = str(caught.value)
    assert f"{path}:{line}: {field}: " in message
    assert fragment in message
    assert [(p.line, p.field) for p in caught.value.problems] == [(line, field)]


def test_yaml_syntax_error_names_the_line() -> None:
    path = FIXTURES / "not-yaml.yaml"
    with pytest.raises(DirectoryError, match=r"not-yaml\.yaml:4: not valid YAML"):
        load_directory(path)


# --- resolving --------------------------------------------------------------------------


def test_resolver_from_a_directory_works_in_its_scope(song_ma_resolver: Resolver) -> None:
    assert song_ma_resolver.scope_key == "ubnd huyện sông mã"


def test_exact_match_ignores_case_unicode_form_dashes_and_ubnd_spelling(
    song_ma_resolver: Resolver,
) -> None:
    finance = _agency_id(song_ma_resolver, "Phòng Tài chính - Kế hoạch")
    for variant in (
        "PHÒNG TÀI CHÍNH - KẾ HOẠCH",
        "phòng Tài chính – Kế hoạch.",
        unicodedata.normalize("NFD", "Phòng Tài chính — Kế hoạch"),
    ):
        assert _agency_id(song_ma_resolver, variant) == finance
    commune = _agency_id(song_ma_resolver, "UBND xã Bó Sinh")
    assert _agency_id(song_ma_resolver, "Ủy ban nhân dân xã Bó Sinh") == commune
    assert _agency_id(song_ma_resolver, "Uỷ ban nhân dân xã Bó Sinh") == commune


def test_alias_resolves_to_its_agency(song_ma_resolver: Resolver) -> None:
    resolution = song_ma_resolver.resolve("Phòng Nội vụ huyện")
    assert resolution.match == "alias"
    assert resolution.agency_id == _agency_id(song_ma_resolver, "Phòng Nội vụ")


def test_accent_typo_resolves_fuzzily_with_its_score(song_ma_resolver: Resolver) -> None:
    resolution = song_ma_resolver.resolve("Phòng Nôi vụ")
    assert resolution.match == "fuzzy"
    assert resolution.agency_id == _agency_id(song_ma_resolver, "Phòng Nội vụ")
    assert resolution.score is not None and 90 <= resolution.score < 100


def test_neighbouring_communes_resolve_to_themselves(song_ma_resolver: Resolver) -> None:
    phung = _agency_id(song_ma_resolver, "UBND xã Chiềng Phung")
    khuong = _agency_id(song_ma_resolver, "UBND xã Chiềng Khương")
    khoong = _agency_id(song_ma_resolver, "UBND xã Chiềng Khoong")
    assert len({phung, khuong, khoong}) == 3


@pytest.mark.parametrize(
    ("written", "present"),
    [
        ("UBND xã Chiềng Phung", "UBND xã Chiềng Khương"),
        ("UBND xã Chiềng Khương", "UBND xã Chiềng Phung"),
        # One letter apart and above the score threshold, yet two different communes.
        ("UBND xã Chiềng Khoong", "UBND xã Chiềng Khương"),
    ],
)
def test_a_commune_missing_from_the_directory_never_fuzzy_matches_its_neighbour(
    written: str, present: str
) -> None:
    resolver = Resolver([NamedEntry(1, present), NamedEntry(2, "Phòng Nội vụ")])
    resolution = resolver.resolve(written)
    assert (resolution.match, resolution.agency_id) == ("unresolved", None)
    assert resolution.suggestions[0][0] == present


def test_unresolved_name_comes_with_three_suggestions_best_first(
    song_ma_resolver: Resolver,
) -> None:
    resolution = song_ma_resolver.resolve("UBND xa Chieng Khuong")
    assert resolution.match == "unresolved"
    assert len(resolution.suggestions) == 3
    assert resolution.suggestions[0][0] == "UBND xã Chiềng Khương"


def test_two_equally_close_candidates_leave_the_name_unresolved() -> None:
    resolver = Resolver([NamedEntry(1, "UBND xã Phước Hòa"), NamedEntry(2, "UBND xã Phước Hoa")])
    resolution = resolver.resolve("UBND xã Phước Hóa")
    assert resolution.match == "unresolved"
    assert {name for name, _ in resolution.suggestions[:2]} == {
        "UBND xã Phước Hòa",
        "UBND xã Phước Hoa",
    }


def test_empty_name_is_unresolved_without_suggestions(song_ma_resolver: Resolver) -> None:
    assert song_ma_resolver.resolve(" . ").suggestions == []


def test_group_resolves_and_expands_to_its_communes(song_ma_resolver: Resolver) -> None:
    resolution = song_ma_resolver.resolve("UBND các xã, thị trấn")
    assert (resolution.match, resolution.agency_id) == ("exact", None)
    assert resolution.group_id is not None
    members = song_ma_resolver.expand(resolution.group_id)
    assert len(members) == SONG_MA_COMMUNES
    assert _agency_id(song_ma_resolver, "UBND xã Chiềng Khương") in members
    with pytest.raises(KeyError):
        song_ma_resolver.expand(999)


def test_known_names_list_names_and_aliases_longest_first(
    song_ma: Directory, song_ma_resolver: Resolver
) -> None:
    names = song_ma_resolver.known_names()
    assert {"UBND các xã, thị trấn", "Phòng Nội vụ", "Phòng Nội vụ huyện"} <= set(names)
    assert [len(n) for n in names] == sorted((len(n) for n in names), reverse=True)
    assert song_ma.known_names() == names


def test_resolver_over_ten_thousand_agencies_still_finds_exact_fuzzy_and_suggestions() -> None:
    agencies = [NamedEntry(i, f"Tổ công tác số {i}") for i in range(1, 10_001)]
    resolver = Resolver([*agencies, NamedEntry(20_000, "Phòng Nội vụ", ["Phòng NV"])])
    assert resolver.resolve("Tổ công tác số 5000").agency_id == 5000
    assert resolver.resolve("phòng nv").match == "alias"
    assert resolver.resolve("Phòng Nôi vụ").agency_id == 20_000
    missing = resolver.resolve("Tổ công tác số 50000")
    assert missing.match == "unresolved"
    assert missing.suggestions[0][0] == "Tổ công tác số 5000"


def test_added_agency_resolves_at_once(song_ma_resolver: Resolver) -> None:
    resolver = Resolver.from_directory(load_directory(SONG_MA))
    assert resolver.resolve("Hội Nông dân huyện").match == "unresolved"
    resolver.add_agency(NamedEntry(500, "Hội Nông dân huyện"))
    assert resolver.resolve("Hội Nông dân huyện").agency_id == 500


# Lead and coordinating names as the real plans write them -> the directory entry each must
# reach (None: the name itself). Facts read from ../shared/plans; the test checks they are there.
SONG_MA_PLAN_NAMES = {
    "Các cơ quan, đơn vị": None,
    "UBND các xã, thị trấn": None,
    "Trung tâm Truyền thông - Văn hóa huyện": None,
    "Đoàn thể chính trị, xã hội các xã, thị trấn": None,
    "Ban quản lý bản, tổ dân phố": None,
    "Phòng Nội vụ": None,
    "phòng Tài chính - Kế hoạch": "Phòng Tài chính - Kế hoạch",
}
TUY_PHUOC_PLAN_NAMES = {
    "Phòng Nội vụ huyện": "Phòng Nội vụ",
    "Phòng Nội vụ": None,
    "Trung tâm Văn hóa – Thông tin – Thể thao huyện.": None,
    "Các phòng, ban, ngành huyện": None,
    "Các phòng, ban, ngành": "Các phòng, ban, ngành huyện",
    "UBND các xã, thị trấn": None,
    "Văn phòng HĐND & UBND huyện": None,
    "Phòng Văn hóa và Thông tin": None,
    "Phòng Văn hóa và Thông tin huyện": "Phòng Văn hóa và Thông tin",
    "Đài Truyền thanh các xã, thị trấn": None,
    "Các cơ quan, đơn vị có liên quan": None,
    "Phòng Tài chính và Kế hoạch huyện": "Phòng Tài chính và Kế hoạch",
    "Bưu điện huyện": None,
}
REAL_PLAN_NAMES = [
    *(("song-ma-2019-kh33-list.txt", SONG_MA, w, t or w) for w, t in SONG_MA_PLAN_NAMES.items()),
    *(("tuy-phuoc-2023-table.txt", TUY_PHUOC, w, t or w) for w, t in TUY_PHUOC_PLAN_NAMES.items()),
]


@pytest.mark.shared_plans
@pytest.mark.parametrize(("plan", "directory", "written", "target"), REAL_PLAN_NAMES)
def test_every_agency_name_of_the_real_plans_resolves(
    shared_plans: Path, plan: str, directory: Path, written: str, target: str
) -> None:
    text = (shared_plans / plan).read_text(encoding="utf-8")
    assert normalize_name(written) in normalize_name(text)
    resolver = Resolver.from_directory(load_directory(directory))
    resolution = resolver.resolve(written)
    assert resolution.match in {"exact", "alias"}
    expected = resolver.resolve(target)
    assert expected.match == "exact"
    assert (resolution.agency_id, resolution.group_id) == (expected.agency_id, expected.group_id)


def test_a_csv_directory_with_a_quote_left_open_is_refused_at_that_row(tmp_path: Path) -> None:
    # the open quote swallowed the rows below into one agency's name ("a junk agency created
    # from three lines"), and the load succeeded
    rows = (FIXTURES / "mini.csv").read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace("Phòng Nội vụ,Phòng", '"Phòng Nội vụ,Phòng', 1)
    path = tmp_path / "directory.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DirectoryError) as error:
        load_directory(path)
    assert str(error.value).startswith(f"{path}:3: unreadable row (")
    assert str(error.value).endswith(
        "a quote left open, or a quote inside a cell that is not doubled"
    )
