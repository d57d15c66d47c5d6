"""admin sessions that were logged out

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:30:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """A logged-out session's hashed token, until its cookie would have expired."""
    op.create_table(
        "ended_admin_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_ended_admin_session")),
    )
    with op.batch_alter_table("ended_admin_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ended_admin_session_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ended_admin_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ended_admin_session_expires_at"))
    op.drop_table("ended_admin_session")
