"""Agency names typed on the command line, resolved the way a plan's names are."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dondoc.cli.output import fail
from tasks.directory.resolve import Resolution, Resolver


def resolve_or_fail(
    session: Session, name: str, scope: str | None = None
) -> tuple[Resolver, Resolution]:
    """The resolution of `name` (in `scope` first), or an error naming the closest ones."""
    resolver = Resolver.from_session(session, scope)
    resolution = resolver.resolve(name)
    if not resolution.resolved:
        hint = ", ".join(s for s, _ in resolution.suggestions)
        fail(
            f"no agency named {name!r}"
            + (f"; did you mean {hint}? (--scope or an agency id picks one)" if hint else "")
        )
    return resolver, resolution
