"""Flow files run as scripts (``python flows/<name>.py``) against the embedded server."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coproduce import review, runtime
from coproduce.models import CycleEvent
from coproduce.review.record import load_cycle, save_cycle
from tests.helpers.prefect_api import finished_runs
from tests.review.conftest import LEAD, add_people, make_repo

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]


def script_env(tmp_path: Path) -> dict[str, str]:
    """Return an environment with no Prefect API configured and a throwaway Prefect home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "COPRODUCE_"))}
    env["PREFECT_HOME"] = str(tmp_path / "client-home")
    env["COPRODUCE_AUTHOR"] = "Sam Lead <sam.lead@example.org>"
    return env


def test_prefect_ignores_an_api_url_set_after_it_was_imported(tmp_path: Path) -> None:
    # Why flows' __main__ applies the embedded server as temporary settings, not os.environ.
    code = (
        "import os, prefect\n"
        "from prefect.settings import get_current_settings\n"
        "os.environ['PREFECT_API_URL'] = 'http://127.0.0.1:9/api'\n"
        "print(get_current_settings().api.url)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=script_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "None"


def test_running_the_review_clock_file_uses_the_embedded_server(
    tmp_path: Path, checkout: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    add_people(repo, {"partners": 1})
    cycle_id = review.start_review(
        repo=repo,
        slug="escalation-policy",
        closes=dt.date.today() + dt.timedelta(days=30),
        audiences=["partners"],
        author=LEAD,
    ).cycle.id
    cycle = load_cycle(repo, cycle_id).apply(CycleEvent.LAUNCH, at=dt.datetime.now(dt.UTC))
    past = cycle.model_copy(update={"closes": dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)})
    save_cycle(repo, past, author=LEAD, message="Deadline passed")
    state_dir = Path(repo.state_dir)
    try:
        done = subprocess.run(
            [sys.executable, str(checkout / "flows" / "review_clock.py"), str(repo.root)],
            env=script_env(tmp_path),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        server = runtime.read_server(state_dir)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == str({"close": [cycle_id], "remind": []})
        assert load_cycle(repo, cycle_id).state.value == "closed"
        # The run is recorded on the embedded server, which stays up for the next command.
        assert server is not None and runtime.is_healthy(server.api_url)
        assert finished_runs(server.api_url) == [("review-clock", "COMPLETED")]
    finally:
        runtime.stop_server(state_dir=state_dir)
    assert runtime.read_server(state_dir) is None


def test_a_flow_file_given_no_repository_says_so_in_one_line(
    tmp_path: Path, checkout: Path
) -> None:
    done = subprocess.run(
        [sys.executable, str(checkout / "flows" / "close_review.py"), "2026-q4-nothing"],
        env=script_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().startswith("error: not a coproduce repository")
    assert "Traceback" not in done.stderr
