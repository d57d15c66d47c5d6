"""plans are no longer archived

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('draft', 'approved', 'rejected', 'superseded', 'archived')"
NEW_STATUSES = "status IN ('draft', 'approved', 'rejected', 'superseded')"


def upgrade() -> None:
    """Narrow the plans' status CHECK: nothing in dondoc archives a plan any more."""
    archived = op.get_bind().scalars(sa.text("SELECT id FROM plan WHERE status = 'archived'"))
    if ids := ", ".join(map(str, archived)):
        raise RuntimeError(
            f"plans with ids {ids} are archived, a status dondoc no longer has: set each to"
            " rejected or superseded (or delete it), then migrate again"
        )
    _set_statuses(NEW_STATUSES)


def downgrade() -> None:
    _set_statuses(OLD_STATUSES)


def _set_statuses(check: str) -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_plan_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_plan_status"), check)
