"""Reporting work done from the signed link in a feed event (and, later, an email).

GET shows the item and the agency's open periods, each with a form; it never changes
anything, because mail scanners and link previews fetch every URL. POST records who did the
work, when and a note (done late after the due date), then shows the page again. A link that
is malformed, forged or expired gets one page that says so, without saying which."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import Headers

from dondoc.core.clock import now_utc
from dondoc.core.db import session_scope
from dondoc.core.ids import parse_id
from dondoc.web.guard import cross_site, is_form
from models import OPEN_STATUSES, Agency, Occurrence, OccurrenceStateError
from models.feed_queries import item_details
from models.status import AlreadyReported, record_done
from tasks.completion import LINK_GRACE, InvalidLink, open_link

Answer = tuple[int, dict[str, str], bytes]
AHEAD = timedelta(days=31)  # periods shown before they fall due
MOST_SHOWN = 20
MAX_FORM_BYTES = 16_384
_HTML = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}
_PAGES = Environment(
    loader=PackageLoader("dondoc.web", "templates"), autoescape=select_autoescape()
)
TOO_LARGE = "Biểu mẫu quá dài."
NO_PERIOD = "Biểu mẫu không chỉ rõ kỳ nào: hãy bấm nút xác nhận dưới kỳ đã hoàn thành."
# Which of the two is not said (see the module doc); a link outlives its plan by 90 days, so
# for a finished plan there is no newer link to use, and the page says whom to tell instead.
INVALID_LINK = (
    "Liên kết không hợp lệ hoặc đã hết hạn (liên kết còn dùng được đến"
    f" {LINK_GRACE.days} ngày sau khi kế hoạch kết thúc). Nếu kế hoạch còn đang thực hiện,"
    " hãy dùng liên kết trong lịch hoặc email mới nhất; nếu kế hoạch đã kết thúc, hãy báo kết"
    " quả cho cơ quan theo dõi kế hoạch (Phòng Nội vụ hoặc Sở Nội vụ) để được ghi nhận."
)


def _target(token: str, secret: str, today: date) -> tuple[int, int]:
    """(item id, agency id) of a completion link."""
    subject = open_link(token, secret, today)
    kind, item, what, agency = subject.split(":")
    if kind != "item" or what != "agency":
        raise InvalidLink("not a completion link")
    return int(item), int(agency)


def _page(status: int, **context: object) -> Answer:
    body = _PAGES.get_template("done.html").render(**context).encode()
    return status, _HTML, body


class CompletionPages:
    """GET and POST /done/{token}: handlers returning (status, headers, body)."""

    def __init__(
        self,
        database_url: str,
        secret: str,
        today: Callable[[], date],
        *,
        base_url: str = "",
    ) -> None:
        self.database_url = database_url
        self.secret = secret
        self.today = today
        self.base_url = base_url

    def refused(self, token: str, headers: Headers) -> Answer | None:
        """Why a POST is answered before its body is read: a link that opens nothing, a
        page of another site posting it, or a body that is no form."""
        try:
            _target(token, self.secret, self.today())
        except InvalidLink:
            return _page(404, problem=INVALID_LINK)
        if cross_site(headers, self.base_url):
            return _page(403, problem="Chỉ gửi được biểu mẫu từ chính trang này.")
        if not is_form(headers):
            return _page(415, problem="Hãy gửi biểu mẫu từ trang này.")
        return None

    def too_large(self) -> Answer:
        return _page(413, problem=TOO_LARGE)

    def show(
        self,
        token: str,
        *,
        notice: str | None = None,
        problem: str | None = None,
        asked: str | None = None,
    ) -> Answer:
        """The page; `asked` is the link's `?han=` (the period the email or event is about),
        which is shown first and marked, the other open periods below it."""
        today = self.today()
        try:
            item_id, agency_id = _target(token, self.secret, today)
        except InvalidLink:
            return _page(404, problem=INVALID_LINK)
        with session_scope(self.database_url) as session:
            item = item_details(session, [item_id]).get(item_id)
            agency = session.get(Agency, agency_id)
            if item is None or agency is None:
                return _page(404, problem=INVALID_LINK)
            work = _open_work(session, item_id, agency_id, today)
            due = _asked_due(asked)
            asked_work = [w for w in work if w.due == due][:1]
            if due is not None and not asked_work and notice is None:
                notice = f"Kỳ hạn {due:%d/%m/%Y} không còn chờ báo cáo (đã báo cáo hoặc đã hủy)."
            return _page(
                200,
                item=item,
                agency=agency.name,
                asked_work=asked_work,
                open_work=[w for w in work if w not in asked_work],
                today=today,
                notice=notice,
                problem=problem,
            )

    def record(self, token: str, form: bytes, asked: str | None = None) -> Answer:
        today = self.today()
        try:
            item_id, agency_id = _target(token, self.secret, today)
        except InvalidLink:
            return _page(404, problem=INVALID_LINK)
        if len(form) > MAX_FORM_BYTES:
            return self.too_large()
        fields = {k: v[0] for k, v in parse_qs(form.decode("utf-8", "replace")).items()}
        by = fields.get("by", "").strip()[:200]
        note = fields.get("note", "").strip()[:2000] or None
        try:
            occurrence_id = parse_id(fields.get("occurrence", ""))
        except ValueError:
            status, headers, body = self.show(token, asked=asked, problem=NO_PERIOD)
            return (400 if status == 200 else status), headers, body
        if not by:
            return self.show(token, asked=asked, problem="Hãy ghi tên người báo cáo.")
        now = now_utc()
        with session_scope(self.database_url) as session:
            occurrence = session.get(Occurrence, occurrence_id)
            if occurrence is None or (occurrence.item_id, occurrence.agency_id) != (
                item_id,
                agency_id,
            ):
                return _page(404, problem=INVALID_LINK)
            try:
                record_done(session, occurrence, by=by, at=now, note=note, on=today, now=now)
            except AlreadyReported as first:
                reported = f"Kỳ này đã được báo cáo ({first.by}, ngày {first.on:%d/%m/%Y})."
                return self.show(token, asked=asked, problem=reported)
            except OccurrenceStateError:
                return self.show(
                    token, asked=asked, problem="Kỳ này đã được báo cáo hoặc không còn phải làm."
                )
            due, status = occurrence.due, occurrence.status
        late = " (trễ hạn)" if status == "done_late" else ""
        return self.show(
            token, asked=asked, notice=f"Đã ghi nhận hoàn thành kỳ hạn {due:%d/%m/%Y}{late}."
        )


def _asked_due(asked: str | None) -> date | None:
    try:
        return date.fromisoformat(asked) if asked and len(asked) == 10 else None
    except ValueError:
        return None


def _open_work(session: Session, item_id: int, agency_id: int, today: date) -> list[Occurrence]:
    """The agency's open periods of the item, overdue ones first, up to a month ahead."""
    query = (
        select(Occurrence)
        .where(
            Occurrence.item_id == item_id,
            Occurrence.agency_id == agency_id,
            Occurrence.status.in_(OPEN_STATUSES),
            Occurrence.due <= today + AHEAD,
        )
        .order_by(Occurrence.due)
        .limit(MOST_SHOWN)
    )
    return list(session.scalars(query))
