"""The main job's local SMTP server: every message it receives becomes an .eml file.

Used when no DONDOC_SMTP_HOST is configured, so a newcomer sees real emails (open them in
any mail program) without sending anything anywhere. aiosmtpd binds ::1 unless told the
host, hence 127.0.0.1 explicitly."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from dondoc.core.clock import now_utc


class EmlFolder:
    """aiosmtpd handler writing each message (with its envelope as headers) to a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            number = next(self._counter)
        stamp = now_utc().strftime("%Y%m%dT%H%M%S%f")
        envelope_lines = (
            f"X-Envelope-From: {envelope.mail_from}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        path = self.folder / f"{stamp}-{number:05d}.eml"
        path.write_bytes(envelope_lines + envelope.original_content)
        return "250 Message accepted for delivery"


def start_mailcatcher(folder: Path, port: int = 8025) -> Controller:
    """A running SMTP server on 127.0.0.1:`port` that files messages in `folder`; call
    `.stop()` on the result to stop it."""
    controller = Controller(EmlFolder(folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller
