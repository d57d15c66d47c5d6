"""The progress report a monitoring agency sends up: of the work that has fallen due, how much
was done on time, done late or is overdue, per plan and per agency, worst first. The same
report becomes a terminal table, a workbook, a chart for an email, a Prefect artifact and JSON.

The on-time rate is done / (done + done late + overdue): work due today and still open is
not judged yet, and a report with nothing judged has no rate (None), not 0 %."""

from __future__ import annotations

import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.orm import Session

from dondoc.core.cells import text_cells
from models.progress_queries import ProgressCounts, progress_counts

if TYPE_CHECKING:  # pandas and openpyxl load in a second: only a workbook needs them
    import pandas as pd

PLAN, TITLE, AGENCY = "Kế hoạch", "Tên kế hoạch", "Cơ quan"
HEADINGS = {
    "due": "Đến hạn",
    "done": "Đúng hạn",
    "done_late": "Trễ hạn",
    "overdue": "Quá hạn",
    "open_today": "Hạn hôm nay",
}
RATE = "Tỷ lệ đúng hạn"
PLANS_SHEET, AGENCIES_SHEET = "Kế hoạch", "Cơ quan"
CHART_AGENCIES = 15
MARKDOWN_AGENCIES = 10


@dataclass(frozen=True)
class Tally:
    """Deadlines fallen due, by outcome; `due` = done + done_late + overdue + open_today."""

    due: int = 0
    done: int = 0
    done_late: int = 0
    overdue: int = 0
    open_today: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self.counts(), other.counts(), strict=True)))

    def counts(self) -> tuple[int, int, int, int, int]:
        return (self.due, self.done, self.done_late, self.overdue, self.open_today)

    @property
    def judged(self) -> int:
        return self.done + self.done_late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.done / self.judged if self.judged else None

    def to_json(self) -> dict[str, Any]:
        return {
            **dict(zip(HEADINGS, self.counts(), strict=True)),
            "on_time_rate": self.on_time_rate,
        }


@dataclass(frozen=True)
class AgencyProgress:
    agency_id: int
    name: str
    tally: Tally

    def to_json(self) -> dict[str, Any]:
        return {"agency_id": self.agency_id, "agency": self.name, **self.tally.to_json()}


@dataclass(frozen=True)
class PlanProgress:
    plan_id: int
    number: str | None
    title: str
    tally: Tally
    agencies: tuple[AgencyProgress, ...]  # worst first

    @property
    def label(self) -> str:
        """What the plan is called in a table: its number ("33/KH-UBND"), else its id."""
        return self.number or f"#{self.plan_id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "plan_number": self.number,
            "plan_title": self.title,
            **self.tally.to_json(),
            "agencies": [agency.to_json() for agency in self.agencies],
        }


class ProgressFrames(NamedTuple):
    plans: pd.DataFrame  # one row per plan
    agencies: pd.DataFrame  # one row per (plan, agency)


def worst_first(tally: Tally, name: str, ident: int) -> tuple[Any, ...]:
    """Lowest on-time rate first, then most overdue; nothing judged yet goes last."""
    rate = tally.on_time_rate
    return (rate is None, rate or 0.0, -tally.overdue, -tally.due, name.casefold(), ident)


