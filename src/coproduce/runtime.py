"""Supervise the one embedded Prefect server coproduce uses when PREFECT_API_URL is not set.

Nothing here imports prefect. ``prefect server start`` runs under ``coproduce.watchdog`` (its
process group's leader; idle and removed-folder stops), its database in the state directory;
``server.json`` (watchdog pid, port, url) lets later commands reuse it and stop it by PID."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from coproduce.errors import CoproduceError, StateError
from coproduce.watchdog import LAST_USED, USERS_LOCK

SERVER_FILE = "server.json"
LOG_FILE = "server.log"
LOCK_FILE = "server.lock"
HOST = "127.0.0.1"
DEFAULT_IDLE_MINUTES = 30.0
QUIET_LOGGING = ("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "true",
    "DO_NOT_TRACK": "1",
}


@dataclass(frozen=True)
class ServerHandle:
    """Where the Prefect API is, and whether coproduce supervises it (embedded) or not."""

    api_url: str
    home: Path | None = None
    pid: int | None = None
    embedded: bool = False
    reused: bool = False

    def env(self) -> dict[str, str]:
        """Return the environment variables a child process needs to use this server."""
        values = {"PREFECT_API_URL": self.api_url, **OFFLINE_ENV}
        if self.home is not None:
            values["PREFECT_HOME"] = str(self.home)
        return values


def prefect_dir(state_dir: Path) -> Path:
    """Return the folder holding the embedded server's home, database, pid file and log."""
    return state_dir / "prefect"


def prefect_command() -> list[str]:
    """Return the command that runs the prefect CLI from this interpreter's environment."""
    script = Path(sys.executable).parent / "prefect"
    return [str(script)] if script.exists() else [sys.executable, "-m", "prefect"]


