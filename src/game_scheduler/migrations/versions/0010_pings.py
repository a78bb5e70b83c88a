"""Role pings and threads per game (server and channel settings), the game's thread, cancel reason

Revision ID: 0010_pings
Revises: 0010_offers
Create Date: 2026-12-01 18:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_pings"
down_revision: str | None = "0010_offers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ping_role_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("game_threads", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("thread_posts", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ping_role_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("game_threads", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("thread_posts", sa.Boolean(), nullable=True))
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_discord_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("thread_member_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("thread_member_ids")
        batch_op.drop_column("thread_discord_id")
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.drop_column("thread_posts")
        batch_op.drop_column("game_threads")
        batch_op.drop_column("ping_role_id")
    with op.batch_alter_table("guild", schema=None) as batch_op:
        batch_op.drop_column("thread_posts")
        batch_op.drop_column("game_threads")
        batch_op.drop_column("ping_role_id")
