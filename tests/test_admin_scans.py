"""A scan handed in on the upload page is read by an import-plan run, not by the request:
the page stages it under its hash, starts one run however often it is sent, and reloads
itself until the plan is stored (then it opens the review) or the run failed (then it says
why). Only the Prefect API's HTTP is stood in for; the worker's part is the real importer."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dondoc.core.db import session_scope
from models import Plan
from tasks.plans.formats import tesseract
from tasks.plans.importer import import_plan_file
from tests.conftest import FIXTURES, require
from tests.support.admin_web import Admin, admin_fixture  # noqa: F401 (the `admin` fixture)

SCAN = FIXTURES / "documents" / "scan-d09-appendix-1.png"
DIGEST = hashlib.sha256(SCAN.read_bytes()).hexdigest()
READING = f"/admin/plans/reading/{DIGEST}"


def _staged(admin: Admin) -> Path:
    [run] = admin.prefect.runs
    return Path(run["parameters"]["path"])


def test_a_scan_starts_one_import_run_and_its_page_reloads_while_it_is_read(
    admin: Admin,
) -> None:
    admin.login()
    for _ in range(2):  # sent twice: one run
        sent = admin.upload("KH 141 (bản quét).png", SCAN.read_bytes())
        assert sent.status_code == 303 and sent.headers["location"] == READING
    [run] = admin.prefect.runs
    assert run["deployment_id"] == "dep:import-plan"
    parameters = run["parameters"]
    assert parameters["filename"] == "KH 141 (bản quét).png" and parameters["uploaded"] is True
    assert _staged(admin).read_bytes() == SCAN.read_bytes()
    assert _staged(admin).name == f"{DIGEST}.upload"
    assert admin.plans() == 0  # nothing is read in the request

    page = admin.client.get(READING)
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="5">' in page.text
    assert "Đang đọc bản quét" in page.text and 'href="http://prefect.example:4200' in page.text


def test_once_the_run_stored_the_plan_the_reading_page_opens_its_review(admin: Admin) -> None:
    require(
        tesseract.has_model("vie") and tesseract.shutil.which("tesseract") is not None,
        f"Tesseract with its Vietnamese model is not installed ({tesseract.PACKAGES})",
    )
    admin.login()
    admin.upload("KH 141.png", SCAN.read_bytes())
    with session_scope(admin.url) as session:  # what the import-plan worker does
        plan_id = import_plan_file(
            session, _staged(admin), source="KH 141.png", filename="KH 141.png"
        ).plan_id
    opened = admin.client.get(READING)
    assert opened.status_code == 303 and opened.headers["location"] == f"/admin/plans/{plan_id}"
    with session_scope(admin.url) as session:
        assert session.get_one(Plan, plan_id).source_name == "KH 141.png"
    again = admin.upload("KH 141.png", SCAN.read_bytes())  # known by its hash: no new run
    assert again.headers["location"] == f"/admin/plans/{plan_id}"
    assert len(admin.prefect.runs) == 1


def test_a_failed_run_says_why_and_stops_reloading(admin: Admin) -> None:
    admin.login()
    admin.upload("trang trắng.png", SCAN.read_bytes())
    [run] = admin.prefect.runs
    run["state"] = {
        "type": "FAILED",
        "name": "Failed",
        "message": "trang trắng.png: no text found: OCR read nothing on the scan",
    }
    page = admin.client.get(READING)
    assert page.status_code == 422
    assert "Không đọc được bản quét: trang trắng.png: no text found" in page.text
    assert "http-equiv" not in page.text


def test_with_prefect_down_a_scan_is_refused_and_nothing_is_left_staged(
    admin: Admin, tmp_path: Path
) -> None:
    admin.login()
    admin.prefect.down = True
    sent = admin.upload("KH 141.png", SCAN.read_bytes())
    assert sent.status_code == 503 and "Chưa đọc được bản quét" in sent.text
    assert list((tmp_path / "uploads").iterdir()) == []
    assert admin.plans() == 0


def test_a_reading_page_for_no_upload_is_not_found(admin: Admin) -> None:
    admin.login()
    assert admin.client.get("/admin/plans/reading/" + "0" * 64).status_code == 404
    assert admin.client.get("/admin/plans/reading/..%2F..%2Fetc").status_code == 404


def test_the_reading_page_needs_a_login(admin: Admin) -> None:
    page = admin.client.get(READING)
    assert page.status_code == 303 and page.headers["location"].startswith("/admin/login")
