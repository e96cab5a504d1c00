"""The register's connection handling, shared by its participant, message and response parts."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from coproduce.errors import ConflictError, CoproduceError
from coproduce.store.register.engine import masked, open_engine, reason
from coproduce.store.register.schema import metadata

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
    """One SQLAlchemy engine over the register; tables are created on open."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.display_url = masked(url)
        self._lock = _file_lock(url)
        try:
            self._engine = open_engine(url)
            metadata.create_all(self._engine)
        except (SQLAlchemyError, ImportError, OSError, ValueError) as e:
            raise CoproduceError(
                f"cannot open the personal-data register at {self.display_url}: {reason(e)}"
            ) from e

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
