"""`dondoc admin …`: the admin pages' accounts. A password is read from a prompt (or one line
of standard input), never from the command line, where `ps` and the shell history keep it."""

from __future__ import annotations

import sys

import typer

from dondoc.cli.errors import command_group
from dondoc.cli.output import fail

admin_app = command_group("The admin pages' accounts.")
MIN_LENGTH = 12


@admin_app.command("hash-password")
def hash_password() -> None:
    """Print an argon2 hash of a password for DONDOC_ADMIN_PASSWORD_HASH (or
    DONDOC_ADMIN_ACCOUNTS as NAME:HASH). The password is asked for twice, or read as one
    line from standard input when that is not a terminal."""
    from dondoc.web.sessions import hash_password as argon2_hash

    if sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_LENGTH:
        fail(f"the password is shorter than {MIN_LENGTH} characters", code=2)
    typer.echo(argon2_hash(password))
