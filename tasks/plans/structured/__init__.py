"""Plans as data an admin can edit: YAML in a text editor, CSV or XLSX in a spreadsheet.

All three carry the fields of ParsedPlan under the same names and are checked alike: the
fields and their validation (`fields`), records to a ParsedPlan and back (`build`), YAML
(`yaml_plan`), CSV and XLSX (`tables`), a file of any of them (`files`). Other packages
import from here. May import tasks.plans.parsed, tasks.plans.timeframes and dondoc.core."""

from tasks.plans.structured.files import (
    STRUCTURED_SUFFIXES,
    read_structured_bytes,
    read_structured_file,
)
from tasks.plans.structured.tables import (
    ITEMS_SHEET,
    PLAN_SHEET,
    dump_csv,
    dump_xlsx,
    load_csv,
    load_xlsx,
)
from tasks.plans.structured.yaml_plan import dump_yaml, load_yaml

__all__ = [
    "ITEMS_SHEET",
    "PLAN_SHEET",
    "STRUCTURED_SUFFIXES",
    "dump_csv",
    "dump_xlsx",
    "dump_yaml",
    "load_csv",
    "load_xlsx",
    "load_yaml",
    "read_structured_bytes",
    "read_structured_file",
]
