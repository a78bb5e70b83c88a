"""processed_event becomes a lease: claimed_at, claimed_by, completed_at

Revision ID: 0007_consumer
Revises: 0005_security
Create Date: 2026-12-01 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_consumer"
down_revision: str | None = "0005_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    # Every row written before leases existed was committed with its effect: it is completed.
    op.execute("UPDATE processed_event SET claimed_at = handled_at, completed_at = handled_at")
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.alter_column(
            "claimed_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    # Claims still in progress were never handled: without leases they would read as handled.
    op.execute("DELETE FROM processed_event WHERE completed_at IS NULL")
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.drop_column("completed_at")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("claimed_at")
