"""outbox.failed_at (poison rows set aside), reminder.enqueued_for, retention indexes

Revision ID: 0003_sched
Revises: 0002_bot
Create Date: 2026-12-01 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_sched"
down_revision: str | None = "0002_bot"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = "published_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index("ix_outbox_unpublished")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_unpublished",
            ["id"],
            unique=False,
            postgresql_where=sa.text(_PENDING),
            sqlite_where=sa.text(_PENDING),
        )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enqueued_for", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.create_index("ix_processed_event_handled_at", ["handled_at"], unique=False)
    with op.batch_alter_table("dm_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_dm_delivery_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dm_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_dm_delivery_created_at")
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.drop_index("ix_processed_event_handled_at")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_column("enqueued_for")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unpublished")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
        batch_op.create_index(
            "ix_outbox_unpublished",
            ["id"],
            unique=False,
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )
