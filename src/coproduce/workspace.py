"""The composition root: settings read once, and the objects every entry point works with.

The CLI, the flows, the demo and the portal all receive a ``Workspace``: the guidance
repository (kept in step with its git remote), the validated settings, the register (the
operational store: personal data, journal, message queue), the locks every writer shares,
the mailer and the clock. Nothing else reads ``COPRODUCE_*`` variables.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.config import Settings, load_settings, repo_from_environment
from coproduce.defaults import CONFIG_FILE
from coproduce.errors import StateError

if TYPE_CHECKING:
    from coproduce.channels.email import Mailer
    from coproduce.store import GuidanceRepo
    from coproduce.store.locks import Locks
    from coproduce.store.register import Register


def utcnow() -> dt.datetime:
    """Return the current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass
class Workspace:
    """One installation as configured: repository, settings, register, locks, mailer, clock."""

    repo: GuidanceRepo
    settings: Settings
    clock: Callable[[], dt.datetime] = utcnow
    _register: Register | None = field(default=None, repr=False)
    _locks: Locks | None = field(default=None, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def state_dir(self) -> Path:
        """Return the local, git-ignored state folder (created, private, when missing)."""
        if self.repo is None:  # a workspace without a repository (checks, tests)
            self.settings.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            return self.settings.state_dir
        return self.repo.state_dir

    @property
    def templates(self) -> Path:
        """Return the folder of the user's own templates (they override the built-in ones)."""
        return self.repo.root / "templates"

    @property
    def register(self) -> Register:
        """Return the register, opened (and, for SQLite, migrated) on first use."""
        from coproduce.store.register import Register

        with self._guard:
            if self._register is None:
                secret = self.settings.secret_key
                key = secret.get_secret_value().encode() if secret is not None else None
                self._register = Register(str(self.settings.database_url), token_key=key)
            return self._register

    @property
    def locks(self) -> Locks:
        """Return the locks writers share: advisory locks on PostgreSQL, else files."""
        from coproduce.store.locks import AdvisoryLocks, FileLocks

        if self._locks is None:
            url = str(self.settings.database_url)
            if url.startswith("postgresql"):
                from coproduce.store.register.engine import open_engine  # SQLAlchemy: slow

                # An engine of its own: locks work before the schema exists (db upgrade).
                self._locks = AdvisoryLocks(open_engine(url))
            else:
                self._locks = FileLocks(self.state_dir / "locks")
        return self._locks

    def open_mailer(self) -> Mailer:
        """Return the configured mailer: SMTP when a relay is set, else the outbox folder."""
        from coproduce.channels.email import open_mailer

        return open_mailer(
            smtp_url=self.settings.smtp_url,
            state_dir=self.state_dir,
            mail_from=self.settings.mail_from,
            rate_per_minute=self.settings.mail_rate_per_minute,
        )

    def check_worker(self, *, shared_server: bool) -> None:
        """Refuse to run on a shared Prefect server with a register only this machine sees."""
        if not shared_server:
            return
        problems = []
        if not self.settings.database_explicit:
            problems.append(
                "the register would be a SQLite file on this machine: set"
                " COPRODUCE_DATABASE_URL to the shared PostgreSQL database (docs/deploy.md)"
            )
        if self.settings.secret_key is None:
            problems.append(
                "COPRODUCE_SECRET_KEY is not set: personal links would differ between workers"
            )
        if problems:
            raise StateError(
                "this worker is not set up for a shared Prefect server: " + "; ".join(problems)
            )

    def close(self) -> None:
        """Release the register's connections."""
        if self._register is not None:
            self._register.close()


_CACHE: dict[tuple[object, ...], Workspace] = {}
_CACHE_GUARD = threading.Lock()


def open_workspace(
    *,
    repo: Path | str | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    sync: bool = True,
) -> Workspace:
    """Return the workspace of ``repo`` (else COPRODUCE_REPO, else found from ``cwd``).

    Settings are read and validated once per process and configuration (every problem in
    ``coproduce.toml`` listed at once); with a git remote the clone is brought up to date.
    """
    from coproduce.store import GuidanceRepo

    environ = os.environ if env is None else env
    explicit = Path(repo) if repo else repo_from_environment(environ)
    guidance = GuidanceRepo.find(explicit=explicit, cwd=cwd or Path.cwd())
    key = _cache_key(guidance.root, environ)
    with _CACHE_GUARD:
        workspace = _CACHE.get(key)
        if workspace is None:
            settings = load_settings(guidance.root, environ)
            workspace = Workspace(repo=guidance, settings=settings)
            guidance.configure(settings=settings, locks=workspace.locks)
            _CACHE[key] = workspace
    if sync:
        workspace.repo.sync()
    return workspace


def forget_workspaces() -> None:
    """Drop every cached workspace (tests that change settings between steps)."""
    with _CACHE_GUARD:
        for workspace in _CACHE.values():
            workspace.close()
        _CACHE.clear()


def _cache_key(root: Path, environ: Mapping[str, str]) -> tuple[object, ...]:
    config = root / CONFIG_FILE
    try:
        stat = config.stat()
        mark: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        mark = None
    settings_env = tuple(sorted((k, v) for k, v in environ.items() if k.startswith("COPRODUCE_")))
    return (str(root), mark, settings_env)


__all__ = ["Workspace", "forget_workspaces", "open_workspace"]
