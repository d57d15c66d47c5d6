"""Plans as documents and as data: plan text decoded and read into a `ParsedPlan` (`parse`
with `header`, `layouts`, `agency_names` and `timeframes`; result types in `parsed`), the
same plan as YAML, CSV and XLSX (the `structured` sub-package), and the importer that
stores a parsed plan with its resolved agencies in one transaction (`importer`). May import
tasks.directory, models and dondoc.core."""

from tasks.plans.agency_names import split_agencies, starts_like_agency
from tasks.plans.importer import (
    PlanFileImport,
    import_parsed_plan,
    import_plan_file,
    parsed_from_stored,
    read_plan_source,
)
from tasks.plans.parse import parse_plan_text, read_plan_file
from tasks.plans.parsed import (
    SCHEDULE_KINDS,
    ParsedItem,
    ParsedPlan,
    ParseWarning,
    PlanParseError,
    Schedule,
    deadline_warning,
)
from tasks.plans.timeframes import NOT_UNDERSTOOD, parse_timeframe

__all__ = [
    "NOT_UNDERSTOOD",
    "SCHEDULE_KINDS",
    "ParseWarning",
    "ParsedItem",
    "ParsedPlan",
    "PlanFileImport",
    "PlanParseError",
    "Schedule",
    "deadline_warning",
    "import_parsed_plan",
    "import_plan_file",
    "parse_plan_text",
    "parse_timeframe",
    "parsed_from_stored",
    "read_plan_file",
    "read_plan_source",
    "split_agencies",
    "starts_like_agency",
]
