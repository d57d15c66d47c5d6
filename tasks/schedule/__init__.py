"""From timeframes to dated work: the Vietnamese working-day calendar (`workdays`), a
timeframe's recurrence rule and its dated slots (`rules`), compiling an approved plan into
occurrences (`compile`, result types in `compiled`) and writing the difference (`store`), and
how each deadline is named in calendars (`uids`). May import tasks.plans, models and
dondoc.core."""

from tasks.schedule.compile import (
    CompileOptions,
    compile_plan,
    expand_items,
    parse_period,
    prepare_compile,
)
from tasks.schedule.compiled import CompileError, CompileInput, CompileResult, DesiredRow, ItemSpec
from tasks.schedule.rules import DueRule, Slot, WorkingDays, expand, rule_for
from tasks.schedule.store import apply_compile, cancel, new_row
from tasks.schedule.uids import event_modified, lead_uid, slot_uid, uid_host
from tasks.schedule.workdays import (
    DayOverride,
    WorkCalendar,
    WorkdayException,
    WorkdayOverrideError,
    default_overrides_path,
    load_overrides,
    weekday_name,
)

__all__ = [
    "CompileError",
    "CompileInput",
    "CompileOptions",
    "CompileResult",
    "DayOverride",
    "DesiredRow",
    "DueRule",
    "ItemSpec",
    "Slot",
    "WorkCalendar",
    "WorkdayException",
    "WorkdayOverrideError",
    "WorkingDays",
    "apply_compile",
    "cancel",
    "compile_plan",
    "default_overrides_path",
    "event_modified",
    "expand",
    "expand_items",
    "lead_uid",
    "load_overrides",
    "new_row",
    "parse_period",
    "prepare_compile",
    "rule_for",
    "slot_uid",
    "uid_host",
    "weekday_name",
]
