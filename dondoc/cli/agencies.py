"""`dondoc agencies …`: the directory of agencies and groups."""

from __future__ import annotations

from pathlib import Path

from dondoc.cli.errors import command_group
from dondoc.cli.output import JsonFlag, console, print_json, print_table, styled, warn
from dondoc.core.db import session_scope
from models.queries import list_agencies, list_groups
from models.schema import ready_database_url
from tasks.directory import import_directory, load_directory

agencies_app = command_group("The agency directory.")


@agencies_app.command("import")
def agencies_import(file: Path) -> None:
    """Import a directory (YAML or CSV): agencies, aliases, emails and groups."""
    directory = load_directory(file)
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
    print_table(
        f"Agencies ({len(agencies)})",
        ("id", "scope", "name", "email", "monitoring", "verified"),
        (
            (
                str(a["id"]),
                a["scope"] or None,
                a["name"],
                a["email"] or styled("no email", "red"),
                "yes" if a["monitoring"] else "",
                "" if a["verified"] else styled("unverified", "yellow"),
            )
            for a in agencies
        ),
    )
    for g in groups:
        console.print(
            styled(g["name"], "bold"),
            *([styled(f"({g['scope']})", "dim")] if g["scope"] else []),
            f"({len(g['members'])}): {', '.join(g['members'])}",
        )
