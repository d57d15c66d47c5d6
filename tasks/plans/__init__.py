"""Plans as documents and as data: plan text read into a Document of blocks (the `document`
sub-package; Word, PDF, scans and web pages are read into the same Document by `formats`, and
`sources` tells which a file is), understood into raw items (`understanding`), and made a
`ParsedPlan` (`parse` with `header`, `agency_names` and `timeframes`; result types in `parsed`), the
same plan as YAML, CSV and XLSX (the `structured` sub-package), the importer that
stores a parsed plan with its resolved agencies in one transaction (`importer`), and how sure
the parser is of each field (`confidence`) and so what an admin checks first (`review`). May import
tasks.directory, models and dondoc.core."""

from dondoc.core.faces import lazy_face

__all__, __getattr__ = lazy_face(
    __name__,
    {
        "agency_names": (
            "split_agencies",
            "starts_like_agency",
        ),
        "confidence": (
            "doubts",
            "judge",
        ),
        "importer": (
            "PlanFileImport",
            "find_plan_by_document",
            "import_parsed_plan",
            "import_plan_document",
            "import_plan_file",
            "parsed_from_stored",
            "read_plan_source",
        ),
        "parse": (
            "parse_document",
            "parse_plan_text",
            "read_plan_file",
        ),
        "parsed": (
            "SCHEDULE_KINDS",
            "Confidence",
            "Evidence",
            "ParsedItem",
            "ParsedPlan",
            "ParseWarning",
            "PlanParseError",
            "PlanWithoutTasks",
            "Schedule",
            "deadline_warning",
        ),
        "review": (
            "CHECK",
            "ItemDoubts",
            "check_first",
            "item_doubts",
            "stored_confidence",
        ),
        "sources": (
            "PlanReading",
            "read_plan_data",
            "read_plan_path",
        ),
        "timeframes": (
            "NOT_UNDERSTOOD",
            "parse_timeframe",
        ),
    },
)
