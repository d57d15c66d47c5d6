"""One mapping from the project's domain errors to the command's exit: `error: <message>`
on stderr, a non-zero code, no traceback. Commands let these errors rise; every command
group is made by `command_group`, whose group catches them around the command it runs.

A domain error's message already names what was wrong (file, line, field, plan or
occurrence), so it is printed as it is."""

from __future__ import annotations

from functools import cache
from typing import Any

import typer
from typer.core import TyperGroup

from dondoc.cli.output import fail


@cache
def exit_codes() -> dict[type[Exception], int]:
    """Each domain error type and the exit code it ends a command with. Imported here, on
    the error path only: the SMTP sender and the stack are slow to import and most commands
    never need them."""
    from dondoc.core.problems import InputFileError
    from dondoc.core.secret import ConfigurationError
    from dondoc.stack import StackError
    from models import OccurrenceStateError, PlanStateError
    from notifications.delivery import DeliveryError
    from tasks.schedule import CompileError

    return {
        # Every user file read (plans, directories, override and policy files, done
        # sheets) refuses bad input with one of these, naming file, line and field.
        InputFileError: 1,
        PlanStateError: 1,
        OccurrenceStateError: 1,
        CompileError: 1,
        DeliveryError: 1,
        StackError: 1,
        ConfigurationError: 1,
    }


def exit_code_for(error: Exception) -> int | None:
    """The exit code of a domain error (of its nearest listed type); None for any other."""
    codes = exit_codes()
    return next((codes[kind] for kind in type(error).__mro__ if kind in codes), None)


class DomainErrorsGroup(TyperGroup):
    """A command group that ends a command raising a domain error with its message."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            code = exit_code_for(error)
            if code is not None:
                fail(str(error), code)
            if message := database_problem(error):
                fail(message, 1)
            raise


def database_problem(error: Exception) -> str | None:
    """A database that cannot be reached or is locked, said in one line: the driver's own
    reason, never the statement (which can hold a whole plan)."""
    from sqlalchemy.exc import OperationalError

    if not isinstance(error, OperationalError):
        return None
    reason = str(error.orig).strip().splitlines()[0] if error.orig else "unavailable"
    if "locked" in reason:
        return (
            f"the database is busy ({reason}): another dondoc command or worker holds it; "
            "try again when it has finished"
        )
    return f"the database cannot be used ({reason})"


def command_group(help: str, **options: Any) -> typer.Typer:
    """A Typer app (the root or a group of commands) whose domain errors become messages."""
    return typer.Typer(cls=DomainErrorsGroup, help=help, no_args_is_help=True, **options)
