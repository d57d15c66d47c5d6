"""An admin hands a plan in, in headless Chromium, on the main job's stack (a Prefect server and
UI, prefect.yaml's deployments served, the web app): log in, upload the plan as a Word file,
read the review, press Start approval, follow the link into the Prefect UI, approve there with
the Resume form, then start the compiling from the admin page and see the dated work counted.
Screenshots of every step are kept under test-output/admin-ui/ for review."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dondoc.core.db import session_scope
from dondoc.stack import Ports, Stack, free_port, running_stack, wait_for_flow_runs
from dondoc.web.sessions import hash_password
from models import Occurrence, Plan, PlanItem
from models.schema import ready_database_url
from tasks.directory import import_directory, load_directory
from tests.conftest import EXAMPLES, ROOT, require
from tests.support.settings import SettingsEnv

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = ROOT / "test-output" / "admin-ui"
PASSWORD = "mật khẩu của quản trị 2019"
PLAN = EXAMPLES / "plans" / "song-ma-2019-kh33.txt"
PHONE = {"width": 390, "height": 844}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LONG = 120_000  # ms: a loaded machine starts a flow run slowly


@dataclass
class AdminStack:
    stack: Stack
    database_url: str


@pytest.fixture(scope="module")
def admin_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdminStack]:
    require(Path(CHROMIUM).exists(), f"Debian's chromium is not at {CHROMIUM}")
    data = tmp_path_factory.mktemp("admin-stack")
    ports = Ports(prefect=free_port(), feeds=free_port(), smtp=free_port())
    with pytest.MonkeyPatch.context() as patch:
        SettingsEnv(patch).set(
            data_dir=data,
            database_url=None,
            smtp_host=None,
            admin_password_hash=hash_password(PASSWORD),
            admin_accounts=None,
            prefect_ui_url=f"http://127.0.0.1:{ports.prefect}",
        )
        url = ready_database_url()
        with session_scope(url) as session:
            import_directory(session, load_directory(EXAMPLES / "directories" / "song-ma.yaml"))
        with running_stack(data, ports) as running:
            yield AdminStack(running, url)


def _plan_docx() -> bytes:
    """The Sông Mã plan as the Word file the district published (automatic numbering)."""
    from tests.support.make_docx import plan_docx

    return plan_docx(PLAN.read_text(encoding="utf-8"))


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_an_admin_uploads_a_plan_approves_it_in_prefect_and_sees_its_work(
    admin_stack: AdminStack,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    stack = admin_stack.stack
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        admin = browser.new_page(viewport=PHONE)
        admin.set_default_timeout(LONG)
        admin.goto(f"{stack.feeds_url}/admin/plans/new")
        admin.wait_for_url("**/admin/login?next=/admin/plans/new")
        admin.get_by_label("Tên đăng nhập").fill("admin")
        admin.get_by_label("Mật khẩu").fill(PASSWORD)
        _shot(admin, "1-login")
        admin.get_by_role("button", name="Đăng nhập").click()
        admin.wait_for_url("**/admin/plans/new")
        admin.get_by_label("Tệp kế hoạch").set_input_files(
            {"name": "KH 33-KH-UBND.docx", "mimeType": DOCX_TYPE, "buffer": _plan_docx()}
        )
        _shot(admin, "2-upload")
        admin.get_by_role("button", name="Tải lên và đọc").click()
        admin.wait_for_url(re.compile(r".*/admin/plans/\d+$"))
        plan_id = int(admin.url.rsplit("/", 1)[-1])
        expect(admin.get_by_role("heading", name="Kế hoạch 33/KH-UBND")).to_be_visible()
        expect(admin.get_by_role("heading", name="Nhiệm vụ (7)")).to_be_visible()
        expect(admin.locator("#item-2")).to_contain_text("Trung tâm Truyền thông - Văn hóa huyện")
        expect(admin.get_by_role("link", name="KH 33-KH-UBND.docx")).to_be_visible()
        _shot(admin, "3-review")

        admin.get_by_role("button", name="Bắt đầu duyệt").click()
        run_link = admin.locator(".notice a")
        expect(run_link).to_have_attribute("href", re.compile(f"^{stack.ui_url}/runs/flow-run/"))
        _shot(admin, "4-approval-started")
        approval_id = str(run_link.get_attribute("href")).rsplit("/", 1)[-1]

        run_link.click()  # the Prefect UI, in the same tab
        admin.wait_for_url(f"**/runs/flow-run/{approval_id}")
        admin.set_viewport_size({"width": 1400, "height": 900})
        resume = admin.get_by_role("button", name="Resume")
        expect(resume).to_be_visible(timeout=LONG)  # once the run has paused for the form
        resume.click()
        dialog = admin.get_by_role("dialog")
        expect(dialog).to_contain_text("Duyệt kế hoạch 33/KH-UBND")
        dialog.locator("textarea").first.fill("Nguyễn Văn A")
        _shot(admin, "5-resume-form")
        dialog.get_by_role("button", name="Submit").click()
        [approval] = wait_for_flow_runs(stack.api_url, [approval_id], timeout=300).values()
        assert approval["state"]["type"] == "COMPLETED", approval["state"]
        _shot(admin, "6-approved")

        admin.set_viewport_size(PHONE)
        admin.goto(f"{stack.feeds_url}/admin/plans/{plan_id}")
        expect(admin.locator("#status")).to_have_text("đã duyệt")
        admin.get_by_role("button", name="Lập lịch công việc").click()
        compile_link = admin.locator(".notice a")
        expect(compile_link).to_have_attribute("href", re.compile("/runs/flow-run/"))
        compile_id = str(compile_link.get_attribute("href")).rsplit("/", 1)[-1]
        [compiled] = wait_for_flow_runs(stack.api_url, [compile_id], timeout=300).values()
        assert compiled["state"]["type"] == "COMPLETED", compiled["state"]
        admin.reload()
        work = admin.locator("#work")
        expect(work).to_contain_text("kỳ công việc")
        _shot(admin, "7-compiled")
        shown = int(re.findall(r"\d+", work.inner_text())[0])
        browser.close()

    with session_scope(admin_stack.database_url) as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None and plan.status == "approved"
        assert plan.approved_by == "Nguyễn Văn A"
        assert plan.source_document is not None
        assert plan.source_document.filename == "KH 33-KH-UBND.docx"
        stored = session.scalar(
            select(func.count(Occurrence.id))
            .join(PlanItem, PlanItem.id == Occurrence.item_id)
            .where(PlanItem.plan_id == plan_id)
        )
    assert shown == stored and shown > 0
