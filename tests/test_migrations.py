from sqlalchemy import inspect

from dondoc.core.db import get_engine
from models.schema import migrate


def test_migrations_create_every_table_and_rerun_cleanly(database_url: str) -> None:
    migrate(database_url)  # a second upgrade is a no-op, not an error
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert {"agency", "agency_group", "agency_group_member", "plan", "plan_item", "assignment"} <= (
        tables
    )
