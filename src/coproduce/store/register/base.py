"""The register's connection handling, shared by its participant, message and response parts."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from coproduce.errors import ConflictError, CoproduceError
from coproduce.store.register.engine import masked, open_engine, reason

_LOCKS: dict[str, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def _file_lock(url: str) -> contextlib.AbstractContextManager[object]:
    # SQLite takes one writer at a time, and a writer that finds the file busy sleeps in steps
    # of milliseconds before it looks again. Threads of one process (a flow's batches side by
    # side) queue here instead, and each goes the moment the one before has committed.
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        return contextlib.nullcontext()
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return contextlib.nullcontext()
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(str(parsed.database), threading.RLock())


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
