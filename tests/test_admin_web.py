"""The admin area of the web app, through Starlette's TestClient on SQLite and PostgreSQL: a
login guards every page, sessions expire, forms need the session's CSRF token and our own
origin, an upload is bounded before it is read, a refused document writes nothing, a text
plan shows its review, and Start approval creates one flow run however often it is pressed.
Only the Prefect API's HTTP is stood in for (an httpx transport that keeps runs in memory)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from dondoc.cli.app import app
from dondoc.core.db import session_scope
from dondoc.core.secret import ConfigurationError
from dondoc.web.app import create_app
from dondoc.web.prefect_runs import PrefectRuns
from dondoc.web.sessions import AdminAccounts, hash_password
from models import Plan
from models.source_document import SourceDocument
from tasks.directory import import_directory, load_directory
from tests.conftest import EXAMPLES
from tests.support.make_html import plan_html
from tests.support.settings import SettingsEnv

PASSWORD = "mật khẩu đủ dài 2019"
HASH = hash_password(PASSWORD)
TUY_PHUOC = EXAMPLES / "plans" / "tuy-phuoc-2023-truyen-thong.txt"
UI = "http://prefect.example:4200"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class FakePrefect:
    """The Prefect API's few endpoints the admin pages call, answering as Prefect does."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    creates: int = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
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
        csrf = _CSRF.search(form.text)
        assert csrf, form.text
        fields = {"user": user, "password": password, "csrf": csrf.group(1), "next": "/admin"}
        return self.client.post("/admin/login", data=fields)

    def csrf(self) -> str:
        found = _CSRF.search(self.client.get("/admin/plans/new").text)
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


def _app(
    url: str, prefect: FakePrefect, clock: Clock, base: str = "http://testserver"
) -> TestClient:
    runs = PrefectRuns(f"{UI}/api", UI, transport=httpx.MockTransport(prefect.handle))
    app = create_app(database_url=url, cache_seconds=0, prefect=runs, clock=clock)
    return TestClient(app, base_url=base, follow_redirects=False)


@pytest.fixture
def admin(database_url: str, settings_env: SettingsEnv) -> Iterator[Admin]:
    settings_env.set(
        secret_key="admin-test-secret-0123456789", admin_password_hash=HASH, max_upload_mb=1
    )
    with session_scope(database_url) as session:
        import_directory(session, load_directory(EXAMPLES / "directories" / "tuy-phuoc.yaml"))
    prefect, clock = FakePrefect(), Clock()
    with _app(database_url, prefect, clock) as client:
        yield Admin(client, prefect, clock, database_url)


def test_every_admin_page_sends_a_visitor_without_a_session_to_the_login_page(
    admin: Admin,
) -> None:
    for path in ["/admin", "/admin/plans/new", "/admin/plans/1", "/admin/plans/1/document",
                 "/admin/anything/else"]:  # fmt: skip
        answer = admin.client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/admin/login?next=/admin"), path
    document = {"document": ("kh.txt", TUY_PHUOC.read_bytes())}
    upload = admin.client.post("/admin/plans", files=document)
    approval = admin.client.post("/admin/plans/1/approval", data={"csrf": "x"})
    assert (upload.status_code, approval.status_code) == (303, 303)
    assert admin.plans() == 0 and admin.prefect.creates == 0


def test_without_an_admin_account_the_admin_pages_are_closed_and_say_how_to_open_them(
    database_url: str, settings_env: SettingsEnv
) -> None:
    settings_env.set(secret_key="admin-test-secret-0123456789", admin_password_hash=None)
    with _app(database_url, FakePrefect(), Clock()) as client:
        for path in ["/admin/login", "/admin/plans/new"]:
            answer = client.get(path)
            assert answer.status_code == 503
            assert "DONDOC_ADMIN_PASSWORD_HASH" in answer.text
            assert "dondoc admin hash-password" in answer.text


def test_a_password_hash_that_is_no_argon2_hash_stops_the_app_saying_which(
    database_url: str, settings_env: SettingsEnv
) -> None:
    settings_env.set(
        secret_key="admin-test-secret-0123456789",
        admin_password_hash=None,
        admin_accounts=f"anh:{HASH};binh:plaintext-password",
    )
    with pytest.raises(ConfigurationError, match="'binh' is not an argon2 hash") as raised:
        _app(database_url, FakePrefect(), Clock())
    assert "plaintext-password" not in str(raised.value)


def test_hash_password_reads_the_password_from_stdin_and_prints_a_hash_that_verifies() -> None:
    ran = CliRunner().invoke(app, ["admin", "hash-password"], input=PASSWORD + "\n")
    assert ran.exit_code == 0, ran.output
    hashed = ran.stdout.strip()
    assert hashed.startswith("$argon2id$") and PASSWORD not in ran.output
    assert AdminAccounts({"admin": hashed}).verify("admin", PASSWORD)
    short = CliRunner().invoke(app, ["admin", "hash-password"], input="ngắn\n")
    assert short.exit_code == 2 and "shorter than 12" in short.stderr


