"""Read queries over dondoc's state: plain functions taking a session, so commands, flows and
the web app ask the same questions the same way."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import select, union
from sqlalchemy.orm import Session, joinedload

from models.agency import Agency, AgencyGroup, agency_group_member
from models.occurrence import Occurrence, status_filter

# --- agency directory -------------------------------------------------------------------


def list_agencies(session: Session, scope_keys: Collection[str] | None = None) -> Sequence[Agency]:
    """All agencies (or those of the given scopes) in id order, which is the order of the
    directory that created them."""
    query = select(Agency).order_by(Agency.id)
    if scope_keys is not None:
        query = query.where(Agency.scope_key.in_(scope_keys))
    return session.scalars(query).all()


def list_groups(
    session: Session, scope_keys: Collection[str] | None = None
) -> Sequence[AgencyGroup]:
    query = select(AgencyGroup).order_by(AgencyGroup.id)
    if scope_keys is not None:
        query = query.where(AgencyGroup.scope_key.in_(scope_keys))
    return session.scalars(query).all()


def agency_by_key(session: Session, key: str, scope_key: str = "") -> Agency | None:
    """`key` and `scope_key` are dondoc.core.text.normalize_name of the name and of the scope."""
    query = select(Agency).where(Agency.scope_key == scope_key, Agency.key == key)
    return session.scalars(query).one_or_none()


def directory_scopes(session: Session) -> dict[str, str]:
    """Every scope key in the directory -> a name to show it by: the name of the agency of
    that key (the People's Committee itself, usually listed in its own directory), else the
    key. "" is the global scope."""
    keys = set(
        session.scalars(union(select(Agency.scope_key), select(AgencyGroup.scope_key))).all()
    )
    titles = dict.fromkeys(keys, "")
    rows = session.execute(
        select(Agency.scope_key, Agency.key, Agency.name)
        .where(Agency.key.in_(keys - {""}))
        .order_by(Agency.id)
    )
    for scope_key, key, name in rows:
        if scope_key == key or not titles[key]:
            titles[key] = name
    return {key: title or key for key, title in titles.items()}


def monitoring_agencies(session: Session, scope_key: str | None = None) -> Sequence[Agency]:
    """Agencies flagged to monitor plans: the fallback when a plan names none. With a scope,
    that scope's agencies first, then the global scope's, as a plan of the scope sees them."""
    query = select(Agency).where(Agency.monitoring.is_(True))
    if scope_key is None:
        return session.scalars(query.order_by(Agency.id)).all()
    query = query.where(Agency.scope_key.in_({scope_key, ""}))
    return session.scalars(query.order_by(Agency.scope_key != scope_key, Agency.id)).all()


def agencies_without_email(session: Session) -> Sequence[Agency]:
    """Agencies nobody can be reminded at: reported rather than skipped silently."""
    query = (
        select(Agency).where((Agency.email.is_(None)) | (Agency.email == "")).order_by(Agency.id)
    )
    return session.scalars(query).all()


def unverified_agencies(session: Session) -> Sequence[Agency]:
    """Agencies created from plan text (`--auto-agencies`) that no directory has named yet."""
    query = select(Agency).where(Agency.verified.is_(False)).order_by(Agency.id)
    return session.scalars(query).all()


def group_memberships(session: Session) -> dict[int, list[int]]:
    """Group id -> member agency ids, read in one query (no per-group lazy loads)."""
    rows = session.execute(
        select(agency_group_member.c.group_id, agency_group_member.c.agency_id).order_by(
            agency_group_member.c.group_id, agency_group_member.c.agency_id
        )
    )
    members: dict[int, list[int]] = {}
    for group_id, agency_id in rows:
        members.setdefault(group_id, []).append(agency_id)
    return members


def directory_names(session: Session) -> list[str]:
    """Every agency and group name and alias, in any scope: what the plan parser needs to
    split agency cells, read without building a resolver's fuzzy index."""
    rows = [
        *session.execute(select(Agency.name, Agency.aliases)),
        *session.execute(select(AgencyGroup.name, AgencyGroup.aliases)),
    ]
    return [written for name, aliases in rows for written in (name, *aliases)]


def members_of_groups(session: Session, group_ids: Collection[int]) -> dict[int, list[int]]:
    """The member agency ids of just these groups (a compile needs a handful, not the
    nation's), each in id order."""
    if not group_ids:
        return {}
    rows = session.execute(
        select(agency_group_member.c.group_id, agency_group_member.c.agency_id)
        .where(agency_group_member.c.group_id.in_(group_ids))
        .order_by(agency_group_member.c.group_id, agency_group_member.c.agency_id)
    )
    members: dict[int, list[int]] = {group_id: [] for group_id in group_ids}
    for group_id, agency_id in rows:
        members[group_id].append(agency_id)
    return members


def list_occurrences(
    session: Session,
    *,
    today: date,
    plan_id: int | None = None,
    agency_ids: Collection[int] | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> Sequence[Occurrence]:
    """Occurrences by due date, with their item, plan and agency loaded in the same query."""
    query = (
        select(Occurrence)
        .options(
            joinedload(Occurrence.item), joinedload(Occurrence.agency), joinedload(Occurrence.plan)
        )
        .order_by(Occurrence.due, Occurrence.plan_id, Occurrence.item_id, Occurrence.agency_id)
    )
    if plan_id is not None:
        query = query.where(Occurrence.plan_id == plan_id)
    if agency_ids is not None:
        query = query.where(Occurrence.agency_id.in_(agency_ids))
    if due_from is not None:
        query = query.where(Occurrence.due >= due_from)
    if due_to is not None:
        query = query.where(Occurrence.due <= due_to)
    if status is not None:
        query = query.where(status_filter(status, today))
    return session.scalars(query.limit(limit)).all()


def default_monitoring_agency_id(session: Session, scope_key: str) -> int | None:
    """The directory's agency flagged `monitoring`, for a plan whose text names none: the
    plan's own locality first, then the global scope. Without a locality only a single
    flagged agency is taken; one of several districts' offices would be a guess."""
    if scope_key:
        candidates = monitoring_agencies(session, scope_key)
        return candidates[0].id if candidates else None
    candidates = monitoring_agencies(session)
    return candidates[0].id if len(candidates) == 1 else None
