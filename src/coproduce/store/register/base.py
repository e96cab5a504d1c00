"""The register's connection handling, shared by its participant, message and response parts."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar, cast

from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
        self._pid = 0

    def __enter__(self) -> None:
        self._thread.acquire()
        if self._depth == 0:
            try:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
            except OSError:
                self._handle = None  # a read-only folder: SQLite's own locking still holds
        self._depth += 1

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._thread.release()

    def _file(self) -> IO[str]:
        # Opened once per process (a forked child shares the parent's open file, and with it
        # the lock: it opens its own).
        if self._handle is None or self._pid != os.getpid():
            self._handle = open(self._path, "a+")  # noqa: SIM115
            self._pid = os.getpid()
        return self._handle


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


T = TypeVar("T")


@dataclass(eq=False)
class _Job:
    """One thread's work in a group commit (``RegisterBase.together``)."""

    fn: Callable[[], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    wake: Callable[[], object] | None = None  # an event loop's waiter (``together_async``)

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result

    def finish(self, error: BaseException | None = None) -> None:
        if self.done.is_set():
            return
        if error is not None:
            self.error = error
        self.done.set()
        if self.wake is not None:
            self.wake()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


# A group writer with nothing to write for this long stops (the next ``together`` starts one).
WRITER_IDLE_S = 30.0


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
        self._joined = threading.local()
        self._group = threading.Condition()
        self._waiting: list[_Job] = []
        self._writer: threading.Thread | None = None
        self._prepared: dict[str, Any] = {}
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
        """Yield a connection whose changes are committed together, or not at all.

        Inside another transaction of this register on the same thread, the inner one joins
        the outer: everything written in the ``with`` block of the outer commits at its end,
        once (``with register.transaction(): register.save_draft(...); ...``).
        """
        joined = getattr(self._joined, "conn", None)
        if joined is not None:
            yield joined
            return
        try:
            with self._lock, self._engine.begin() as conn:
                self._joined.conn = conn
                try:
                    yield conn
                finally:
                    self._joined.conn = None
        except IntegrityError as e:
            raise ConflictError(f"the register refused a change: {reason(e)}") from e
        except SQLAlchemyError as e:
            raise CoproduceError(f"personal-data register error: {reason(e)}") from e

    def together(self, job: Callable[[], T]) -> T:
        """Run ``job`` (register reads and writes) in a transaction shared with other threads'.

        Group commit: one writer thread per register takes every job waiting and writes them
        in one transaction, while the jobs that arrive meanwhile wait for the next: one turn
        of the writers' queue and one commit for many requests, and each waiting thread is
        woken alone when its own group has committed. Should a group fail, each of its jobs
        is run again alone, so one job's error (a ConflictError, say) is its own; a job must
        therefore do nothing but register work, and runs on the writer's thread. Inside a
        transaction already, ``job`` simply joins it.
        """
        if self.in_transaction:
            return job()
        mine = _Job(job)
        self._hand_over(mine)
        mine.done.wait()
        return mine.outcome()

    async def together_async(self, job: Callable[[], T]) -> T:
        """``together`` for an event loop: wait for the group's commit without a thread.

        The job runs on the writer's thread as with ``together``; the coroutine is resumed
        when its group has committed, so a busy portal's sends need no thread of their own.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        mine = _Job(job, wake=lambda: loop.call_soon_threadsafe(_settle, future))
        self._hand_over(mine)
        await future
        return cast(T, mine.outcome())

    def _hand_over(self, job: _Job) -> None:
        with self._group:
            self._waiting.append(job)
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(
                    target=self._write_loop, name="coproduce-register-writer", daemon=True
                )
                self._writer.start()
            self._group.notify()

    def _write_loop(self) -> None:
        while True:
            with self._group:
                if not self._group.wait_for(lambda: self._waiting, timeout=WRITER_IDLE_S):
                    self._writer = None  # idle: the next together() starts a writer
                    return
                jobs, self._waiting = self._waiting, []
            try:
                self._write_group(jobs)
            except BaseException as e:  # handed to each waiting thread, then raised
                for j in jobs:
                    j.finish(e)
                raise
            for j in jobs:
                j.finish()

    def _write_group(self, jobs: list[_Job]) -> None:
        try:
            with self.transaction():
                results = [j.fn() for j in jobs]
        except Exception as e:
            if len(jobs) == 1:
                jobs[0].error = e
                return
            for alone in jobs:
                self._write_group([alone])
            return
        for j, result in zip(jobs, results, strict=True):
            j.result = result

    def prepared(self, name: str, build: Callable[[Callable[..., Any]], Any]) -> Any:
        """Return the statement ``build(insert)``, made once into a statement SQLAlchemy caches.

        ``insert`` is the dialect's own (PostgreSQL's or SQLite's, for ``ON CONFLICT``), and
        ``build`` must give every value as a typed ``bindparam``. Those statements have no
        cache key, so SQLAlchemy would compile them on every execution (about a third of a
        millisecond of CPU each, in the portal's busiest write, under the writers' queue): on
        SQLite their SQL is taken once and kept as a text statement with the same typed
        parameters (and returned columns), which SQLAlchemy caches.
        """
        found = self._prepared.get(name)
        if found is None:
            if self.dialect == "postgresql":
                # psycopg's SQL carries casts (``:name::VARCHAR``) a text statement cannot
                # hold; a round trip to the server outweighs compiling there.
                found = self._prepared[name] = build(pg_insert)
                return found
            statement = build(sqlite_insert)
            named: Any = type(self._engine.dialect)  # the same dialect, with :name parameters
            compiled = statement.compile(dialect=named(paramstyle="named"))
            binds = [bindparam(key, type_=b.type) for key, b in compiled.binds.items()]
            found = text(str(compiled)).bindparams(*binds)
            returning = getattr(statement, "_returning", ())
            if returning:
                found = found.columns(*returning)
            self._prepared[name] = found
        return found

    @property
    def in_transaction(self) -> bool:
        """Return whether this thread is inside one of this register's transactions."""
        return getattr(self._joined, "conn", None) is not None

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
