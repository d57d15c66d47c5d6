"""`dondoc calendar …`: the working-day calendar that deadlines and "overdue" are counted on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import holidays
import typer

from dondoc.cli.errors import command_group
from dondoc.cli.output import JsonFlag, print_json, print_table, styled
from dondoc.core.settings import get_settings
from tasks.schedule import WorkCalendar, weekday_name

calendar_app = command_group(
    "The Vietnamese working-day calendar: holidays, days off and worked weekends."
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
    calendar = WorkCalendar.from_file(overrides or get_settings().workday_overrides)
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
    print_table(
        f"Ngày nghỉ và ngày làm bù {year} ({len(exceptions)})",
        ("date", "weekday", "working", "reason", "source"),
        (
            (
                f"{e.day:%d/%m/%Y}",
                weekday_name(e.day),
                styled("làm việc", "green") if e.working else styled("nghỉ", "red"),
                e.reason,
                e.source,
            )
            for e in exceptions
        ),
    )
