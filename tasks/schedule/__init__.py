"""From timeframes to dated work: the Vietnamese working-day calendar (`workdays`), a
timeframe's recurrence rule and its dated slots (`rules`), compiling an approved plan into
occurrences (`compile`, result types in `compiled`) and writing the difference (`store`), and
how each deadline is named in calendars (`uids`). May import tasks.plans, models and
dondoc.core."""

from dondoc.core.faces import lazy_face

__all__, __getattr__ = lazy_face(
    __name__,
    {
        "compile": (
            "CompileOptions",
            "compile_plan",
            "expand_items",
            "parse_period",
            "prepare_compile",
        ),
        "compiled": (
            "CompileError",
            "CompileInput",
            "CompileResult",
            "DesiredRow",
            "ItemSpec",
        ),
        "rules": (
            "DueRule",
            "Slot",
            "WorkingDays",
            "expand",
            "rule_for",
        ),
        "store": (
            "apply_compile",
            "cancel",
            "new_row",
        ),
        "uids": (
            "event_modified",
            "lead_uid",
            "slot_uid",
            "uid_host",
        ),
        "workdays": (
            "DayOverride",
            "WorkCalendar",
            "WorkdayException",
            "WorkdayOverrideError",
            "default_overrides_path",
            "load_overrides",
            "weekday_name",
        ),
    },
)
