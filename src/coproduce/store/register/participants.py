"""Participants in the register: add, read (one or a batch), list and erase."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from coproduce.errors import CoproduceError, NotFoundError
from coproduce.models import ParticipantRecord
from coproduce.store.register.base import RegisterBase
from coproduce.store.register.engine import reason
from coproduce.store.register.schema import (
    ALL_CYCLES,
    messages,
    opt_outs,
    participants,
    tokens,
    utcnow,
)

CHUNK = 500  # ids per IN (...) query, well inside every database's parameter limit
_ERASED: dict[str, Any] = {
    "name": None,
    "email": None,
    "email_key": None,
    "organisation": "",
    "age_band": "unknown",
    "consent_named": False,
    "via_worker_email": None,
    "extra": {},
}


class ParticipantEntry(BaseModel):
    """One row of the register as a listing shows it; erased rows keep only id and audience."""

    id: str
    audience: str
    organisation: str | None = ""
    age_band: str = "unknown"
    consent_named: bool = False
    name: str | None = None
    email: str | None = None
    erased: bool = False


# Built once: every page a personal link opens runs it (building it costs more than running it).
_ONE_PARTICIPANT = select(
    participants,
    select(opt_outs.c.participant_id)
    .where((opt_outs.c.participant_id == bindparam("pid")) & (opt_outs.c.cycle == ALL_CYCLES))
    .exists()
    .label("opted_out_everything"),
).where(participants.c.id == bindparam("pid"))


class ParticipantQueries(RegisterBase):
    """The participants table: pseudonymous ids with the personal data behind them."""

    def new_participant_id(self) -> str:
        """Return a fresh random participant id (``P-`` and 10 hex digits) not yet in use."""
        with self.transaction() as conn:
            while True:
                candidate = f"P-{secrets.token_hex(5)}"
                taken = conn.scalar(select(participants.c.id).where(participants.c.id == candidate))
                if taken is None:
                    return candidate

    def add_participants(self, records: Iterable[ParticipantRecord]) -> None:
        """Add every record in one transaction; a clash (id or email) adds none of them."""
        rows = [_record_row(r) for r in records]
        if not rows:
            return
        with self.transaction() as conn:
            conn.execute(insert(participants), rows)

    def get_participant(self, participant_id: str) -> ParticipantRecord:
        """Return a participant's record; NotFoundError when unknown or erased."""
        with self.reading() as conn:  # one query: the record, and whether they opted out
            row = conn.execute(_ONE_PARTICIPANT, {"pid": participant_id}).first()
        if row is None:
            raise NotFoundError(f"no participant {participant_id} in the register")
        if row.erased is not None:
            raise NotFoundError(f"participant {participant_id} has been erased")
        return _row_record(row, opted_out=bool(row.opted_out_everything))

    def get_participants(self, participant_ids: Iterable[str]) -> dict[str, ParticipantRecord]:
        """Return ``{id: record}`` for those of ``participant_ids`` known and not erased."""
        wanted = sorted(set(participant_ids))
        rows: list[Row[Any]] = []
        with self.reading() as conn:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                query = select(participants).where(
                    participants.c.id.in_(chunk) & participants.c.erased.is_(None)
                )
                rows.extend(conn.execute(query).all())
            opted = self._globally_opted_out(conn) if rows else set()
        return {r.id: _row_record(r, opted_out=r.id in opted) for r in rows}

    def iter_participants(
        self, *, audiences: Iterable[str] | None = None
    ) -> list[ParticipantRecord]:
        """Return the records of participants not erased, optionally of some audiences only."""
        query = select(participants).where(participants.c.erased.is_(None))
        if audiences is not None:
            query = query.where(participants.c.audience.in_(list(audiences)))
        with self.reading() as conn:
            rows = conn.execute(query.order_by(participants.c.added, participants.c.id)).all()
            opted = self._globally_opted_out(conn)
        return [_row_record(r, opted_out=r.id in opted) for r in rows]

    def list_entries(self) -> list[ParticipantEntry]:
        """Return every participant, erased ones as tombstones, in the order they were added."""
        query = select(participants).order_by(participants.c.added, participants.c.id)
        with self.reading() as conn:
            rows = conn.execute(query).all()
        return [
            ParticipantEntry.model_validate({**r._asdict(), "erased": r.erased is not None})
            for r in rows
        ]

    def emails_in_use(self, emails: Iterable[str]) -> dict[str, str]:
        """Return ``{email key: participant id}`` for those of ``emails`` already registered."""
        keys = sorted({email_key(e) for e in emails})
        found: dict[str, str] = {}
        with self.reading() as conn:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                query = select(participants.c.email_key, participants.c.id).where(
                    participants.c.email_key.in_(chunk)
                )
                found.update({k: i for k, i in conn.execute(query).all()})
        return found

    def erase_participant(self, participant_id: str, *, at: dt.datetime | None = None) -> bool:
        """Erase a participant's personal data, keeping the id; return False if already erased."""
        with self.transaction() as conn:
            row = conn.execute(
                select(participants.c.erased).where(participants.c.id == participant_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no participant {participant_id} in the register")
            if row.erased is not None:
                return False
            conn.execute(
                update(participants)
                .where(participants.c.id == participant_id)
                .values(**_ERASED, erased=at or utcnow())
            )
            conn.execute(delete(tokens).where(tokens.c.participant_id == participant_id))
            # A delivery error can quote the address it failed on.
            conn.execute(
                update(messages).where(messages.c.participant_id == participant_id).values(error="")
            )
        return True

    def compact(self) -> None:
        """Rewrite a SQLite register so erased values leave nothing behind in free pages."""
        if self._engine.dialect.name != "sqlite":
            return
        try:
            with self._lock, self._engine.connect() as conn:
                auto = conn.execution_options(isolation_level="AUTOCOMMIT")
                auto.exec_driver_sql("VACUUM")
                auto.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except SQLAlchemyError as e:
            raise CoproduceError(f"personal-data register error: {reason(e)}") from e

    def _globally_opted_out(self, conn: Connection) -> set[str]:
        query = select(opt_outs.c.participant_id).where(opt_outs.c.cycle == ALL_CYCLES)
        return set(conn.scalars(query).all())


def email_key(email: str) -> str:
    """Return the form of an email address used to spot duplicates (trimmed, lowercase)."""
    return email.strip().lower()


def _record_row(record: ParticipantRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "audience": record.audience,
        "name": record.name,
        "email": str(record.email),
        "email_key": email_key(str(record.email)),
        "organisation": record.organisation,
        "age_band": record.age_band,
        "consent_named": record.consent_named,
        "via_worker_email": str(record.via_worker_email) if record.via_worker_email else None,
        "extra": dict(record.extra),
        "added": record.added or utcnow(),
        "erased": None,
    }


def _row_record(row: Row[Any], *, opted_out: bool) -> ParticipantRecord:
    return ParticipantRecord(
        id=row.id,
        name=row.name,
        email=row.email,
        audience=row.audience,
        organisation=row.organisation or "",
        age_band=row.age_band,
        consent_named=row.consent_named,
        via_worker_email=row.via_worker_email,
        opted_out=opted_out,
        extra=dict(row.extra or {}),
        added=row.added,
    )
