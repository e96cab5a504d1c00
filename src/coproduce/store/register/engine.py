"""Where the register lives and how it is opened: one SQLAlchemy engine, tuned for SQLite."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

DATABASE_ENV = "COPRODUCE_DATABASE_URL"
DATABASE_FILE = "register.sqlite3"
BUSY_TIMEOUT_S = 30
SQLITE_POOL = 48
# WAL lets readers (the portal, status) go on while a batch writes; FULL syncs the log at every
# commit, because acknowledged must mean durable: a receipt handed to a participant, a message
# marked sent, survive a power cut.
FILE_PRAGMAS = ("journal_mode=WAL", "synchronous=FULL")
CONNECTION_PRAGMAS = ("foreign_keys=ON", f"busy_timeout={BUSY_TIMEOUT_S * 1000}")


def default_url(state_dir: Path, environ: Mapping[str, str] | None = None) -> str:
    """Return ``environ``'s COPRODUCE_DATABASE_URL if set, else a SQLite file in ``state_dir``.

    The application passes settings.database_url instead; this serves tests and tools.
    """
    env = environ or {}
    explicit = env.get(DATABASE_ENV, "").strip()
    return explicit or f"sqlite:///{Path(state_dir).resolve() / DATABASE_FILE}"


def open_engine(url: str) -> Engine:
    """Return an engine for ``url``; SQLite files are created owner-only and run in WAL mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    in_file = bool(parsed.database) and parsed.database != ":memory:"
    if in_file:
        path = Path(str(parsed.database))
        path.parent.mkdir(parents=True, exist_ok=True)
        # Personal data: readable by its owner only, from the moment the file exists
        # (SQLite gives the -wal and -shm files the same mode as the database).
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    # Readers do not queue (``RegisterBase.reading``): a portal's forty request threads each
    # hold a connection, which costs SQLite little.
    pool = {"pool_size": SQLITE_POOL, "max_overflow": 8} if in_file else {}
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, **pool)
    pragmas = (*CONNECTION_PRAGMAS, *(FILE_PRAGMAS if in_file else ()))

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    with engine.connect() as conn:  # fail here, clearly, if the file cannot be opened
        conn.exec_driver_sql("SELECT 1")
    return engine


def masked(url: str) -> str:
    """Return ``url`` with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "(unparseable database URL)"


def reason(error: BaseException) -> str:
    """Return the first line of what the database driver said about ``error``."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error).strip()
    return text.splitlines()[0] if text else type(error).__name__
