"""The message log: each Message-ID queued before it is handed over, then sent or failed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from pydantic import BaseModel
from sqlalchemy import insert, select, update

from coproduce.errors import NotFoundError
from coproduce.store.register.base import RegisterBase
from coproduce.store.register.participants import CHUNK
from coproduce.store.register.schema import messages, utcnow


class MessageEntry(BaseModel):
    """One message in the log: its fixed Message-ID, what it was and how far it got."""

    message_id: str
    cycle: str
    participant_id: str
    kind: str
    status: str
    attempts: int
    created: dt.datetime
    updated: dt.datetime
    sent: dt.datetime | None = None
    error: str = ""


class NewMessage(NamedTuple):
    """What the log needs to queue a message: its id, cycle, recipient and kind."""

    message_id: str
    cycle: str
    participant_id: str
    kind: str


class MessageLog(RegisterBase):
    """The messages table: one row per Message-ID, whatever happens to it."""

    def queue_message(self, *, message_id: str, cycle: str, participant_id: str, kind: str) -> str:
        """Record a message as queued unless already logged; return its current status."""
        new = NewMessage(message_id, cycle, participant_id, kind)
        return self.queue_messages([new])[message_id]

    def queue_messages(self, items: Iterable[NewMessage]) -> dict[str, str]:
        """Queue every message not yet logged, in one transaction; return each id's status."""
        pending = {item.message_id: item for item in items}
        if not pending:
            return {}
        ids = sorted(pending)
        statuses: dict[str, str] = {}
        with self.transaction() as conn:
            for start in range(0, len(ids), CHUNK):
                query = select(messages.c.message_id, messages.c.status).where(
                    messages.c.message_id.in_(ids[start : start + CHUNK])
                )
                statuses.update({mid: str(status) for mid, status in conn.execute(query).all()})
            now = utcnow()
            rows = [
                {
                    "message_id": item.message_id,
                    "cycle": item.cycle,
                    "participant_id": item.participant_id,
                    "kind": item.kind,
                    "status": "queued",
                    "attempts": 0,
                    "created": now,
                    "updated": now,
                    "error": "",
                }
                for mid, item in pending.items()
                if mid not in statuses
            ]
            if rows:
                conn.execute(insert(messages), rows)
        return {mid: statuses.get(mid, "queued") for mid in pending}

    def record_attempt(self, message_id: str) -> None:
        """Count one more delivery attempt of a logged message."""
        self._update_message(message_id, attempts=messages.c.attempts + 1)

    def mark_sent(self, message_id: str, *, attempts: int = 0) -> None:
        """Record that a message was accepted for delivery, after ``attempts`` more attempts."""
        self._update_message(
            message_id,
            status="sent",
            sent=utcnow(),
            error="",
            attempts=messages.c.attempts + attempts,
        )

    def mark_failed(self, message_id: str, *, error: str, attempts: int = 0) -> None:
        """Record that a message could not be delivered, and why."""
        self._update_message(
            message_id, status="failed", error=error[:2000], attempts=messages.c.attempts + attempts
        )

    def get_message(self, message_id: str) -> MessageEntry | None:
        """Return the log entry of one message, or None."""
        with self.transaction() as conn:
            row = conn.execute(select(messages).where(messages.c.message_id == message_id)).first()
        return None if row is None else MessageEntry.model_validate(row._asdict())

    def list_messages(self, *, cycle: str | None = None) -> list[MessageEntry]:
        """Return the message log, optionally of one cycle, oldest first."""
        query = select(messages).order_by(messages.c.created, messages.c.message_id)
        if cycle is not None:
            query = query.where(messages.c.cycle == cycle)
        with self.transaction() as conn:
            rows = conn.execute(query).all()
        return [MessageEntry.model_validate(r._asdict()) for r in rows]

    def messaged(self, cycle: str, *, kind: str) -> set[str]:
        """Return the ids of participants sent a message of ``kind`` in ``cycle``."""
        query = select(messages.c.participant_id).where(
            (messages.c.cycle == cycle) & (messages.c.kind == kind) & (messages.c.status == "sent")
        )
        with self.transaction() as conn:
            return set(conn.scalars(query).all())

    def _update_message(self, message_id: str, **values: Any) -> None:
        with self.transaction() as conn:
            done = conn.execute(
                update(messages)
                .where(messages.c.message_id == message_id)
                .values(updated=utcnow(), **values)
            )
            if done.rowcount == 0:
                raise NotFoundError(f"no message {message_id} in the log")
