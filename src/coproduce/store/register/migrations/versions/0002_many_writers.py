"""Many writers: message claims with leases, one token per person and cycle, the submissions
journal and the counters that allocate feedback ids.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coproduce.store.register.schema import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add claim columns, the token uniqueness, and the journal and counter tables."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("owner", sa.String(100)))
        batch.add_column(sa.Column("lease_until", UtcDateTime))
    # Before this revision every send issued a new token: keep only the newest of each pair.
    op.execute(
        "DELETE FROM tokens WHERE token_hash IN (SELECT t.token_hash FROM tokens t"
        " JOIN tokens n ON n.participant_id = t.participant_id AND n.cycle = t.cycle"
        " AND (n.created > t.created OR (n.created = t.created AND n.token_hash > t.token_hash)))"
    )
    op.create_index(
        "uq_tokens_participant_cycle", "tokens", ["participant_id", "cycle"], unique=True
    )
    op.create_table(
        "submissions",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("feedback_id", sa.String(16), nullable=False, unique=True),
        sa.Column("cycle", sa.String(100), nullable=False),
        sa.Column("participant_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("received", UtcDateTime, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("recorded", UtcDateTime),
        sa.Column("recorded_commit", sa.String(64)),
    )
    op.create_index("ix_submissions_pending", "submissions", ["cycle", "recorded"])
    op.create_table(
        "counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
