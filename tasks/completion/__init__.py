"""Reporting work done: signed, expiring completion links (`links`) and completion
spreadsheets a clerk fills (`sheet` reads them, `importer` records them). May import
tasks.schedule, tasks.directory, models and dondoc.core."""

from dondoc.core.faces import lazy_face

__all__, __getattr__ = lazy_face(
    __name__,
    {
        "importer": (
            "completion_instant",
            "import_completions",
        ),
        "links": (
            "LINK_GRACE",
            "InvalidLink",
            "LinkMaker",
            "completion_link",
            "open_link",
            "sign_link",
        ),
        "sheet": ("CompletionImportError",),
    },
)
