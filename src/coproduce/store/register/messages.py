"""The message log: each Message-ID queued, claimed by one run, then sent or failed.

A run sends only what it has claimed: ``claim_messages`` moves queued (or failed) messages to
*sending* with the run as owner and a lease, atomically (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; one writer at a time on SQLite). A lease that expired, or whose owner process on
this machine is gone, may be claimed again; a sent message is never claimed again.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from pydantic import BaseModel
from sqlalchemy import ColumnElement, bindparam, select, update

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
    owner: str | None = None
    lease_until: dt.datetime | None = None


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
        """Queue every message not yet logged, in one transaction; return each id's status.

        Safe from many processes at once: a row another run queued first is left as it is.
        """
        pending = {item.message_id: item for item in items}
        if not pending:
            return {}
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
            for item in pending.values()
        ]
        statement = self.prepared(
            f"queue-messages:{','.join(rows[0])}",
            lambda insert: (
                insert(messages)
                .values({k: bindparam(k, type_=messages.c[k].type) for k in rows[0]})
                .on_conflict_do_nothing(index_elements=["message_id"])
            ),
        )
        with self.transaction() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(statement, rows[start : start + CHUNK])
        return self.message_statuses(pending)

    def message_statuses(self, message_ids: Iterable[str]) -> dict[str, str]:
        """Return the status of each logged message among ``message_ids``."""
        ids = sorted(set(message_ids))
        found: dict[str, str] = {}
        with self.reading() as conn:
            for start in range(0, len(ids), CHUNK):
                query = select(messages.c.message_id, messages.c.status).where(
                    messages.c.message_id.in_(ids[start : start + CHUNK])
                )
                found.update({mid: str(status) for mid, status in conn.execute(query).all()})
        return found

    def claim_messages(
        self, message_ids: Iterable[str], *, owner: str, lease: dt.timedelta
    ) -> set[str]:
        """Claim for ``owner`` those of ``message_ids`` no one else may send; return them."""
        ids = sorted(set(message_ids))
        now = utcnow()
        claimed: set[str] = set()
        stale = self._stale_owners(ids)
        with self.transaction() as conn:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                where: ColumnElement[bool] = messages.c.message_id.in_(chunk) & _claimable(
                    now, stale
                )
                if self.dialect == "postgresql":
                    query = select(messages.c.message_id).where(where)
                    chunk = list(conn.scalars(query.with_for_update(skip_locked=True)).all())
                    if not chunk:
                        continue
                    where = messages.c.message_id.in_(chunk)
                statement = (
                    update(messages)
                    .where(where)
                    .values(status="sending", owner=owner, lease_until=now + lease, updated=now)
                    .returning(messages.c.message_id)
                )
                claimed.update(conn.scalars(statement).all())
        return claimed

    def release_messages(self, message_ids: Iterable[str]) -> None:
        """Hand claimed, untried messages back to the queue."""
        ids = sorted(set(message_ids))
        with self.transaction() as conn:
            for start in range(0, len(ids), CHUNK):
                conn.execute(
                    update(messages)
                    .where(
                        messages.c.message_id.in_(ids[start : start + CHUNK])
                        & (messages.c.status == "sending")
                    )
                    .values(status="queued", owner=None, lease_until=None, updated=utcnow())
                )

    def _stale_owners(self, ids: list[str]) -> list[str]:
        # Owners on this machine whose process has ended: their claims need not wait the lease.
        host = f"{socket.gethostname()}/"
        owners: set[str] = set()
        with self.reading() as conn:
            for start in range(0, len(ids), CHUNK):
                query = select(messages.c.owner).where(
                    messages.c.message_id.in_(ids[start : start + CHUNK])
                    & (messages.c.status == "sending")
                    & messages.c.owner.startswith(host)
                )
                owners.update(o for o in conn.scalars(query).all() if o)
        return sorted(o for o in owners if not _process_alive(o))

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
            lease_until=None,
            attempts=messages.c.attempts + attempts,
        )

    def mark_all_sent(self, attempts: Mapping[str, int]) -> None:
        """Mark each message sent, after its number of ``attempts``, in one transaction."""
        now = utcnow()
        by_count: dict[int, list[str]] = {}
        for message_id, count in attempts.items():
            by_count.setdefault(count, []).append(message_id)
        with self.transaction() as conn:
            for count, ids in sorted(by_count.items()):
                for start in range(0, len(ids), CHUNK):
                    conn.execute(
                        update(messages)
                        .where(messages.c.message_id.in_(ids[start : start + CHUNK]))
                        .values(status="sent", sent=now, error="", lease_until=None,
                                updated=now, attempts=messages.c.attempts + count)
                    )  # fmt: skip

    def mark_failed(self, message_id: str, *, error: str, attempts: int = 0) -> None:
        """Record that a message could not be delivered, and why."""
        self._update_message(
            message_id,
            status="failed",
            error=error[:2000],
            attempts=messages.c.attempts + attempts,
            lease_until=None,
        )

    def get_message(self, message_id: str) -> MessageEntry | None:
        """Return the log entry of one message, or None."""
        with self.reading() as conn:
            row = conn.execute(select(messages).where(messages.c.message_id == message_id)).first()
        return None if row is None else MessageEntry.model_validate(row._asdict())

    def list_messages(self, *, cycle: str | None = None) -> list[MessageEntry]:
        """Return the message log, optionally of one cycle, oldest first."""
        query = select(messages).order_by(messages.c.created, messages.c.message_id)
        if cycle is not None:
            query = query.where(messages.c.cycle == cycle)
        with self.reading() as conn:
            rows = conn.execute(query).all()
        return [MessageEntry.model_validate(r._asdict()) for r in rows]

    def queued_messages(self, *, kind: str, since: dt.datetime) -> list[MessageEntry]:
        """Return the messages of ``kind`` queued since ``since`` and not yet sent or claimed
        (claims whose lease ran out included), oldest first."""
        now = utcnow()
        query = (
            select(messages)
            .where(
                (messages.c.kind == kind)
                & (messages.c.created >= since)
                & (
                    (messages.c.status == "queued")
                    | ((messages.c.status == "sending") & (messages.c.lease_until < now))
                )
            )
            .order_by(messages.c.created, messages.c.message_id)
        )
        with self.reading() as conn:
            rows = conn.execute(query).all()
        return [MessageEntry.model_validate(r._asdict()) for r in rows]

    def messaged(self, cycle: str, *, kind: str) -> set[str]:
        """Return the ids of participants sent a message of ``kind`` in ``cycle``."""
        query = select(messages.c.participant_id).where(
            (messages.c.cycle == cycle) & (messages.c.kind == kind) & (messages.c.status == "sent")
        )
        with self.reading() as conn:
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


def new_owner() -> str:
    """Return a claim owner naming this machine, process and run: ``host/pid/random``."""
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:12]}"


def _claimable(now: dt.datetime, stale: list[str]) -> ColumnElement[bool]:
    free: ColumnElement[bool] = messages.c.status.in_(["queued", "failed"])
    expired = (messages.c.status == "sending") & (messages.c.lease_until < now)
    condition = free | expired
    if stale:
        condition = condition | ((messages.c.status == "sending") & messages.c.owner.in_(stale))
    return condition


def _process_alive(owner: str) -> bool:
    try:
        pid = int(owner.split("/")[1])
    except (IndexError, ValueError):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
