"""The whole session: every Prefect server a test starts, it stops (checked when the run ends)."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import pytest

from coproduce import runtime


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
