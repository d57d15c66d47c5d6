"""Admins hand plan documents in: /admin/plans/new takes a file, the importer reads it as a
draft (a scan goes to an import-plan run instead: `admin_scans`), /admin/plans/{id} shows
what was read (low-confidence fields marked, as tasks.plans.review judges them) with the
stored original, and one button starts approve-plan in Prefect (then compile-plan once
approved), linking to the run in the Prefect UI.

The upload is bounded before it is read: a declared length past DONDOC_MAX_UPLOAD_MB is
refused unread, and the body stream stops the multipart parser at the limit. A document the
importer refuses shows its message on the form (422), and nothing is written: the import runs
in one transaction, in a worker thread."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from dondoc.core.db import session_scope
from dondoc.web.admin_render import BAD_TOKEN, Answer, checked_form, message, page, redirect
from dondoc.web.admin_scans import ScanImports
from dondoc.web.guard import BodyTooLarge, bounded_request, media_type
from dondoc.web.prefect_runs import FlowRun, PrefectRuns, PrefectUnavailable, plan_tag
from dondoc.web.sessions import AdminSession, same_token
from models import Occurrence, Plan, PlanItem
from tasks.plans import PlanParseError, import_plan_document, item_doubts
from tasks.plans.formats import needs_ocr

log = logging.getLogger("dondoc.admin")

APPROVE = "approve-plan/approve-plan"
COMPILE = "compile-plan/compile-plan"
# what each plan status is called on the pages (models.plan.PLAN_STATUSES)
STATUS_NAMES = {
    "draft": "bản nháp, chờ duyệt",
    "approved": "đã duyệt",
    "rejected": "bị từ chối",
    "superseded": "đã được văn bản mới thay thế",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
Importer = Callable[[Session, bytes, str], int]


def import_document(session: Session, data: bytes, filename: str) -> int:
    """The plan id of the document, imported as a draft in the caller's transaction."""
    return import_plan_document(session, data, filename).plan_id


def safe_name(filename: str | None) -> str:
    """The file's own name, without folders or control characters."""
    name = _CONTROL.sub("", re.split(r"[/\\]", filename or "")[-1]).strip()[-200:]
    return name if name not in ("", ".", "..") else "document"


