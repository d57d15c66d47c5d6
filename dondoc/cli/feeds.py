"""`dondoc feeds` and `dondoc serve`: the private iCal feeds agencies subscribe to.

A token is the only key to a feed (Google cannot send credentials), so it is made, listed
and revoked here, and `feeds urls` can print every URL again: a token is derived from the
secret key and its row's salt (models.feed), never stored."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from calendars.feeds import write_feeds
from calendars.tokens import create_missing_tokens, derive_token, new_token, token_sha256
from dondoc.cli.errors import command_group
from dondoc.cli.names import resolve_or_fail
from dondoc.cli.options import date_option, id_value, typed_id
from dondoc.cli.output import JsonFlag, console, err_console, fail, print_json, print_rows, warn
from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import session_scope
from dondoc.core.ids import is_ascii_number
from dondoc.core.settings import get_settings
from models import Agency, FeedToken, Plan
from models.schema import ready_database_url

feeds_app = command_group(
    "Private iCal feeds for Google Calendar, Outlook, Apple Calendar and Thunderbird."
)
token_app = command_group("Feed tokens: the secret in each subscription URL.")
feeds_app.add_typer(token_app, name="token")

# Whose feed a token opens, in `token new` and `token revoke`: an agency or a plan.
AgencyArgument = Annotated[
    str | None, typer.Argument(metavar="AGENCY", help="The agency (name or id).")
]
PlanOption = Annotated[
    int | None,
    typer.Option("--plan", metavar="ID", parser=id_value, help="A plan's feed, not an agency's."),
]
ScopeOption = Annotated[
    str | None,
    typer.Option(help='Where AGENCY is, when several localities have it: "UBND huyện Sông Mã".'),
]
GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r?cid="
KIND_ORDER = {"agency": 0, "monitoring": 1, "plan": 2}


@dataclass(frozen=True)
class FeedUrls:
    """One feed as each client wants it: https for Outlook on the web and Thunderbird,
    webcal:// for Apple and Outlook desktop, and Google's subscribe link."""

    url: str
    webcal: str
    google: str

    @classmethod
    def of(cls, base_url: str, token: str) -> FeedUrls:
        url = f"{base_url.rstrip('/')}/feeds/{token}.ics"
        webcal = "webcal://" + url.split("://", 1)[-1]
        return cls(url, webcal, GOOGLE_SUBSCRIBE + quote(webcal, safe=""))

    def json(self) -> dict[str, str]:
        return {"url": self.url, "webcal": self.webcal, "google": self.google}


def _secret() -> str:
    return get_settings().signing_key()


def _check_settings() -> None:
    """What makes a printed URL useless or unsafe, said before it is handed out."""
    settings = get_settings()
    if not settings.base_url.startswith("https://"):
        warn(
            f"base_url {settings.base_url} is not https: Google Calendar cannot subscribe "
            "(set DONDOC_BASE_URL to the public https address)"
        )
    settings.signing_key()  # a placeholder key is refused before any URL is handed out


def _resolve_agency(session: Session, name: str, scope: str | None) -> Agency:
    """An agency by id or by name, `scope`'s first; a group is refused, because a token
    opens one agency's feed."""
    if is_ascii_number(name):
        agency = session.get(Agency, typed_id(name))
        if agency is None:
            fail(f"no agency with id {name}")
        return agency
    _, resolution = resolve_or_fail(session, name, scope)
    if resolution.agency_id is None:
        fail(f"{name!r} is a group: feed tokens are per agency, name one of its members")
    agency = session.get(Agency, resolution.agency_id)
    assert agency is not None
    return agency


