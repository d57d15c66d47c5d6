"""Reporting work done from the signed link in a feed event, through the ASGI app, on SQLite
and PostgreSQL: GET changes nothing, POST records, links are checked."""

from __future__ import annotations

import asyncio
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from urllib.parse import urlencode

import httpx
from sqlalchemy import select

from dondoc.core.db import session_scope
from dondoc.web.app import create_app
from dondoc.web.completion import CompletionPages
from models import Occurrence, OccurrenceEvent, PlanItem
from tasks.completion import completion_link, sign_link
from tests.support import completion
from tests.support.completion import COMMUNE, TODAY, commune_link, january_of

app_url = completion.app_url  # the seeded database with a secret and a base URL


def call(url: str, method: str, path: str, form: dict[str, str] | None = None) -> httpx.Response:
    app = create_app(database_url=url, cache_seconds=0, today=lambda: TODAY)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = urlencode(form) if form is not None else None
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
            return await client.request(method, path, content=body, headers=headers)

    return asyncio.run(go())


def statuses(url: str, agency_id: int) -> dict[date, str]:
    with session_scope(url) as session:
        rows = session.scalars(select(Occurrence).where(Occurrence.agency_id == agency_id))
        return {o.due: o.status for o in rows if "Phát thanh" in o.item.content}


def test_the_feeds_link_shows_the_open_periods_and_changes_nothing(app_url: str) -> None:
    path, agency_id = commune_link(app_url)
    before = statuses(app_url, agency_id)
    page = call(app_url, "GET", path)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Phát thanh về CCHC" in page.text and COMMUNE in page.text
    assert "31/01/2019" in page.text and "quá hạn" in page.text  # January is past due
    assert "29/03/2019" in page.text and "30/04/2019" not in page.text  # a month ahead only
    assert statuses(app_url, agency_id) == before  # a link scanner's GET records nothing


def test_the_link_opens_on_the_period_it_was_sent_for_with_the_others_below(app_url: str) -> None:
    # an email about the 28/02 deadline must not land the reader on January's form first
    path, agency_id = commune_link(app_url)
    assert re.search(r"\?han=\d{4}-\d{2}-\d{2}$", path)  # the feed's link names its period
    token = path.split("?")[0]
    january, february = sorted(statuses(app_url, agency_id))[:2]
    page = call(app_url, "GET", f"{token}?han={february:%Y-%m-%d}").text
    asked = page.index("Kỳ được nhắc trong thư hoặc lịch")
    assert asked < page.index(f"{february:%d/%m/%Y}") < page.index("Các kỳ khác đang chờ báo cáo")
    assert page.index("Các kỳ khác đang chờ báo cáo") < page.index(f"{january:%d/%m/%Y}")
    form = {"occurrence": str(january_of(app_url, agency_id).id), "by": "Lò Văn A"}
    call(app_url, "POST", f"{token}?han={january:%Y-%m-%d}", form)
    page = call(app_url, "GET", f"{token}?han={january:%Y-%m-%d}").text
    assert f"Kỳ hạn {january:%d/%m/%Y} không còn chờ báo cáo" in page


def history(url: str) -> list[tuple[int, str, str, str | None]]:
    with session_scope(url) as session:
        events = session.scalars(select(OccurrenceEvent).order_by(OccurrenceEvent.id))
        return [(e.occurrence_id, e.from_status, e.to_status, e.by) for e in events]


def test_posting_the_form_records_the_work_done_late(app_url: str) -> None:
    path, agency_id = commune_link(app_url)
    january = january_of(app_url, agency_id)
    form = {"occurrence": str(january.id), "by": "Lò Văn A", "note": "Đã phát 4 buổi"}
    done = call(app_url, "POST", path, form)
    assert done.status_code == 200 and "Đã ghi nhận" in done.text and "trễ hạn" in done.text
    with session_scope(app_url) as session:
        stored = session.get(Occurrence, january.id)
        assert stored is not None
        assert (stored.status, stored.completed_by, stored.note) == (
            "done_late",
            "Lò Văn A",
            "Đã phát 4 buổi",
        )
    assert history(app_url) == [(january.id, "pending", "done_late", "Lò Văn A")]
    again = call(app_url, "POST", path, form | {"by": "Lò Văn B"})  # records nothing more
    assert "đã được báo cáo (Lò Văn A, ngày " in again.text
    assert statuses(app_url, agency_id)[date(2019, 1, 31)] == "done_late"
    assert len(history(app_url)) == 1


