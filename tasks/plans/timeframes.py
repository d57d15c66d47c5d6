"""A plan item's timeframe ("thời gian thực hiện") read into a Schedule.

Two passes. The common short wordings are matched, whole, against a table of patterns (also
with a parenthetical aside dropped). Anything longer or combined ("Quý III, IV/2026",
"Năm 2026 và các năm tiếp theo", a deadline inside a sentence) is read from its pieces by
`timeframe_grammar`. Whatever neither reads is kept verbatim as kind "unknown" with a
`problem`, because a guessed deadline does more harm than a flagged one. Recurrence is not
expanded here: a Schedule only carries the rule.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from dondoc.core.text import clean_name
from tasks.plans.parsed import Schedule, ScheduleKind
from tasks.plans.timeframe_grammar import read_by_pieces
from tasks.plans.timeframe_pieces import (
    BeforeRule,
    Context,
    Unreadable,
    checked_date,
    checked_month,
    checked_quarter,
    month_end,
)

NOT_UNDERSTOOD = "timeframe not understood"


Builder = Callable[[re.Match[str], Context], Schedule]

# --- pattern fragments (matched against the normalised key, see _key) ---------------------
_EVERY = r"(?:định kỳ )?(?:hàng|mỗi)"
# Four digits, or two after "/", "-" or "năm" ("Quý II/25" is 2025, never the plan's year)
_YEAR = r"(?:(?:[/-]| năm | )(?P<year>\d{4}|(?:(?<=[/-])|(?<=năm ))\d{2}(?!\d)))?"
_YEAR_WORD = r"(?: (?P<year>\d{4}))?"
# A deadline word before a date: "trước" (before-rule applies), "vào", "đến", "chậm nhất"...
_DEADLINE = r"(?:chậm nhất )?(?:(?P<before>trước) |vào |đến |tới )?(?:hết )?(?:ngày )?"
# A bare day number must follow "ngày" or "trước" ("3 tháng" is a duration, not the 3rd).
_ANCHOR = r"(?:chậm nhất )?(?:(?P<before>trước) |vào |đến |tới )?(?:hết )?(?:ngày |(?<=trước ))"
_DAY = r"(?P<day>\d{1,2})"
_DAY_MONTH = r"(?P<day>\d{1,2})(?:[/.-]| tháng )(?P<month>\d{1,2})"
_DATE = _DAY_MONTH + r"(?:(?:[/.-]| năm )(?P<year>\d{4}|\d{2}))?"
_QUARTER = r"quý (?P<quarter>[ivxlc]+|\d{1,2})" + _YEAR
_WEEKDAY = (
    r"(?:(?:sáng|chiều) )?(?:ngày )?"
    r"(?P<weekday>thứ (?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ nhật)"
)
_MONTH_IN_QUARTER = (
    r"(?P<which>đầu tiên|đầu|thứ nhất|giữa|thứ hai|cuối cùng|cuối|thứ ba|thứ [1-3]|[1-3])"
)

_WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5, "bẩy": 5}
_WHICH_MONTH = {"đầu": 1, "đầu tiên": 1, "thứ nhất": 1, "giữa": 2, "thứ hai": 2}
_WHICH_MONTH |= {"cuối": 3, "cuối cùng": 3, "thứ ba": 3}

_FILLER = re.compile(
    r"^(?:thời gian thực hiện|thời gian|thời hạn hoàn thành|thời hạn|hoàn thành|thực hiện"
    r"|hạn chót|chậm nhất|dự kiến|là) "
)
_UNTIL_YEAR = re.compile(
    r"(?P<rest>.+?)(?: từ nay)?(?: (?:trong|cả|suốt|đến hết|đến cuối|tới hết|đến))? năm "
    r"(?P<year>\d{4})"
)
_EVENT = re.compile(
    r"\b(?:trước trong và sau|hội nghị|hội thảo|hội thi|cuộc thi|đại hội|kỳ họp|sự kiện|lễ"
    r"|đột xuất|theo chỉ đạo|theo yêu cầu|khi có|khi được|sau khi|ngay sau|kịp thời"
    r"|theo kế hoạch|theo tiến độ|theo lộ trình|theo hướng dẫn|theo các mốc|theo quy định"
    r"|kể từ|^theo)\b"
)
# "Sau 03 tháng kể từ ...", "trong 30 ngày": a delay counted from an event, not a date.
_RELATIVE = re.compile(r"\b(?:sau|trong vòng|trong) \d+ (?:ngày|tuần|tháng|năm)\b(?! đầu| cuối)")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_VAGUE = re.compile(r"\b(?:đầu|giữa) (?:năm|tháng|quý|tuần)\b")
_RECURRING = {"weekly", "monthly", "quarterly", "semiannual", "yearly", "ongoing"}


# --- small date helpers ---------------------------------------------------------------------
def _day_of_month(written: str) -> int:
    if not 1 <= int(written) <= 31:
        raise Unreadable(f"no such day of the month: {written}")
    return int(written)


def _previous_day(month: int | None, day: int) -> tuple[int | None, int | None]:
    """An anchor one day earlier. The 1st becomes the last day of the month before, written
    as day None (month None when that is the end of the previous quarter or year)."""
    if day > 1:
        return month, day - 1
    return (month - 1 if month and month > 1 else None), None


# --- builders -------------------------------------------------------------------------------
def _kind(kind: ScheduleKind) -> Builder:
    return lambda _match, context: context.make(kind)


def _weekly(match: re.Match[str], context: Context) -> Schedule:
    written = match.group("weekday")
    if written is None:
        return context.make("weekly")
    name = written.removeprefix("thứ ")
    if written == "chủ nhật":
        weekday = 6
    else:  # "thứ sáu" or "thứ 6" (Monday is "thứ hai" / "thứ 2")
        weekday = _WEEKDAYS[name] if name in _WEEKDAYS else int(name) - 2
    return context.make("weekly", weekday=weekday)


def _monthly_day(match: re.Match[str], context: Context) -> Schedule:
    day = _day_of_month(match.group("day"))
    if context.day_before(match):
        return context.make("monthly", day=_previous_day(None, day)[1])
    return context.make("monthly", day=day)


def _quarterly_day(match: re.Match[str], context: Context) -> Schedule:
    which = match.group("which")
    month = _WHICH_MONTH[which] if which in _WHICH_MONTH else int(which[-1])
    day = _day_of_month(match.group("day"))
    if context.day_before(match):
        earlier_month, earlier_day = _previous_day(month, day)
        return context.make("quarterly", month=earlier_month, day=earlier_day)
    return context.make("quarterly", month=month, day=day)


def _yearly_day(match: re.Match[str], context: Context) -> Schedule:
    month, day = checked_month(match.group("month")), _day_of_month(match.group("day"))
    if day > calendar.monthrange(2000, month)[1]:  # 2000 is a leap year: 29/2 is allowed
        raise Unreadable(f"impossible date: {day:02d}/{month:02d}")
    if context.day_before(match):
        earlier_month, earlier_day = _previous_day(month, day)
        return context.make("yearly", month=earlier_month, day=earlier_day)
    return context.make("yearly", month=month, day=day)


def _quarter_window(match: re.Match[str], context: Context) -> Schedule:
    first = 3 * checked_quarter(match.group("quarter")) - 2
    year = context.year_of(match.group("year"))
    return context.make("once", start=date(year, first, 1), due=month_end(year, first + 2))


def _quarter_end(match: re.Match[str], context: Context) -> Schedule:
    last = 3 * checked_quarter(match.group("quarter"))
    return context.make("once", due=month_end(context.year_of(match.group("year")), last))


def _month_window(match: re.Match[str], context: Context) -> Schedule:
    first = checked_month(match.group("month"))
    last = checked_month(match.groupdict().get("month2") or match.group("month"))
    if last < first:
        raise Unreadable(f"month range runs backwards: {first} to {last}")
    year = context.year_of(match.group("year"))
    return context.make("once", start=date(year, first, 1), due=month_end(year, last))


def _month_end_once(match: re.Match[str], context: Context) -> Schedule:
    month = checked_month(match.group("month"))
    return context.make("once", due=month_end(context.year_of(match.group("year")), month))


def _year_window(match: re.Match[str], context: Context) -> Schedule:
    year = context.year_of(match.groupdict().get("year"))
    return context.make("once", start=date(year, 1, 1), due=date(year, 12, 31))


def _on(month: int, day: int) -> Builder:
    """A fixed day of the (written or plan) year: "giữa năm" 30/6, "cuối năm" 31/12."""

    def build(match: re.Match[str], context: Context) -> Schedule:
        return context.make("once", due=date(context.year_of(match.group("year")), month, day))

    return build


def _half_year(match: re.Match[str], context: Context) -> Schedule:
    year = context.year_of(match.group("year"))
    if match.group("half") == "đầu":
        return context.make("once", start=date(year, 1, 1), due=date(year, 6, 30))
    return context.make("once", start=date(year, 7, 1), due=date(year, 12, 31))


def _on_date(match: re.Match[str], context: Context) -> Schedule:
    year = context.year_of(match.group("year"))
    due = checked_date(year, checked_month(match.group("month")), int(match.group("day")))
    if context.day_before(match):
        due -= timedelta(days=1)
    return context.make("once", due=due)


def _date_range(match: re.Match[str], context: Context) -> Schedule:
    end = _on_date(match, context)
    assert end.due is not None
    written = match.group("year1")
    year = int(written) if written else end.due.year
    start = checked_date(year, checked_month(match.group("month1")), int(match.group("day1")))
    if start > end.due:
        raise Unreadable(f"date range ends before it starts: {start} to {end.due}")
    return context.make("once", start=start, due=end.due)


def _rules() -> list[tuple[re.Pattern[str], Builder]]:
    """The table: each pattern must match the whole normalised text; first match wins."""
    table: list[tuple[str, Builder]] = [
        # "Thường xuyên và đột xuất": the regular part is schedulable, ad hoc requests are not.
        (r"thường xuyên(?: liên tục)?(?: và đột xuất)?|liên tục", _kind("ongoing")),
        # weekly: "hàng tuần", "hàng tuần thứ sáu", "vào thứ 6 hàng tuần"
        (rf"{_EVERY} tuần(?: (?:vào )?{_WEEKDAY})?", _weekly),
        (rf"(?:vào )?{_WEEKDAY} (?:hàng|mỗi|các) tuần", _weekly),
        # monthly: "hàng tháng", "cuối tháng", "trước ngày 15 của tháng", "hàng tháng trước ngày 20"
        (rf"{_EVERY} tháng|cuối (?:hàng |mỗi |các )?tháng", _kind("monthly")),
        (
            rf"(?:{_EVERY} tháng )?{_ANCHOR}{_DAY}(?: của| trong)?(?: hàng| mỗi| các)? tháng"
            r"(?: sau| tiếp theo)?",
            _monthly_day,
        ),
        (rf"{_EVERY} tháng {_ANCHOR}{_DAY}", _monthly_day),
        # quarterly: "hàng quý", "trước ngày 05 tháng cuối cùng của mỗi quý"
        (rf"{_EVERY} quý|cuối (?:hàng |mỗi |các )?quý", _kind("quarterly")),
        (
            rf"(?:{_EVERY} quý )?{_ANCHOR}{_DAY}(?: của)? tháng {_MONTH_IN_QUARTER}(?: của)?"
            r"(?: hàng| mỗi| các)? quý(?: sau| tiếp theo)?",
            _quarterly_day,
        ),
        # half-yearly: "6 tháng, năm", "6 tháng và cả năm", "định kỳ 6 tháng"
        (
            r"(?:định kỳ |hàng |mỗi )?(?:6|sáu) tháng(?: (?:một|1) lần)?"
            r"(?:(?: và | hoặc | |/)(?:cả |hàng |một |1 )?năm)?",
            _kind("semiannual"),
        ),
        (rf"(?:trong )?(?:6|sáu) tháng (?P<half>đầu|cuối) năm{_YEAR_WORD}", _half_year),
        # yearly: "hàng năm", "trước ngày 15/11 hàng năm"
        (rf"{_EVERY} năm|cuối (?:hàng|mỗi|các) năm", _kind("yearly")),
        (rf"(?:{_EVERY} năm )?{_DEADLINE}{_DAY_MONTH}(?: của)? (?:hàng|mỗi|các) năm", _yearly_day),
        (rf"{_EVERY} năm {_DEADLINE}{_DAY_MONTH}", _yearly_day),
        # one-off windows: quarter, month, year
        (rf"(?:trong |vào )?{_QUARTER}", _quarter_window),
        (rf"(?:(?:đến|tới) )?(?:hết|cuối) {_QUARTER}", _quarter_end),
        (rf"(?:trong |vào )?tháng (?P<month>\d{{1,2}}){_YEAR}", _month_window),
        (
            rf"(?:trong |từ )?tháng (?P<month>\d{{1,2}})(?:-| đến | tới )(?:tháng )?"
            rf"(?P<month2>\d{{1,2}}){_YEAR}",
            _month_window,
        ),
        (rf"(?:(?:đến|tới) )?(?:hết|cuối) tháng (?P<month>\d{{1,2}}){_YEAR}", _month_end_once),
        (r"(?:trong |cả |suốt )?năm (?P<year>\d{4})|(?:trong|cả|suốt) năm", _year_window),
        (rf"(?:(?:đến|tới) )?(?:hết|cuối) năm{_YEAR_WORD}", _on(12, 31)),
        (rf"(?:vào )?giữa năm{_YEAR_WORD}", _on(6, 30)),
        # fixed dates: "trước ngày 10/9/2015", "từ 01/3 đến 30/6/2024"
        (
            r"(?:từ )?(?:ngày )?(?P<day1>\d{1,2})[/.](?P<month1>\d{1,2})(?:[/.](?P<year1>\d{4}))?"
            rf"(?:-| đến | tới )(?:hết )?(?:ngày )?{_DATE}",
            _date_range,
        ),
        (rf"{_DEADLINE}{_DATE}", _on_date),
    ]
    return [(re.compile(pattern), build) for pattern, build in table]


_RULES = _rules()


_CLOCK_TIME = r"\d{1,2}\s*(?:giờ\b|h(?![^\W\d_]))(?:\s*\d{1,2}(?:\s*phút|')?)?"
_CLOCK = re.compile(rf"(?:\btừ\s+)?\b{_CLOCK_TIME}(?:\s*[-–]\s*{_CLOCK_TIME})?(?:\s*,)?")


# The time words as a scan misreads them: the marks of "hằng"/"hàng" before a unit ("Hãng
# năm") and of "quý" before its number ("Quy 1/2027"), and a quarter's roman numeral read as
# digits or half so ("Quý 11/2028", "Quý I1/2026": no quarter is the eleventh).
_SCANNED_EVERY = re.compile(r"\bh[aăâàằầáắấảẳẩãẵẫạặậ]ng (?=(?:năm|tháng|quý|tuần)\b)")
_SCANNED_QUARTER = re.compile(r"\bqu[yýỳỷỹỵ] (?=[ivx]+\b|\d)")
_QUARTER_AS_DIGITS = re.compile(r"(?<=quý )([i1l|]{2,3}|[1l|]v)(?![\d.,])")


def _roman_quarter(found: re.Match[str]) -> str:
    numeral = found[0]
    return "iv" if numeral.endswith("v") else "i" * len(numeral)


def _key(text: str, *, clauses: bool = False) -> str:
    """The comparison form: casefolded, "hằng" as "hàng", "quí" as "quý" (and their marks as
    a scan misreads them), no brackets or markdown stars, tight slashes and hyphens, leading
    filler ("Hoàn thành", "Thời gian thực hiện:") dropped. The whole-text table also drops
    commas and semicolons; the grammar (`clauses`) keeps them, since they separate a list
    ("Quý III, IV") and clauses."""
    key = text.casefold().replace("hằng", "hàng").replace("qúy", "quý").replace("quí", "quý")
    key = _SCANNED_QUARTER.sub("quý ", _SCANNED_EVERY.sub("hàng ", key))
    key = _QUARTER_AS_DIGITS.sub(_roman_quarter, key)
    key = _CLOCK.sub(" ", key)  # "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1": the day
    key = re.sub(r"[()\[\]:*]" if clauses else r"[()\[\],;:*]", " ", key)
    key = key.replace("–", "-").replace("—", "-").replace("ngày tháng", "tháng")
    key = re.sub(r"\s+", " ", key)  # first: "\s*/\s*" over a run of spaces is quadratic
    key = re.sub(r" ?([/-]) ?", r"\1", key)
    key = re.sub(r" ?([,;]) ?", r"\1 ", key).strip(" .-,;")
    while (shorter := _FILLER.sub("", key)) != key:
        key = shorter
    return key


def _match_table(key: str, context: Context) -> Schedule | None:
    for pattern, build in _RULES:
        match = pattern.fullmatch(key)
        if match:
            return build(match, context)
    return None


def _match_whole(cleaned: str, key: str, context: Context) -> Schedule | None:
    """The table's reading of the whole text, or of the text without its parenthetical
    ("Tháng 11/2025 (sau khi có hướng dẫn)" is due in November whatever the aside says)."""
    found = _match_table(key, context)
    until_year = _UNTIL_YEAR.fullmatch(key)
    if found is None and until_year:
        # "Thường xuyên trong năm 2019", "Hàng tháng năm 2024": a series ending that year.
        series = _match_table(until_year.group("rest"), context)
        if series is not None and series.kind in _RECURRING:
            end = date(context.year_of(until_year.group("year")), 12, 31)
            found = replace(series, until=end)
    bare = _key(_PARENTHETICAL.sub(" ", cleaned))
    if found is None and bare and bare != key:
        found = _match_table(bare, context)
    return found


def parse_timeframe(text: str, *, year: int | None, before: BeforeRule = "on") -> Schedule:
    """Read a timeframe as written in a plan. `year` is the plan's year, used when the text
    names none; `before` decides whether "trước ngày 15" means the 15th or the 14th.
    Never raises on bad text: text it cannot read is kind "unknown" with a `problem`; text that
    names no date ("Sau khi có hướng dẫn của Bộ", nothing at all) is a one-off ("once") without
    a due date, with a `problem` saying why it cannot be scheduled yet."""
    cleaned = clean_name(text or "")
    context = Context(cleaned, year, before)
    key = _key(cleaned)
    if not key:
        return context.make("once", problem="no timeframe given")
    try:
        found = _match_whole(cleaned, key, context)
        if found is None and not _RELATIVE.search(key):
            found = read_by_pieces(_key(cleaned, clauses=True), context)
    except Unreadable as error:
        return context.make("unknown", problem=str(error))
    if found is not None:
        return found
    if event := _EVENT.search(key):
        return context.make(
            "once",
            problem=f"tied to an event or ad hoc ({event.group(0)!r}): "
            "cannot be scheduled from the text",
        )
    if vague := _VAGUE.search(key):
        return context.make("once", problem=f"vague ({vague.group(0)!r}): no fixed date; state one")
    return context.make("unknown", problem=NOT_UNDERSTOOD)
