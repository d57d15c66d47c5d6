"""What a delivery is configured with (`SmtpConfig`, from the settings) and the one error
type every way of failing to deliver becomes (`DeliveryError`, transient or permanent, as
`classify` decides): the sender, the flows' retry policy and the CLI share them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiosmtplib import (
    SMTPConnectError,
    SMTPNotSupported,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)

from dondoc.core.settings import Settings, get_settings

MAX_BACKOFF_SECONDS = 3600.0


class DeliveryError(Exception):
    """Why a message (or the whole run) was not delivered; `transient`: worth retrying."""

    def __init__(self, message: str, *, transient: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.code = code


def classify(exc: BaseException) -> DeliveryError:
    """One error type for every way sending fails: 4xx and network trouble are transient,
    5xx and messages the client cannot send at all are permanent."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SMTPRecipientsRefused):
        replies = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        transient = [r.code for r in exc.recipients if not 500 <= r.code < 600]
        codes = transient or [r.code for r in exc.recipients]
        return DeliveryError(replies, transient=bool(transient), code=codes[0] if codes else None)
    if isinstance(exc, SMTPResponseException):
        where = f" ({type(exc).__name__})"
        text = f"{exc.code} {exc.message}{where}"
        return DeliveryError(text, transient=not 500 <= exc.code < 600, code=exc.code)
    # OSError covers ConnectionError and asyncio.TimeoutError (TimeoutError since 3.11).
    if isinstance(exc, SMTPServerDisconnected | SMTPConnectError | SMTPTimeoutError | OSError):
        return DeliveryError(f"{type(exc).__name__}: {exc}", transient=True)
    if isinstance(exc, SMTPNotSupported | ValueError):  # e.g. an address SMTP cannot carry
        return DeliveryError(f"{type(exc).__name__}: {exc}", transient=False)
    # Unforeseen: retried, and bounded by max_attempts like any transient failure.
    return DeliveryError(f"{type(exc).__name__}: {exc}", transient=True)


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0
    connections: int = 4
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    lease_seconds: float = 1800.0
    # How long one run keeps waiting for a backed-off retry before leaving it to the next.
    retry_window_seconds: float = 60.0
    # Where the sender journals accepted messages (notifications.journal); None: nowhere,
    # and a killed sender resends what it had not recorded yet.
    journal_dir: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SmtpConfig:
        s = settings or get_settings()
        if not s.smtp_host:
            raise DeliveryError(
                "DONDOC_SMTP_HOST is not set: there is no server to send the outbox to",
                transient=False,
            )
        return cls(
            host=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            starttls=s.smtp_starttls,
            timeout=s.smtp_timeout,
            connections=s.smtp_connections,
            max_attempts=s.smtp_max_attempts,
            backoff_seconds=s.smtp_backoff_seconds,
            lease_seconds=s.smtp_lease_seconds,
            retry_window_seconds=s.smtp_retry_window_seconds,
            journal_dir=s.data_dir / "outbox-journal",
        )

    def backoff(self, attempts: int) -> timedelta:
        """Full jitter: uniform in [0, base·2^(attempts−1)], capped at an hour."""
        ceiling = min(MAX_BACKOFF_SECONDS, self.backoff_seconds * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=random.uniform(0, ceiling))