def _plan(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        fail(f"no plan with id {plan_id}")
    return plan


def _target(row: FeedToken) -> str:
    """Whose feed a token opens, as a person reads it."""
    if row.plan is not None:
        return f"KH {row.plan.number or row.plan.id}: {row.plan.title}"
    return row.agency.name if row.agency is not None else "—"


def token_json(row: FeedToken, urls: FeedUrls | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "kind": row.kind,
        "agency_id": row.agency_id,
        "agency": row.agency.name if row.agency else None,
        "plan_id": row.plan_id,
        "plan": row.plan.number if row.plan else None,
        "feed": _target(row),
        "created_at": row.created_at.isoformat(),
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        "active": row.active,
    }
    return data | (urls.json() if urls else {})


def _print_urls(rows: list[dict[str, Any]]) -> None:
    # Plain print: Rich would wrap a long URL at the terminal's width and break it.
    for row in rows:
        print(f"{row['feed']} ({row['kind']}, token {row['id']})")
        for key in ("url", "webcal", "google"):
            print(f"  {row[key]}")


@token_app.command("new")
def token_new(
    agency: AgencyArgument = None,
    monitoring: Annotated[
        bool, typer.Option("--monitoring", help="The plans AGENCY monitors, not its own work.")
    ] = False,
    plan: PlanOption = None,
    scope: ScopeOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Make a token and print its subscription URLs (https, webcal:// and Google's link)."""
    if (agency is None) == (plan is None):
        fail("give an AGENCY or --plan ID (one of them)", code=2)
    if monitoring and plan is not None:
        fail("--monitoring is for an agency, not with --plan", code=2)
    secret = _secret()
    with session_scope(ready_database_url()) as session:
        if plan is not None:
            target = _plan(session, plan)
            if target.status != "approved":
                warn(f"plan {plan} is {target.status}: its feed stays empty until approved")
            row, token = new_token(
                session, kind="plan", secret=secret, now=now_utc(), plan_id=target.id
            )
        else:
            assert agency is not None
            found = _resolve_agency(session, agency, scope)
            kind = "monitoring" if monitoring else "agency"
            if monitoring and not found.monitoring and not _monitors_a_plan(session, found):
                warn(f"{found.name} monitors no plan: its monitoring feed is empty for now")
            row, token = new_token(
                session, kind=kind, secret=secret, now=now_utc(), agency_id=found.id
            )
        created = token_json(row, FeedUrls.of(get_settings().base_url, token))
    _check_settings()
    if as_json:
        print_json(created)
        return
    _print_urls([created])


def _monitors_a_plan(session: Session, agency: Agency) -> bool:
    query = select(Plan.id).where(Plan.monitoring_agency_id == agency.id).limit(1)
    return session.scalar(query) is not None


@token_app.command("revoke")
def token_revoke(
    agency: AgencyArgument = None,
    plan: PlanOption = None,
    token_id: Annotated[
        int | None,
        typer.Option("--token-id", metavar="N", parser=id_value, help="Only this token."),
    ] = None,
    scope: ScopeOption = None,
) -> None:
    """Revoke an agency's or a plan's tokens, or one token: their URLs stop working.

    Within the server's cache time (10 s by default). The rows stay, so `token list` shows
    what was cut off and when."""
    if agency is None and plan is None and token_id is None:
        fail("give an AGENCY, --plan ID or --token-id N", code=2)
    if agency is not None and plan is not None:
        fail("a plan's tokens belong to no agency: give AGENCY or --plan, not both", code=2)
    now = now_utc()
    with session_scope(ready_database_url()) as session:
        owner = _resolve_agency(session, agency, scope) if agency is not None else None
        if plan is not None:
            _plan(session, plan)
        if token_id is not None:
            row = session.get(FeedToken, token_id)
            if row is None:
                fail(f"no feed token with id {token_id}")
            if (owner is not None and row.agency_id != owner.id) or (
                plan is not None and row.plan_id != plan
            ):
                whose = owner.name if owner else f"plan {plan}"
                fail(f"token {token_id} does not open {whose}'s feed")
            rows = [row] if row.active else []
        else:
            query = select(FeedToken).where(FeedToken.revoked_at.is_(None))
            if owner is not None:
                query = query.where(FeedToken.agency_id == owner.id)
            if plan is not None:
                query = query.where(FeedToken.plan_id == plan)
            rows = list(session.scalars(query.order_by(FeedToken.id)))
        for found in rows:
            found.revoke(now)
    console.print(f"revoked {len(rows)} feed token{'' if len(rows) == 1 else 's'}")


@token_app.command("list")
def token_list(as_json: JsonFlag = False) -> None:
    """Every token, revoked ones included (without URLs: `feeds urls` prints those)."""
    with session_scope(ready_database_url()) as session:
        rows = [
            token_json(row) for row in session.scalars(select(FeedToken).order_by(FeedToken.id))
        ]
    print_rows(
        rows,
        as_json,
        f"{len(rows)} feed tokens",
        {
            "id": "id",
            "kind": "kind",
            "feed": "feed",
            "created": lambda row: row["created_at"][:16],
            "revoked": lambda row: row["revoked_at"] and row["revoked_at"][:16],
        },
    )


@feeds_app.command("urls")
def feeds_urls(
    create: Annotated[
        bool,
        typer.Option(
            "--create",
            help="First make an agency token for each agency without one, and a monitoring "
            "token for each monitoring agency without one.",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Every active token's subscription URLs, derived again from the secret key."""
    secret, base_url = _secret(), get_settings().base_url
    unreadable: list[int] = []
    with session_scope(ready_database_url()) as session:
        made = create_missing_tokens(session, secret, now_utc()) if create else 0
        rows = []
        active = select(FeedToken).where(FeedToken.revoked_at.is_(None)).order_by(FeedToken.id)
        for row in session.scalars(active):
            token = derive_token(row.salt, secret)
            if token_sha256(token) != row.token_sha256:
                unreadable.append(row.id)
                continue
            rows.append(token_json(row, FeedUrls.of(base_url, token)))
    rows.sort(key=lambda r: (r["feed"], KIND_ORDER.get(r["kind"], 9), r["id"]))
    _check_settings()
    if unreadable:
        warn(
            f"tokens {', '.join(map(str, unreadable))} were made with another secret key: "
            "their URLs cannot be printed; revoke them and make new ones"
        )
    if made:  # on stderr with --json, so stdout stays one JSON document
        (err_console if as_json else console).print(
            f"created {made} feed token{'' if made == 1 else 's'}"
        )
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("no active feed tokens: `dondoc feeds urls --create` makes them")
    _print_urls(rows)


@feeds_app.command("build")
def feeds_build(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder to write.")],
    on: Annotated[
        date | None, date_option("--date", help="Build as of this day (default today).")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes building feeds (default: one per core).")
    ] = os.cpu_count() or 1,
    as_json: JsonFlag = False,
) -> None:
    """Write every feed as a .ics file, for static hosting.

    The files are named by id, not by token: publish them only behind access control of
    your own."""
    today = on or local_date(now_utc())
    columns = (TextColumn("Building feeds"), BarColumn(), MofNCompleteColumn())
    try:
        with (
            session_scope(ready_database_url()) as session,
            Progress(*columns, console=err_console, transient=True) as progress,
        ):
            task = progress.add_task("feeds", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            written = write_feeds(session, out, today, advance, workers=workers)
    except OSError as exc:
        fail(f"cannot write the feeds to {out}: {exc}")
    rows = [
        {
            "kind": feed.spec.kind,
            "target_id": feed.spec.target_id,
            "title": feed.spec.title,
            "file": str(feed.path),
            "events": feed.events,
            "trimmed": feed.trimmed,
            "etag": feed.etag,
        }
        for feed in written
    ]
    if as_json:
        print_json(rows)
        return
    events = sum(row["events"] for row in rows)
    trimmed = sum(row["trimmed"] for row in rows)
    console.print(
        f"{len(rows)} feeds, {events} events, {trimmed} trimmed (as of {today}) in {out}",
        soft_wrap=True,
        highlight=False,
    )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    cache_seconds: Annotated[
        float,
        typer.Option(
            min=0, help="Keep a built feed this long; a revoked token works until it expires."
        ),
    ] = 10.0,
) -> None:
    """Serve the feeds over HTTP (GET /feeds/TOKEN.ics), the completion pages and the admin
    pages (/admin) until interrupted.

    Put an https proxy in front of it for Google; DONDOC_BASE_URL is the address that
    subscribers use."""
    import uvicorn

    from dondoc.web.app import create_app, uvicorn_log_config

    try:
        app = create_app(cache_seconds=cache_seconds)
    except SQLAlchemyError as exc:
        fail(f"cannot open the database: {exc}")
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"serving feeds on http://{shown}:{port}/feeds/TOKEN.ics "
        f"(subscribers use {get_settings().base_url}; cache {cache_seconds:g} s)",
        soft_wrap=True,
        highlight=False,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=uvicorn_log_config(),
        # bounded by default; a reverse proxy in front (README) also times out slow clients
        http="h11",
        h11_max_incomplete_event_size=16 * 1024,  # a request's headers: 16 KB at most
        timeout_keep_alive=5,
        limit_concurrency=500,
    )
