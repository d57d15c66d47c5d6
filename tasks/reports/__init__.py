"""Reports over the stored work: the progress report per plan and agency, as rows, XLSX and a
chart (`progress`). May import models and dondoc.core."""

from tasks.reports.progress import (
    HEADINGS,
    RATE,
    ProgressReport,
    Tally,
    build_progress_report,
    chart_png,
    percent,
)

__all__ = [
    "HEADINGS",
    "RATE",
    "ProgressReport",
    "Tally",
    "build_progress_report",
    "chart_png",
    "percent",
]
