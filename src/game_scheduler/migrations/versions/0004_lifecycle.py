"""game.announcement_error (why the bot could not post it) and web_session's token refresh claim

Revision ID: 0004_lifecycle
Revises: 0003_sched
Create Date: 2026-12-01 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_lifecycle"
down_revision: str | None = "0003_sched"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announcement_error", sa.Text(), nullable=True))
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token_refresh_claimed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_column("token_refresh_claimed_at")
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.drop_column("announcement_error")
