"""The admin's path in the Prefect UI, in headless Chromium: the main job's stack is up (a
Prefect server and UI, prefect.yaml's deployments served, the feed server, the local SMTP
server filing .eml), the admin opens Deployments, picks send-reminders, starts a custom run
for 28/03/2019 and the run completes; the SMTP server then holds the expected digests.
Screenshots of every step are kept under test-output/ui/ for review."""

from __future__ import annotations

import email
import email.policy
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dondoc.core.db import session_scope
from dondoc.stack import Ports, Stack, free_port, running_stack, wait_for_flow_runs
from models.schema import ready_database_url
from tests.conftest import ROOT, require
from tests.support.seeds import seed_song_ma
from tests.support.settings import SettingsEnv

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = ROOT / "test-output" / "ui"
CENTRE_EMAIL = "ttttvh.songma@example.org"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require(Path(CHROMIUM).exists(), f"Debian's chromium is not at {CHROMIUM}")
    data = tmp_path_factory.mktemp("stack")
    with pytest.MonkeyPatch.context() as patch:
        SettingsEnv(patch).set(data_dir=data, database_url=None, smtp_host=None)
        with session_scope(ready_database_url()) as session:
            seed_song_ma(session, compile=True)
        ports = Ports(prefect=free_port(), feeds=free_port(), smtp=free_port())
        with running_stack(data, ports) as running:
            yield running


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_an_admin_runs_send_reminders_for_a_date_from_the_prefect_ui(stack: Stack) -> None:
    from playwright.sync_api import sync_playwright

    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{stack.ui_url}/deployments", wait_until="networkidle")
        _shot(page, "1-deployments")
        page.get_by_role("link", name="send-reminders").first.click()
        page.wait_for_url("**/deployments/deployment/**")
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Custom run", exact=True).click()
        page.wait_for_url("**/run**")
        page.locator(".flow-run-create-form-v2__header button").click()
        page.get_by_text("Use JSON input").click()
        editor = page.locator("textarea, [contenteditable=true]").first
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.type('{"date": "2019-03-28"}')
        _shot(page, "2-custom-run")
        page.get_by_role("button", name="Submit").click()
        page.wait_for_url("**/deployments/deployment/**")
        run_id = _run_with(stack.api_url, "send-reminders", {"date": "2019-03-28"})
        [run] = wait_for_flow_runs(stack.api_url, [run_id]).values()
        page.goto(f"{stack.ui_url}/runs/flow-run/{run_id}", wait_until="networkidle")
        page.wait_for_timeout(1500)
        _shot(page, "3-flow-run")
        browser.close()
    assert run["state"]["type"] == "COMPLETED", run["state"]
    assert run["parameters"] == {"date": "2019-03-28"}

    assert stack.mail_dir is not None
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(stack.mail_dir.glob("*.eml"))
    ]
    to_centre = [m for m in messages if CENTRE_EMAIL in str(m["To"])]
    assert len(to_centre) == 1
    assert "Sắp đến hạn" in str(to_centre[0]["Subject"])
    text = to_centre[0].get_body(preferencelist=("plain",)).get_content()
    assert "Truyền thanh" in text and "29/03/2019" in text


def _run_with(api_url: str, deployment: str, parameters: dict[str, str]) -> str:
    """The run the UI created: the deployment's schedules create runs of their own."""
    body = {"deployments": {"name": {"any_": [deployment]}}, "limit": 200}
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=api_url, timeout=30) as client:
        while time.monotonic() < deadline:
            runs = client.post("/flow_runs/filter", json=body).json()
            found = [run for run in runs if run["parameters"] == parameters]
            if found:
                return str(found[0]["id"])
            time.sleep(0.5)
    raise AssertionError(f"no run of {deployment} with {parameters} was created")
