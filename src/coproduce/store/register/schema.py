"""The register's tables: participants, tokens, the message log, responses, opt-outs, and what
many writers share: the submissions journal and the counters that allocate feedback ids; and
the comment portal's own: drafts kept against a token, late-feedback switches, leads' logins.

The schema is created and upgraded by the migrations in ``migrations/`` (``coproduce db
upgrade``), never by ``create_all``; a test checks the two agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

ALL_CYCLES = ""  # the opt_outs.cycle value meaning "every cycle"


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC (SQLite keeps no zone) and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


metadata = MetaData()
_PID = "participants.id"
participants = Table(
    "participants",
    metadata,
    Column("id", String(12), primary_key=True),
    Column("audience", String(64), nullable=False),
    Column("name", Text),
    Column("email", Text),
    Column("email_key", String(320), unique=True),
    Column("organisation", Text, nullable=False, default=""),
    Column("age_band", String(16), nullable=False),
    Column("consent_named", Boolean, nullable=False, default=False),
    Column("via_worker_email", Text),
    Column("extra", JSON, nullable=False),
    Column("added", UtcDateTime, nullable=False),
    Column("erased", UtcDateTime),
)
tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("participant_id", ForeignKey(_PID, ondelete="CASCADE"), nullable=False, index=True),
    Column("cycle", String(100), nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("expires", UtcDateTime, nullable=False),
    Index("uq_tokens_participant_cycle", "participant_id", "cycle", unique=True),
)
messages = Table(
    "messages",
    metadata,
    Column("message_id", String(255), primary_key=True),
    Column("cycle", String(100), nullable=False, index=True),
    Column("participant_id", ForeignKey(_PID), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created", UtcDateTime, nullable=False),
    Column("updated", UtcDateTime, nullable=False),
    Column("sent", UtcDateTime),
    Column("error", Text, nullable=False, default=""),
    Column("owner", String(100)),
    Column("lease_until", UtcDateTime),
)
responses = Table(
    "responses",
    metadata,
    Column("cycle", String(100), primary_key=True),
    Column("participant_id", ForeignKey(_PID), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
)
opt_outs = Table(
    "opt_outs",
    metadata,
    Column("participant_id", ForeignKey(_PID), primary_key=True),
    Column("cycle", String(100), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
)
submissions = Table(
    "submissions",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("feedback_id", String(16), nullable=False, unique=True),
    Column("cycle", String(100), nullable=False),
    Column("participant_id", String(100), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("received", UtcDateTime, nullable=False),
    Column("late", Boolean, nullable=False, default=False),
    Column("recorded", UtcDateTime),
    Column("recorded_commit", String(64)),
    Index("ix_submissions_pending", "cycle", "recorded"),
)
counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)
portal_drafts = Table(
    "portal_drafts",
    metadata,
    Column("participant_id", String(100), primary_key=True),
    Column("cycle", String(100), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("updated", UtcDateTime, nullable=False),
)
portal_late = Table(
    "portal_late",
    metadata,
    Column("cycle", String(100), primary_key=True),
    Column("allowed", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)
portal_leads = Table(
    "portal_leads",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime),
    Column("added", UtcDateTime, nullable=False),
)
