"""import-plan: an admin imports a plan document from the Prefect UI (a path on the server)
or a caller hands it the document's bytes (the upload page, a script).

The flow only orchestrates: one task reads, resolves and stores the plan in one transaction
(safe to retry: the same document is recognised by its hash), and its summary becomes an
artifact the admin reviews before approving. Bytes are for callers in the same process: a
flow run's parameters are stored by Prefect, so a large document is better passed as a path."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from dondoc.core.db import session_scope
from models.schema import ready_database_url
from tasks.plans import PlanFileImport, import_plan_document, import_plan_file


@task(retries=2, retry_delay_seconds=5)
def store_plan_file(
    path: str, document: bytes | None, filename: str, auto_agencies: bool
) -> PlanFileImport:
    with session_scope(ready_database_url()) as session:
        if document is not None:
            name = filename or "document"
            return import_plan_document(session, document, name, auto_agencies=auto_agencies)
        name = filename or None
        return import_plan_file(
            session, path, source=name, filename=name, auto_agencies=auto_agencies
        )


@task
def publish_import_summary(summary: PlanFileImport) -> None:
    create_table_artifact(
        key="plan-import",
        table=summary.item_rows(),
        description=f"Plan {summary.plan_id}: {summary.title}",
    )
    create_markdown_artifact(key="plan-import-warnings", markdown=summary.markdown())


@flow(name="import-plan", log_prints=True)
def import_plan(
    path: str = "",
    auto_agencies: bool = False,
    document: bytes | None = None,
    filename: str = "",
    uploaded: bool = False,
) -> int:
    """Import a plan as a draft (Word, PDF, a scan, a web page, text, YAML, CSV or XLSX) from
    `path`, or from `document`'s bytes, named `filename`; returns the plan id. `uploaded`: the
    path is an upload the admin page staged (a scan), removed once read or refused."""
    if not path and document is None:
        raise ValueError("import-plan needs a path, or a document's bytes")
    try:
        summary = store_plan_file(path, document, filename, auto_agencies)
    finally:
        if uploaded and path:
            Path(path).unlink(missing_ok=True)
    publish_import_summary(summary)
    print(f"plan {summary.plan_id} ({'new' if summary.created else 'already imported'})")
    return summary.plan_id
