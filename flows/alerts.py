"""A failed flow emails the admins (Prefect automations cannot send SMTP): an on_failure
hook queues one alert per flow run in the outbox, so a hook that runs twice sends once."""

from __future__ import annotations

import logging
from typing import Any

from dondoc.core.clock import now_utc
from dondoc.core.settings import get_settings
from models.schema import ready_database_url

log = logging.getLogger(__name__)


def email_admins_on_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """Queue and send "flow X failed" to DONDOC_ADMIN_EMAILS; never raises (a hook that
    fails would hide the flow's own failure)."""
    settings = get_settings()
    admins = [a.strip() for a in settings.admin_emails.split(",") if a.strip()]
    if not admins:
        log.warning("flow %s failed; DONDOC_ADMIN_EMAILS is empty, nobody is told", flow.name)
        return
    try:
        from notifications.alerts import failure_alert, send_to_admins

        now = now_utc()
        message = failure_alert(
            flow_name=flow.name,
            run_name=flow_run.name,
            run_id=str(flow_run.id),
            parameters=dict(flow_run.parameters or {}),
            state_message=state.message or state.name,
            admins=admins,
            now=now,
        )
        send_to_admins(ready_database_url(), f"alert:{flow_run.id}", message, now)
    except Exception:  # the flow has failed already; say why the alert did not go
        log.exception("could not email the admins about the failed flow %s", flow.name)
