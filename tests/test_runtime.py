"""The embedded Prefect server: started once, reused, stopped by PID, never a stranger's."""

from __future__ import annotations

import json
import subprocess
import sys
import time
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
