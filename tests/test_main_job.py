"""README command 1, the main job, as a newcomer runs it: `dondoc demo` on an empty data folder
starts every service, loads and compiles the examples, runs the day's flows through Prefect,
files the mail as .eml and stops every service on its way out."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
from pathlib import Path

from dondoc.stack import ROOT, free_port, port_in_use


def test_the_demo_runs_the_days_flows_and_files_the_mail(tmp_path: Path) -> None:
    ports = [free_port(), free_port(), free_port()]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DONDOC_", "PREFECT_"))}
    env["DONDOC_DATA_DIR"] = str(tmp_path / "data")
    command = [
        str(Path(sys.executable).parent / "dondoc"), "demo", "--no-wait",
        "--ui-port", str(ports[0]), "--feeds-port", str(ports[1]), "--smtp-port", str(ports[2]),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 0, output
    for flow in ("send-reminders", "escalate-overdue", "publish-feeds", "progress-report"):
        assert f"{flow}: Completed" in output
    assert f"http://127.0.0.1:{ports[0]}" in output and "/feeds/" in output

    mail = sorted((tmp_path / "data" / "mail").glob("*.eml"))
    subjects = [
        str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"])
        for p in mail
    ]
    assert any(s.startswith("Sắp đến hạn") for s in subjects)
    assert any(s.startswith("Đôn đốc") for s in subjects)
    assert any(s.startswith("Tiến độ thực hiện") for s in subjects)
    assert not any(port_in_use(port) for port in ports), "a service outlived the demo"
