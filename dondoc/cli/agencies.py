"""`dondoc agencies …`: the directory of agencies and groups."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from dondoc.cli.output import JsonFlag, console, fail, print_json, warn
from dondoc.core.db import session_scope
from models.queries import list_agencies, list_groups
from models.schema import ready_database_url
from tasks.directory import DirectoryError, import_directory, load_directory

agencies_app = typer.Typer(help="The agency directory.", no_args_is_help=True)


@agencies_app.command("import")
def agencies_import(file: Path) -> None:
    """Import a directory (YAML or CSV): agencies, aliases, emails and groups."""
    try:
        directory = load_directory(file)
    except DirectoryError as exc:
        fail(str(exc))
    for warning in directory.warnings:
        warn(warning)
    url = ready_database_url()
    with session_scope(url) as session:
        counts = import_directory(session, directory)
    console.print(f"{file}: {counts}")


@agencies_app.command("list")
def agencies_list(
    as_json: JsonFlag = False,
) -> None:
    """Every agency with its email and monitoring flag, then the groups."""
    url = ready_database_url()
    with session_scope(url) as session:
        agencies = [
            {
                "id": a.id,
                "name": a.name,
                "scope": a.scope_key,
                "aliases": list(a.aliases),
                "kind": a.kind,
                "email": a.email,
                "head_email": a.head_email,
                "monitoring": a.monitoring,
                "verified": a.verified,
            }
            for a in list_agencies(session)
        ]
        groups = [
            {
                "id": g.id,
                "name": g.name,
                "scope": g.scope_key,
                "members": [m.name for m in g.members],
            }
            for g in list_groups(session)
        ]
    if as_json:
        print_json({"agencies": agencies, "groups": groups})
        return
    table = Table(title=f"Agencies ({len(agencies)})")
    for column in ("id", "scope", "name", "email", "monitoring", "verified"):
        table.add_column(column, overflow="fold")
    for a in agencies:
        table.add_row(
            str(a["id"]),
            a["scope"] or "—",
            a["name"],
            a["email"] or "[red]no email[/]",
            "yes" if a["monitoring"] else "",
            "" if a["verified"] else "[yellow]unverified[/]",
        )
    console.print(table)
    for g in groups:
        scope = f" [dim]({g['scope']})[/]" if g["scope"] else ""
        console.print(
            f"[bold]{g['name']}[/]{scope} ({len(g['members'])}): {', '.join(g['members'])}"
        )
