"""The admin area (/admin): login, logout and the gate every other admin page is behind.

With no admin account configured every page says so and how to configure one; otherwise a
request without a valid session goes to /admin/login, whatever it asks for (an unknown path
too, so nothing says what exists). A POST is refused when a browser says it comes from
another site, and must carry the session's CSRF token. Passwords and tokens are never
logged: only the user name and client address of a failed or throttled login."""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from dondoc.core.db import session_scope
from dondoc.core.settings import Settings
from dondoc.web.admin_plans import PlanPages
from dondoc.web.admin_render import (
    BAD_TOKEN,
    NOT_CONFIGURED,
    Answer,
    admin_path,
    checked_form,
    form_fields,
    login_redirect,
    message,
    page,
    redirect,
    secure,
)
from dondoc.web.guard import cross_site
from dondoc.web.sessions import (
    AdminAccounts,
    AdminSession,
    LoginThrottle,
    SessionCookies,
    login_keys,
    same_token,
)
from models.admin_session import admin_session_ended, end_admin_session

log = logging.getLogger("dondoc.admin")

Handler = Callable[[Request, AdminSession], Awaitable[Answer]]
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


class AdminPages:
    """The gate and the login pages, in front of the plan pages."""

    def __init__(
        self,
        settings: Settings,
        secret: str,
        plans: PlanPages,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database_url = plans.database_url
        self.clock = clock
        self.accounts = AdminAccounts.from_settings(settings)
        self.cookies = SessionCookies(secret, self.accounts, settings.admin_session_hours, clock)
        self.throttle = LoginThrottle()
        self.base_url = settings.base_url
        self.plans = plans

    def handlers(self) -> list[tuple[str, Callable[[Request], Awaitable[Answer]]]]:
        """Each path and its handler; every one but the login page behind the gate."""

        def private(handler: Handler) -> Callable[[Request], Awaitable[Answer]]:
            return functools.partial(self._private, handler)

        plans = self.plans
        return [
            ("/admin/login", self.login),
            ("/admin/logout", private(self.logout)),
            ("/admin", private(self.home)),
            ("/admin/plans/new", private(plans.new_form)),
            ("/admin/plans", private(plans.upload)),
            ("/admin/plans/{plan_id:int}", private(plans.review)),
            ("/admin/plans/reading/{digest}", private(plans.scans.reading)),
            ("/admin/plans/{plan_id:int}/document", private(plans.document)),
            ("/admin/plans/{plan_id:int}/approval", private(plans.start_approval)),
            ("/admin/plans/{plan_id:int}/compile", private(plans.start_compile)),
            ("/admin/{rest:path}", private(self.not_found)),
        ]

    async def _private(self, handler: Handler, request: Request) -> Answer:
        if not self.accounts.configured:
            return message(503, NOT_CONFIGURED)
        session = self.cookies.session(request.cookies)
        if session is None or await run_in_threadpool(self._ended, session):
            return login_redirect(request)
        if request.method == "POST" and cross_site(request.headers, self.base_url):
            return message(403, "Chỉ gửi được biểu mẫu từ chính trang quản trị.", session)
        return await handler(request, session)

    async def home(self, request: Request, session: AdminSession) -> Answer:
        return redirect("/admin/plans/new")

    async def not_found(self, request: Request, session: AdminSession) -> Answer:
        return message(404, "Không có trang này.", session)

    async def logout(self, request: Request, session: AdminSession) -> Answer:
        if request.method != "POST":
            return message(405, "Hãy bấm nút Đăng xuất.", session)
        fields = await checked_form(request, session)
        if not isinstance(fields, dict):
            return fields
        await run_in_threadpool(self._end, session)
        log.info("admin logout: %r", session.user)
        cleared = self.cookies.cleared(secure=secure(request, self.base_url))
        return redirect("/admin/login", {"Set-Cookie": cleared})

    def _ended(self, session: AdminSession) -> bool:
        with session_scope(self.database_url) as db:
            return admin_session_ended(db, session.token)

    def _end(self, session: AdminSession) -> None:
        expires = datetime.fromtimestamp(session.expires, UTC)
        with session_scope(self.database_url) as db:
            end_admin_session(db, session.token, expires, datetime.fromtimestamp(self.clock(), UTC))

    async def login(self, request: Request) -> Answer:
        if not self.accounts.configured:
            return message(503, NOT_CONFIGURED)
        wanted = admin_path(request.query_params.get("next"))
        if request.method in ("GET", "HEAD"):
            if self.cookies.session(request.cookies) is not None:
                return redirect(wanted)
            return self._login_form(request, 200, wanted)
        if request.method != "POST":
            return 405, {"Allow": "GET, HEAD, POST"}, b"Method Not Allowed"
        if cross_site(request.headers, self.base_url):
            return message(403, "Chỉ đăng nhập được từ chính trang đăng nhập.")
        fields = await form_fields(request)
        if not isinstance(fields, dict):
            return fields
        wanted = admin_path(fields.get("next"))
        nonce = self.cookies.login_nonce(request.cookies)
        if nonce is None or not same_token(nonce, fields.get("csrf")):
            return self._login_form(request, 403, wanted, BAD_TOKEN)
        user = fields.get("user", "").strip()[:64]
        client = request.client.host if request.client else "?"
        keys = login_keys(user, client)
        if wait := self.throttle.wait(keys):
            log.warning("admin login throttled: user %r from %s", user, client)
            minutes = math.ceil(wait / 60)
            problem = f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút."
            status, headers, body = self._login_form(request, 429, wanted, problem, user)
            return status, {**headers, "Retry-After": str(math.ceil(wait))}, body
        password = fields.get("password", "")[:1024]
        if not await run_in_threadpool(self.accounts.verify, user, password):
            self.throttle.failed(keys)
            log.warning("admin login failed: user %r from %s", user, client)
            return self._login_form(request, 401, wanted, WRONG, user)
        self.throttle.succeeded(keys[:1])  # its own count; not the address's, nor the name's
        log.info("admin login: %r from %s", user, client)
        _, cookie = self.cookies.issue(user, secure=secure(request, self.base_url))
        return redirect(wanted, {"Set-Cookie": cookie})

    def _login_form(
        self, request: Request, status: int, wanted: str, problem: str = "", user: str = ""
    ) -> Answer:
        nonce, cookie = self.cookies.login_form(secure=secure(request, self.base_url))
        return page(
            status,
            "login.html",
            headers={"Set-Cookie": cookie},
            csrf=nonce,
            next=wanted,
            problem=problem,
            user=user,
        )
