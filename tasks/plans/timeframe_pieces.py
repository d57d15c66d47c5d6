"""The pieces a timeframe is written with, found in one left-to-right pass: dated pieces (a
day, months, quarters, a half-year, years: one, a list or a range, with or without a year) and
the words that give them their sense (recurrence, "thường xuyên", "các năm tiếp theo",
"giai đoạn"), each with the anchor word written just before it ("trước", "từ", "đến"...).

Every pattern here repeats only over distinct token classes (digits, then a separator), so a
scan is linear in the text whatever its length; `timeframe_grammar` decides what they mean.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from tasks.plans.parsed import Schedule, ScheduleKind

# "trước ngày 15/12": due on the 15th ("on", as agencies read it) or on the 14th.
BeforeRule = Literal["on", "day_before"]
Unit = Literal["day", "month", "quarter", "half", "year"]
Joint = Literal["one", "list", "range"]


class Unreadable(Exception):
    """The text names a time whose numbers make no date; the message becomes
    Schedule.problem."""


@dataclass(frozen=True)
class Context:
    text: str
    year: int | None
    before: BeforeRule

    def make(self, kind: ScheduleKind, **fields: Any) -> Schedule:
        return Schedule(text=self.text, kind=kind, **fields)

    def year_of(self, written: str | int | None) -> int:
        """The year as written (two digits mean 20xx), else the plan's year."""
        if written is None:
            if self.year is None:
                raise Unreadable(f"no year: {self.text!r} gives none and the plan has none")
            written = self.year  # checked like a written one: a plan's year 0 is no year either
        text = str(written)
        two_digits = isinstance(written, str) and len(text) == 2
        value = int(text) + (2000 if two_digits else 0)
        if not 1900 <= value <= 2100:
            raise Unreadable(f"impossible year: {written}")
        return value

    def day_before(self, match: re.Match[str]) -> bool:
        """True when the text says "trước" and the setting reads it as the day before."""
        return self.before == "day_before" and bool(match.groupdict().get("before"))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def checked_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Unreadable(f"impossible date: {day:02d}/{month:02d}/{year}") from None


def checked_month(written: str | int) -> int:
    if not 1 <= int(written) <= 12:
        raise Unreadable(f"no such month: {written}")
    return int(written)


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def checked_quarter(written: str) -> int:
    number = int(written) if written.isdigit() else _ROMAN.get(written, 0)
    if not 1 <= number <= 4:
        raise Unreadable(f"no such quarter: {written.upper()}")
    return number


@dataclass(frozen=True)
class Piece:
    """One written time. `numbers` are the days, months, quarters, halves (1, 2) or years as
    written, in order; `joint` says whether several are a list ("III, IV") or a range
    ("II-IV"). A day carries its `month` (None in "ngày 05 của tháng"); `year` is the written
    year of a day, month, quarter or half. `anchor` is the word right before it."""

    unit: Unit
    numbers: tuple[int, ...]
    joint: Joint
    start: int
    stop: int
    anchor: str = ""
    month: int | None = None
    year: int | None = None

    def windows(self, context: Context) -> list[tuple[date, date]]:
        """Each named period as (first day, last day), in written order."""
        if self.unit == "year":
            return [(date(y, 1, 1), date(y, 12, 31)) for y in self.numbers]
        year = context.year_of(self.year)
        if self.unit == "day":
            month = checked_month(self.month or 0)
            day = checked_date(year, month, self.numbers[0])
            return [(day, day)]
        size = {"month": 1, "quarter": 3, "half": 6}[self.unit]
        firsts = [size * (number - 1) + 1 for number in self.numbers]
        return [(date(year, first, 1), month_end(year, first + size - 1)) for first in firsts]

    def span(self, context: Context) -> tuple[date, date]:
        """First day of the first period to the last day of the last: the whole range."""
        windows = self.windows(context)
        if windows[-1][1] < windows[0][0]:
            raise Unreadable(f"range runs backwards: {self.numbers[0]} to {self.numbers[-1]}")
        return windows[0][0], windows[-1][1]


