"""The agency directory: entries and the checks across them (`entries`), read from YAML
(`yaml_file`) or CSV (`csv_rows`) by `files`, stored as an upsert by scope and normalised name
(`store`), and names resolved against it, exactly, by alias or fuzzily (`resolve`).

Other packages import from here. May import models and dondoc.core."""

from tasks.directory.entries import (
    AgencyEntry,
    Directory,
    DirectoryError,
    GroupEntry,
    longest_first,
)
from tasks.directory.files import load_directory
from tasks.directory.resolve import NamedEntry, Resolution, Resolver, stored_known_names
from tasks.directory.store import (
    ChangeCounts,
    ImportCounts,
    create_unverified,
    guess_kind,
    import_directory,
)

__all__ = [
    "AgencyEntry",
    "ChangeCounts",
    "Directory",
    "DirectoryError",
    "GroupEntry",
    "ImportCounts",
    "NamedEntry",
    "Resolution",
    "Resolver",
    "create_unverified",
    "guess_kind",
    "import_directory",
    "load_directory",
    "longest_first",
    "stored_known_names",
]
