"""A real PostgreSQL server on loopback for the tests: one cluster per session, a database each.

The cluster lives in a temporary folder and is stopped when the session ends. As root (CI runs
as root) the server runs as the ``postgres`` system user, which PostgreSQL requires.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PostgresServer:
    """A running cluster: where it listens and how to make a fresh database on it."""

    port: int
    bindir: Path

    def url(self, database: str = "postgres") -> str:
        """Return the SQLAlchemy URL of ``database`` (psycopg driver, trusted loopback)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def _psql(self, sql: str) -> None:
        subprocess.run(
            [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
            check=True, capture_output=True, text=True,
        )  # fmt: skip


def find_bindir() -> Path | None:
    """Return the newest PostgreSQL server's bin folder, or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway cluster on a free loopback port; stop it and remove it afterwards."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/system-packages.sh installs it)")
    folder = Path(tempfile.mkdtemp(prefix="coproduce-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
        folder.chmod(0o700)
    port = _free_port()
    try:
        _run(as_root, bindir / "initdb", "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--no-sync")  # fmt: skip
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=200"
        _run(as_root, bindir / "pg_ctl", "-D", str(data), "-o", options, "-w", "-t", "60",
             "-l", str(folder / "server.log"), "start")  # fmt: skip
        try:
            _wait(port)
            yield PostgresServer(port=port, bindir=bindir)
        finally:
            _run(as_root, bindir / "pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(as_root: bool, *command: str | Path) -> None:
    args = [str(c) for c in command]
    if as_root:
        args = ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(args, check=True, capture_output=True, text=True, cwd="/")


def _wait(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start listening on port {port}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0
