"""`dondoc calendar …`: the working-day calendar that deadlines and "overdue" are counted on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import holidays
import typer
from rich.table import Table

from dondoc.cli.output import JsonFlag, console, fail, print_json
from dondoc.core.settings import get_settings
from tasks.schedule.workdays import WorkCalendar, WorkdayOverrideError, weekday_name

calendar_app = typer.Typer(
    help="The Vietnamese working-day calendar: holidays, days off and worked weekends.",
    no_args_is_help=True,
)


@calendar_app.callback()
def calendar_main() -> None:
    """The Vietnamese working-day calendar: holidays, days off and worked weekends."""
    # A callback keeps `workdays` a subcommand even while it is the only one.


@calendar_app.command("workdays")
def calendar_workdays(
    year: Annotated[
        int,
        typer.Argument(
            metavar="YEAR", min=holidays.VN.start_year, max=holidays.VN.end_year, help="The year."
        ),
    ],
    as_json: JsonFlag = False,
    overrides: Annotated[
        Path | None,
        typer.Option(
            "--overrides",
            metavar="FILE",
            help="Override file (YAML); default: the setting, else the packaged file.",
        ),
    ] = None,
) -> None:
    """The weekdays that are not worked and the weekend days that are, with their reasons."""
    path = overrides or get_settings().workday_overrides
    try:
        calendar = WorkCalendar.from_file(path)
    except WorkdayOverrideError as exc:
        fail(str(exc))
    exceptions = calendar.exceptions(year)
    if as_json:
        print_json(
            [
                {
                    "date": e.day.isoformat(),
                    "weekday": weekday_name(e.day),
                    "working": e.working,
                    "reason": e.reason,
                    "source": e.source,
                }
                for e in exceptions
            ]
        )
        return
    table = Table(title=f"Ngày nghỉ và ngày làm bù {year} ({len(exceptions)})")
    for column in ("date", "weekday", "working", "reason", "source"):
        table.add_column(column, overflow="fold")
    for e in exceptions:
        table.add_row(
            f"{e.day:%d/%m/%Y}",
            weekday_name(e.day),
            "[green]làm việc[/]" if e.working else "[red]nghỉ[/]",
            e.reason,
            e.source,
        )
    console.print(table)
