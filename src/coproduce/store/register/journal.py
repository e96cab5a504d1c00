"""The submissions journal: every piece of feedback as it arrived, durable before acknowledged.

One row per idempotency key. Feedback ids come from a counter row updated in the same
transaction as the insert, so they are unique across processes and machines; a second
submission with the same key returns the first one's entry and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Integer, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from coproduce.errors import CoproduceError
from coproduce.store.register.base import RegisterBase
from coproduce.store.register.engine import reason
from coproduce.store.register.participants import CHUNK
from coproduce.store.register.schema import counters, responses, submissions, utcnow

FEEDBACK_COUNTER = "feedback"


class JournalEntry(BaseModel):
    """One journalled submission: its key, the feedback id it was given, and whether git has it."""

    seq: int
    key: str
    feedback_id: str
    cycle: str
    participant_id: str
    channel: str
    payload: dict[str, Any]
    received: dt.datetime
    late: bool
    recorded: dt.datetime | None = None
    recorded_commit: str | None = None


RESPONSE_KEYS = ("cycle", "participant_id", "at")


class Journal(RegisterBase):
    """The submissions and counters tables."""

    def add_submission(
        self,
        *,
        key: str,
        cycle: str,
        participant_id: str,
        channel: str,
        payload: dict[str, Any],
        received: dt.datetime,
        late: bool,
        floor: int = 0,
        respond: bool = True,
    ) -> tuple[JournalEntry, bool]:
        """Journal a submission and commit; return (entry, whether it was already there).

        ``floor`` is the highest feedback number already used outside the journal (items
        recorded before it existed); ``respond`` also records the participant as responded.
        """
        row = {
            "key": key,
            "cycle": cycle,
            "participant_id": participant_id,
            "channel": channel,
            "payload": payload,
            "received": received,
            "late": late,
            "respond": respond,
        }
        ((entry, duplicate),) = self.add_submissions([row], floor=floor)
        return entry, duplicate

    def add_submissions(
        self, rows: Sequence[dict[str, Any]], *, floor: int = 0
    ) -> list[tuple[JournalEntry, bool]]:
        """Journal submissions (``add_submission``'s fields) in one transaction and commit.

        Return (entry, whether it was already there) for each, in order. Should another writer
        commit one of the same keys meanwhile, the batch is journalled one by one instead;
        inside an outer ``transaction()`` (which this joins) the clash is a ConflictError for
        the caller to try again.
        """
        if self.in_transaction:
            with self.transaction() as conn:
                return self._insert_all(conn, rows, floor)
        try:
            with self._lock, self._engine.begin() as conn:
                return self._insert_all(conn, rows, floor)
        except IntegrityError as e:
            if len(rows) > 1:
                return [self.add_submissions([row], floor=floor)[0] for row in rows]
            again = self.find_submission(rows[0]["key"])  # committed by another writer
            if again is not None:
                return [(again, True)]
            raise CoproduceError(f"the journal refused a submission: {reason(e)}") from e
        except Exception as e:
            if isinstance(e, CoproduceError):
                raise
            raise CoproduceError(f"cannot journal the submission: {reason(e)}") from e

    def _insert_all(
        self, conn: Connection, rows: Sequence[dict[str, Any]], floor: int
    ) -> list[tuple[JournalEntry, bool]]:
        # Set-wise: the keys already there in one query, the ids in one counter step, the
        # rows in one executemany, and who responded in another.
        keys = list(dict.fromkeys(row["key"] for row in rows))
        before = {e.key: e for e in self._entries(conn, keys)}
        new: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["key"] not in before:
                new.setdefault(row["key"], row)  # the first of a repeat is the one journalled
        fresh = list(new.values())
        after: dict[str, JournalEntry] = {}
        if fresh:
            top = self._next_number(conn, floor, by=len(fresh))
            inserted = conn.execute(  # the rows come back as stored: no second read
                submissions.insert().returning(*submissions.c, sort_by_parameter_order=True),
                [
                    {
                        **{k: v for k, v in row.items() if k != "respond"},
                        "feedback_id": f"FB-{top - len(fresh) + n:04d}",
                    }
                    for n, row in enumerate(fresh, start=1)
                ],
            )
            after = {r.key: JournalEntry.model_validate(r._asdict()) for r in inserted}
            self._respond(conn, [r for r in fresh if r.get("respond", True)])
        seen: set[str] = set()
        out = []
        for row in rows:
            key = row["key"]
            if key in before:
                out.append((before[key], True))
            else:
                out.append((after[key], key in seen))
                seen.add(key)
        return out

    def _entries(self, conn: Connection, keys: list[str]) -> list[JournalEntry]:
        found: list[JournalEntry] = []
        for start in range(0, len(keys), CHUNK):
            query = select(submissions).where(submissions.c.key.in_(keys[start : start + CHUNK]))
            found.extend(JournalEntry.model_validate(r._asdict()) for r in conn.execute(query))
        return found

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Return which of ``keys`` are journalled already."""
        wanted = list(dict.fromkeys(keys))
        with self.reading() as conn:
            return {e.key for e in self._entries(conn, wanted)}

    def find_submission(self, key: str) -> JournalEntry | None:
        """Return the journal entry with idempotency ``key``, or None."""
        with self.reading() as conn:
            row = conn.execute(select(submissions).where(submissions.c.key == key)).first()
        return None if row is None else JournalEntry.model_validate(row._asdict())

    def iter_submissions(
        self, *, cycle: str | None = None, pending: bool = False, limit: int | None = None
    ) -> list[JournalEntry]:
        """Return journal entries in arrival order, optionally one cycle's, or only unrecorded."""
        query = select(submissions).order_by(submissions.c.seq)
        if cycle is not None:
            query = query.where(submissions.c.cycle == cycle)
        if pending:
            query = query.where(submissions.c.recorded.is_(None))
        if limit is not None:
            query = query.limit(limit)
        with self.reading() as conn:
            rows = conn.execute(query).all()
        return [JournalEntry.model_validate(r._asdict()) for r in rows]

    def count_submissions(self, *, cycle: str | None = None, pending: bool = False) -> int:
        """Return how many entries the journal holds (of a cycle, or not yet recorded)."""
        query = select(func.count()).select_from(submissions)
        if cycle is not None:
            query = query.where(submissions.c.cycle == cycle)
        if pending:
            query = query.where(submissions.c.recorded.is_(None))
        with self.reading() as conn:
            return int(conn.scalar(query) or 0)

    def has_feedback_counter(self) -> bool:
        """Return whether feedback ids have been handed out from the journal yet."""
        if getattr(self, "_counter_seen", False):
            return True  # a counter, once made, is never removed
        query = select(counters.c.value).where(counters.c.name == FEEDBACK_COUNTER)
        with self.reading() as conn:
            self._counter_seen = conn.scalar(query) is not None
        return self._counter_seen

    def mark_recorded(self, seqs: Iterable[int], *, commit: str) -> None:
        """Record that the entries ``seqs`` are in git at ``commit``."""
        ids = sorted(set(seqs))
        now = utcnow()
        with self.transaction() as conn:
            for start in range(0, len(ids), CHUNK):
                conn.execute(
                    update(submissions)
                    .where(submissions.c.seq.in_(ids[start : start + CHUNK]))
                    .values(recorded=now, recorded_commit=commit)
                )

    def _next_number(self, conn: Connection, floor: int, *, by: int = 1) -> int:
        # One atomic statement: creates the counter above ``floor`` or adds ``by`` to it and
        # returns the highest number taken. The row stays locked (PostgreSQL) or the database
        # stays reserved (SQLite) until commit.
        def build(insert: Any) -> Any:
            statement = insert(counters).values(
                name=bindparam("name", type_=counters.c.name.type),
                value=bindparam("start", type_=counters.c.value.type),
            )
            return statement.on_conflict_do_update(
                index_elements=[counters.c.name],
                set_={"value": counters.c.value + bindparam("by", type_=Integer)},
            ).returning(counters.c.value)

        taken = conn.execute(
            self.prepared("next-number", build),
            {"name": FEEDBACK_COUNTER, "start": floor + by, "by": by},
        ).scalar()
        return int(taken or 0)

    def _respond(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        # The earliest time each person responded on each cycle; a later one changes nothing.
        first: dict[tuple[str, str], dt.datetime] = {}
        for row in rows:
            at = first.setdefault((row["cycle"], row["participant_id"]), row["received"])
            first[row["cycle"], row["participant_id"]] = min(at, row["received"])
        if not first:
            return
        statement = self.prepared(
            "first-response",
            lambda insert: (
                insert(responses)
                .values(
                    {
                        k: bindparam(k, type_=responses.c[k].type)
                        for k in ("cycle", "participant_id", "at")
                    }
                )
                .on_conflict_do_nothing(index_elements=["cycle", "participant_id"])
            ),
        )
        conn.execute(
            statement, [{"cycle": c, "participant_id": p, "at": at} for (c, p), at in first.items()]
        )
