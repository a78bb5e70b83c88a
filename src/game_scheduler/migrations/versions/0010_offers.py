"""seat_offer, and the seat-offer settings of games, channels and servers (issue 16)

Revision ID: 0010_offers
Revises: 0010_series
Create Date: 2026-12-01 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_offers"
down_revision: str | None = "0010_series"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SETTINGS_TABLES = ("game", "channel", "guild")
OPEN = sa.text("resolved_at IS NULL")


def upgrade() -> None:
    for table in SETTINGS_TABLES:  # nullable: existing rows inherit, i.e. keep today's behaviour
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("seat_mode", sa.String(length=10), nullable=True))
            batch_op.add_column(sa.Column("offer_window_minutes", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("reconfirm_frees_seat", sa.Boolean(), nullable=True))
    op.create_table(
        "seat_offer",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("game_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("user_discord_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["game_id"], ["game.id"], name=op.f("fk_seat_offer_game_id_game"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_seat_offer_participant_id_participant"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seat_offer")),
    )
    with op.batch_alter_table("seat_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seat_offer_game_id"), ["game_id"], unique=False)
        batch_op.create_index(
            "uq_seat_offer_open_participant",
            ["participant_id"],
            unique=True,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )
        batch_op.create_index(
            "ix_seat_offer_open_expires_at",
            ["expires_at"],
            unique=False,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )


def downgrade() -> None:
    op.drop_table("seat_offer")
    for table in SETTINGS_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("reconfirm_frees_seat")
            batch_op.drop_column("offer_window_minutes")
            batch_op.drop_column("seat_mode")
