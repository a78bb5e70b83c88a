"""participant.response (going / maybe / declined) and remind_maybe on game, channel and server

Existing signups were all "I'm going": they keep that answer (the server default fills them).

Revision ID: 0010_rsvp
Revises: 0010_quorum
Create Date: 2026-12-01 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_rsvp"
down_revision: str | None = "0010_quorum"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESPONSE = sa.Enum("going", "maybe", "declined", name="response", native_enum=False, length=10)


def upgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response", RESPONSE, nullable=False, server_default="going"))
    for table in ("game", "channel", "guild"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("remind_maybe", sa.Boolean(), nullable=True))


def downgrade() -> None:
    for table in ("guild", "channel", "game"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("remind_maybe")
    op.execute("DELETE FROM participant WHERE response <> 'going'")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("response")
