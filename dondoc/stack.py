"""The services of the main job, started and stopped together: a local Prefect server and
UI, the process serving dondoc's deployments (prefect.yaml), the feed server and, unless
SMTP is configured, a local SMTP server filing every message as an .eml.

Each service is a child process with its own log file under the data folder; stopping sends
SIGINT (Prefect and uvicorn shut down cleanly on it), then SIGKILL after a grace period."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from dondoc.core.settings import get_settings
from notifications.mailcatcher import start_mailcatcher

ROOT = Path(__file__).resolve().parents[1]


class StackError(RuntimeError):
    """A service did not come up: the message says which and where its log is."""


@dataclass
class Ports:
    prefect: int = 4200
    feeds: int = 8000
    smtp: int = 8025


@dataclass
class Stack:
    data_dir: Path
    ports: Ports
    env: dict[str, str]
    mail_dir: Path | None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.prefect}"

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    @property
    def feeds_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.feeds}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def prefect_env(api_url: str, home: Path) -> dict[str, str]:
    """This process's environment for a child that talks to (or is) the Prefect server at
    `api_url`: no telemetry (this machine reaches no network), output unbuffered."""
    env = dict(os.environ)
    env.update(
        {
            "PREFECT_HOME": str(home.resolve()),
            "PREFECT_API_URL": api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "DONDOC_HOME": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def prefect_server_command(port: int) -> list[str]:
    prefect = Path(sys.executable).parent / "prefect"
    return [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]


def stack_env(data_dir: Path, ports: Ports, smtp_host: str | None) -> dict[str, str]:
    """The environment every child shares: one database, one Prefect server, one mail
    server."""
    env = prefect_env(f"http://127.0.0.1:{ports.prefect}/api", data_dir / "prefect")
    env.update(
        {
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(ports.prefect),
            "DONDOC_DATA_DIR": str(data_dir.resolve()),
            "DONDOC_BASE_URL": f"http://127.0.0.1:{ports.feeds}",
        }
    )
    if smtp_host is None:
        env.update({"DONDOC_SMTP_HOST": "127.0.0.1", "DONDOC_SMTP_PORT": str(ports.smtp)})
    return env


def wait_until(what: str, ready: Callable[[], bool], process: subprocess.Popen[bytes],
               log: Path, timeout: float) -> None:  # fmt: skip
    """Until `ready()`; StackError naming `log` if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"{what} exited with {process.returncode}; see {log}")
        if ready():
            return
        time.sleep(0.5)
    raise StackError(f"{what} did not start within {timeout:.0f} s; see {log}")


def healthy(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def _deployed(api_url: str) -> Callable[[], bool]:
    """Ready once every deployment of prefect.yaml is registered by the runner."""
    from flows.serve import deployment_names

    wanted = set(deployment_names())

    def check() -> bool:
        try:
            answer = httpx.post(f"{api_url}/deployments/filter", json={}, timeout=5)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200 and wanted <= {d["name"] for d in answer.json()}

    return check


def start_process(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A child in a session of its own (so stopping it reaches its children too), its
    output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _start(stack: Stack, name: str, command: list[str]) -> subprocess.Popen[bytes]:
    process = start_process(command, stack.env, stack.data_dir / "logs" / f"{name}.log")
    stack.processes[name] = process
    return process


def stop_process(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def running_stack(
    data_dir: Path, ports: Ports | None = None, *, runner: bool = True, timeout: float = 120
) -> Iterator[Stack]:
    """Start every service (each one only when its port is free), yield, stop them all."""
    ports = ports or Ports()
    smtp_host = get_settings().smtp_host
    mail_dir = None if smtp_host else data_dir / "mail"
    stack = Stack(data_dir, ports, stack_env(data_dir, ports, smtp_host), mail_dir)
    bin_dir = Path(sys.executable).parent
    with ExitStack() as cleanup:
        for port, what in ((ports.prefect, "Prefect"), (ports.feeds, "the feed server")):
            if port_in_use(port):
                raise StackError(f"port {port} for {what} is taken: stop what uses it first")
        if mail_dir is not None:
            if port_in_use(ports.smtp):
                raise StackError(f"port {ports.smtp} for the local SMTP server is taken")
            cleanup.callback(start_mailcatcher(mail_dir, ports.smtp).stop)
        server = _start(stack, "prefect-server", prefect_server_command(ports.prefect))
        cleanup.callback(stop_process, server)
        feeds = _start(
            stack,
            "feed-server",
            [str(bin_dir / "dondoc"), "serve", "--host", "127.0.0.1", "--port", str(ports.feeds)],
        )
        cleanup.callback(stop_process, feeds)
        wait_until("the Prefect server", healthy(f"{stack.api_url}/health"), server,
              data_dir / "logs" / "prefect-server.log", timeout)  # fmt: skip
        wait_until("the feed server", healthy(f"{stack.feeds_url}/healthz"), feeds,
              data_dir / "logs" / "feed-server.log", timeout)  # fmt: skip
        if runner:
            served = _start(stack, "flows", [sys.executable, "-m", "flows.serve"])
            cleanup.callback(stop_process, served)
            wait_until("the flow runner", _deployed(stack.api_url), served,
                  data_dir / "logs" / "flows.log", timeout)  # fmt: skip
        yield stack


TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


_BUSY_DELAYS = (0.5, 1, 2, 4, 8, 8, 8)


def _call(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """A request repeated while the server is busy: Prefect on SQLite answers 503 while the
    runner registers its deployments and the scheduler fills their schedules, and a loaded
    machine can leave a read unanswered past the client's timeout. Only requests safe to
    repeat come here (reads, and a create with an idempotency key)."""
    problem = ""
    for delay in _BUSY_DELAYS:
        try:
            answer = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__} {exc}".strip()
        else:
            if answer.status_code not in (429, 503):
                if answer.is_error:
                    raise StackError(f"the Prefect API answered {answer.status_code} to {url}")
                return answer
            problem = f"{answer.status_code}"
        time.sleep(delay)
    raise StackError(f"the Prefect API at {client.base_url} did not answer {url}: {problem}")


def create_flow_run(api_url: str, deployment: str, parameters: dict[str, Any]) -> str:
    """Start a run of `flow/deployment` through the Prefect API, as the UI's Run button or
    the scheduler does; its id. The idempotency key makes a repeated request the same run."""
    with httpx.Client(base_url=api_url, timeout=30) as client:
        found = _call(client, "GET", f"/deployments/name/{deployment}")
        url = f"/deployments/{found.json()['id']}/create_flow_run"
        body = {"parameters": parameters, "idempotency_key": str(uuid.uuid4())}
        return str(_call(client, "POST", url, json=body).json()["id"])


def wait_for_flow_runs(api_url: str, run_ids: list[str], timeout: float = 600) -> dict[str, Any]:
    """Each run's final record, once every one has finished."""
    deadline = time.monotonic() + timeout
    finished: dict[str, Any] = {}
    with httpx.Client(base_url=api_url, timeout=30) as client:
        while len(finished) < len(run_ids):
            if time.monotonic() > deadline:
                raise StackError(f"flow runs still going after {timeout:.0f} s")
            for run_id in set(run_ids) - set(finished):
                run = _call(client, "GET", f"/flow_runs/{run_id}").json()
                if run.get("state") and run["state"]["type"] in TERMINAL:
                    finished[run_id] = run
            time.sleep(1)
    return finished
