"""The admin area of the web app, through Starlette's TestClient on SQLite and PostgreSQL: a
login guards every page, sessions expire, forms need the session's CSRF token and our own
origin, an upload is bounded before it is read, a refused document writes nothing, a text, Word
or HTML plan shows its review, and Start approval creates one flow run however often it is
pressed. Only the Prefect API's HTTP is stood in for (tests.support.admin_web)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from dondoc.cli.app import app
from dondoc.core.db import session_scope
from dondoc.core.secret import ConfigurationError
from dondoc.web.sessions import AdminAccounts
from models import Plan
from tests.support.admin_web import (
    CHUNK,
    CSRF,
    DOCX_TYPE,
    HASH,
    PASSWORD,
    TUY_PHUOC,
    UI,
    Admin,
    Clock,
    FakePrefect,
    admin_app,
    admin_fixture,  # noqa: F401 (the `admin` fixture)
    post_upload,
    upload_tuy_phuoc,
)
from tests.support.make_docx import plan_docx
from tests.support.make_html import plan_html
from tests.support.settings import SettingsEnv


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
    with admin_app(database_url, FakePrefect(), Clock()) as client:
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
        admin_app(database_url, FakePrefect(), Clock())
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
    with admin_app(admin.url, admin.prefect, admin.clock, "https://testserver") as client:
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


def _from(admin: Admin, address: str) -> Admin:
    """The same admin pages, seen from another client address."""
    client = TestClient(
        admin.client.app,
        base_url="http://testserver",
        follow_redirects=False,
        client=(address, 5000),
    )
    return Admin(client, admin.prefect, admin.clock, admin.url)


def test_a_stranger_failing_as_admin_does_not_lock_the_admin_out(admin: Admin) -> None:
    stranger = _from(admin, "203.0.113.9")
    for _ in range(5):
        assert stranger.login("guessing").status_code == 401
    assert stranger.login().status_code == 429  # the guesser waits, even with the password
    assert admin.login().status_code == 303  # the admin, from their own address, does not


def test_one_address_trying_many_names_is_made_to_wait(admin: Admin) -> None:
    guesser = _from(admin, "198.51.100.7")
    for number in range(20):
        assert guesser.login("guess", user=f"user{number}").status_code == 401
    assert guesser.login(user="someone-else").status_code == 429
    assert admin.login().status_code == 303


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
        csrf = CSRF.search(form.text)
        assert csrf
        fields = {"user": "admin", "password": PASSWORD, "csrf": csrf.group(1)}
        answer = admin.client.post("/admin/login", data={**fields, "next": asked})
        assert answer.headers["location"] == arrives, asked
        admin.client.cookies.clear()


def test_logout_ends_the_session_even_for_a_copy_of_its_cookie(admin: Admin) -> None:
    admin.login()
    copied = admin.client.cookies["dondoc_admin"]  # the cookie, as another browser holds it
    csrf = admin.csrf()
    elsewhere = _from(admin, "192.0.2.44")
    elsewhere.client.cookies.set("dondoc_admin", copied, path="/admin")
    assert elsewhere.client.get("/admin/plans/new").status_code == 200
    out = admin.client.post("/admin/logout", data={"csrf": csrf})
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
    assert admin.client.get("/admin/plans/new").status_code == 303
    refused = elsewhere.client.get("/admin/plans/new")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/admin/login")
    # its logout too is sent to the login page: the session is over
    assert elsewhere.client.post("/admin/logout", data={"csrf": csrf}).status_code == 303
    assert admin.login().status_code == 303  # a new login is a new session
    assert admin.client.get("/admin/plans/new").status_code == 200


def test_a_form_without_the_sessions_csrf_token_is_refused(admin: Admin) -> None:
    fields = {"user": "admin", "password": PASSWORD}
    assert admin.client.post("/admin/login", data=fields).status_code == 403
    admin.login()
    plan_id = upload_tuy_phuoc(admin)
    for token in [None, "forged", admin.csrf()[:-1]]:
        data = {"by": "me"} if token is None else {"csrf": token}
        answer = admin.client.post(f"/admin/plans/{plan_id}/approval", data=data)
        assert answer.status_code == 403 and "Biểu mẫu đã cũ" in answer.text
        upload = admin.upload("kh.txt", b"1. Something", csrf=token or "")
        assert upload.status_code == 403
    assert admin.prefect.creates == 0 and admin.plans() == 1


def test_a_post_from_another_site_is_refused(admin: Admin) -> None:
    admin.login()
    plan_id = upload_tuy_phuoc(admin)
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
    declared = post_upload(admin, cookie, declared=limit + 1)
    assert declared.status == 413 and declared.taken == 0
    assert "giới hạn 1 MB" in declared.page
    streamed = post_upload(admin, cookie, declared=None)
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


def test_a_word_plan_shows_what_was_read_and_keeps_the_word_file(admin: Admin) -> None:
    admin.login()
    word = plan_docx(TUY_PHUOC.read_text(encoding="utf-8"))
    answer = admin.upload("KH truyen thong CCHC.docx", word)
    assert answer.status_code == 303, answer.text
    review = admin.client.get(answer.headers["location"]).text
    assert "Nhiệm vụ (8)" in review and "Công bố điểm số PAR INDEX" in review
    original = admin.client.get(answer.headers["location"] + "/document")
    assert original.content == word
    assert original.headers["content-type"] == DOCX_TYPE
    assert "KH%20truyen%20thong%20CCHC.docx" in original.headers["content-disposition"]


def test_a_text_plan_shows_what_was_read_with_its_doubtful_fields_marked(admin: Admin) -> None:
    admin.login()
    plan_id = upload_tuy_phuoc(admin)
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
    plan_id = upload_tuy_phuoc(admin)
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


def test_with_prefect_down_the_review_still_shows_and_approval_says_it_did_not_start(
    admin: Admin,
) -> None:
    admin.login()
    plan_id = upload_tuy_phuoc(admin)
    admin.prefect.down = True
    review = admin.client.get(f"/admin/plans/{plan_id}")
    assert review.status_code == 200 and "Nhiệm vụ (8)" in review.text
    assert "Không xem được các lượt chạy trong Prefect" in review.text
    started = admin.client.post(f"/admin/plans/{plan_id}/approval", data={"csrf": admin.csrf()})
    assert started.status_code == 503
    assert "Chưa bắt đầu được" in started.text and "did not answer" in started.text
    assert admin.prefect.runs == []


def test_two_presses_at_once_start_one_run(admin: Admin) -> None:
    admin.login()
    plan_id = upload_tuy_phuoc(admin)
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
    plan_id = upload_tuy_phuoc(admin)
    with session_scope(admin.url) as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        plan.approve("Nguyễn Văn A")
    answer = admin.client.post(f"/admin/plans/{plan_id}/approval", data={"csrf": admin.csrf()})
    assert answer.status_code == 409 and "đã duyệt" in answer.text
    assert admin.prefect.creates == 0
    page = admin.client.get(f"/admin/plans/{plan_id}").text
    assert "Đã lập 0 kỳ công việc" in page and "Lập lịch công việc</button>" in page
