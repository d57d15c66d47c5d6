"""All configuration in one place: environment variables (DONDOC_*) and an optional `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every field is a DONDOC_<NAME> variable; its description is its row in README's
    Configuration table (tests/test_docs.py checks the table is current)."""

    model_config = SettingsConfigDict(env_prefix="DONDOC_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the embedded database lives, and the SMTP sender's journal "
        "(`outbox-journal/`: what a killed sender had sent, marked by the next send).",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. `postgresql://user@host/db`; unset: a SQLite file in "
        "the data dir. A SQLite URL may end in `?timeout=N`: seconds a writer waits for "
        "another's lock (30).",
    )
    uid_domain: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9.-]{1,253}$",
        description="The domain in every calendar event's UID. Set it once, before feeds are "
        "handed out, and keep it: unset, it is DONDOC_BASE_URL's host, and a move to a new "
        "address then replaces every subscriber's events.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public URL of the feed and completion server, in feed and email links.",
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh", description="The time zone of dates in plans and emails."
    )
    smtp_host: str | None = Field(
        default=None, description="The mail server; unset: emails stay queued in the outbox."
    )
    smtp_port: int = Field(default=25, description="The mail server's port.")
    smtp_username: str | None = Field(default=None, description="SMTP login, if it wants one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS.")
    smtp_timeout: float = Field(default=30.0, description="Seconds before an SMTP reply is late.")
    smtp_connections: int = Field(
        default=4,
        ge=1,
        le=64,
        description="Connections one sender keeps open and sends over at once (1–64).",
    )
    smtp_max_attempts: int = Field(
        default=8,
        ge=1,
        description="Tries in all for a transient failure (4xx, disconnect, timeout).",
    )
    smtp_backoff_seconds: float = Field(
        default=30.0,
        ge=0,
        description="Between tries, about this × 2^attempt seconds (with jitter).",
    )
    smtp_lease_seconds: float = Field(
        default=1800.0,
        ge=1,
        description="A claimed email not marked sent within this long is claimed again (its "
        "sender died); a third of it (10 minutes at most) is how long a send waits for the "
        "server's reply to the message.",
    )
    smtp_retry_window_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long one run waits for retries coming due; later ones wait for the "
        "next run.",
    )
    mail_from: str = Field(default="dondoc <dondoc@example.org>", description="The sender.")
    mail_language: Literal["vi", "en"] = Field(
        default="vi",
        description="The language of emails: Vietnamese, or English for foreign-language staff.",
    )
    notify_policy: Path | None = Field(
        default=None,
        description="Lead times and the escalation ladder (YAML); unset: the packaged "
        "`dondoc/data/notify-policy.yaml`.",
    )
    admin_emails: str = Field(
        default="", description="Who hears of a failed flow (comma-separated addresses)."
    )
    prefect_ui_url: str | None = Field(
        default="http://127.0.0.1:4200",
        description="The Prefect UI the failure emails link to.",
    )
    max_input_mb: int = Field(
        default=20,
        ge=1,
        description="The largest file a command reads (plans, directories, done sheets), in MB.",
    )
    inbox: Path | None = Field(
        default=None,
        description="A folder whose new plan documents the import-inbox flow imports as drafts "
        "(filed under done/ or failed/); unset: no inbox.",
    )
    max_upload_mb: int = Field(
        default=50,
        ge=1,
        description="The largest plan document read (Word, PDF, scan, HTML; uploaded, in the "
        "inbox or named to `plan import`), in MB.",
    )
    max_plan_lines: int = Field(
        default=20_000,
        ge=1,
        description="The most lines a plan's text may have (the longest real plans have about "
        "2,000); a longer text is refused before it is read.",
    )
    max_plan_chars: int = Field(
        default=1_000_000,
        ge=1,
        description="The most characters a plan's text may have (real plans: up to about "
        "110,000); a longer text is refused before it is read.",
    )
    max_pdf_pages: int = Field(
        default=500,
        ge=1,
        description="The most pages a PDF plan may have (the longest real plans have about "
        "60); a longer PDF is refused before its pages are read.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs completion links and derives feed tokens; unset: a random key made "
        "once in the data dir (`secret.key`). Machines sharing a database need the same key.",
    )
    secret_key_file: Path | None = Field(
        default=None, description="A file holding the secret key, instead of DONDOC_SECRET_KEY."
    )
    deadline_before: Literal["on", "day_before"] = Field(
        default="on",
        description="`trước ngày D`: due on D (as agencies read it) or the day before.",
    )
    fuzzy_threshold: float = Field(
        default=90.0,
        description="Fuzzy agency-name matches at or above this score (0–100) resolve; lower "
        "ones are suggestions.",
    )
    workday_overrides: Path | None = Field(
        default=None,
        description="The Government's announced day swaps and extra days off (YAML); unset: "
        "the packaged `dondoc/data/vn-workdays.yaml`.",
    )
    due_shift: Literal["next", "previous"] = Field(
        default="next",
        description="A due date on a day off moves to the next working day (Civil Code art. "
        "148) or the previous one; a month's last day always stays in its month.",
    )
    ongoing_checkin: Literal["monthly", "quarterly", "none"] = Field(
        default="monthly",
        description="How often ongoing (*Thường xuyên*) work gets a progress check-in before "
        "its final due date.",
    )
    admin_password_hash: SecretStr | None = Field(
        default=None,
        description="The password hash of the admin pages' user `admin` (make one with "
        "`dondoc admin hash-password`); unset, with no DONDOC_ADMIN_ACCOUNTS: the admin pages "
        "are closed.",
    )
    admin_accounts: SecretStr | None = Field(
        default=None,
        description="More admins, as `name:hash` separated by spaces or semicolons (hashes "
        "from `dondoc admin hash-password`).",
    )
    admin_session_hours: float = Field(
        default=8.0,
        gt=0,
        le=24 * 30,
        description="An admin's login lasts this many hours, then they log in again.",
    )

    def signing_key(self) -> str:
        """The secret key (see dondoc.core.secret): set, in a file, or made once."""
        from dondoc.core.secret import signing_key

        return signing_key(self.secret_key, self.secret_key_file, self.data_dir)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dondoc.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
