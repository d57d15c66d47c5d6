"""Reading an agency directory file, whichever format the office keeps it in: YAML
(tasks.directory.yaml_file) or a CSV export of its spreadsheet (tasks.directory.csv_rows)."""

from __future__ import annotations

from pathlib import Path

from dondoc.core.text import read_text_input
from tasks.directory.csv_rows import load_csv
from tasks.directory.entries import Directory, DirectoryError
from tasks.directory.yaml_file import load_yaml_directory

__all__ = ["load_directory"]


def load_directory(path: Path) -> Directory:
    """Read and check a directory; raises DirectoryError listing every problem found."""
    source, suffix = str(path), path.suffix.lower()
    text = read_text_input(path, DirectoryError).text
    if suffix not in {".yaml", ".yml", ".csv"}:
        message = "unknown format: expected a .yaml, .yml or .csv file"
        raise DirectoryError.one(source, message)
    return load_csv(source, text) if suffix == ".csv" else load_yaml_directory(source, text)
