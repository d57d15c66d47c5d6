"""Starting a deployment's flow run from an admin page, through the Prefect REST API (as the
UI's Run button and dondoc.stack do), at most once at a time per plan or per upload.

Each run started here carries a tag: `dondoc-plan-<id>` (approving, compiling a plan) or
`dondoc-upload-<hash>` (importing a scan). Before creating one, the runs of the deployment
with that tag are read: one not yet finished (scheduled, pending, running, paused)
is answered instead of a new run, so a double click or a second tab starts nothing more. Two
requests racing past that check send the same idempotency key (the tag and how many runs it
had), and Prefect creates one run for both. A run started elsewhere (the Prefect UI, the CLI)
has no tag and is not seen here; approve-plan itself refuses a plan that is no longer a draft.

A web page waits on this, so the API gets a few quick retries (busy: 429/503, or no answer),
not the minute dondoc.stack allows a starting server."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
_DELAYS = (0.25, 0.5, 1.0)


class PrefectUnavailable(RuntimeError):
    """The Prefect API did not answer as expected: the message says what (no secrets)."""


@dataclass(frozen=True)
class FlowRun:
    id: str
    name: str
    state: str  # Prefect's state type: SCHEDULED, PENDING, RUNNING, PAUSED, COMPLETED, …
    state_name: str
    message: str = ""  # the state's message: why a run failed

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL


def plan_tag(plan_id: int) -> str:
    return f"dondoc-plan-{plan_id}"


def upload_tag(sha256: str) -> str:
    return f"dondoc-upload-{sha256[:32]}"


class PrefectRuns:
    """Runs of `flow/deployment` per plan; `transport` lets a test stand in for the server."""

    def __init__(
        self, api_url: str, ui_url: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.ui_url = ui_url.rstrip("/")
        self.transport = transport

    def link(self, run_id: str) -> str:
        return f"{self.ui_url}/runs/flow-run/{run_id}"

    def runs(self, deployment: str, tag: str) -> list[FlowRun]:
        """The deployment's runs started here with `tag`, newest first; asked once (a page
        shows them, and a Prefect that is down must not hold the page)."""
        with self._client() as client:
            deployment_id = self._deployment_id(client, deployment, delays=())
            return self._runs(client, deployment_id, tag, delays=())

    def start(self, deployment: str, tag: str, parameters: dict[str, Any]) -> tuple[FlowRun, bool]:
        """The unfinished run with `tag`, or a new one (True when it was created now)."""
        with self._client() as client:
            deployment_id = self._deployment_id(client, deployment)
            runs = self._runs(client, deployment_id, tag)
            going = [run for run in runs if not run.finished]
            if going:
                return going[0], False
            body = {
                "parameters": parameters,
                "tags": [tag],
                "idempotency_key": f"{tag}-{len(runs)}",
            }
            created = _call(client, "POST", f"/deployments/{deployment_id}/create_flow_run", body)
            return _flow_run(created), True

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.api_url, timeout=10, transport=self.transport)

    def _deployment_id(
        self, client: httpx.Client, deployment: str, delays: tuple[float, ...] = _DELAYS
    ) -> str:
        return str(_call(client, "GET", f"/deployments/name/{deployment}", delays=delays)["id"])

    def _runs(
        self,
        client: httpx.Client,
        deployment_id: str,
        tag: str,
        delays: tuple[float, ...] = _DELAYS,
    ) -> list[FlowRun]:
        body = {
            "flow_runs": {
                "deployment_id": {"any_": [deployment_id]},
                "tags": {"all_": [tag]},
            },
            "sort": "EXPECTED_START_TIME_DESC",
            "limit": 50,
        }
        found = _call(client, "POST", "/flow_runs/filter", body, delays=delays)
        return [_flow_run(run) for run in found]


def _flow_run(run: dict[str, Any]) -> FlowRun:
    state = run.get("state") or {}
    name, kind, shown = run.get("name", ""), state.get("type", ""), state.get("name", "")
    return FlowRun(
        str(run["id"]), str(name), str(kind), str(shown), str(state.get("message") or "")
    )


def _call(
    client: httpx.Client,
    method: str,
    url: str,
    body: object = None,
    *,
    delays: tuple[float, ...] = _DELAYS,
) -> Any:
    """The answer's JSON; a busy or silent server is asked again a few times (the create is
    safe to repeat: it carries an idempotency key)."""
    problem = ""
    for delay in (*delays, None):
        try:
            answer = client.request(method, url, json=body)
        except httpx.TransportError as exc:
            problem = type(exc).__name__
        else:
            if answer.status_code not in (429, 503):
                if answer.is_error:
                    raise PrefectUnavailable(f"Prefect answered {answer.status_code} to {url}")
                return answer.json()
            problem = str(answer.status_code)
        if delay is not None:
            time.sleep(delay)
    raise PrefectUnavailable(f"Prefect at {client.base_url} did not answer {url} ({problem})")
