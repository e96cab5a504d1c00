"""Fixtures the whole suite shares: a real PostgreSQL server on loopback, fresh workspaces;
and the session check: every Prefect server a test starts, it stops."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from coproduce import runtime
from tests.helpers.postgres import PostgresServer, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start one PostgreSQL cluster for the session; stopped when the session ends."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """Return the URL of a fresh, empty PostgreSQL database."""
    return postgres_server.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return an empty register database URL: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('register') / 'register.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture(autouse=True)
def _fresh_workspaces() -> Iterator[None]:
    """Give every test its own workspaces (settings are read once per process otherwise)."""
    from coproduce.workspace import forget_workspaces

    yield
    forget_workspaces()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Kill any embedded Prefect server left under this session's tmp folders; fail naming it."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    base = Path(factory.getbasetemp())
    leftovers = runtime.find_servers(base)
    if not leftovers:
        return
    for pid, _home in leftovers:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)
    lines = [f"  pid {pid}: PREFECT_HOME={home}" for pid, home in leftovers]
    message = "\n".join(["tests left embedded Prefect servers running (now killed):", *lines])
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "embedded Prefect servers left running", red=True)
        reporter.write_line(message, red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
