"""Options several commands share, parsed in one place so that a bad value gets the same
message (and click's exit code 2 for a bad parameter) whichever command it was given to."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from pydantic_core import PydanticCustomError

DATE_FORMAT = "YYYY-MM-DD"


def parse_date(value: str | date) -> date:
    """A calendar day written as YYYY-MM-DD (a default may already be a date).

    Typer validates option values with pydantic: a PydanticCustomError is shown as its
    message alone, after click's "Invalid value for '--date':"."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date", "{value} is not a date; write it as " + DATE_FORMAT, {"value": repr(value)}
        ) from None


def date_option(*flags: str, help: str) -> Any:
    """A `typer.Option` reading a day: annotate the parameter `date | None` (or `date`)."""
    return typer.Option(*flags, parser=parse_date, metavar=DATE_FORMAT, help=help)
