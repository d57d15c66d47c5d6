"""Scans handed in on the upload page are read by a flow run, not by the web request: OCR
takes seconds a page, and a 30-page scan would outlast any proxy's patience.

The upload is staged under its SHA-256 in DONDOC_DATA_DIR/uploads (a folder the workers see,
as they see the inbox) and the import-plan deployment is started on that path, tagged with
the hash, so the same scan sent twice starts one run. The browser goes to
/admin/plans/reading/<hash>, which reloads itself until the plan is stored (then it shows
the plan's review) or the run failed (then it says why, with the run's link)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from dondoc.core.db import session_scope
from dondoc.web.admin_render import Answer, message, page, redirect
from dondoc.web.prefect_runs import FlowRun, PrefectRuns, PrefectUnavailable, upload_tag
from dondoc.web.sessions import AdminSession
from tasks.plans import find_plan_by_document

log = logging.getLogger("dondoc.admin")

IMPORT = "import-plan/import-plan"
_HASH = re.compile(r"[0-9a-f]{64}")
# how often the reading page reloads itself, in seconds
RELOAD_SECONDS = 5


class ScanImports:
    """Scans staged in `staging` and imported by the import-plan deployment."""

    def __init__(self, database_url: str, runs: PrefectRuns, staging: Path) -> None:
        self.database_url = database_url
        self.runs = runs
        self.staging = staging

    async def hand_over(self, data: bytes, filename: str, session: AdminSession) -> Answer:
        """Stage the scan and start its import run; the browser goes to the reading page."""
        digest = hashlib.sha256(data).hexdigest()
        known = await run_in_threadpool(self._plan_of, digest)
        if known is not None:  # the same scan was imported before: nothing to read again
            return redirect(f"/admin/plans/{known}")
        path = await run_in_threadpool(self._stage, digest, data)
        parameters = {"path": str(path), "filename": filename, "uploaded": True}
        try:
            run, created = await run_in_threadpool(
                self.runs.start, IMPORT, upload_tag(digest), parameters
            )
        except PrefectUnavailable as error:
            path.unlink(missing_ok=True)
            log.warning(
                "admin %r: scan %r not handed to Prefect: %s", session.user, filename, error
            )
            problem = f"Chưa đọc được bản quét: {error}. Hãy kiểm tra Prefect rồi thử lại."
            return message(503, problem, session)
        what = "started" if created else "already had"
        log.info("admin %r %s import run %s for scan %r", session.user, what, run.id, filename)
        return redirect(f"/admin/plans/reading/{digest}")

    async def reading(self, request: Request, session: AdminSession) -> Answer:
        if request.method not in ("GET", "HEAD"):
            return message(405, "Trang này chỉ để xem.", session)
        digest = request.path_params["digest"]
        if not _HASH.fullmatch(digest):
            return message(404, "Không có bản quét này.", session)
        plan_id = await run_in_threadpool(self._plan_of, digest)
        if plan_id is not None:
            return redirect(f"/admin/plans/{plan_id}")
        try:
            runs = await run_in_threadpool(self.runs.runs, IMPORT, upload_tag(digest))
        except PrefectUnavailable as error:
            return self._page(503, session, None, f"Không hỏi được Prefect: {error}")
        if not runs:
            return message(404, "Không có bản quét này (hoặc nó chưa được gửi đi đọc).", session)
        newest = runs[0]
        if newest.finished and newest.state != "COMPLETED":
            why = newest.message or newest.state_name
            return self._page(422, session, newest, f"Không đọc được bản quét: {why}")
        return self._page(200, session, newest, "")

    def _page(
        self, status: int, session: AdminSession, run: FlowRun | None, problem: str
    ) -> Answer:
        reload = status in (200, 503)
        return page(
            status,
            "reading.html",
            session=session,
            run=run,
            link=self.runs.link,
            problem=problem,
            reload_seconds=RELOAD_SECONDS if reload else None,
        )

    def _stage(self, digest: str, data: bytes) -> Path:
        """The upload written whole under its hash (a worker never sees half a file)."""
        self.staging.mkdir(parents=True, exist_ok=True)
        path = self.staging / f"{digest}.upload"
        handle, temporary = tempfile.mkstemp(dir=self.staging, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    def _plan_of(self, digest: str) -> int | None:
        with session_scope(self.database_url) as db:
            plan = find_plan_by_document(db, digest)
            return plan.id if plan is not None else None
