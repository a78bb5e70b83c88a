"""game_series, and game.series_id / occurrence_start unique per series (issue 15)

Revision ID: 0010_series
Revises: 0010_history
Create Date: 2026-12-01 18:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_series"
down_revision: str | None = "0010_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "game_series",
        sa.Column("id", ID, nullable=False),
        sa.Column("guild_id", ID, nullable=False),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("host_id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("signup_instructions", sa.Text(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("max_players", sa.Integer(), nullable=False),
        sa.Column("min_players", sa.Integer(), nullable=False),
        sa.Column("reminder_offsets", sa.JSON(), nullable=True),
        sa.Column("rrule", sa.String(length=500), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("carry_mode", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("max_players >= 1", name=op.f("ck_game_series_max_players_positive")),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
            name=op.f("fk_game_series_channel_id_channel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild.id"],
            name=op.f("fk_game_series_guild_id_guild"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["user_account.id"], name=op.f("fk_game_series_host_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_game_series")),
    )
    with op.batch_alter_table("game_series", schema=None) as batch_op:
        for column in ("channel_id", "ended_at", "guild_id", "host_id"):
            batch_op.create_index(batch_op.f(f"ix_game_series_{column}"), [column], unique=False)
    # Existing games are one-offs: both columns stay NULL, and NULLs never collide in the key.
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", ID, nullable=True))
        batch_op.add_column(
            sa.Column("occurrence_start", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_game_series_id"), ["series_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_game_series_id_occurrence_start"), ["series_id", "occurrence_start"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_game_series_id_game_series"),
            "game_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("game", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_game_series_id_game_series"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_game_series_id_occurrence_start"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_game_series_id"))
        batch_op.drop_column("occurrence_start")
        batch_op.drop_column("series_id")
    with op.batch_alter_table("game_series", schema=None) as batch_op:
        for column in ("host_id", "guild_id", "ended_at", "channel_id"):
            batch_op.drop_index(batch_op.f(f"ix_game_series_{column}"))
    op.drop_table("game_series")
