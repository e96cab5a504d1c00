"""The personal-data register: names, emails, consent, tokens and the message log, outside git.

SQLite in the state directory by default, or any SQLAlchemy URL (``COPRODUCE_DATABASE_URL``,
e.g. PostgreSQL when several machines share it). Git only ever sees the pseudonymous ids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    Text,
    TypeDecorator,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from coproduce.errors import ConflictError, CoproduceError, NotFoundError
from coproduce.models import ParticipantRecord

DATABASE_ENV = "COPRODUCE_DATABASE_URL"
DATABASE_FILE = "register.sqlite3"
ALL_CYCLES = ""  # the opt_outs.cycle value meaning "every cycle"
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


class ParticipantEntry(BaseModel):
    """One row of the register as a listing shows it; erased rows keep only id and audience."""

    id: str
    audience: str
    organisation: str | None = ""
    age_band: str = "unknown"
    consent_named: bool = False
    name: str | None = None
    erased: bool = False


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


def default_url(state_dir: Path, environ: Mapping[str, str] | None = None) -> str:
    """Return COPRODUCE_DATABASE_URL if set, else a SQLite file in ``state_dir``."""
    env = os.environ if environ is None else environ
    explicit = env.get(DATABASE_ENV, "").strip()
    return explicit or f"sqlite:///{Path(state_dir).resolve() / DATABASE_FILE}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Register:
    """The personal-data register behind one SQLAlchemy engine; tables are created on open."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.display_url = _masked(url)
        try:
            self._engine = _open_engine(url)
            metadata.create_all(self._engine)
        except (SQLAlchemyError, ImportError, OSError, ValueError) as e:
            raise CoproduceError(
                f"cannot open the personal-data register at {self.display_url}: {_reason(e)}"
            ) from e

    @classmethod
    def for_state_dir(
        cls, state_dir: Path, *, environ: Mapping[str, str] | None = None
    ) -> Register:
        """Open the register of ``state_dir`` (or the one COPRODUCE_DATABASE_URL names)."""
        return cls(default_url(state_dir, environ))

    def close(self) -> None:
        """Release the register's database connections."""
        self._engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection whose changes are committed together, or not at all."""
        try:
            with self._engine.begin() as conn:
                yield conn
        except IntegrityError as e:
            raise ConflictError(f"the register refused a change: {_reason(e)}") from e
        except SQLAlchemyError as e:
            raise CoproduceError(f"personal-data register error: {_reason(e)}") from e

    # participants ---------------------------------------------------------------------------

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
        with self.transaction() as conn:
            row = conn.execute(
                select(participants).where(participants.c.id == participant_id)
            ).first()
            opted = self._globally_opted_out(conn)
        if row is None:
            raise NotFoundError(f"no participant {participant_id} in the register")
        if row.erased is not None:
            raise NotFoundError(f"participant {participant_id} has been erased")
        return _row_record(row, opted_out=row.id in opted)

    def iter_participants(
        self, *, audiences: Iterable[str] | None = None
    ) -> list[ParticipantRecord]:
        """Return the records of participants not erased, optionally of some audiences only."""
        query = select(participants).where(participants.c.erased.is_(None))
        if audiences is not None:
            query = query.where(participants.c.audience.in_(list(audiences)))
        with self.transaction() as conn:
            rows = conn.execute(query.order_by(participants.c.added, participants.c.id)).all()
            opted = self._globally_opted_out(conn)
        return [_row_record(r, opted_out=r.id in opted) for r in rows]

    def list_entries(self) -> list[ParticipantEntry]:
        """Return every participant, erased ones as tombstones, in the order they were added."""
        query = select(participants).order_by(participants.c.added, participants.c.id)
        with self.transaction() as conn:
            rows = conn.execute(query).all()
        return [
            ParticipantEntry.model_validate({**r._asdict(), "erased": r.erased is not None})
            for r in rows
        ]

    def emails_in_use(self, emails: Iterable[str]) -> dict[str, str]:
        """Return ``{email key: participant id}`` for those of ``emails`` already registered."""
        keys = sorted({email_key(e) for e in emails})
        found: dict[str, str] = {}
        with self.transaction() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
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
                .values(**_ERASED, erased=at or _now())
            )
            conn.execute(delete(tokens).where(tokens.c.participant_id == participant_id))
        return True

    # messages -------------------------------------------------------------------------------

    def queue_message(self, *, message_id: str, cycle: str, participant_id: str, kind: str) -> str:
        """Record a message as queued unless already logged; return its current status."""
        with self.transaction() as conn:
            status = conn.scalar(
                select(messages.c.status).where(messages.c.message_id == message_id)
            )
            if status is not None:
                return str(status)
            now = _now()
            conn.execute(
                insert(messages).values(
                    message_id=message_id,
                    cycle=cycle,
                    participant_id=participant_id,
                    kind=kind,
                    status="queued",
                    attempts=0,
                    created=now,
                    updated=now,
                    error="",
                )
            )
        return "queued"

    def record_attempt(self, message_id: str) -> None:
        """Count one more delivery attempt of a logged message."""
        self._update_message(message_id, attempts=messages.c.attempts + 1)

    def mark_sent(self, message_id: str) -> None:
        """Record that a message was accepted for delivery."""
        now = _now()
        self._update_message(message_id, status="sent", sent=now, error="")

    def mark_failed(self, message_id: str, *, error: str) -> None:
        """Record that a message could not be delivered, and why."""
        self._update_message(message_id, status="failed", error=error[:2000])

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

    def _update_message(self, message_id: str, **values: Any) -> None:
        with self.transaction() as conn:
            done = conn.execute(
                update(messages)
                .where(messages.c.message_id == message_id)
                .values(updated=_now(), **values)
            )
            if done.rowcount == 0:
                raise NotFoundError(f"no message {message_id} in the log")

    # responses and opt-outs -----------------------------------------------------------------

    def add_response(
        self, *, cycle: str, participant_id: str, at: dt.datetime | None = None
    ) -> None:
        """Record that a participant responded to a cycle (the first response counts)."""
        self._insert_once(responses, participant_id=participant_id, cycle=cycle, at=at or _now())

    def responders(self, cycle: str) -> set[str]:
        """Return the ids of participants who responded to ``cycle``."""
        return self._ids(select(responses.c.participant_id).where(responses.c.cycle == cycle))

    def add_opt_out(self, participant_id: str, *, cycle: str | None = None) -> None:
        """Record that a participant wants no more mail (about ``cycle``, or at all)."""
        self._insert_once(
            opt_outs, participant_id=participant_id, cycle=cycle or ALL_CYCLES, at=_now()
        )

    def opted_out(self, cycle: str) -> set[str]:
        """Return the ids of participants who opted out of ``cycle`` or of all mail."""
        where = opt_outs.c.cycle.in_([cycle, ALL_CYCLES])
        return self._ids(select(opt_outs.c.participant_id).where(where))

    def messaged(self, cycle: str, *, kind: str) -> set[str]:
        """Return the ids of participants sent a message of ``kind`` in ``cycle``."""
        query = select(messages.c.participant_id).where(
            (messages.c.cycle == cycle) & (messages.c.kind == kind) & (messages.c.status == "sent")
        )
        return self._ids(query)

    def _ids(self, query: Select[tuple[str]]) -> set[str]:
        with self.transaction() as conn:
            return set(conn.scalars(query).all())

    def _insert_once(
        self, table: Table, *, participant_id: str, cycle: str, at: dt.datetime
    ) -> None:
        key = (table.c.participant_id == participant_id) & (table.c.cycle == cycle)
        with self.transaction() as conn:
            if conn.scalar(select(func.count()).select_from(table).where(key)) == 0:
                conn.execute(
                    insert(table).values(participant_id=participant_id, cycle=cycle, at=at)
                )

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
        "added": record.added or _now(),
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


def _open_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Personal data: readable by its owner only, from the moment the file exists.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    with engine.connect() as conn:  # fail here, clearly, if the file cannot be opened
        conn.exec_driver_sql("SELECT 1")
    return engine


def _masked(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "(unparseable database URL)"


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    return text.splitlines()[0] if text else type(error).__name__
