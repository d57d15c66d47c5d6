"""import-plan: an admin imports a plan document from the Prefect UI.

The flow only orchestrates: one task reads, resolves and stores the plan in one transaction
(safe to retry: the same document is recognised by its hash), and its summary becomes an
artifact the admin reviews before approving."""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from dondoc.core.db import session_scope
from models.schema import ready_database_url
from tasks.plans import PlanFileImport, import_plan_file


@task(retries=2, retry_delay_seconds=5)
def store_plan_file(path: str, auto_agencies: bool) -> PlanFileImport:
    with session_scope(ready_database_url()) as session:
        return import_plan_file(session, path, auto_agencies=auto_agencies)


@task
def publish_import_summary(summary: PlanFileImport) -> None:
    create_table_artifact(
        key="plan-import",
        table=summary.item_rows(),
        description=f"Plan {summary.plan_id}: {summary.title}",
    )
    create_markdown_artifact(key="plan-import-warnings", markdown=summary.markdown())


@flow(name="import-plan", log_prints=True)
def import_plan(path: str, auto_agencies: bool = False) -> int:
    """Import a plan (text, YAML, CSV or XLSX) as a draft; returns the plan id."""
    summary = store_plan_file(path, auto_agencies)
    publish_import_summary(summary)
    print(f"plan {summary.plan_id} ({'new' if summary.created else 'already imported'})")
    return summary.plan_id
