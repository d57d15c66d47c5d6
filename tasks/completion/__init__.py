"""Reporting work done: signed, expiring completion links (`links`) and completion
spreadsheets a clerk fills (`sheet` reads them, `importer` records them). May import
tasks.schedule, tasks.directory, models and dondoc.core."""

from tasks.completion.importer import completion_instant, import_completions
from tasks.completion.links import InvalidLink, LinkMaker, completion_link, open_link, sign_link
from tasks.completion.sheet import CompletionImportError

__all__ = [
    "CompletionImportError",
    "InvalidLink",
    "LinkMaker",
    "completion_instant",
    "completion_link",
    "import_completions",
    "open_link",
    "sign_link",
]
