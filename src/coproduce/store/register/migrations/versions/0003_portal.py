"""The comment portal: drafts kept against a participant's link, late-feedback switches per
cycle, and the leads who may log in (password hashes only).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coproduce.store.register.schema import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the portal_drafts, portal_late and portal_leads tables."""
    op.create_table(
        "portal_drafts",
        sa.Column("participant_id", sa.String(100), primary_key=True),
        sa.Column("cycle", sa.String(100), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated", UtcDateTime, nullable=False),
    )
    op.create_table(
        "portal_late",
        sa.Column("cycle", sa.String(100), primary_key=True),
        sa.Column("allowed", sa.Boolean, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "portal_leads",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("locked_until", UtcDateTime),
        sa.Column("added", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop the portal's tables."""
    op.drop_table("portal_leads")
    op.drop_table("portal_late")
    op.drop_table("portal_drafts")
