"""Splitting the agency cells of real plans: every lead and coordinating cell of the labelled
corpus (tests/fixtures/agency_cells.json, taken from ../shared/plans/real) splits into the
agencies its labels list, compared as the corpus scorer compares them; and no cell, however
odd, makes the splitter raise or slow down more than linearly."""

from __future__ import annotations

import cProfile
import json
import pstats
import random
import re
import unicodedata
from typing import Any

import pytest

from dondoc.core import text as text_module
from tasks.plans import agency_names, agency_words, split_agencies
from tests.conftest import FIXTURES

REAL_CELLS: list[dict[str, Any]] = json.loads(
    (FIXTURES / "agency_cells.json").read_text(encoding="utf-8")
)["cells"]


def _key(name: str) -> str:
    """The scorer's key: NFC, dashes alike, whitespace collapsed, no trailing `.;,:`, casefold."""
    name = unicodedata.normalize("NFC", name).replace("\u00a0", " ")
    name = re.sub(r"[\u2013\u2014\u2012]", "-", name)
    return re.sub(r"\s+", " ", name).strip().strip(".;,:").strip().casefold()


def _as_scored(got: list[str], expected: list[str]) -> list[str]:
    """`got` keyed, a name that matches the label at its place on whole words (one is a prefix
    of the other, as the scorer allows) counted as the label."""
    out = []
    for index, name in enumerate(got):
        key = _key(name)
        want = _key(expected[index]) if index < len(expected) else ""
        same = want and (key == want or key.startswith(want + " ") or want.startswith(key + " "))
        out.append(want if same else key)
    return out


def _real_case(case: dict[str, Any]) -> Any:
    disagrees = case.get("disagrees")
    marks = [pytest.mark.xfail(reason=disagrees, strict=True)] if disagrees else []
    return pytest.param(case["cell"], case["expected"], id=case["seen"][0], marks=marks)


def test_the_real_cells_cover_every_labelled_plan_item() -> None:
    seen = [place for case in REAL_CELLS for place in case["seen"]]
    assert len(REAL_CELLS) == 181 and len(seen) == 531
    documents = {place.split()[0] for place in seen}
    assert len(documents) == 19  # the 20 plans but d20, whose tasks go to named persons


@pytest.mark.parametrize(("cell", "expected"), [_real_case(case) for case in REAL_CELLS])
def test_a_real_cell_splits_into_its_labelled_agencies(cell: str, expected: list[str]) -> None:
    got = split_agencies(cell)
    assert _as_scored(got, expected) == [_key(name) for name in expected], got


def test_the_labels_are_matched_exactly_but_for_a_cut_off_role_description() -> None:
    inexact = [
        case["seen"][0]
        for case in REAL_CELLS
        if "disagrees" not in case
        and [_key(name) for name in split_agencies(case["cell"])]
        != [_key(name) for name in case["expected"]]
    ]
    # "… các chuyên viên cơ quan MTTQ xã tham mưu, giúp việc thuộc …": cut at the verb.
    assert inexact == ["d24 item 6 coordinating"]


_TOKENS = (
    "Sở", "Bộ", "UBND", "Ủy ban nhân dân", "các", "Các", "Tài chính", "sở", "ban", "ngành",
    "xã", "Xã Hội", "phường", "cấp", "Văn phòng", "HĐND", "Tỉnh đoàn", "KH&CN", ",", ", ",
    ";", " và ", " & ", "&", "\n", "\n- ", "- ", ".", ". ", ":", "(", ")", "(chủ trì)", " ",
    "theo", "chủ trì", "tham mưu", "trình", "tổ chức", "phòng, chống", "có liên quan",
    "\ue000", "\ue001", "\ue0020", "0", "Đồng chí", "đ/c", "–", "\u00a0", "\t", "Ủy",
)  # fmt: skip


def test_no_cell_makes_the_splitter_raise_or_leave_marks_behind() -> None:
    chance = random.Random(20250101)
    for _ in range(3000):
        cell = "".join(chance.choice(_TOKENS) for _ in range(chance.randint(0, 30)))
        known = ["".join(chance.choice(_TOKENS) for _ in range(3))] if chance.random() < 0.3 else []
        names = split_agencies(cell, known)
        assert all(isinstance(name, str) and name == name.strip() and name for name in names)
        assert not any(mark in name for name in names for mark in "\ue000\ue001\ue002"), cell


def _calls(cell: str) -> int:
    """Function calls splitting `cell` from cold caches: a count, the same on any machine
    (a timing would measure the machine's load as much as the code). Work inside one call, a
    regex backtracking or a string copied whole, is not counted: benchmarks/fuzz.py times
    that."""
    for module in (agency_names, agency_words, text_module):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    profile = cProfile.Profile()
    profile.runcall(split_agencies, cell)
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    "unit",
    [
        "Sở Nội vụ {n}, ",  # many agencies
        "các sở, ban, ngành, ",  # one endless group
        "Sở Tài chính Sở Nội vụ ",  # missing commas
        "Bộ\nTư pháp\n",  # wrapped lines
        "((Sở {n}; ",  # unclosed parentheses
        "Sở Y tế tiến hành rà soát; ",  # prose
        "Văn phòng Sở Tư pháp ",  # upper-case heads that do not split
        "viện nghiên cứu ",  # verbs that are part of a name
        "Sở Y tế. Bộ Y tế. ",  # sentences
    ],
)
def test_the_work_grows_linearly_with_the_cell(unit: str) -> None:
    small = "".join(unit.format(n=n) for n in range(400))
    large = "".join(unit.format(n=n) for n in range(3200))
    # linear: 8x the calls; quadratic: 64x
    assert _calls(large) < 16 * _calls(small)
