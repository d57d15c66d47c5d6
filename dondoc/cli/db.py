"""`dondoc db …`: the database schema."""

from __future__ import annotations

from dondoc.cli.errors import command_group
from dondoc.cli.output import console
from models.schema import ready_database_url

db_app = command_group("The database schema.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the schema to the newest migration."""
    ready_database_url()
    console.print("database is up to date")