def percent(rate: float | None) -> str:
    """A rate as Vietnamese write it (12,5%), "—" when there is none."""
    return "—" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class ProgressReport:
    """Deadlines fallen due by `as_of`, per plan, per agency and in all (see module doc)."""

    as_of: date
    plans: tuple[PlanProgress, ...]  # worst first, each with its agencies worst first
    agencies: tuple[AgencyProgress, ...]  # each agency across the plans, worst first
    total: Tally = field(default_factory=Tally)
    kind: str = "due"

    @classmethod
    def from_counts(
        cls, as_of: date, counts: Iterable[ProgressCounts], kind: str = "due"
    ) -> ProgressReport:
        by_plan: dict[int, list[ProgressCounts]] = defaultdict(list)
        across: dict[int, tuple[str, Tally]] = {}
        for row in counts:
            by_plan[row.plan_id].append(row)
            name, tally = across.get(row.agency_id, (row.agency_name, Tally()))
            across[row.agency_id] = (name, tally + _tally(row))
        plans = [_plan(rows) for rows in by_plan.values()]
        plans.sort(key=lambda p: worst_first(p.tally, p.label, p.plan_id))
        agencies = [AgencyProgress(i, name, tally) for i, (name, tally) in across.items()]
        agencies.sort(key=lambda a: worst_first(a.tally, a.name, a.agency_id))
        total = sum((plan.tally for plan in plans), Tally())
        return cls(as_of, tuple(plans), tuple(agencies), total, kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "kind": self.kind,
            "totals": self.total.to_json(),
            "plans": [plan.to_json() for plan in self.plans],
            "agencies": [agency.to_json() for agency in self.agencies],
        }

    def to_frames(self) -> ProgressFrames:
        """Per plan, and per (plan, agency) worst first across plans; Vietnamese headings."""
        plan_rows = [{PLAN: p.label, TITLE: p.title, **_cells(p.tally)} for p in self.plans]
        pairs = [(p, a) for p in self.plans for a in p.agencies]
        pairs.sort(key=lambda pa: worst_first(pa[1].tally, pa[1].name, pa[1].agency_id))
        agency_rows = [{PLAN: p.label, AGENCY: a.name, **_cells(a.tally)} for p, a in pairs]
        counts = list(HEADINGS.values())
        return ProgressFrames(
            _frame(plan_rows, [PLAN, TITLE, *counts, RATE]),
            _frame(agency_rows, [PLAN, AGENCY, *counts, RATE]),
        )

    def to_xlsx(self, target: str | Path | IO[bytes]) -> None:
        """Both sheets: bold headings, headings and names frozen, rates as percent."""
        import pandas as pd

        frames = self.to_frames()
        with pd.ExcelWriter(target, engine="openpyxl") as writer:
            for name, frame in ((PLANS_SHEET, frames.plans), (AGENCIES_SHEET, frames.agencies)):
                frame.to_excel(writer, sheet_name=name, index=False)
                text_cells(writer.sheets[name])  # plan titles and agency names stay text
                _format_sheet(writer.sheets[name], frame)
            writer.book.properties.title = f"Tiến độ thực hiện đến ngày {self.as_of:%d/%m/%Y}"

    def to_markdown(self) -> str:
        """For a Prefect artifact: the totals, then per plan its worst agencies."""
        total = self.total
        lines = [
            f"## Tiến độ thực hiện đến ngày {self.as_of:%d/%m/%Y}",
            "",
            f"Đến hạn {total.due} · đúng hạn {total.done} · trễ hạn {total.done_late} · "
            f"quá hạn {total.overdue} · tỷ lệ đúng hạn {percent(total.on_time_rate)}",
        ]
        if not self.plans:
            lines += ["", "_Chưa có việc nào đến hạn._"]
        for plan in self.plans:
            lines += [
                "",
                f"### {_md(plan.label)} — {_md(plan.title)} ({percent(plan.tally.on_time_rate)})",
                "",
                f"| {AGENCY} | Đến hạn | Đúng hạn | Trễ hạn | Quá hạn | {RATE} |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for agency in plan.agencies[:MARKDOWN_AGENCIES]:
                t = agency.tally
                lines.append(
                    f"| {_md(agency.name)} | {t.due} | {t.done} | {t.done_late} | {t.overdue} "
                    f"| {percent(t.on_time_rate)} |"
                )
            if (more := len(plan.agencies) - MARKDOWN_AGENCIES) > 0:
                lines += ["", f"_… và {more} cơ quan khác._"]
        return "\n".join(lines) + "\n"


def build_progress_report(
    session: Session,
    today: date,
    *,
    plan_id: int | None = None,
    monitor_id: int | None = None,
) -> ProgressReport:
    """The report as of `today`, of kind "due" deadlines only (see progress_counts)."""
    counts = progress_counts(session, today, plan_id=plan_id, monitor_id=monitor_id)
    return ProgressReport.from_counts(today, counts)


def _tally(row: ProgressCounts) -> Tally:
    return Tally(row.due, row.done, row.done_late, row.overdue, row.open_today)


def _plan(rows: list[ProgressCounts]) -> PlanProgress:
    agencies = [AgencyProgress(r.agency_id, r.agency_name, _tally(r)) for r in rows]
    agencies.sort(key=lambda a: worst_first(a.tally, a.name, a.agency_id))
    first = rows[0]
    total = sum((a.tally for a in agencies), Tally())
    return PlanProgress(first.plan_id, first.plan_number, first.plan_title, total, tuple(agencies))


def _cells(tally: Tally) -> dict[str, Any]:
    return {**dict(zip(HEADINGS.values(), tally.counts(), strict=True)), RATE: tally.on_time_rate}


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    frame[RATE] = frame[RATE].astype("float64")  # None → NaN, an empty cell in the workbook
    return frame


def _format_sheet(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "C2"  # the heading row, and the plan and agency (or title) columns
    for position, column in enumerate(frame.columns, start=1):
        sheet.cell(row=1, column=position).font = Font(bold=True)
        values = [] if column == RATE else [str(v) for v in frame[column]]
        widest = max(len(text) for text in (str(column), *values))
        sheet.column_dimensions[get_column_letter(position)].width = min(max(widest + 2, 10), 60)
        if column == RATE:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = "0.0%"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- the chart ---------------------------------------------------------------------------

# Bar colour and the colour of the count printed on it (dark on amber: white is unreadable).
COLOURS = {
    "done": ("#2e7d32", "white"),
    "done_late": ("#f0a500", "#222222"),
    "overdue": ("#c62828", "white"),
}


# The chart is drawn for a phone: 3.6 in wide at 200 dpi (720 px), shown at most 480 px wide in
# an email, so a 9 pt name is ~12 px tall on a 390 px phone (it was 6 px at 6 in wide).
CHART_WIDTH_IN = 3.6
CHART_ROW_IN = 0.5
NAME_CHARACTERS = 46


def chart_png(report: ProgressReport, *, limit: int = CHART_AGENCIES) -> bytes:
    """Stacked bars (on time, late, overdue) of the `limit` worst agencies, worst on top, each
    agency's name on a line of its own above its bar so the bars keep the width on a phone.
    DejaVu Sans (shipped with matplotlib) has every Vietnamese letter. The Agg canvas is used
    directly: no pyplot, no GUI, no global figure state in a worker."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    shown = [a for a in report.agencies if a.tally.judged][:limit]
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 9}):
        height = 1.4 + CHART_ROW_IN * max(len(shown), 2)
        figure = Figure(figsize=(CHART_WIDTH_IN, height), layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        figure.suptitle(f"Tiến độ đến ngày {report.as_of:%d/%m/%Y}", fontsize=11, weight="bold")
        if not shown:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "Chưa có việc nào đến hạn", ha="center", va="center")
        else:
            _draw_bars(axes, shown, MaxNLocator)
            figure.legend(loc="outside lower center", ncol=3, frameon=False, fontsize=9)
            if len(report.agencies) > len(shown):
                axes.set_title(f"{len(shown)} cơ quan có tỷ lệ đúng hạn thấp nhất", fontsize=9)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=200, facecolor="white")
    return buffer.getvalue()


def _draw_bars(axes: Any, shown: list[AgencyProgress], locator: Any) -> None:
    positions = range(len(shown))
    widest = max(a.tally.judged for a in shown)
    left = [0] * len(shown)
    for key, label in (("done", "Đúng hạn"), ("done_late", "Trễ hạn"), ("overdue", "Quá hạn")):
        values = [getattr(a.tally, key) for a in shown]
        colour, ink = COLOURS[key]
        bars = axes.barh(positions, values, left=left, color=colour, label=label, height=0.42)
        inside = [str(v) if v and v >= widest * 0.1 else "" for v in values]
        axes.bar_label(bars, labels=inside, label_type="center", color=ink, fontsize=8)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, agency in enumerate(shown):
        name = unicodedata.normalize("NFC", agency.name)
        if len(name) > NAME_CHARACTERS:
            name = name[: NAME_CHARACTERS - 1].rstrip() + "…"
        axes.text(0, y - 0.27, name, va="bottom", ha="left", fontsize=9)
        rate = agency.tally.on_time_rate
        axes.text(agency.tally.judged + widest * 0.02, y, f"{rate:.0%}", va="center", fontsize=9)
    axes.set_yticks([])
    axes.set_ylim(len(shown) - 0.6, -0.85)  # the worst on top, its name inside the frame
    axes.set_xlim(0, widest * 1.18)
    axes.xaxis.set_major_locator(locator(integer=True))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_xlabel("Số việc đã đến hạn; % đúng hạn ở cuối thanh", fontsize=8)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
