"""All configuration in one place: environment variables (DONDOC_*) and an optional `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DONDOC_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the embedded database lives.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; defaults to a SQLite file in data_dir."
    )
    base_url: str = "http://127.0.0.1:8000"
    timezone: str = "Asia/Ho_Chi_Minh"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = Field(default=30.0, description="Seconds before an SMTP reply is late.")
    # Connections one sender keeps open and sends over at once.
    smtp_connections: int = Field(default=4, ge=1, le=64)
    # A transient failure (4xx, disconnect, timeout) is retried this many times in all...
    smtp_max_attempts: int = Field(default=8, ge=1)
    # ...waiting about base * 2^attempt seconds (with jitter) between tries.
    smtp_backoff_seconds: float = Field(default=30.0, ge=0)
    # A claimed row not marked sent within this long is claimed again (its sender died).
    smtp_lease_seconds: float = Field(default=900.0, ge=1)
    # One run keeps waiting this long for retries coming due; later ones wait for the next run.
    smtp_retry_window_seconds: float = Field(default=60.0, ge=0)
    mail_from: str = "dondoc <dondoc@example.org>"
    # The language of emails: Vietnamese, or English for foreign-language staff.
    mail_language: Literal["vi", "en"] = "vi"
    # Lead times and the escalation ladder (YAML); None: the packaged defaults.
    notify_policy: Path | None = None
    # Who hears of a failed flow (comma-separated addresses), and the Prefect UI their
    # email links to.
    admin_emails: str = ""
    prefect_ui_url: str | None = "http://127.0.0.1:4200"
    secret_key: SecretStr = SecretStr("change-me")
    # "trước ngày 15/12": due on the 15th ("on", the default, as agencies read it) or the 14th.
    deadline_before: Literal["on", "day_before"] = "on"
    # Fuzzy agency matches at or above this score (0–100) resolve; lower ones are suggestions.
    fuzzy_threshold: float = 90.0
    # The Government's announced day swaps and extra days off (YAML); None: the packaged file.
    workday_overrides: Path | None = None
    # A due date on a non-working day moves to the next working day (Civil Code art. 148) or,
    # with "previous", to the one before. A month's last day always stays in its month.
    due_shift: Literal["next", "previous"] = "next"
    # How often ongoing ("Thường xuyên") work gets a progress check-in before its final due.
    ongoing_checkin: Literal["monthly", "quarterly", "none"] = "monthly"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dondoc.sqlite3').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
