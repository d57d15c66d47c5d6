"""The plan text parser's input: copies of one document in other encodings, line endings and
punctuation parse the same, and a file that cannot be read is refused with its name."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from tasks.plans import PlanParseError, parse_plan_text, read_plan_file
from tests.support.settings import SettingsEnv

EXAMPLE_PLANS = Path(__file__).resolve().parents[1] / "examples" / "plans"


# --- copies of the same document ------------------------------------------------------------
def _nbsp_and_dashes(text: str) -> str:
    """What a Word/web copy does: NBSP after colons and in dates, en-dash bullets, em-dashes."""
    text = text.replace(": ", ":\u00a0").replace("ngày ", "ngày\u00a0")
    text = text.replace("\n- ", "\n\u2013 ").replace(" – ", " \u2014 ")
    return "\ufeff" + text


VARIANTS: dict[str, Callable[[str], str]] = {
    "nfd": lambda text: unicodedata.normalize("NFD", text),
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "nbsp-and-dashes": _nbsp_and_dashes,
    "all-at-once": lambda text: unicodedata.normalize("NFD", _nbsp_and_dashes(text)).replace(
        "\n", "\r\n"
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize(
    "name",
    ["song-ma-2019-kh33.txt", "tuy-phuoc-2023-truyen-thong.txt", "son-la-2025-so-noi-vu.txt"],
)
def test_a_differently_encoded_copy_parses_identically(name: str, variant: str) -> None:
    text = (EXAMPLE_PLANS / name).read_text(encoding="utf-8")
    copy = VARIANTS[variant](text)
    assert copy != text
    assert parse_plan_text(copy).to_json() == parse_plan_text(text).to_json()


# --- file input -----------------------------------------------------------------------------
def test_read_plan_file_returns_normalised_text_with_table_tabs_kept(tmp_path: Path) -> None:
    source = (EXAMPLE_PLANS / "tuy-phuoc-2023-truyen-thong.txt").read_text(encoding="utf-8")
    path = tmp_path / "plan.txt"
    path.write_bytes(unicodedata.normalize("NFD", source).replace("\n", "\r\n").encode())
    plan, text = read_plan_file(path)
    assert text == source
    assert len(plan.items) == 8


def test_utf16_input_is_decoded_with_a_notice(tmp_path: Path) -> None:
    source = (EXAMPLE_PLANS / "song-ma-2019-kh33.txt").read_text(encoding="utf-8")
    path = tmp_path / "plan-utf16.txt"
    path.write_bytes(source.encode("utf-16"))
    plan, _ = read_plan_file(path)
    assert plan.warnings[0].line == 0 and "UTF-16" in plan.warnings[0].message
    assert plan.to_json()["items"] == parse_plan_text(source).to_json()["items"]


def test_utf32_input_is_decoded_with_a_notice_not_called_a_plan_without_items(
    tmp_path: Path,
) -> None:
    source = (EXAMPLE_PLANS / "song-ma-2019-kh33.txt").read_text(encoding="utf-8")
    path = tmp_path / "plan-utf32.txt"
    path.write_bytes(source.encode("utf-32"))
    plan, _ = read_plan_file(path)
    assert plan.warnings[0].message == "decoded from UTF-32"
    assert plan.to_json()["items"] == parse_plan_text(source).to_json()["items"]


def _windows_1258(text: str) -> bytes:
    """How Vietnamese Windows saves text: letters with a shape mark (â, ơ, ư…) precomposed,
    the tone mark as a separate combining byte."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            shape = [mark for mark in marks if mark in "\u0302\u0306\u031b"]  # â ă ơ
            tone = [mark for mark in marks if mark not in shape]
            out += (unicodedata.normalize("NFC", base + "".join(shape)) + "".join(tone)).encode(
                "cp1258"
            )
    return out


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (_windows_1258("1. Việc\n- Cơ quan chủ trì: Phòng Nội vụ\n"), "not UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        (b"", "empty"),
        (b"\xff\xfeA", "line 1: not UTF-16 text"),
        ("KẾ HOẠCH\n".encode() + b"x" * 5000 + b"\n\x00\n", "line 3: the file looks binary"),
    ],
    ids=["windows-1258", "binary", "empty", "broken-utf16", "nul-after-4kib"],
)
def test_unreadable_input_names_the_file(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad-plan.txt"
    path.write_bytes(content)
    with pytest.raises(PlanParseError, match=reason) as error:
        read_plan_file(path)
    assert str(path) in str(error.value) and error.value.source == str(path)


def test_a_plan_text_over_the_input_limit_is_refused_before_it_is_read(
    tmp_path: Path, settings_env: SettingsEnv
) -> None:
    settings_env.set(max_input_mb=1)
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(PlanParseError) as error:
        read_plan_file(path)
    assert str(error.value) == f"{path}: 1.0 MB, over the 1 MB limit (DONDOC_MAX_INPUT_MB)"


@pytest.mark.parametrize(
    ("limit", "text", "message"),
    [
        ({"max_plan_lines": 300}, "a\r\n" * 300, "301 lines, over the 300-line limit"),
        ({"max_plan_chars": 5_000}, "Sở A, " * 1_000, "6,027 characters, over the 5,000-character"),
    ],
    ids=["lines", "characters"],
)
def test_a_plan_text_over_the_plan_limits_is_refused_naming_the_limit(
    tmp_path: Path, settings_env: SettingsEnv, limit: dict[str, int], text: str, message: str
) -> None:
    settings_env.set(**limit)
    path = tmp_path / "long.txt"
    path.write_text("1. Việc\n- Cơ quan chủ trì: " + text, encoding="utf-8")
    with pytest.raises(PlanParseError, match=message) as error:
        read_plan_file(path)
    assert str(error.value).startswith(f"{path}: ")
    with pytest.raises(PlanParseError, match=message):
        parse_plan_text(path.read_text(encoding="utf-8"), source="long.txt")


def test_a_plan_text_at_the_plan_limits_is_read(settings_env: SettingsEnv) -> None:
    settings_env.set(max_plan_lines=3, max_plan_chars=60)
    text = "1. Việc\n- Cơ quan chủ trì: Sở Y tế\n- Thời gian: Quý II/2025"
    assert len(text) <= 60
    assert [item.lead for item in parse_plan_text(text).items] == [["Sở Y tế"]]


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(PlanParseError, match="cannot open the file") as error:
        read_plan_file(path)
    assert str(path) in str(error.value)
