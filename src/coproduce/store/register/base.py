"""The register's connection handling, shared by its participant, message and response parts."""

from __future__ import annotations

import contextlib
import fcntl
import threading
from collections.abc import Iterator
from typing import IO

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from coproduce.errors import ConflictError, CoproduceError
from coproduce.store.register.engine import masked, open_engine, reason


class _WriterQueue:
    """Threads of this process, then processes on this machine, one at a time, in turn.

    SQLite takes one writer at a time, and a writer that finds the file busy sleeps in steps of
    up to 100 ms before it looks again, so forty writers in four processes wait seconds. Here
    threads queue on a lock and processes on ``flock``, and each goes the moment the one
    before has committed.
    """

    def __init__(self, path: str) -> None:
        self._thread = threading.RLock()
        self._path = f"{path}.writers.lock"
        self._depth = 0
        self._handle: IO[str] | None = None

    def __enter__(self) -> None:
        self._thread.acquire()
        if self._depth == 0:
            try:
                handle = open(self._path, "a+")
                fcntl.flock(handle, fcntl.LOCK_EX)
            except OSError:
                handle = None  # a read-only folder: SQLite's own locking still holds
            self._handle = handle
        self._depth += 1

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
        self._thread.release()


_LOCKS: dict[str, _WriterQueue] = {}
_LOCKS_GUARD = threading.Lock()


def _file_lock(url: str) -> contextlib.AbstractContextManager[object]:
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        return contextlib.nullcontext()
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return contextlib.nullcontext()
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(parsed.database), _WriterQueue(str(parsed.database)))


class RegisterBase:
    """One SQLAlchemy engine over the register, its schema at the head revision.

    The embedded SQLite register is migrated on open; a shared database must have been
    upgraded with ``coproduce db upgrade`` (it is refused, with that advice, while behind).
    """

    def __init__(
        self,
        url: str,
        *,
        migrate: bool | None = None,
        check: bool = True,
        token_key: bytes | None = None,
    ) -> None:
        from coproduce.store.register.migrate import ensure_current

        self.url = url
        self.token_key = token_key
        self.display_url = masked(url)
        self._lock = _file_lock(url)
        try:
            self._engine = open_engine(url)
            auto = self._engine.dialect.name == "sqlite" if migrate is None else migrate
            if check or auto:
                ensure_current(self._engine, auto=auto)
        except CoproduceError:
            raise
        except (SQLAlchemyError, ImportError, OSError, ValueError) as e:
            raise CoproduceError(
                f"cannot open the personal-data register at {self.display_url}: {reason(e)}"
            ) from e

    @property
    def engine(self) -> Engine:
        """Return the SQLAlchemy engine (for the store's own modules: locks, the journal)."""
        return self._engine

    @property
    def dialect(self) -> str:
        """Return the database's dialect name (``sqlite``, ``postgresql``)."""
        return str(self._engine.dialect.name)

    def close(self) -> None:
        """Release the register's database connections."""
        self._engine.dispose()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection whose changes are committed together, or not at all."""
        try:
            with self._lock, self._engine.begin() as conn:
                yield conn
        except IntegrityError as e:
            raise ConflictError(f"the register refused a change: {reason(e)}") from e
        except SQLAlchemyError as e:
            raise CoproduceError(f"personal-data register error: {reason(e)}") from e

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """Yield a connection for reads only, outside the writers' queue.

        Readers never wait for a writer here: SQLite in WAL mode, like PostgreSQL, shows each
        reader the last committed state while a writer goes on. Anything written through this
        connection is rolled back.
        """
        try:
            with self._engine.connect() as conn:
                yield conn
        except SQLAlchemyError as e:
            raise CoproduceError(f"personal-data register error: {reason(e)}") from e
