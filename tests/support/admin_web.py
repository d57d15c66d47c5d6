"""The admin pages under test (tests/test_admin_web.py): the app on a test database with an
admin account, Starlette's TestClient logged in or not, a stand-in for the Prefect API's HTTP
(an httpx transport keeping runs in memory, answering as Prefect does), a clock for session
ages, and a raw ASGI upload whose body never ends (to see what is read of it)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from dondoc.core.db import session_scope
from dondoc.web.app import create_app
from dondoc.web.prefect_runs import PrefectRuns
from dondoc.web.sessions import hash_password
from models import Plan
from models.source_document import SourceDocument
from tasks.directory import import_directory, load_directory
from tests.conftest import EXAMPLES
from tests.support.settings import SettingsEnv

PASSWORD = "mật khẩu đủ dài 2019"
HASH = hash_password(PASSWORD)
TUY_PHUOC = EXAMPLES / "plans" / "tuy-phuoc-2023-truyen-thong.txt"
UI = "http://prefect.example:4200"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class FakePrefect:
    """The Prefect API's few endpoints the admin pages call, answering as Prefect does."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    creates: int = 0
    down: bool = False  # nothing listens: every request is refused

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("Connection refused", request=request)
        path = request.url.path.removeprefix("/api")
        if request.method == "GET" and path.startswith("/deployments/name/"):
            return httpx.Response(200, json={"id": f"dep:{path.rsplit('/', 1)[-1]}"})
        body = json.loads(request.content or b"{}")
        if path == "/flow_runs/filter":
            wanted = body["flow_runs"]
            found = [
                run
                for run in self.runs
                if run["deployment_id"] in wanted["deployment_id"]["any_"]
                and set(wanted["tags"]["all_"]) <= set(run["tags"])
            ]
            return httpx.Response(200, json=found[::-1])
        if match := re.fullmatch(r"/deployments/(.+)/create_flow_run", path):
            self.creates += 1
            for run in self.runs:
                if run["idempotency_key"] == body["idempotency_key"]:
                    return httpx.Response(201, json=run)
            run = {
                "id": f"run-{len(self.runs) + 1}",
                "name": f"brave-run-{len(self.runs) + 1}",
                "deployment_id": match.group(1),
                "parameters": body["parameters"],
                "tags": body["tags"],
                "idempotency_key": body["idempotency_key"],
                "state": {"type": "SCHEDULED", "name": "Scheduled"},
            }
            self.runs.append(run)
            return httpx.Response(201, json=run)
        return httpx.Response(404, json={"detail": "Not Found"})


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Admin:
    client: TestClient
    prefect: FakePrefect
    clock: Clock
    url: str

    def login(self, password: str = PASSWORD, user: str = "admin") -> httpx.Response:
        form = self.client.get("/admin/login")
        csrf = CSRF.search(form.text)
        assert csrf, form.text
        fields = {"user": user, "password": password, "csrf": csrf.group(1), "next": "/admin"}
        return self.client.post("/admin/login", data=fields)

    def csrf(self) -> str:
        found = CSRF.search(self.client.get("/admin/plans/new").text)
        assert found
        return found.group(1)

    def upload(self, name: str, data: bytes, csrf: str | None = None) -> httpx.Response:
        fields = {"csrf": self.csrf() if csrf is None else csrf}
        return self.client.post("/admin/plans", data=fields, files={"document": (name, data)})

    def plans(self) -> int:
        with session_scope(self.url) as session:
            return session.scalar(select(func.count(Plan.id))) or 0

    def documents(self) -> int:
        with session_scope(self.url) as session:
            return session.scalar(select(func.count(SourceDocument.id))) or 0


def admin_app(
    url: str, prefect: FakePrefect, clock: Clock, base: str = "http://testserver"
) -> TestClient:
    runs = PrefectRuns(f"{UI}/api", UI, transport=httpx.MockTransport(prefect.handle))
    app = create_app(database_url=url, cache_seconds=0, prefect=runs, clock=clock)
    return TestClient(app, base_url=base, follow_redirects=False)


@pytest.fixture(name="admin")
def admin_fixture(database_url: str, settings_env: SettingsEnv, tmp_path: Path) -> Iterator[Admin]:
    settings_env.set(
        secret_key="admin-test-secret-0123456789",
        admin_password_hash=HASH,
        max_upload_mb=1,
        data_dir=tmp_path,  # scans are staged under it
    )
    with session_scope(database_url) as session:
        import_directory(session, load_directory(EXAMPLES / "directories" / "tuy-phuoc.yaml"))
    prefect, clock = FakePrefect(), Clock()
    with admin_app(database_url, prefect, clock) as client:
        yield Admin(client, prefect, clock, database_url)


def upload_tuy_phuoc(admin: Admin) -> int:
    answer = admin.upload(TUY_PHUOC.name, TUY_PHUOC.read_bytes())
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[-1])


CHUNK = 65_536


@dataclass
class Posted:
    status: int
    page: str
    taken: int


def post_upload(admin: Admin, cookie: str, *, declared: int | None) -> Posted:
    """A multipart POST through the ASGI app as a server runs it, its body endless chunks."""
    taken = 0
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="x.pdf"\r\n\r\n'
    )

    async def receive() -> dict[str, object]:
        nonlocal taken
        taken += 1
        body = head.encode() if taken == 1 else b"x" * CHUNK
        return {"type": "http.request", "body": body, "more_body": True}

    headers = {
        "content-type": f"multipart/form-data; boundary={boundary}",
        "cookie": f"dondoc_admin={cookie}",
        "host": "testserver",
    }
    if declared is not None:
        headers["content-length"] = str(declared)
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/admin/plans", "raw_path": b"/admin/plans",
        "query_string": b"", "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.9", 40000), "server": ("testserver", 80),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(admin.client.app(scope, receive, send))  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Posted(status, body.decode(), taken)
