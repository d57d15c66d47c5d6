"""The HTML emails as a reader sees them: rendered in headless Chromium at a phone's width and
a desktop's, saved under test-output/mail/ for a reviewer to open. The phone page must not
scroll sideways. Uses Debian's /usr/bin/chromium; no browser is ever downloaded."""

from __future__ import annotations

import base64
import email
import email.policy
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, require
from tests.support.digests import (
    commune_escalation_digest,
    due_soon_digest,
    escalation_digest,
    html,
    overdue_digest,
    progress_email,
    render,
)

CHROMIUM = Path("/usr/bin/chromium")
OUT = ROOT / "test-output" / "mail"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1024, "height": 768}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require(CHROMIUM.exists(), f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _shoot(browser: object, page_html: str, name: str, viewport: dict[str, int]) -> tuple[int, int]:
    """Save a full-page screenshot; the page's scroll width and height."""
    page = browser.new_page(viewport=viewport)  # type: ignore[attr-defined]
    # Nothing may be fetched: the email is self-contained.
    page.route("**/*", lambda route: route.abort())
    page.set_content(page_html, wait_until="load")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    path.write_bytes(page.screenshot(full_page=True))
    width = page.evaluate("document.documentElement.scrollWidth")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.close()
    data = path.read_bytes()
    shot_width, shot_height = _png_size(data)
    assert shot_width == viewport["width"] and shot_height >= 400
    assert len(data) > 20_000  # text and colour, not a blank page
    return int(width), int(height)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("due-soon", due_soon_digest),
        ("overdue", overdue_digest),
        ("escalation", escalation_digest),
        ("escalation-60-communes", commune_escalation_digest),
    ],
)
def test_email_reads_on_a_phone_and_a_desktop(browser: object, name: str, make: object) -> None:
    page_html = html(render(make()))  # type: ignore[operator]
    assert _shoot(browser, page_html, f"{name}-phone", PHONE)[0] <= PHONE["width"]
    assert _shoot(browser, page_html, f"{name}-desktop", DESKTOP)[0] <= DESKTOP["width"]


def test_a_province_wide_escalation_is_a_few_phone_screens(browser: object) -> None:
    """60 communes late on 600 deadlines: the manager's phone shows who is behind and the
    longest overdue, not 600 rows (they are in the attached XLSX)."""
    page_html = html(render(commune_escalation_digest()))
    width, height = _shoot(browser, page_html, "escalation-60-communes-phone", PHONE)
    assert width <= PHONE["width"] and height <= 7 * PHONE["height"]


def test_the_progress_chart_is_readable_on_a_phone(browser: object) -> None:
    """29 agencies' progress emailed to the Interior Office: on a 390 px phone the chart is
    shown wide enough that its 9 pt names (25 px in the 200 dpi image) are 10 px or more."""
    message = email.message_from_bytes(progress_email(), policy=email.policy.default)
    page_html = html(message)  # type: ignore[arg-type]
    [chart] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    cid = str(chart["Content-ID"]).strip("<>")
    inline = base64.b64encode(chart.get_payload(decode=True)).decode()  # type: ignore[arg-type]
    page_html = page_html.replace(f"cid:{cid}", f"data:image/png;base64,{inline}")
    assert _shoot(browser, page_html, "progress-report-phone", PHONE)[0] <= PHONE["width"]
    page = browser.new_page(viewport=PHONE)  # type: ignore[attr-defined]
    page.set_content(page_html, wait_until="load")
    shown = page.evaluate("document.images[0].getBoundingClientRect().width")
    page.close()
    assert shown * 25 / 720 >= 10
