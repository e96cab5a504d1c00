"""The embedded Prefect server: started once, reused, stopped by PID, never a stranger's."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from coproduce import runtime


def test_importing_the_runtime_does_not_import_prefect() -> None:
    code = "import sys, coproduce.runtime; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_set_prefect_api_url_is_used_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example.org:4200/api/")
    handle = runtime.ensure_server(state_dir=tmp_path)
    assert handle.api_url == "http://prefect.example.org:4200/api"
    assert not handle.embedded
    assert not (tmp_path / "prefect").exists()


def test_a_recorded_pid_that_is_not_our_server_is_neither_reused_nor_killed(
    tmp_path: Path,
) -> None:
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        folder = runtime.prefect_dir(tmp_path)
        folder.mkdir(parents=True)
        record = {"pid": stranger.pid, "port": 9, "api_url": "http://127.0.0.1:9/api"}
        (folder / runtime.SERVER_FILE).write_text(json.dumps(record))
        assert runtime.read_server(tmp_path) is None
        assert runtime.stop_server(state_dir=tmp_path) is False
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_stopping_when_nothing_runs_says_so(tmp_path: Path) -> None:
    assert runtime.stop_server(state_dir=tmp_path) is False


@pytest.mark.prefect_server
@pytest.mark.slow
def test_one_server_is_started_reused_and_stopped_by_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    started = time.monotonic()
    first = runtime.ensure_server(state_dir=tmp_path)
    startup = time.monotonic() - started
    try:
        again = runtime.ensure_server(state_dir=tmp_path)
        assert first.embedded and not first.reused
        assert again.reused and again.pid == first.pid and again.api_url == first.api_url
        assert first.api_url.startswith("http://127.0.0.1:")
        assert runtime.is_healthy(first.api_url)
        assert (tmp_path / "prefect" / "prefect.db").is_file()
        assert first.env()["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
        assert startup < 60
    finally:
        assert runtime.stop_server(state_dir=tmp_path) is True
    assert not runtime.is_healthy(first.api_url)
    assert runtime.read_server(tmp_path) is None


def wait_until(condition: Callable[[], bool], *, seconds: float) -> bool:
    """Poll ``condition`` every 0.2 s for up to ``seconds``; return whether it came true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.prefect_server
@pytest.mark.slow
def test_the_server_stops_itself_when_its_state_folder_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    state = tmp_path / "state"
    handle = runtime.ensure_server(state_dir=state)
    try:
        assert {pid for pid, _home in runtime.find_servers(tmp_path)} >= {handle.pid}
        # Moved away in one step, as a cleanup that deletes it would leave the path: a plain
        # rmtree races with the server writing its database and log into the folder.
        state.rename(tmp_path / "deleted")
        assert wait_until(lambda: not runtime.find_servers(tmp_path), seconds=15)
        shutil.rmtree(tmp_path / "deleted")
        assert not runtime.is_healthy(handle.api_url)
    finally:
        runtime.release(state)
        for pid, _home in runtime.find_servers(tmp_path):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.prefect_server
@pytest.mark.slow
def test_the_server_stays_while_a_process_uses_it_and_stops_when_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    handle = runtime.ensure_server(state_dir=tmp_path, idle_minutes=0.05)  # 3 seconds
    try:
        time.sleep(6)
        assert runtime.is_healthy(handle.api_url), "stopped while this process still used it"
        runtime.release(tmp_path)
        assert wait_until(lambda: not runtime.find_servers(tmp_path), seconds=20)
        assert not runtime.is_healthy(handle.api_url)
        assert runtime.read_server(tmp_path) is None
        log = (runtime.prefect_dir(tmp_path) / runtime.LOG_FILE).read_text(encoding="utf-8")
        assert "stopping the server: unused for" in log
    finally:
        runtime.stop_server(state_dir=tmp_path)


@pytest.mark.prefect_server
@pytest.mark.slow
def test_a_command_that_has_exited_keeps_the_server_warm_until_the_idle_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    code = (
        "import sys; from pathlib import Path; from coproduce import runtime;"
        "print(runtime.ensure_server(state_dir=Path(sys.argv[1]), idle_minutes=0.15).api_url)"
    )
    started = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    url = started.stdout.strip()
    try:
        assert runtime.is_healthy(url), "a server nobody holds stopped before its idle limit"
        reused = runtime.ensure_server(state_dir=tmp_path, idle_minutes=0.15)
        assert reused.reused and reused.api_url == url
        runtime.release(tmp_path)
        assert wait_until(lambda: not runtime.find_servers(tmp_path), seconds=30)
    finally:
        runtime.stop_server(state_dir=tmp_path)
