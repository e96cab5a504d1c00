"""Locks every writer sees: a PostgreSQL advisory lock when the register is shared, else a file.

A lock is re-entrant within one thread (a cycle transition that commits takes the same lock
twice), and exclusive between threads, processes and, with PostgreSQL, machines. A process
that dies releases its locks: the file is unlocked by the kernel, the advisory lock by the end
of the database session.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from coproduce.errors import CoproduceError

if TYPE_CHECKING:  # SQLAlchemy is imported only where advisory locks are used
    from sqlalchemy import Connection, Engine


class Locks(Protocol):
    """Named exclusive locks."""

    kind: str

    def hold(self, name: str) -> contextlib.AbstractContextManager[None]:
        """Hold the lock called ``name`` for the duration of the ``with`` block."""
        ...


class _Reentrant:
    """Count holds per thread so a nested hold of the same name is free."""

    def __init__(self) -> None:
        self._local = threading.local()

    def depth(self, name: str) -> int:
        return int(self._counts().get(name, 0))

    def enter(self, name: str) -> None:
        counts = self._counts()
        counts[name] = counts.get(name, 0) + 1

    def leave(self, name: str) -> None:
        counts = self._counts()
        counts[name] -= 1

    def _counts(self) -> dict[str, int]:
        if not hasattr(self._local, "counts"):
            self._local.counts = {}
        counts: dict[str, int] = self._local.counts
        return counts


@contextlib.contextmanager
def _hold_once(
    held: _Reentrant, name: str, take: Callable[[], contextlib.AbstractContextManager[None]]
) -> Iterator[None]:
    """Take the lock with ``take`` unless this thread holds it already; count the holds."""
    if held.depth(name):
        held.enter(name)
        try:
            yield
        finally:
            held.leave(name)
        return
    with take():
        held.enter(name)
        try:
            yield
        finally:
            held.leave(name)


class FileLocks:
    """Locks as ``flock`` on files in one folder: one machine, any number of processes."""

    kind = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._held = _Reentrant()

    def hold(self, name: str) -> contextlib.AbstractContextManager[None]:
        """Hold the file lock ``<folder>/<name>.lock``."""
        return _hold_once(self._held, name, lambda: self._flock(name))

    @contextlib.contextmanager
    def _flock(self, name: str) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle: IO[str]
        with open(self.folder / f"{_safe(name)}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class AdvisoryLocks:
    """Locks as PostgreSQL session advisory locks: every process on every machine sees them."""

    kind = "postgresql"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._held = _Reentrant()

    def hold(self, name: str) -> contextlib.AbstractContextManager[None]:
        """Hold the advisory lock keyed by ``name`` on a connection of its own."""
        return _hold_once(self._held, name, lambda: self._advisory(name))

    @contextlib.contextmanager
    def _advisory(self, name: str) -> Iterator[None]:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        key = lock_key(name)
        try:
            conn: Connection = self.engine.connect()
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
        except SQLAlchemyError as e:
            raise CoproduceError(f"cannot take the shared lock {name!r}: {e}") from e
        try:
            yield
        finally:
            with contextlib.suppress(SQLAlchemyError):
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
            conn.close()


def lock_key(name: str) -> int:
    """Return the signed 64-bit advisory lock key of ``name``."""
    digest = hashlib.sha256(f"coproduce:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
