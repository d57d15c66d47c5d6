"""import-inbox: the plan documents dropped in the inbox folder (DONDOC_INBOX) are imported
as drafts, each once, and filed under done/ or failed/; the admins get one email saying what
came in and what needs them. Runs every 10 minutes; with no inbox set it does nothing."""

from __future__ import annotations

import logging
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.runtime import flow_run

from dondoc.core.clock import now_utc
from dondoc.core.db import session_scope
from dondoc.core.problems import InputFileError
from dondoc.core.settings import get_settings
from flows.alerts import email_admins_on_failure
from models.schema import ready_database_url
from notifications.inbox_mail import queue_inbox_summary
from tasks.plans import import_plan_file
from tasks.plans.inbox import (
    InboxEntry,
    claim_documents,
    file_failed,
    file_imported,
)

log = logging.getLogger(__name__)


@task
def claim_inbox(folder: str) -> list[str]:
    return [str(path) for path in claim_documents(Path(folder))]


@task(retries=2, retry_delay_seconds=5)
def import_claimed(paths: list[str], auto_agencies: bool) -> list[InboxEntry]:
    """Each claimed file in its own transaction; one file's failure files that file only.
    A retry takes up the files not yet filed."""
    url = ready_database_url()
    entries = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            continue  # filed by the try before this retry
        try:
            with session_scope(url) as session:
                imported = import_plan_file(
                    session, path, source=path.name, auto_agencies=auto_agencies
                )
        except InputFileError as error:
            entries.append(file_failed(path, str(error)))
            continue
        except Exception as error:  # a fault of ours: filed with the reason, the rest go on
            log.exception("importing %s failed", path.name)
            entries.append(file_failed(path, f"{path.name}: internal error: {error!r}"))
            continue
        entries.append(file_imported(path, imported))
    return entries


@task
def report_inbox(entries: list[InboxEntry]) -> None:
    create_table_artifact(
        key="inbox-import",
        table=[entry.row() for entry in entries],
        description=f"{len(entries)} documents from the inbox",
    )
    settings = get_settings()
    admins = [address.strip() for address in settings.admin_emails.split(",") if address.strip()]
    if not admins:
        log.warning("DONDOC_ADMIN_EMAILS is empty: nobody is told what the inbox brought")
        return
    run_id = str(flow_run.get_id() or now_utc().isoformat())
    queue_inbox_summary(ready_database_url(), entries, admins=admins, run_id=run_id)


@flow(name="import-inbox", log_prints=True, on_failure=[email_admins_on_failure])
def import_inbox(folder: str | None = None, auto_agencies: bool = False) -> list[InboxEntry]:
    """Import what is new in the inbox folder (empty: DONDOC_INBOX)."""
    inbox = folder or (str(get_settings().inbox) if get_settings().inbox else "")
    if not inbox:
        print("no inbox folder: set DONDOC_INBOX")
        return []
    paths = claim_inbox(inbox)
    if not paths:
        print(f"nothing new in {inbox}")
        return []
    entries = import_claimed(paths, auto_agencies)
    report_inbox(entries)
    counts = {
        outcome: sum(e.outcome == outcome for e in entries)
        for outcome in ("imported", "known", "failed")
    }
    print(", ".join(f"{count} {outcome}" for outcome, count in counts.items()))
    return entries
