"""Announcement sync counters on game; dm_delivery.attempted_at and its (recipient, game) index

Revision ID: 0008_bot
Revises: 0007_consumer
Create Date: 2026-12-01 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_bot"
down_revision: str | None = "0007_consumer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("announcement_wanted", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("announcement_shown", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("dm_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_dm_delivery_recipient_game", ["recipient_discord_id", "game_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dm_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_dm_delivery_recipient_game")
        batch_op.drop_column("attempted_at")
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.drop_column("announcement_shown")
        batch_op.drop_column("announcement_wanted")