def is_healthy(api_url: str, *, timeout: float = 2.0) -> bool:
    """Return whether the Prefect API at ``api_url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as r:
            return bool(r.status == 200 and r.read().strip() == b"true")
    except (OSError, urllib.error.URLError, ValueError):
        return False


def read_server(state_dir: Path) -> ServerHandle | None:
    """Return the recorded embedded server if its process is alive and it is ours; else None."""
    path = prefect_dir(state_dir) / SERVER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pid, url = int(data["pid"]), str(data["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _is_our_server(pid):
        return None
    return ServerHandle(api_url=url, home=prefect_dir(state_dir) / "home", pid=pid, embedded=True)


def ensure_server(
    *, state_dir: Path, timeout: float = 120.0, idle_minutes: float | None = None
) -> ServerHandle:
    """Return the Prefect API to use: PREFECT_API_URL, else the embedded server (started once).

    This process counts as using the embedded server until it exits or calls ``release``; a
    server started here stops itself after ``idle_minutes`` (default 30) with no user.
    """
    external = os.environ.get("PREFECT_API_URL")
    if external and not _is_embedded_url(external, state_dir):
        return ServerHandle(api_url=external.rstrip("/"))
    folder = prefect_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _hold(folder)
    with _locked(folder / LOCK_FILE):
        (folder / LAST_USED).touch()
        current = read_server(state_dir)
        if current is not None and _wait_healthy(current.api_url, current.pid, timeout=timeout):
            return ServerHandle(**{**current.__dict__, "reused": True})
        if current is not None:
            _terminate(current.pid or 0)
        minutes = DEFAULT_IDLE_MINUTES if idle_minutes is None else idle_minutes
        return _start(folder, timeout=timeout, idle_seconds=minutes * 60)


def release(state_dir: Path) -> None:
    """Stop counting this process as a user of the embedded server (it may then go idle)."""
    handle = _HELD.pop(prefect_dir(state_dir).resolve(), None)
    if handle is not None:
        handle.close()


def stop_server(*, state_dir: Path, grace: float = 10.0) -> bool:
    """Stop the embedded server by its PID; return whether one was running."""
    folder = prefect_dir(state_dir)
    release(state_dir)
    if not folder.is_dir():
        return False
    with _locked(folder / LOCK_FILE):
        current = read_server(state_dir)
        (folder / SERVER_FILE).unlink(missing_ok=True)
        if current is None or current.pid is None:
            return False
        _terminate(current.pid, grace=grace)
        return True


def activate(handle: ServerHandle, *, quiet: bool = False) -> None:
    """Point this process at ``handle`` (call before prefect is first imported).

    With ``quiet``, Prefect's own log lines stay out of the terminal (they still reach the
    server) unless PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL says otherwise.
    """
    os.environ.update(handle.env())
    if quiet:
        os.environ.setdefault(QUIET_LOGGING[0], QUIET_LOGGING[1])


def find_servers(under: Path) -> list[tuple[int, Path]]:
    """Return (pid, PREFECT_HOME) of every embedded server process whose home is under ``under``."""
    root = under.resolve()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not _is_our_server(int(entry.name)):
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for item in environ:
            if item.startswith(b"PREFECT_HOME="):
                home = Path(os.fsdecode(item.split(b"=", 1)[1]))
                if home.is_relative_to(root):
                    found.append((int(entry.name), home))
    return found


def _start(folder: Path, *, timeout: float, idle_seconds: float) -> ServerHandle:
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://{HOST}:{port}/api"
    # The server's own settings (PREFECT_SERVER_*) pass through; client settings do not.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PREFECT_") or k.startswith("PREFECT_SERVER_")
    }
    env.update(OFFLINE_ENV)
    env.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": url,
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{folder / 'prefect.db'}",
            "PREFECT_SERVER_API_HOST": HOST,
            "PREFECT_SERVER_API_PORT": str(port),
        }
    )
    command = [
        *(sys.executable, "-m", "coproduce.watchdog", "--folder", str(folder)),
        *("--idle-seconds", f"{idle_seconds:g}", "--flowhost", "--health-url", url, "--"),
        *(*prefect_command(), "server", "start", "--host", HOST, "--port", str(port)),
    ]
    with open(folder / LOG_FILE, "ab") as log:
        process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    if not _wait_healthy(url, process.pid, timeout=timeout):
        _terminate(process.pid)
        raise StateError(
            f"the embedded Prefect server did not become healthy in {timeout:.0f}s; "
            f"see {folder / LOG_FILE}"
        )
    record = {"pid": process.pid, "port": port, "api_url": url, "started": time.time()}
    (folder / SERVER_FILE).write_text(json.dumps(record), encoding="utf-8")
    return ServerHandle(api_url=url, home=home, pid=process.pid, embedded=True)


def _wait_healthy(url: str, pid: int | None, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_healthy(url):
            return True
        if pid is not None and not _alive(pid):
            return False
        time.sleep(0.25)
    return False


def _terminate(pid: int, *, grace: float = 10.0) -> None:
    # The watchdog leads the server's own session: signal the whole group so uvicorn goes too.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)
    if _alive(pid):
        raise CoproduceError(f"could not stop the embedded Prefect server (pid {pid})")


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    state = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        return state.read_text().split(") ", 1)[1][:1] != "Z"
    return True


def _is_our_server(pid: int) -> bool:
    # A recycled PID must never be taken for our server (and never be killed).
    if not _alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True
    if b"coproduce.watchdog" in cmdline or b"coproduce.flowhost" in cmdline:
        return True
    return b"server" in cmdline and any(b"prefect" in part for part in cmdline)


def _is_embedded_url(url: str, state_dir: Path) -> bool:
    current = read_server(state_dir)
    return current is not None and current.api_url == url.rstrip("/")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


_HELD: dict[Path, IO[str]] = {}


def _hold(folder: Path) -> None:
    # A shared lock held until this process ends (or release): the watchdog sees a user.
    key = folder.resolve()
    if key in _HELD:
        return
    handle = open(folder / USERS_LOCK, "a+")  # noqa: SIM115 - held for the process's life
    fcntl.flock(handle, fcntl.LOCK_SH)
    _HELD[key] = handle


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_shared_api(url: str | None) -> bool:
    """Return whether a Prefect API is on another machine (so workers elsewhere may run flows).

    The embedded server, and any server on loopback, serve this machine only.
    """
    from urllib.parse import urlsplit

    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return host not in {"127.0.0.1", "localhost", "::1"} and not host.startswith("127.")