def test_over_https_the_session_cookie_is_secure(admin: Admin, settings_env: SettingsEnv) -> None:
    settings_env.set(base_url="https://dondoc.example.org")
    with _app(admin.url, admin.prefect, admin.clock, "https://testserver") as client:
        admin.client = client
        logged_in = admin.login()
    assert logged_in.status_code == 303
    assert logged_in.headers["set-cookie"].endswith("; Secure")


def test_a_wrong_password_is_refused_and_after_five_the_right_one_waits_too(admin: Admin) -> None:
    wrong = admin.login("not the password")
    assert wrong.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.text
    assert "dondoc_admin=" in wrong.headers["set-cookie"]  # a login form's nonce, no session
    assert admin.client.get("/admin/plans/new").status_code == 303
    for _ in range(4):
        assert admin.login("still not it").status_code == 401
    throttled = admin.login()
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["retry-after"]) <= 900
    assert "quá nhiều lần" in throttled.text
    assert admin.client.get("/admin/plans/new").status_code == 303


def test_an_unknown_user_is_refused_like_a_wrong_password(admin: Admin) -> None:
    answer = admin.login(user="root")
    assert answer.status_code == 401 and "không đúng" in answer.text


def test_a_login_lasts_its_hours_and_then_asks_again(admin: Admin) -> None:
    logged_in = admin.login()
    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/admin"
    cookie = logged_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Max-Age=28800" in cookie
    assert admin.client.get("/admin/plans/new").status_code == 200
    admin.clock.now += 8 * 3600 - 1
    assert admin.client.get("/admin/plans/new").status_code == 200
    admin.clock.now += 2
    assert admin.client.get("/admin/plans/new").headers["location"].startswith("/admin/login")


def test_after_login_the_browser_goes_only_to_an_admin_page(admin: Admin) -> None:
    for asked, arrives in [
        ("/admin/plans/7", "/admin/plans/7"),
        ("//evil.example/admin", "/admin/plans/new"),
        ("https://evil.example/", "/admin/plans/new"),
        ("/admin/../feeds/x", "/admin/plans/new"),
    ]:
        form = admin.client.get("/admin/login", params={"next": asked})
        csrf = _CSRF.search(form.text)
        assert csrf
        fields = {"user": "admin", "password": PASSWORD, "csrf": csrf.group(1)}
        answer = admin.client.post("/admin/login", data={**fields, "next": asked})
        assert answer.headers["location"] == arrives, asked
        admin.client.cookies.clear()


def test_logout_ends_the_session(admin: Admin) -> None:
    admin.login()
    out = admin.client.post("/admin/logout", data={"csrf": admin.csrf()})
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
    assert admin.client.get("/admin/plans/new").status_code == 303


def test_a_form_without_the_sessions_csrf_token_is_refused(admin: Admin) -> None:
    fields = {"user": "admin", "password": PASSWORD}
    assert admin.client.post("/admin/login", data=fields).status_code == 403
    admin.login()
    plan_id = _upload_tuy_phuoc(admin)
    for token in [None, "forged", admin.csrf()[:-1]]:
        data = {"by": "me"} if token is None else {"csrf": token}
        answer = admin.client.post(f"/admin/plans/{plan_id}/approval", data=data)
        assert answer.status_code == 403 and "Biểu mẫu đã cũ" in answer.text
        upload = admin.upload("kh.txt", b"1. Something", csrf=token or "")
        assert upload.status_code == 403
    assert admin.prefect.creates == 0 and admin.plans() == 1


def test_a_post_from_another_site_is_refused(admin: Admin) -> None:
    admin.login()
    plan_id = _upload_tuy_phuoc(admin)
    csrf = admin.csrf()
    for headers in [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}]:
        answer = admin.client.post(
            f"/admin/plans/{plan_id}/approval", data={"csrf": csrf}, headers=headers
        )
        assert answer.status_code == 403 and "chính trang quản trị" in answer.text
    assert admin.prefect.creates == 0


def test_an_upload_over_the_limit_is_refused_before_its_body_is_read(admin: Admin) -> None:
    admin.login()
    cookie = admin.client.cookies["dondoc_admin"]
    limit = 1024 * 1024
    declared = _post_upload(admin, cookie, declared=limit + 1)
    assert declared.status == 413 and declared.taken == 0
    assert "giới hạn 1 MB" in declared.page
    streamed = _post_upload(admin, cookie, declared=None)
    assert streamed.status == 413 and streamed.taken <= limit // CHUNK + 2
    assert admin.plans() == 0


def test_a_document_the_importer_refuses_shows_why_and_writes_nothing(admin: Admin) -> None:
    admin.login()
    answer = admin.upload("trang.txt", "Không có nhiệm vụ nào ở đây.\n".encode())
    assert answer.status_code == 422
    assert "trang.txt" in answer.text and 'class="problem"' in answer.text
    assert admin.plans() == 0 and admin.documents() == 0


