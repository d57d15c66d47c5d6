"""What a timeframe's pieces mean together, for wording the whole-text table does not know:
a recurrence word makes a series, continuing words or year spans make ongoing work, and
otherwise the dated pieces make a one-off. The order of those tests is the convention.

Only pieces that read as the item's own time count: the first one, one after an anchor word
("trước", "trong", "từ", "đến"...) and one joined to a counted piece by "," "và" or "-". A date
inside a reference ("Quyết định số 12/QĐ-UBND ngày 17/10/2025", "Luật ... 2025") counts for
nothing, so the text stays unreadable rather than due on a date nobody set.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import replace
from datetime import date, timedelta

from tasks.plans.parsed import Schedule, ScheduleKind
from tasks.plans.timeframe_pieces import (
    Context,
    Piece,
    Unreadable,
    Word,
    checked_month,
    scan_pieces,
    scan_words,
)

_RECURRING: dict[str, ScheduleKind] = {
    "tuần": "weekly",
    "tháng": "monthly",
    "quý": "quarterly",
    "năm": "yearly",
}
_JOINER = re.compile(r"\s?(?:,|;|và|hoặc|-)?\s?")
_LINK = re.compile(r"\s?(?:,|;|và|hoặc|-|đến|tới|đến hết|tới hết)?\s?")
_RANGE_END = {"đến", "tới", "đến hết", "tới hết"}
_DEADLINE = {"đến", "tới", "đến hết", "tới hết", "hết", "cuối", "chậm nhất", "chậm nhất là"}
_DEADLINE |= {"chậm nhất trong", "chậm nhất vào"}
# "thường xuyên, định kỳ hằng quý báo cáo": the work is ongoing, only the report recurs.
_REPORTING = re.compile(r"báo cáo")
_CLAUSE_END = re.compile(r"[,;]")


def read_by_pieces(key: str, context: Context) -> Schedule | None:
    """The schedule the pieces of `key` make, or None when they make none."""
    pieces = _counted(key, scan_pieces(key))
    words = scan_words(key)
    senses = {word.sense for word in words}
    recurring = next((w for w in words if w.sense in ("every", "adjacent")), None)
    if recurring is None and "steady" in senses:
        recurring = next((w for w in words if w.sense == "within"), None)
    if recurring is not None and not ("steady" in senses and _reports(key, recurring)):
        return _series(_RECURRING[recurring.unit], recurring, pieces, context)
    pieces = [p for p in pieces if p.unit != "day" or p.month is not None]  # "ngày 20" of?
    if senses & {"steady", "onward", "stage"}:
        return _ongoing(pieces, context, onward="onward" in senses)
    if not pieces:
        return None
    first = pieces[0]
    if all(p.unit == "year" for p in pieces) and sum(len(p.numbers) for p in pieces) > 1:
        return _ongoing(pieces, context, onward=False)  # "2026-2030", "Năm 2023, 2024"
    if first.anchor == "từ" and not _range_end(key, pieces):  # "Từ 01/7/2025", "từ năm 2026"
        return context.make("ongoing", start=first.span(context)[0])
    return _once(key, pieces, context)


def _counted(key: str, pieces: list[Piece]) -> list[Piece]:
    """The pieces that are the item's own time (see the module docstring)."""
    counted: list[Piece] = []
    for index, piece in enumerate(pieces):
        leading = index == 0 and not key[: piece.start].strip()
        joined = bool(counted) and _JOINER.fullmatch(key[counted[-1].stop : piece.start])
        if leading or piece.anchor or joined:
            counted.append(piece)
    return _shared_years(key, counted)


def _shared_years(key: str, pieces: list[Piece]) -> list[Piece]:
    """A year (and a day's month) written once for linked pieces belongs to each: "tháng 6 và
    tháng 7/2025", "từ 01/12 đến 15/12/2025", "ngày 5 và 20/12/2025". A year piece lends
    none ("tháng 12 hằng năm, bắt đầu từ năm 2026")."""
    shared = list(pieces)
    for index in range(len(shared) - 2, -1, -1):
        piece, following = shared[index], shared[index + 1]
        if not _LINK.fullmatch(key[piece.stop : following.start]) or piece.year is not None:
            continue
        if following.unit == "year" or following.year is None:
            continue
        if piece.unit == "day" and piece.month is None and following.unit == "day":
            shared[index] = replace(piece, month=following.month, year=following.year)
        elif piece.unit != "day" or piece.month is not None:
            shared[index] = replace(piece, year=following.year)
    return shared


def _reports(key: str, word: Word) -> bool:
    """True when the recurrence word sits in a clause about reporting."""
    before = [m.end() for m in _CLAUSE_END.finditer(key, 0, word.start)]
    after = _CLAUSE_END.search(key, word.stop)
    clause = key[before[-1] if before else 0 : after.start() if after else len(key)]
    return bool(_REPORTING.search(clause))


def _range_end(key: str, pieces: list[Piece]) -> Piece | None:
    """The second piece of "từ A đến B" / "A đến B" / "A - B", if the first two are one."""
    if len(pieces) < 2:
        return None
    first, second = pieces[:2]
    gap = key[first.stop : second.start].strip()
    if second.anchor in _RANGE_END or gap == "-":
        return second
    return None


