"""Options several commands share, parsed in one place so that a bad value gets the same
message (and click's exit code 2 for a bad parameter) whichever command it was given to."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from pydantic_core import PydanticCustomError

from dondoc.cli.output import fail
from dondoc.core.ids import parse_id

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


def id_value(value: str | int) -> int:
    """A record id in ASCII digits within the database's range (dondoc.core.ids): click's
    own int reads "١" as 1, and a 5,000-digit number reached the database."""
    if isinstance(value, int):
        return value
    try:
        return parse_id(value)
    except ValueError as exc:
        raise PydanticCustomError("id", str(exc)) from None


def id_argument(help: str | None = None) -> Any:
    """A `typer.Argument` reading an id: annotate the parameter `int`."""
    return typer.Argument(metavar="ID", parser=id_value, help=help)


def id_option(help: str) -> Any:
    """A `typer.Option` reading an id: annotate the parameter `int | None`."""
    return typer.Option(metavar="ID", parser=id_value, help=help)


def typed_id(text: str) -> int:
    """An id typed where a name or number may stand too (a plan's number, an agency's
    name): the command fails with click's exit code 2 when it is out of range."""
    try:
        return parse_id(text)
    except ValueError as exc:
        fail(str(exc), code=2)
