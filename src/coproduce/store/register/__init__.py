"""The personal-data register: names, emails, consent, tokens and the message log, outside git.

SQLite in the state directory by default, or any SQLAlchemy URL (``COPRODUCE_DATABASE_URL``,
e.g. PostgreSQL when several machines share it). Git only ever sees the pseudonymous ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from coproduce.store.register.engine import DATABASE_ENV, DATABASE_FILE, default_url
from coproduce.store.register.journal import Journal, JournalEntry
from coproduce.store.register.messages import MessageEntry, MessageLog, NewMessage
from coproduce.store.register.participants import ParticipantEntry, ParticipantQueries, email_key
from coproduce.store.register.portal import LeadEntry, PortalLog
from coproduce.store.register.responses import ResponseLog
from coproduce.store.register.schema import (
    ALL_CYCLES,
    UtcDateTime,
    messages,
    metadata,
    opt_outs,
    participants,
    responses,
    tokens,
)

__all__ = [
    "ALL_CYCLES",
    "DATABASE_ENV",
    "DATABASE_FILE",
    "JournalEntry",
    "LeadEntry",
    "MessageEntry",
    "NewMessage",
    "ParticipantEntry",
    "Register",
    "UtcDateTime",
    "default_url",
    "email_key",
    "messages",
    "metadata",
    "opt_outs",
    "participants",
    "responses",
    "tokens",
]


class Register(ParticipantQueries, MessageLog, ResponseLog, Journal, PortalLog):
    """The operational store behind one SQLAlchemy engine: personal data, the message queue,
    the submissions journal; its schema is migrated (see ``migrate``)."""

    @classmethod
    def for_state_dir(
        cls, state_dir: Path, *, environ: Mapping[str, str] | None = None
    ) -> Register:
        """Open the register of ``state_dir`` (or the one COPRODUCE_DATABASE_URL names)."""
        return cls(default_url(state_dir, environ))

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
