"""When agencies are emailed: reminder lead times and the escalation ladder, as data.

The policy is a YAML file (dondoc/data/notify-policy.yaml, or DONDOC_NOTIFY_POLICY). Every
count is in working days, so a reminder "1 day before" a Monday deadline comes on Friday and
a deadline after Tết is not escalated during the holiday."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dondoc.core.problems import InputFileError, InputProblem
from dondoc.core.yaml_lines import read_yaml
from tasks.schedule import WorkCalendar

# The schedule kinds of tasks.plans.parsed that produce deadlines, and the ongoing check-in.
REMINDER_KINDS = ("once", "weekly", "monthly", "quarterly", "semiannual", "yearly", "ongoing")


class NotifyPolicyError(InputFileError):
    """The policy file cannot be used: the message names the file, line and field."""


class Reminders(BaseModel):
    model_config = ConfigDict(extra="forbid")

    once: list[int] = [7, 3, 1]
    weekly: list[int] = [1]
    monthly: list[int] = [5, 1]
    quarterly: list[int] = [5, 1]
    semiannual: list[int] = [7, 3, 1]
    yearly: list[int] = [7, 3, 1]
    ongoing: list[int] = [7, 3, 1]
    checkin: list[int] = [3]

    @field_validator("*")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if any(day < 0 or day > 60 for day in value):
            raise ValueError("lead times are working days from 0 to 60")
        return sorted(set(value), reverse=True)


class Ladder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_after: int = Field(default=1, ge=1)
    monitoring_after: int = Field(default=3, ge=1)
    repeat_every: int = Field(default=5, ge=1)


class NotifyPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reminders: Reminders = Reminders()
    escalation: Ladder = Ladder()
    send_on_non_working_days: bool = False

    def lead_times(self, schedule_kind: str, occurrence_kind: str) -> list[int]:
        """Working days before the due date on which this deadline is reminded."""
        key = "checkin" if occurrence_kind == "checkin" else schedule_kind
        return list(getattr(self.reminders, key, self.reminders.once))

    @property
    def longest_lead(self) -> int:
        return max(max(days, default=0) for days in self.reminders.model_dump().values())

    def level(self, working_days_overdue: int) -> int:
        """The ladder's rung for work this many working days overdue: 0 none yet, 1 the lead
        agency, 2 the monitoring agency, 3, 4, … its repeats."""
        ladder = self.escalation
        if working_days_overdue < ladder.lead_after:
            return 0
        if working_days_overdue < ladder.monitoring_after:
            return 1
        return 2 + (working_days_overdue - ladder.monitoring_after) // ladder.repeat_every

    def rung_day(self, due: date, level: int, calendar: WorkCalendar) -> date:
        """The working day on which work due on `due` reaches rung `level`."""
        ladder = self.escalation
        if level <= 1:
            days = ladder.lead_after
        else:
            days = ladder.monitoring_after + (level - 2) * ladder.repeat_every
        return calendar.add_working_days(due, days)

    @classmethod
    def from_file(cls, path: Path | None = None) -> NotifyPolicy:
        """The policy of `path`, or the packaged default when None."""
        if path is None:
            path = Path(str(files("dondoc") / "data" / "notify-policy.yaml"))
        document = read_yaml(path, NotifyPolicyError)
        try:
            return cls.model_validate(document.data or {})
        except ValidationError as exc:
            raise NotifyPolicyError(
                InputProblem(
                    str(path),
                    document.line_of(*error["loc"]),
                    ".".join(map(str, error["loc"])) or None,
                    error["msg"],
                )
                for error in exc.errors()
            ) from exc