class PlanPages:
    """The plan pages of the admin area; every handler gets the logged-in admin."""

    def __init__(
        self,
        database_url: str,
        runs: PrefectRuns,
        *,
        max_upload_bytes: int,
        staging: Path,
        importer: Importer = import_document,
    ) -> None:
        self.database_url = database_url
        self.runs = runs
        self.max_upload_bytes = max_upload_bytes
        self.importer = importer
        self.scans = ScanImports(database_url, runs, staging)
        self._starting: dict[tuple[str, int], asyncio.Lock] = {}

    def _form(self, status: int, session: AdminSession, problem: str = "") -> Answer:
        megabytes = self.max_upload_bytes // (1024 * 1024)
        return page(status, "new.html", session=session, problem=problem, max_mb=megabytes)

    async def new_form(self, request: Request, session: AdminSession) -> Answer:
        if request.method not in ("GET", "HEAD"):
            return message(405, "Hãy gửi tệp bằng biểu mẫu tải lên.", session)
        return self._form(200, session)

    async def upload(self, request: Request, session: AdminSession) -> Answer:
        if request.method != "POST":
            return redirect("/admin/plans/new")
        if media_type(request.headers) != "multipart/form-data":
            return self._form(415, session, "Hãy chọn tệp rồi bấm Tải lên.")
        too_large = f"Tệp lớn hơn giới hạn {self.max_upload_bytes // (1024 * 1024)} MB."
        bounded = bounded_request(request, self.max_upload_bytes)
        if bounded is None:
            return self._form(413, session, too_large)
        try:
            async with bounded.form(max_files=1, max_fields=4, max_part_size=4096) as form:
                token = form.get("csrf")
                if not same_token(session.csrf, token if isinstance(token, str) else None):
                    return self._form(403, session, BAD_TOKEN)
                upload = form.get("document")
                if not isinstance(upload, UploadFile) or not upload.filename:
                    return self._form(400, session, "Hãy chọn tệp văn bản kế hoạch.")
                filename = safe_name(upload.filename)
                data = await upload.read()
        except BodyTooLarge:
            return self._form(413, session, too_large)
        except (MultiPartException, HTTPException):
            return self._form(400, session, "Không đọc được tệp gửi lên: hãy chọn lại một tệp.")
        if await run_in_threadpool(needs_ocr, data):
            return await self.scans.hand_over(data, filename, session)
        try:
            plan_id = await run_in_threadpool(self._import, data, filename)
        except PlanParseError as error:
            return self._form(422, session, str(error))
        log.info("admin %r imported %r as plan %d", session.user, filename, plan_id)
        return redirect(f"/admin/plans/{plan_id}")

    def _import(self, data: bytes, filename: str) -> int:
        with session_scope(self.database_url) as db:
            return self.importer(db, data, filename)

    async def review(self, request: Request, session: AdminSession) -> Answer:
        if request.method not in ("GET", "HEAD"):
            return message(405, "Trang này chỉ để xem.", session)
        plan_id = request.path_params["plan_id"]
        runs = await run_in_threadpool(self._plan_runs, plan_id)
        answer = await run_in_threadpool(self._review_page, plan_id, session, runs)
        return answer or message(404, f"Không có kế hoạch mã {plan_id}.", session)

    def _plan_runs(self, plan_id: int) -> dict[str, Any]:
        """The plan's runs started here, for the page; a Prefect that does not answer is
        said on the page, which shows the plan anyway."""
        try:
            approval = self.runs.runs(APPROVE, plan_tag(plan_id))
            compiling = self.runs.runs(COMPILE, plan_tag(plan_id))
        except PrefectUnavailable as error:
            return {"runs_problem": str(error), "approval_runs": [], "compile_runs": []}
        return {"runs_problem": "", "approval_runs": approval, "compile_runs": compiling}

    def _review_page(
        self, plan_id: int, session: AdminSession, runs: dict[str, Any]
    ) -> Answer | None:
        with session_scope(self.database_url) as db:
            plan = db.get(
                Plan,
                plan_id,
                options=[selectinload(Plan.items).selectinload(PlanItem.assignments)],
            )
            if plan is None:
                return None
            work = db.scalar(
                select(func.count(Occurrence.id))
                .join(PlanItem, PlanItem.id == Occurrence.item_id)
                .where(PlanItem.plan_id == plan_id)
            )
            return page(
                200,
                "plan.html",
                session=session,
                plan=plan,
                doubts={item.id: item_doubts(item) for item in plan.items},
                unresolved=[
                    (a.name_as_written, item.seq)
                    for item in plan.items
                    for a in item.assignments
                    if a.unresolved
                ],
                work=work or 0,
                status_name=STATUS_NAMES.get(plan.status, plan.status),
                link=self.runs.link,
                **runs,
            )

    async def document(self, request: Request, session: AdminSession) -> Answer:
        """The stored original, as an attachment (never shown inline: it is foreign input)."""
        plan_id = request.path_params["plan_id"]
        found = await run_in_threadpool(self._original, plan_id)
        if found is None:
            return message(404, f"Không có kế hoạch mã {plan_id}.", session)
        name, content_type, body = found
        disposition = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
        headers = {
            "Content-Type": content_type,
            "Content-Disposition": disposition,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        }
        return 200, headers, body

    def _original(self, plan_id: int) -> tuple[str, str, bytes] | None:
        with session_scope(self.database_url) as db:
            plan = db.get(Plan, plan_id)
            if plan is None:
                return None
            stored = plan.source_document
            if stored is not None:
                return safe_name(stored.filename), stored.media_type, stored.content
            # a text plan is kept as its text (the document is its text)
            name = safe_name(plan.source_name or f"ke-hoach-{plan_id}.txt")
            return name, "text/plain; charset=utf-8", plan.source_text.encode()

    async def start_approval(self, request: Request, session: AdminSession) -> Answer:
        return await self._start(request, session, APPROVE, "draft")

    async def start_compile(self, request: Request, session: AdminSession) -> Answer:
        return await self._start(request, session, COMPILE, "approved")

    async def _start(
        self, request: Request, session: AdminSession, deployment: str, needed: str
    ) -> Answer:
        """Start the deployment for the plan, or find the run already going; one request
        at a time per plan here (and Prefect's idempotency key across processes)."""
        if request.method != "POST":
            return message(405, "Hãy bấm nút trên trang kế hoạch.", session)
        fields = await checked_form(request, session)
        if not isinstance(fields, dict):
            return fields
        plan_id = request.path_params["plan_id"]
        status = await run_in_threadpool(self._status, plan_id)
        if status is None:
            return message(404, f"Không có kế hoạch mã {plan_id}.", session)
        if status != needed:
            shown = STATUS_NAMES.get(status, status)
            return message(409, f"Kế hoạch {plan_id} đang ở trạng thái: {shown}.", session)
        lock = self._starting.setdefault((deployment, plan_id), asyncio.Lock())
        async with lock:
            try:
                run, created = await run_in_threadpool(
                    self.runs.start, deployment, plan_tag(plan_id), {"plan_id": plan_id}
                )
            except PrefectUnavailable as error:
                log.warning("admin %r: %s not started: %s", session.user, deployment, error)
                problem = f"Chưa bắt đầu được: {error}. Hãy kiểm tra Prefect rồi thử lại."
                return message(503, problem, session)
        _log_start(session, deployment, plan_id, run, created)
        return redirect(f"/admin/plans/{plan_id}")

    def _status(self, plan_id: int) -> str | None:
        with session_scope(self.database_url) as db:
            return db.scalar(select(Plan.status).where(Plan.id == plan_id))


def _log_start(
    session: AdminSession, deployment: str, plan_id: int, run: FlowRun, created: bool
) -> None:
    what = "started" if created else "already had"
    log.info("admin %r %s %s run %s for plan %d", session.user, what, deployment, run.id, plan_id)
