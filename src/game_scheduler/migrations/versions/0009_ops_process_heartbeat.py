"""process_heartbeat: each process's last sign of life, for ``game-scheduler status``

Revision ID: 0009_ops
Revises: 0008_bot
Create Date: 2026-12-01 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ops"
down_revision: str | None = "0008_bot"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "process_heartbeat",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_heartbeat")),
        sa.UniqueConstraint("kind", "host", "pid", name=op.f("uq_process_heartbeat_kind_host_pid")),
    )
    with op.batch_alter_table("process_heartbeat", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_process_heartbeat_last_seen"), ["last_seen"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("process_heartbeat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_heartbeat_last_seen"))
    op.drop_table("process_heartbeat")