def _series(
    kind: ScheduleKind, word: Word, pieces: list[Piece], context: Context
) -> Schedule | None:
    """A recurring schedule; its anchor is the first day or month written without a year
    ("trước ngày 31/01 năm liền kề", "trong tháng 01 hằng năm", "ngày 05 của tháng liền
    kề"). A year written before the recurrence or after "từ" starts it ("2026 và hằng
    năm"), one after it ends it; a span after it bounds it ("hằng năm và giai đoạn 2026-2030")."""
    fields: dict[str, int | date | None] = {}
    undated = [p for p in pieces if p.year is None and p.unit != "year"]
    if undated:  # the first is the anchor; a series that cannot place it is not guessed
        anchor = undated[0]
        if kind == "yearly" and (spread := _spread(undated)) is not None:
            return context.make(spread[0], month=spread[1])
        if kind == "yearly" and anchor.unit in ("day", "month", "quarter"):
            month = _month_of(anchor)
            if month is None:  # "hằng năm trước ngày 20": the 20th of which month?
                return None
            day = anchor.numbers[0] if anchor.unit == "day" else None
            fields |= _yearly_anchor(month, day, anchor.anchor, context)
        elif kind == "monthly" and anchor.unit == "day" and anchor.month is None:
            fields["day"] = _monthly_anchor(anchor, context)
        else:  # "hàng quý trước ngày 20": the 20th of which month of the quarter?
            return None
    dated = [p for p in pieces if p.unit == "year" or p.year is not None]
    if dated:
        start, until = dated[0].span(context)
        if dated[0].start < word.start or dated[0].anchor == "từ":
            fields["start"] = start
        else:
            fields |= {"start": start if len(dated[0].numbers) > 1 else None, "until": until}
    return context.make(kind, **{k: v for k, v in fields.items() if v is not None})


def _spread(undated: list[Piece]) -> tuple[ScheduleKind, int] | None:
    """Months listed for every year, evenly spread, are a shorter series: "tháng 3, 6, 9, 12
    hằng năm" is quarterly, "tháng 6 và tháng 12 hằng năm" half-yearly (from the first)."""
    if any(piece.unit != "month" or piece.joint == "range" for piece in undated):
        return None
    months = [month for piece in undated for month in piece.numbers]
    steps = {later - earlier for earlier, later in itertools.pairwise(months)}
    if steps == {3} and len(months) == 4:
        return "quarterly", months[0]
    if steps == {6} and len(months) == 2:
        return "semiannual", months[0]
    return None


def _month_of(piece: Piece) -> int | None:
    """The month a yearly anchor falls in: a day's month, the month or a quarter's last;
    a range ends in its last ("tháng 7-8 hằng năm": August)."""
    if piece.unit == "day":
        return piece.month
    number = piece.numbers[-1] if piece.joint == "range" else piece.numbers[0]
    return number * (3 if piece.unit == "quarter" else 1)


def _monthly_anchor(anchor: Piece, context: Context) -> int | None:
    day = anchor.numbers[0]
    if not 1 <= day <= 31:
        raise Unreadable(f"no such day of the month: {day}")
    if anchor.anchor == "trước" and context.before == "day_before":
        return day - 1 if day > 1 else None  # None: the month before's last day
    return day


def _yearly_anchor(month: int, day: int | None, anchor: str, context: Context) -> dict[str, int]:
    month = checked_month(month)
    if day is None:
        return {"month": month}
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # leap year: 29/2 allowed
        raise Unreadable(f"impossible date: {day:02d}/{month:02d}")
    written = date(2000, month, day)
    if anchor == "trước" and context.before == "day_before":
        earlier = written - timedelta(days=1)
        return {"month": earlier.month, "day": earlier.day}
    return {"month": month, "day": day}


def _ongoing(pieces: list[Piece], context: Context, *, onward: bool) -> Schedule:
    """Continuing work, bounded by what is written: "2026-2030" starts 1/1/2026 and runs to
    31/12/2030; "Quý IV/2025 và các năm tiếp theo" starts 1/10/2025 and has no end."""
    if not pieces:
        return context.make("ongoing")
    start, until = pieces[0].span(context)
    if len(pieces) > 1 and not onward:
        until = max(until, pieces[-1].span(context)[1])
    spans = len(pieces) > 1 or len(pieces[0].numbers) > 1 or onward
    if not spans:  # "Thường xuyên đến hết năm 2025": it runs until then
        return context.make("ongoing", until=until)
    return context.make("ongoing", start=start, **({} if onward else {"until": until}))


def _once(key: str, pieces: list[Piece], context: Context) -> Schedule:
    """A one-off: the range "từ A đến B" is due at B's end; otherwise the first piece is
    the deadline (several written deadlines: the first one is due first)."""
    first = pieces[0]
    end = _range_end(key, pieces)
    if end is not None:
        start, due = first.span(context)[0], end.span(context)[1]
        if due < start:
            raise Unreadable(f"date range ends before it starts: {start} to {due}")
        return context.make("once", start=start if first.unit != "day" else None, due=due)
    if first.unit == "day":
        due = first.span(context)[1]
        if first.anchor == "trước" and context.before == "day_before":
            due -= timedelta(days=1)
        return context.make("once", due=due)
    start, due = first.span(context) if first.joint == "range" else first.windows(context)[0]
    if first.anchor == "trước":  # "trước năm 2025": done within 2024
        return context.make("once", due=start - timedelta(days=1))
    if first.anchor in _DEADLINE:
        return context.make("once", due=due)
    return context.make("once", start=start, due=due)
