"""Create and upgrade the register's schema with Alembic, safely from many processes at once.

The embedded SQLite register is upgraded on open; a shared (PostgreSQL) register is upgraded by
``coproduce db upgrade`` and refuses to open while it is behind. Upgrades hold a lock every
process sees (a PostgreSQL advisory lock, a file lock for SQLite), so six workers meeting an
empty database at once wait for the first and then find nothing to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from coproduce.errors import CoproduceError, StateError
from coproduce.store.register.engine import masked, reason

SCRIPTS = "coproduce.store.register:migrations"
BASELINE = "0001"


def head_revision() -> str:
    """Return the revision this version of coproduce needs."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise CoproduceError("the register's migrations are missing from this installation")
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (None when it holds no coproduce tables)."""
    with engine.connect() as conn:
        return _current(conn)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the head revision; return (revision before, revision after)."""
    try:
        with _migration_lock(engine) as conn:
            before = _current(conn)
            if before == head_revision():
                return before, before
            config = _config()
            config.attributes["connection"] = conn
            if before is None and inspect(conn).has_table("participants"):
                command.stamp(config, BASELINE)  # a register made before migrations existed
                before = BASELINE
            command.upgrade(config, "head")
            conn.commit()
            return before, head_revision()
    except SQLAlchemyError as e:
        url = masked(engine.url.render_as_string(hide_password=False))
        raise CoproduceError(f"cannot upgrade the register at {url}: {reason(e)}") from e


def ensure_current(engine: Engine, *, auto: bool) -> None:
    """Upgrade the schema when ``auto``; otherwise refuse a database that is behind."""
    current = current_revision(engine)
    if current == head_revision():
        return
    if auto:
        upgrade(engine)
        return
    url = masked(engine.url.render_as_string(hide_password=False))
    where = "has no coproduce tables yet" if current is None else f"is at revision {current}"
    raise StateError(
        f"the register at {url} {where}; this coproduce needs {head_revision()}:"
        " run `coproduce db upgrade`"
    )


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPTS)
    return config


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(b"coproduce-migrate").digest()[:8], "big", signed=True)
        with engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({key})")
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        with engine.connect() as conn:
            yield conn
        return
    with open(Path(f"{database}.migrate.lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
