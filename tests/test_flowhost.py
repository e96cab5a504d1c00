"""The warm flow host runs a command's flow without the command importing Prefect."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coproduce import flowhost, runtime
from coproduce.errors import NotFoundError
from coproduce.store import GuidanceRepo
from tests.review.conftest import add_people, make_repo

CLI = (
    "import sys; sys.argv = ['coproduce', *sys.argv[1:]];"
    " from coproduce.cli import main\n"
    "try:\n    main()\nfinally:\n"
    "    sys.stderr.write('PREFECT-IMPORTED\\n' if 'prefect' in sys.modules else '')"
)
pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]


def run(repo: GuidanceRepo, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``coproduce --repo <repo> ARGS``; report on stderr if prefect was imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "PREFECT_"))}
    env["COPRODUCE_AUTHOR"] = "Sam Lead <sam.lead@example.org>"
    return subprocess.run(
        [sys.executable, "-c", CLI, "--repo", str(repo.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def wait_for_host(folder: Path, *, seconds: float = 90) -> dict[str, object]:
    """Return the flow host's record once it is listening."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            record = json.loads((folder / flowhost.HOST_FILE).read_text(encoding="utf-8"))
            socket.create_connection(("127.0.0.1", record["port"]), 1).close()
            return dict(record)
        except (OSError, ValueError, KeyError):
            time.sleep(0.5)
    raise AssertionError("the flow host never started")


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GuidanceRepo, str]]:
    """Yield a repository with a launched review of three people, its server and host warm."""
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith(("COPRODUCE_", "PREFECT_"))]:
        del os.environ[name]
    repo = make_repo(tmp_path_factory.mktemp("flowhost") / "guidance-repo")
    add_people(repo, {"practitioners": 3})
    try:
        started = run(
            repo, "review", "start", "escalation-policy", "--closes", "2099-12-15",
            "--audience", "practitioners",
        )  # fmt: skip
        assert started.returncode == 0, started.stderr
        wait_for_host(runtime.prefect_dir(Path(repo.state_dir)))
        yield repo, started.stdout.strip().splitlines()[0]
    finally:
        runtime.stop_server(state_dir=Path(repo.state_dir))
        os.environ.clear()
        os.environ.update(saved)


def test_remind_and_close_run_in_the_host_and_keep_prefect_logs_out_of_the_terminal(
    warm: tuple[GuidanceRepo, str],
) -> None:
    repo, cycle = warm
    reminded = run(repo, "review", "remind", cycle)
    assert reminded.returncode == 0, reminded.stderr
    assert reminded.stdout == f"3 reminders sent for {cycle}\n"
    assert reminded.stderr == ""  # no Prefect log line, and prefect was never imported
    again = run(repo, "review", "remind", cycle)
    assert again.stdout == f"0 reminders sent for {cycle}\n"
    assert len(list((Path(repo.state_dir) / "outbox").glob("*.eml"))) == 6


def test_an_error_raised_in_the_host_comes_back_with_its_class_and_message(
    warm: tuple[GuidanceRepo, str],
) -> None:
    repo, _cycle = warm
    folder = runtime.prefect_dir(Path(repo.state_dir))
    with pytest.raises(NotFoundError, match="no review cycle"):
        flowhost.run_flow(
            folder, "send_reminders", {"cycle_id": "2020-q1-none", "repo": str(repo.root)}
        )


def test_a_request_without_the_token_is_answered_with_nothing(
    warm: tuple[GuidanceRepo, str],
) -> None:
    repo, cycle = warm
    record = wait_for_host(runtime.prefect_dir(Path(repo.state_dir)))
    request = {"token": "guess", "key": flowhost.code_key(), "flow": "close_review",
               "parameters": {"cycle_id": cycle}, "env": {}, "cwd": "/"}  # fmt: skip
    with socket.create_connection(("127.0.0.1", int(str(record["port"]))), 5) as connection:
        connection.sendall(json.dumps(request).encode())
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(30)
        assert connection.recv(1024) == b""
    status = run(repo, "review", "status", cycle, "--json")
    assert json.loads(status.stdout)["state"] == "open"


def test_verbose_runs_the_flow_in_the_command_and_shows_prefect_logs(
    warm: tuple[GuidanceRepo, str],
) -> None:
    repo, cycle = warm
    closed = run(repo, "--verbose", "review", "close", cycle, "--yes")
    assert closed.returncode == 0, closed.stderr
    assert f"{cycle} is closed" in closed.stdout  # and how many were told it closed
    assert "Finished in state Completed()" in closed.stdout + closed.stderr
    assert "PREFECT-IMPORTED" in closed.stderr


def test_a_host_with_older_code_steps_aside_and_a_fresh_one_takes_over(
    warm: tuple[GuidanceRepo, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _cycle = warm
    folder = runtime.prefect_dir(Path(repo.state_dir))
    before = wait_for_host(folder)
    monkeypatch.setattr(flowhost, "code_key", lambda: "newer-code")
    assert flowhost.run_flow(folder, "review_clock", {"repo": str(repo.root)}) == (False, None)
    monkeypatch.undo()
    deadline = time.monotonic() + 120
    while wait_for_host(folder)["pid"] == before["pid"] and time.monotonic() < deadline:
        time.sleep(1)
    done, result = flowhost.run_flow(folder, "review_clock", {"repo": str(repo.root)})
    assert done and isinstance(result, dict)
