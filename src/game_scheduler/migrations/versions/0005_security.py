"""rate_event (signup and login throttles) and guild_member (who is, or was, in which server)

Revision ID: 0005_security
Revises: 0004_lifecycle
Create Date: 2026-12-01 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_security"
down_revision: str | None = "0004_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rate_event",
        sa.Column("id", ID, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_event")),
    )
    op.create_index("ix_rate_event_key_at", "rate_event", ["key", "at"])
    op.create_index("ix_rate_event_at", "rate_event", ["at"])
    op.create_table(
        "guild_member",
        sa.Column("id", ID, nullable=False),
        sa.Column("guild_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild.id"],
            name=op.f("fk_guild_member_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_guild_member_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guild_member")),
        sa.UniqueConstraint("guild_id", "user_id", name=op.f("uq_guild_member_guild_id_user_id")),
    )
    op.create_index("ix_guild_member_user_id", "guild_member", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_guild_member_user_id", table_name="guild_member")
    op.drop_table("guild_member")
    op.drop_index("ix_rate_event_at", table_name="rate_event")
    op.drop_index("ix_rate_event_key_at", table_name="rate_event")
    op.drop_table("rate_event")