def test_simultaneous_reports_of_one_period_record_it_once(app_url: str) -> None:
    path, agency_id = commune_link(app_url)
    january = january_of(app_url, agency_id)
    pages = CompletionPages(app_url, "completion-secret-0123456789", lambda: TODAY)
    reporters = [f"Cán bộ {n}" for n in range(10)]
    start = threading.Barrier(len(reporters))

    def report(name: str) -> tuple[str, str]:
        form = urlencode({"occurrence": str(january.id), "by": name}).encode()
        start.wait()  # each request opens its own session
        status, _, body = pages.record(path.removeprefix("/done/").split("?")[0], form)
        assert status == 200
        return name, body.decode()

    with ThreadPoolExecutor(len(reporters)) as pool:
        answers = dict(pool.map(report, reporters))
    recorded = [name for name, page in answers.items() if "Đã ghi nhận" in page]
    assert len(recorded) == 1, recorded
    told = [name for name, page in answers.items() if f"báo cáo ({recorded[0]}, ngày " in page]
    assert sorted(told) == sorted(set(reporters) - set(recorded))
    assert history(app_url) == [(january.id, "pending", "done_late", recorded[0])]


def test_a_link_cannot_report_another_agencys_work(app_url: str) -> None:
    path, agency_id = commune_link(app_url)
    with session_scope(app_url) as session:
        other = session.scalars(
            select(Occurrence).where(Occurrence.agency_id != agency_id).limit(1)
        ).one()
    answer = call(app_url, "POST", path, {"occurrence": str(other.id), "by": "X"})
    assert answer.status_code == 404
    with session_scope(app_url) as session:
        assert session.get(Occurrence, other.id).status == "pending"  # type: ignore[union-attr]


def test_forged_expired_and_malformed_links_get_one_answer(app_url: str) -> None:
    path, _ = commune_link(app_url)
    token = path.removeprefix("/done/").split("?")[0]
    payload, signature = token.split(".")
    forged = f"{payload}.{signature[:-2]}AA"
    expired = sign_link(
        "item:1:agency:1", TODAY - timedelta(days=1), "completion-secret-0123456789"
    )
    wrong_key = completion_link(
        "x", agency_id=1, item_id=1, expires=TODAY, secret="another-secret"
    ).split("/done/")[1]
    for bad in (forged, expired, wrong_key, "nonsense", "a.b.c"):
        answer = call(app_url, "GET", f"/done/{bad}")
        assert answer.status_code == 404, bad
        assert "không hợp lệ hoặc đã hết hạn" in answer.text
        # for a finished plan no newer link exists: the page says whom to tell instead
        assert "hãy báo kết quả cho cơ quan theo dõi kế hoạch" in answer.text


def test_plan_text_is_escaped_on_the_page(app_url: str) -> None:
    path, _ = commune_link(app_url)
    with session_scope(app_url) as session:
        for item in session.scalars(select(PlanItem)):
            item.content = item.content + ' <script>alert("x")</script>'
    page = call(app_url, "GET", path)
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


def test_a_blank_name_is_asked_for_again(app_url: str) -> None:
    path, agency_id = commune_link(app_url)
    before = statuses(app_url, agency_id)
    answer = call(app_url, "POST", path, {"occurrence": "1", "by": "  "})
    assert answer.status_code == 200 and "Hãy ghi tên" in answer.text
    assert statuses(app_url, agency_id) == before
    assert call(app_url, "PUT", path).status_code == 405
