"""One process runs every flow: Prefect's `serve` with the deployments of prefect.yaml.

prefect.yaml stays the one description of the deployments (names, parameters, descriptions,
schedules with their slugs); this module reads it instead of repeating it, so the one-process
default and a work pool of several machines run the same thing. Schedules are not paused
when the process stops: Prefect keeps the runs that come due, and the next start (or a
worker) picks them up."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow, serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Schedule

ROOT = Path(__file__).resolve().parents[1]
PREFECT_YAML = ROOT / "prefect.yaml"
SMTP_LIMIT = "dondoc-smtp"
SMTP_SENDERS = 1  # senders at a time across every worker (each keeps a few connections)


def load_flow(entrypoint: str) -> Flow[Any, Any]:
    """`flows/notify.py:send_reminders` → the flow object."""
    path, name = entrypoint.split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def _entries(path: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"])


def deployment_names(path: Path = PREFECT_YAML) -> list[str]:
    return [entry["name"] for entry in _entries(path)]


def deployments(path: Path = PREFECT_YAML) -> list[RunnerDeployment]:
    """Every deployment of prefect.yaml, as `serve` takes them."""
    found = []
    for entry in _entries(path):
        schedules = [
            Schedule(
                cron=s["cron"],
                timezone=s.get("timezone"),
                slug=s.get("slug"),
                active=s.get("active", True),
            )
            for s in entry.get("schedules") or []
        ]
        flow = load_flow(entry["entrypoint"])
        found.append(
            flow.to_deployment(
                name=entry["name"],
                description=entry.get("description"),
                tags=entry.get("tags"),
                parameters=entry.get("parameters") or {},
                schedules=schedules or None,
            )
        )
    return found


async def ensure_smtp_limit(senders: int = SMTP_SENDERS) -> None:
    """The global concurrency limit the send tasks take: created once, left as set after."""
    async with get_client() as client:
        try:
            await client.read_global_concurrency_limit_by_name(SMTP_LIMIT)
        except ObjectNotFound:
            await client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=SMTP_LIMIT, limit=senders)
            )


def main() -> None:
    asyncio.run(ensure_smtp_limit())
    serve(*deployments(), pause_on_shutdown=False)


if __name__ == "__main__":
    main()
