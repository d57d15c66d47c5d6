"""What a receiving mail server's filter makes of dondoc's emails: every kind is scored by
SpamAssassin with its local rules only (`spamassassin -L -t`: no network tests), the way a
province's mail server would, and must stay under 2.0 (5.0 is spam). A hidden preheader and
text and HTML parts that say different things each cost more than that once."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from notifications.alerts import failure_alert
from tests.conftest import require
from tests.support.digests import (
    commune_escalation_digest,
    digest,
    due_soon_digest,
    escalation_digest,
    notice,
    overdue_digest,
    progress_email,
    raw,
)

LIMIT = 2.0


def _alert() -> bytes:
    message: EmailMessage = failure_alert(
        flow_name="send-reminders",
        run_name="brisk-otter",
        run_id="0b7c6f5e-3d0a-4f5e-9d43-1f3c2a9b7e10",
        parameters={"date": "2019-04-05"},
        state_message="SMTP server refused the login",
        admins=["admin@example.org"],
        now=datetime(2019, 4, 5, 1, 0, tzinfo=UTC),
    )
    return message.as_bytes()


EMAILS: dict[str, Callable[[], bytes]] = {
    "due-soon": lambda: raw(due_soon_digest()),
    "due-soon-80-items": lambda: raw(digest("due_soon", [notice(n) for n in range(1, 81)])),
    "overdue": lambda: raw(overdue_digest()),
    "escalation": lambda: raw(escalation_digest()),
    "escalation-60-communes": lambda: raw(commune_escalation_digest()),
    "progress-report": progress_email,
    "flow-failure": _alert,
}


def _score(message: bytes) -> tuple[float, str]:
    """SpamAssassin's score and the rules that hit (local tests only, no Bayes database to
    learn into, bounded in time)."""
    answer = subprocess.run(
        ["spamassassin", "-L", "-t", "--cf=use_bayes 0", "--cf=bayes_auto_learn 0"],
        input=message,
        capture_output=True,
        timeout=120,
        check=True,
    )
    status = re.search(
        rb"^X-Spam-Status: \w+, score=(-?[\d.]+) .*?tests=([^\n]*(?:\n\s+[^\n]*)*)",
        answer.stdout,
        re.M,
    )
    assert status, answer.stdout[-2000:]
    return float(status[1]), " ".join(status[2].decode().split())


@pytest.fixture(scope="module")
def scores() -> dict[str, tuple[float, str]]:
    require(shutil.which("spamassassin") is not None, "SpamAssassin is not installed")
    with ThreadPoolExecutor(2) as pool:
        found = pool.map(lambda make: _score(make()), EMAILS.values())
        return dict(zip(EMAILS, found, strict=True))


@pytest.mark.parametrize("kind", EMAILS)
def test_every_kind_of_email_scores_low_in_spamassassin(
    scores: dict[str, tuple[float, str]], kind: str
) -> None:
    score, rules = scores[kind]
    assert score < LIMIT, f"{kind}: {score} ({rules})"
    assert "HTML_FONT_LOW_CONTRAST" not in rules and "MPART_ALT_DIFF" not in rules
