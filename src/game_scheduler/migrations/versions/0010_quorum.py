"""quorum deadline and nudge per game (with server/channel defaults); personal reminders

Revision ID: 0010_quorum
Revises: 0010_pings
Create Date: 2026-12-01 18:30:00.000000

Existing reminders stay game-wide (``audience_user_id`` NULL); the unique (game, offset)
becomes a partial unique index over those, beside a unique (game, offset, user).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_quorum"
down_revision: str | None = "0010_pings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVERYONE = sa.text("audience_user_id IS NULL")


def _quorum_defaults(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("quorum_deadline_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quorum_action", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("quorum_nudge_minutes", sa.Integer(), nullable=True))


def upgrade() -> None:
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quorum_deadline_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quorum_state", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("quorum_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("quorum_nudged_at", sa.DateTime(timezone=True), nullable=True)
        )
    _quorum_defaults("guild")
    _quorum_defaults("channel")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_offsets", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("reminder_mention", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "audience_user_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reminder_audience_user_id_user_account"),
            "user_account",
            ["audience_user_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_audience_user_id"), ["audience_user_id"], unique=False
        )
        batch_op.drop_constraint("uq_reminder_game_id_offset_minutes", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_reminder_game_id_offset_minutes_audience_user_id"),
            ["game_id", "offset_minutes", "audience_user_id"],
        )
        batch_op.create_index(
            "uq_reminder_game_offset_everyone",
            ["game_id", "offset_minutes"],
            unique=True,
            postgresql_where=EVERYONE,
            sqlite_where=EVERYONE,
        )


def downgrade() -> None:
    op.execute("DELETE FROM reminder WHERE audience_user_id IS NOT NULL")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("uq_reminder_game_offset_everyone")
        batch_op.drop_constraint(
            batch_op.f("uq_reminder_game_id_offset_minutes_audience_user_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_reminder_game_id_offset_minutes", ["game_id", "offset_minutes"]
        )
        batch_op.drop_index(batch_op.f("ix_reminder_audience_user_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_reminder_audience_user_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("audience_user_id")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("reminder_mention")
        batch_op.drop_column("reminder_offsets")
    for table in ("channel", "guild"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("quorum_nudge_minutes")
            batch_op.drop_column("quorum_action")
            batch_op.drop_column("quorum_deadline_minutes")
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.drop_column("quorum_nudged_at")
        batch_op.drop_column("quorum_checked_at")
        batch_op.drop_column("quorum_state")
        batch_op.drop_column("quorum_deadline_minutes")
