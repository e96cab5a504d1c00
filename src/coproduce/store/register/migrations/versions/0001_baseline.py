"""The register as it was before migrations: participants, tokens, messages, responses, opt-outs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coproduce.store.register.schema import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
_PID = "participants.id"


def upgrade() -> None:
    """Create the first five tables."""
    op.create_table(
        "participants",
        sa.Column("id", sa.String(12), primary_key=True),
        sa.Column("audience", sa.String(64), nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("email_key", sa.String(320), unique=True),
        sa.Column("organisation", sa.Text, nullable=False),
        sa.Column("age_band", sa.String(16), nullable=False),
        sa.Column("consent_named", sa.Boolean, nullable=False),
        sa.Column("via_worker_email", sa.Text),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("added", UtcDateTime, nullable=False),
        sa.Column("erased", UtcDateTime),
    )
    op.create_table(
        "tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "participant_id",
            sa.String(12),
            sa.ForeignKey(_PID, ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("cycle", sa.String(100), nullable=False),
        sa.Column("created", UtcDateTime, nullable=False),
        sa.Column("expires", UtcDateTime, nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("message_id", sa.String(255), primary_key=True),
        sa.Column("cycle", sa.String(100), nullable=False, index=True),
        sa.Column("participant_id", sa.String(12), sa.ForeignKey(_PID), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created", UtcDateTime, nullable=False),
        sa.Column("updated", UtcDateTime, nullable=False),
        sa.Column("sent", UtcDateTime),
        sa.Column("error", sa.Text, nullable=False),
    )
    op.create_table(
        "responses",
        sa.Column("cycle", sa.String(100), primary_key=True),
        sa.Column("participant_id", sa.String(12), sa.ForeignKey(_PID), primary_key=True),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "opt_outs",
        sa.Column("participant_id", sa.String(12), sa.ForeignKey(_PID), primary_key=True),
        sa.Column("cycle", sa.String(100), primary_key=True),
        sa.Column("at", UtcDateTime, nullable=False),
    )
