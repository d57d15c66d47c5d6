"""Retry conditions shared by the flows' tasks."""

from __future__ import annotations

from typing import Any

from prefect.client.schemas.objects import State, TaskRun
from prefect.tasks import RetryConditionCallable


def retry_unless(*errors: type[Exception]) -> RetryConditionCallable:
    """Retry a failed task run unless it failed for a reason a retry cannot fix (a plan that
    is not approved stays so however often the task runs)."""

    def condition(_task: object, _run: TaskRun, state: State[Any]) -> bool:
        return not isinstance(state.result(raise_on_failure=False), errors)

    return condition


def retry_unless_permanent(_task: object, _run: TaskRun, state: State[Any]) -> bool:
    """Retry a send unless the SMTP server refused for good (bad credentials, 5xx at
    connect): waiting and trying again would only delay the admins' alert."""
    from notifications.delivery import DeliveryError

    error = state.result(raise_on_failure=False)
    return not (isinstance(error, DeliveryError) and not error.transient)