def test_a_file_in_no_known_format_is_refused_by_name_and_nothing_is_stored(
    admin: Admin,
) -> None:
    admin.login()
    answer = admin.upload("bao-cao.bin", b"\x00\x01\x02 not a document \xff" * 50)
    assert answer.status_code == 422
    assert "bao-cao.bin" in answer.text and 'class="problem"' in answer.text
    assert admin.plans() == 0 and admin.documents() == 0


def test_a_portal_page_keeps_its_original_for_download(admin: Admin) -> None:
    admin.login()
    page = plan_html(TUY_PHUOC.read_text(encoding="utf-8"))
    answer = admin.upload("ke-hoach-truyen-thong.html", page)
    assert answer.status_code == 303, answer.text
    review = admin.client.get(answer.headers["location"]).text
    assert "Nhiệm vụ (8)" in review and "ke-hoach-truyen-thong.html" in review
    original = admin.client.get(answer.headers["location"] + "/document")
    assert original.content == page and admin.documents() == 1
    assert original.headers["content-type"].startswith("text/html")
    assert original.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in original.headers["content-security-policy"]
    again = admin.upload("ban-sao.html", page)  # the same file again is the same plan
    assert again.headers["location"] == answer.headers["location"] and admin.plans() == 1


def test_a_text_plan_shows_what_was_read_with_its_doubtful_fields_marked(admin: Admin) -> None:
    admin.login()
    plan_id = _upload_tuy_phuoc(admin)
    page = admin.client.get(f"/admin/plans/{plan_id}").text
    assert "Truyền thông cải cách hành chính" in page
    assert "Nhiệm vụ (8)" in page and "Cảnh báo khi đọc (5)" in page
    assert "Công bố điểm số PAR INDEX" in page and "Phòng Nội vụ huyện" in page
    doubtful = page[page.index('id="item-8"') :]
    assert 'class="item doubtful"' in page[page.index('id="item-8"') - 40 :][:80]
    assert "⚠ kiểm tra: timeframe names no date" in doubtful
    assert "Bắt đầu duyệt" in page
    original = admin.client.get(f"/admin/plans/{plan_id}/document")
    assert original.content == TUY_PHUOC.read_bytes()
    assert "attachment" in original.headers["content-disposition"]


def test_start_approval_creates_one_run_however_often_it_is_pressed(admin: Admin) -> None:
    admin.login()
    plan_id = _upload_tuy_phuoc(admin)
    csrf = admin.csrf()
    for _ in range(3):
        started = admin.client.post(f"/admin/plans/{plan_id}/approval", data={"csrf": csrf})
        assert started.status_code == 303
        assert started.headers["location"] == f"/admin/plans/{plan_id}"
    [run] = admin.prefect.runs
    assert run["parameters"] == {"plan_id": plan_id}
    assert run["deployment_id"] == "dep:approve-plan"
    page = admin.client.get(f"/admin/plans/{plan_id}").text
    assert f'href="{UI}/runs/flow-run/run-1"' in page
    assert "Bắt đầu duyệt</button>" not in page
    run["state"] = {"type": "CANCELLED", "name": "Cancelled"}  # the admin cancelled it
    admin.client.post(f"/admin/plans/{plan_id}/approval", data={"csrf": csrf})
    assert [r["id"] for r in admin.prefect.runs] == ["run-1", "run-2"]


def test_two_presses_at_once_start_one_run(admin: Admin) -> None:
    admin.login()
    plan_id = _upload_tuy_phuoc(admin)
    csrf, cookie = admin.csrf(), admin.client.cookies["dondoc_admin"]
    app = admin.client.app

    async def both() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.cookies.set("dondoc_admin", cookie, path="/admin")
            url = f"/admin/plans/{plan_id}/approval"
            answers = await asyncio.gather(*[http.post(url, data={"csrf": csrf}) for _ in "ab"])
            assert [a.status_code for a in answers] == [303, 303]

    asyncio.run(both())
    assert len(admin.prefect.runs) == 1


def test_an_approved_plan_is_not_sent_for_approval_again(admin: Admin) -> None:
    admin.login()
    plan_id = _upload_tuy_phuoc(admin)
    with session_scope(admin.url) as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        plan.approve("Nguyễn Văn A")
    answer = admin.client.post(f"/admin/plans/{plan_id}/approval", data={"csrf": admin.csrf()})
    assert answer.status_code == 409 and "đã duyệt" in answer.text
    assert admin.prefect.creates == 0
    page = admin.client.get(f"/admin/plans/{plan_id}").text
    assert "Đã lập 0 kỳ công việc" in page and "Lập lịch công việc</button>" in page


def _upload_tuy_phuoc(admin: Admin) -> int:
    answer = admin.upload(TUY_PHUOC.name, TUY_PHUOC.read_bytes())
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[-1])


CHUNK = 65_536


@dataclass
class Posted:
    status: int
    page: str
    taken: int


def _post_upload(admin: Admin, cookie: str, *, declared: int | None) -> Posted:
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
