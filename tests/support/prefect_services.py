"""Real Prefect pieces for the end-to-end tests: a Prefect server on a database of its own
(SQLite in a folder, or a fresh PostgreSQL database with pg_trgm), deployments registered
from the project's own prefect.yaml with `prefect deploy`, process workers, and flow runs
created and awaited through the REST API, as the UI and the scheduler create them."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dondoc.stack import (
    ROOT,
    free_port,
    healthy,
    prefect_env,
    prefect_server_command,
    start_process,
    stop_process,
    wait_until,
)

BIN = Path(sys.executable).parent


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new database with pg_trgm (Prefect's server needs it on PostgreSQL), dropped after;
    its asyncpg URL for PREFECT_API_DATABASE_CONNECTION_URL."""
    name = f"prefect_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name)
    try:
        with create_engine(url).connect() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            connection.commit()
        yield url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def child(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_process(command, env, log)
    try:
        yield process
    finally:
        stop_process(process)


@contextmanager
def prefect_server(home: Path, **extra: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A Prefect server (its database from `extra`, else SQLite under `home`): its API URL
    and the environment its clients use."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = prefect_env(api_url, home)
    # Workers poll every second, so a test's runs start at once.
    env.update(PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_WORKER_PREFETCH_SECONDS="1", **extra)
    log = home / "server.log"
    with child(prefect_server_command(port), env, log) as server:
        wait_until("the Prefect server", healthy(f"{api_url}/health"), server, log, 120)
        yield api_url, env


def prefect_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "prefect"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout
