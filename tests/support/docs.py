"""README's Configuration table, generated from the `Settings` field descriptions: cog runs
`settings_table()` inside README.md (`.venv/bin/cog -I . -r README.md` rewrites it), and
tests/test_docs.py fails when the table and the settings drift apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from dondoc.core.settings import Settings

REGENERATE = ".venv/bin/cog -I . -r README.md"


def variable(name: str) -> str:
    return f"DONDOC_{name.upper()}"


def _default(value: Any) -> str:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if value is None or value == "":
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Path):
        value = value.as_posix()
    return f"`{value}`"


def _meaning(field: FieldInfo) -> str:
    meaning = field.description or ""
    if get_origin(field.annotation) is Literal:
        meaning += " One of " + ", ".join(f"`{choice}`" for choice in get_args(field.annotation))
        meaning += "."
    return meaning


def settings_table() -> str:
    """One row a setting, in the order `Settings` declares them."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        assert field.description, f"dondoc/core/settings.py: {name} has no description"
        meaning = _meaning(field)
        assert "|" not in meaning, f"dondoc/core/settings.py: {name}'s description has a '|'"
        rows.append(f"| `{variable(name)}` | {_default(field.default)} | {meaning} |")
    return "\n".join(rows) + "\n"
