"""publish-feeds: every agency has a feed URL, and static copies of the feeds are written.

The feed server builds each feed live from the database, so this flow is not needed for
subscribers to see changes; it gives every new agency its token (so its URL can be sent)
and writes the .ics files for sites that host them statically. Two tasks, whatever the
number of agencies: the build fans out over processes inside `write_feeds`."""

from __future__ import annotations

import os
from collections import Counter
from datetime import date
from datetime import date as Day  # the flows' parameter is named `date`
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from calendars.feeds import write_feeds
from calendars.tokens import create_missing_tokens
from dondoc.core.clock import local_date, now_utc
from dondoc.core.db import session_scope
from dondoc.core.settings import get_settings
from flows.alerts import email_admins_on_failure
from models.schema import ready_database_url


@task(retries=2, retry_delay_seconds=10)
def ensure_tokens() -> int:
    """A feed token for each agency (and monitoring agency) without one: how many were made."""
    secret = get_settings().signing_key()
    with session_scope(ready_database_url()) as session:
        return create_missing_tokens(session, secret, now_utc())


@task(retries=1, retry_delay_seconds=30)
def build_feeds(day: date, out: str) -> list[dict[str, object]]:
    """Write every feed as of `day`; a rerun rewrites the same bytes."""
    with session_scope(ready_database_url()) as session:
        written = write_feeds(session, Path(out), day, workers=os.cpu_count() or 1)
    return [
        {"kind": f.spec.kind, "title": f.spec.title, "events": f.events, "trimmed": f.trimmed}
        for f in written
    ]


@flow(name="publish-feeds", on_failure=[email_admins_on_failure])
def publish_feeds(out: str | None = None, date: Day | None = None) -> int:
    """Give each agency a feed token and write every feed (.ics) to `out` (default:
    DONDOC_DATA_DIR/feeds), as of `date` (default today). Returns the number of feeds."""
    day = date or local_date(now_utc())
    folder = out or str(get_settings().data_dir / "feeds")
    made = ensure_tokens()
    feeds = build_feeds(day, folder)
    kinds = Counter(str(f["kind"]) for f in feeds)
    create_table_artifact(
        [
            {
                "loại lịch": kind,
                "số lịch": count,
                "số hạn": sum(int(str(f["events"])) for f in feeds if f["kind"] == kind),
            }
            for kind, count in sorted(kinds.items())
        ],
        key="publish-feeds",
        description=f"{len(feeds)} lịch ngày {day:%d/%m/%Y} trong {folder}",
    )
    trimmed = [f for f in feeds if f["trimmed"]]
    lines = [
        f"# publish-feeds {day:%d/%m/%Y}",
        "",
        f"- token mới: {made}",
        f"- lịch đã ghi: {len(feeds)} vào `{folder}`",
        f"- lịch bị cắt bớt (quá 1.000 hạn): {len(trimmed)}",
        *(f"  - {f['title']}: bỏ {f['trimmed']} hạn xa nhất" for f in trimmed[:20]),
    ]
    create_markdown_artifact("\n".join(lines), key="publish-feeds-summary")
    return len(feeds)
