"""Reports over the stored work: the progress report per plan and agency, as rows, XLSX and a
chart (`progress`). May import models and dondoc.core."""

from dondoc.core.faces import lazy_face

__all__, __getattr__ = lazy_face(
    __name__,
    {
        "progress": (
            "HEADINGS",
            "RATE",
            "ProgressReport",
            "Tally",
            "build_progress_report",
            "chart_png",
            "percent",
        ),
    },
)
