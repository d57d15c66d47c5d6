"""What every admin page shares: the templates (templates/admin/, no outside assets), the
headers (never cached, never framed, nothing loaded from elsewhere), redirects and the CSRF
check of a url-encoded form."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request

from dondoc.web.guard import bounded_body, is_form
from dondoc.web.sessions import AdminSession, same_token

Answer = tuple[int, dict[str, str], bytes]
MAX_FORM_BYTES = 4096  # the admin's url-encoded forms: a token and a few short fields
HTML = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Robots-Tag": "noindex",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
_PAGES = Environment(
    loader=PackageLoader("dondoc.web", "templates"), autoescape=select_autoescape()
)
_ADMIN_PATH = re.compile(r"/admin(/[A-Za-z0-9_/-]{0,200})?")
NOT_CONFIGURED = (
    "Chưa cấu hình tài khoản quản trị, nên trang quản trị đang đóng. Tạo mã băm mật khẩu bằng"
    " lệnh `dondoc admin hash-password`, đặt nó vào biến DONDOC_ADMIN_PASSWORD_HASH (tài khoản"
    " admin) hoặc DONDOC_ADMIN_ACCOUNTS (tên:mã băm), rồi khởi động lại `dondoc serve`."
)
BAD_TOKEN = "Biểu mẫu đã cũ hoặc không hợp lệ: hãy tải lại trang rồi gửi lại."


def page(
    status: int,
    template: str,
    *,
    headers: dict[str, str] | None = None,
    **context: object,
) -> Answer:
    body = _PAGES.get_template(f"admin/{template}").render(**context).encode()
    return status, {**HTML, **(headers or {})}, body


def message(status: int, problem: str, session: AdminSession | None = None) -> Answer:
    return page(status, "message.html", problem=problem, session=session)


def redirect(location: str, headers: dict[str, str] | None = None) -> Answer:
    return 303, {"Location": location, "Cache-Control": "no-store", **(headers or {})}, b""


def admin_path(value: str | None) -> str:
    """Where to go after login: a path of the admin area, else its start page (never
    another site)."""
    if value and _ADMIN_PATH.fullmatch(value) and "//" not in value:
        return value
    return "/admin/plans/new"


def login_redirect(request: Request) -> Answer:
    wanted = request.url.path if request.method == "GET" else "/admin/plans/new"
    return redirect(f"/admin/login?next={quote(admin_path(wanted), safe='/')}")


def secure(request: Request, base_url: str) -> bool:
    """Whether the browser reaches us over https (directly, or per the public URL)."""
    return request.url.scheme == "https" or base_url.lower().startswith("https:")


async def form_fields(request: Request) -> dict[str, str] | Answer:
    """A url-encoded form of at most MAX_FORM_BYTES; or the answer refusing it."""
    if not is_form(request.headers):
        return message(415, "Hãy gửi biểu mẫu từ trang quản trị.")
    body = await bounded_body(request, MAX_FORM_BYTES)
    if body is None:
        return message(413, "Biểu mẫu quá dài.")
    try:
        parsed = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
    except ValueError:
        return message(400, "Biểu mẫu có quá nhiều trường.")
    return {name: values[0] for name, values in parsed.items()}


async def checked_form(request: Request, session: AdminSession) -> dict[str, str] | Answer:
    """The form of a logged-in admin, with the session's CSRF token."""
    fields = await form_fields(request)
    if isinstance(fields, dict) and not same_token(session.csrf, fields.get("csrf")):
        return message(403, BAD_TOKEN, session)
    return fields