# --- the scanner ----------------------------------------------------------------------------
_SEP = r"(?:, ?|-| và | đến | tới | hoặc )"
_NUMBERS = rf"\d{{1,2}}(?!\d)(?:{_SEP}\d{{1,2}}(?!\d))*"
_QUARTER_NUMBER = r"(?:[ivx]+|\d)(?!\w)"
_YEAR_AFTER = r"(?:(?:/|-| năm )(?P<{name}>\d{{4}})(?![\d/]))?"
_PIECES = re.compile(
    "|".join(
        [
            r"(?:6|sáu) tháng (?P<half>đầu|cuối) năm(?: (?P<half_year>\d{4})(?![\d/]))?",
            # "15 tháng 12" needs its "ngày": "đợt 1 tháng 6/2025" is June, not 1 June
            r"(?:ngày )?(?P<day>\d{1,2})(?:/|\.|(?:(?<=ngày \d)|(?<=ngày \d\d)) tháng )"
            r"(?P<day_month>\d{1,2})"
            r"(?:(?:/|\.| năm )(?P<day_year>\d{4}))?(?![\d/])",
            r"ngày (?P<day_only>\d{1,2})(?![\d/.])",
            rf"tháng (?P<months>{_NUMBERS})" + _YEAR_AFTER.format(name="month_year"),
            rf"qu[ýy] (?P<quarters>{_QUARTER_NUMBER}(?:{_SEP}(?:quý )?{_QUARTER_NUMBER})*)"
            + _YEAR_AFTER.format(name="quarter_year"),
            rf"(?<![\d/.])(?:năm )?(?P<years>\d{{4}}(?:{_SEP}(?:năm )?\d{{4}})*)(?![\d/])",
        ]
    )
)
_SPLIT = re.compile(_SEP)
_ANCHOR = re.compile(
    r"(?:^|\s)(?P<word>trước|chậm nhất là|chậm nhất trong|chậm nhất vào|chậm nhất"
    r"|đến hết|đến|tới hết|tới|hết|cuối|trong|vào|từ|xong|hoàn thành"
    r"|(?:giai đoạn|đợt) (?:\d{1,2}|[ivx]+)|giai đoạn)\s?$"
)
_ANCHOR_REACH = 24  # enough characters before a piece to hold its anchor word


def _joint(written: str) -> Joint:
    if not _SPLIT.search(written):
        return "one"
    return "range" if re.search(r"-| đến | tới ", written) else "list"


def _numbers(written: str) -> list[str]:
    return [part.removeprefix("quý ").removeprefix("năm ") for part in _SPLIT.split(written)]


def _piece(match: re.Match[str], anchor: str) -> Piece | None:
    """The piece a scanner match stands for; None for numbers that cannot be a time here
    (a year outside 1900–2100 is a document number, not a date)."""
    found = {name: value for name, value in match.groupdict().items() if value is not None}
    where = {"start": match.start(), "stop": match.end(), "anchor": anchor}
    if "half" in found:
        year = int(found["half_year"]) if "half_year" in found else None
        return Piece("half", (1 if found["half"] == "đầu" else 2,), "one", year=year, **where)
    if "day" in found:
        year = int(found["day_year"]) if "day_year" in found else None
        month = int(found["day_month"])
        return Piece("day", (int(found["day"]),), "one", month=month, year=year, **where)
    if "day_only" in found:
        return Piece("day", (int(found["day_only"]),), "one", **where)
    if "months" in found:
        year = int(found["month_year"]) if "month_year" in found else None
        months = tuple(checked_month(n) for n in _numbers(found["months"]))
        return Piece("month", months, _joint(found["months"]), year=year, **where)
    if "quarters" in found:
        year = int(found["quarter_year"]) if "quarter_year" in found else None
        quarters = tuple(checked_quarter(n) for n in _numbers(found["quarters"]))
        return Piece("quarter", quarters, _joint(found["quarters"]), year=year, **where)
    years = tuple(int(n) for n in _numbers(found["years"]))
    if not all(1900 <= y <= 2100 for y in years):
        return None
    return Piece("year", years, _joint(found["years"]), **where)


def scan_pieces(key: str) -> list[Piece]:
    """The dated pieces of a normalised timeframe, in written order."""
    pieces = []
    for match in _PIECES.finditer(key):
        tail = key[max(0, match.start() - _ANCHOR_REACH) : match.start()]
        anchor = _ANCHOR.search(tail)
        piece = _piece(match, anchor.group("word") if anchor else "")
        if piece is not None:
            pieces.append(piece)
    return pieces


# --- the words around them ------------------------------------------------------------------
@dataclass(frozen=True)
class Word:
    """A word that gives the pieces their sense. `sense` is "every" (hằng/mỗi + unit),
    "adjacent" ("năm liền kề": each year's), "within" ("trong tháng"), "steady" ("thường
    xuyên"), "onward" ("các năm tiếp theo") or "stage" ("giai đoạn")."""

    sense: str
    unit: str
    start: int
    stop: int


_WORDS = re.compile(
    r"(?:định kỳ )?(?:hàng|mỗi) (?P<every>tuần|tháng|quý|năm)"
    r"|(?P<adjacent>tháng|năm) (?:trước )?liền kề"
    r"|trong (?P<within>tuần|tháng|quý)(?! \d)"
    r"|(?P<steady>thường xuyên|liên tục)"
    r"|(?P<onward>(?:các|những) năm (?:tiếp theo|sau|kế tiếp))"
    r"|(?P<stage>giai đoạn)(?! (?:\d{1,2}|[ivx]+)(?!\w))"  # not "giai đoạn 1": a phase
)


def scan_words(key: str) -> list[Word]:
    words = []
    for match in _WORDS.finditer(key):
        sense = next(name for name, value in match.groupdict().items() if value is not None)
        words.append(Word(sense, match.group(sense), match.start(), match.end()))
    return words
