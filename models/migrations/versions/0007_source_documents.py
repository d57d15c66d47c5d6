"""plans keep the document they were imported from

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The original file (Word, PDF, scan, HTML) beside the plan read from it. Plans imported
    before from text have none: their text is their source."""
    op.create_table(
        "source_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_document")),
        sa.UniqueConstraint("sha256", name=op.f("uq_source_document_sha256")),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_document_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_source_document_id_source_document"),
            "source_document",
            ["source_document_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_plan_source_document_id_source_document"), type_="foreignkey"
        )
        batch_op.drop_column("source_document_id")
    op.drop_table("source_document")
