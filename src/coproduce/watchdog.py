"""Keep the embedded Prefect server alive only while it is wanted.

``python -m coproduce.watchdog --folder F --idle-seconds N [--flowhost] -- prefect server
start ...`` runs as the leader of its own process group, starts the server as its child (and,
with ``--flowhost``, the warm flow host of ``coproduce.flowhost``, started again whenever it
exits) and, every couple of seconds, stops the whole group and exits when:

- the folder ``F`` (the server's state folder) is gone, or
- no process holds ``F/users.lock`` and ``F/last-used`` is older than ``N`` seconds.

Processes using the server hold a shared lock on ``users.lock`` while they live and touch
``last-used`` (see ``coproduce.runtime``), so a long ``coproduce serve`` keeps it alive and a
short command keeps it warm for the next. Nothing here imports prefect or reads settings.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

USERS_LOCK = "users.lock"
LAST_USED = "last-used"
SERVER_LOCK = "server.lock"
SERVER_FILE = "server.json"
POLL_SECONDS = 2.0
RESPAWN_SECONDS = 10.0
GRACE_SECONDS = 8.0
_HELD: list[object] = []


class Watch:
    """The state a watchdog keeps between polls: its folder, idle limit and last user seen."""

    def __init__(self, folder: Path, idle_seconds: float) -> None:
        self.folder = folder
        self.idle_seconds = idle_seconds
        self.last_seen = time.time()

    def reason_to_stop(self) -> str | None:
        """Return why the server should stop now, or None while it is still wanted."""
        if not self.folder.is_dir():
            return f"state folder {self.folder} is gone"
        if self._in_use():
            self.last_seen = time.time()
            return None
        with contextlib.suppress(OSError):
            self.last_seen = max(self.last_seen, (self.folder / LAST_USED).stat().st_mtime)
        idle = time.time() - self.last_seen
        if idle > self.idle_seconds:
            return f"unused for {idle:.0f}s (limit {self.idle_seconds:g}s)"
        return None

    def _in_use(self) -> bool:
        try:
            with open(self.folder / USERS_LOCK, "a+") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(handle, fcntl.LOCK_UN)
        except BlockingIOError:
            return True
        except OSError:
            return False
        return False


def main(argv: list[str] | None = None) -> int:
    """Start the server command, watch it, stop its process group when it is no longer wanted."""
    parser = argparse.ArgumentParser(prog="python -m coproduce.watchdog")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--idle-seconds", type=float, required=True)
    parser.add_argument("--flowhost", action="store_true")
    parser.add_argument("--health-url", default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the server command after --")
    stopping: list[str] = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: stopping.append(signal.Signals(number).name))
    watch = Watch(args.folder, args.idle_seconds)
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    host: subprocess.Popen[bytes] | None = None
    host_started = 0.0
    ready = args.health_url is None  # the host waits for the server: they would share the CPU
    while not stopping:
        if child.poll() is not None:
            say(f"server exited with {child.returncode}")
            stop_group(child)
            return child.returncode or 0
        ready = ready or _healthy(args.health_url)
        host_down = host is None or host.poll() is not None
        due = time.monotonic() - host_started > RESPAWN_SECONDS
        if args.flowhost and ready and host_down and due:
            host_started = time.monotonic()
            flowhost = ["-m", "coproduce.flowhost", "--folder", str(watch.folder)]
            host = subprocess.Popen([sys.executable, *flowhost], stdin=subprocess.DEVNULL)
        reason = watch.reason_to_stop()
        if reason is not None and _forget_server(watch.folder, still=watch):
            say(f"stopping the server: {reason}")
            break
        time.sleep(POLL_SECONDS)
    if stopping:
        say(f"stopping the server: {stopping[0]}")
    stop_group(child)
    return 0


def _healthy(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=1.0) as response:
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


def _forget_server(folder: Path, *, still: Watch) -> bool:
    """Remove the server record (under the start lock) if the server is still unwanted."""
    if not folder.is_dir():
        return True
    try:
        lock = open(folder / SERVER_LOCK, "a+")  # noqa: SIM115 - held until this process ends
    except OSError:
        return True
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()  # someone is starting or reusing the server right now: ask again later
        return False
    if still.reason_to_stop() is None:
        lock.close()
        return False
    record = folder / SERVER_FILE
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        if int(json.loads(record.read_text(encoding="utf-8"))["pid"]) == os.getpid():
            record.unlink()
    _HELD.append(lock)  # a starter waiting on the lock sees no record once this process ends
    return True


def stop_group(child: subprocess.Popen[bytes]) -> None:
    """Stop every other process of this process group: TERM, then KILL after a grace period."""
    group = os.getpgrp()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in group_members(group):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline:
            child.poll()
            if not group_members(group):
                return
            time.sleep(0.1)


def group_members(group: int) -> list[int]:
    """Return the live processes of process group ``group`` other than this one."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members


def say(message: str) -> None:
    """Write one line to the server log (this process's stdout)."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    sys.stdout.write(f"{stamp} coproduce.watchdog: {message}\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
