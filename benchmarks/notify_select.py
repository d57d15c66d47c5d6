"""Selecting a day's reminders and escalations at nation scale: how long `dondoc remind` and
`dondoc escalate` take to find what to send, before any rendering or SMTP.

    .venv/bin/python benchmarks/notify_select.py [--sizes 2500:500,10000:2000]

For each corpus size (agencies:plans, benchmarks/corpus.py, compiled untimed on SQLite), 90 % of
the work due before the first measured day is marked done, as agencies would have reported it,
and the escalation of the day before each measured day is run untimed, as the daily flow would
have. Then, per day, it times `tasks.notify.selection.due_soon` and
`tasks.notify.selection.overdue` (flips and rung claims included, rolled back afterwards)
against a baseline measured in the same run: the bare index reads of the same rows ((status,
due) and (status, next_escalation_on)). The days differ in how much falls due, so the table
shows the time following the number due rather than the corpus's total."""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from feeds import compiled_corpus
from parse import machine
from rich.console import Console
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from dondoc.core.db import get_engine, session_scope
from models import Occurrence
from models.schema import migrate
from tasks.notify import LinkMaker, NotifyPolicy, due_soon, overdue
from tasks.schedule import WorkCalendar

STDERR = Console(stderr=True)
SETTLED = date(2025, 6, 1)  # work due before this is mostly reported done
# A quiet Wednesday mid-month, and the days before the end of June (month, quarter and
# half-year deadlines: the heaviest reminder days of the year).
DAYS = (date(2025, 6, 11), date(2025, 6, 23), date(2025, 6, 27))
OCC = Occurrence.__table__


def _baseline(session: Session, day: date, policy: NotifyPolicy, calendar: WorkCalendar) -> int:
    last = calendar.add_working_days(day, policy.longest_lead)
    upcoming = select(OCC.c.id, OCC.c.due).where(
        OCC.c.status == "pending", OCC.c.due >= day, OCC.c.due <= last
    )
    rungs = select(OCC.c.id, OCC.c.due).where(
        OCC.c.status == "overdue", OCC.c.next_escalation_on <= day
    )
    return len(session.execute(upcoming).all()) + len(session.execute(rungs).all())


def measure(url: str, label: str) -> list[tuple[str, ...]]:
    policy = NotifyPolicy.from_file()
    calendar = WorkCalendar.from_file(None)
    links = LinkMaker("https://dondoc.example.org", "benchmark")
    with session_scope(url) as session:
        session.execute(
            text("UPDATE occurrence SET status = 'done' WHERE due < :d AND id % 10 != 0"),
            {"d": SETTLED},
        )
        total = session.scalar(select(func.count()).select_from(OCC))
    rows = []
    engine = get_engine(url)
    for day in DAYS:
        with session_scope(url) as session:  # yesterday's escalation, as the daily flow ran it
            before = calendar.add_working_days(day, -1)
            overdue(session, before, policy, calendar, links, datetime.now(UTC))
        with Session(engine) as session:
            start = time.perf_counter()
            selected = _baseline(session, day, policy, calendar)
            base = time.perf_counter() - start

            start = time.perf_counter()
            soon = due_soon(session, day, policy, calendar, links)
            late = overdue(session, day, policy, calendar, links, datetime.now(UTC))
            ours = time.perf_counter() - start
            session.rollback()
        deadlines = soon.deadlines + late.deadlines
        rows.append(
            (
                label,
                f"{total:,}",
                f"{day:%a %d/%m}",
                f"{selected:,}",
                f"{deadlines:,}",
                f"{len(soon.digests) + len(late.digests):,}",
                f"{base:.3f}",
                f"{ours:.3f}",
                f"{ours / base:.1f}×",
                f"{ours / max(selected, 1) * 1e6:.0f}",
            )
        )
        STDERR.print(rows[-1])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500:500,10000:2000", help="agencies:plans,...")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    table = []
    for size in args.sizes.split(","):
        agencies, plans = (int(n) for n in size.split(":"))
        path = args.out / f"select-{uuid.uuid4().hex[:8]}.sqlite3"
        url = f"sqlite:///{path.resolve()}"
        try:
            migrate(url)
            compiled_corpus(url, agencies, plans)
            table += measure(url, f"{agencies:,} / {plans:,}")
        finally:
            get_engine(url).dispose()
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
    python = sys.version.split()[0]
    print(f"# notify selection benchmark, {date.today()}, {machine()}, Python {python}")
    print(
        "| agencies / plans | occurrences | day | rows read | deadlines in digests | digests "
        "| baseline s | selection s | ratio | µs per row read |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in table:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
