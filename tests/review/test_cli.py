"""The ``coproduce review`` commands, run as a user would; none of these imports prefect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coproduce.models import CycleEvent
from coproduce.review import load_cycle
from coproduce.review.record import save_cycle
from coproduce.store import GuidanceRepo
from tests.review.conftest import LEAD, NOW, make_repo

NO_PREFECT = (
    "import sys; sys.argv = ['coproduce', *sys.argv[1:]];"
    " from coproduce.cli import main\n"
    "try:\n    main()\nfinally:\n"
    "    sys.stderr.write('PREFECT-IMPORTED\\n' if 'prefect' in sys.modules else '')"
)


def run(repo: GuidanceRepo, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``coproduce --repo <repo> ARGS``; report on stderr if prefect was imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "PREFECT_"))}
    env["COPRODUCE_AUTHOR"] = "Sam Lead <sam.lead@example.org>"
    return subprocess.run(
        [sys.executable, "-c", NO_PREFECT, "--repo", str(repo.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> GuidanceRepo:
    return make_repo(tmp_path / "guidance-repo")


def start(repo: GuidanceRepo, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(
        repo,
        "review",
        "start",
        "escalation-policy",
        "--closes",
        "2099-12-15",
        "--audience",
        "practitioners",
        "--audience",
        "partners",
        "--no-launch",
        *extra,
    )


def test_review_start_prints_the_cycle_id_and_warns_of_empty_audiences(
    repo: GuidanceRepo,
) -> None:
    result = start(repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("-escalation-policy")
    assert "audience 'practitioners' has no participants yet" in result.stderr
    assert "PREFECT-IMPORTED" not in result.stderr


def test_review_list_and_status_print_json(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    listed = run(repo, "review", "list", "--json")
    status = run(repo, "review", "status", cycle_id, "--json")
    assert [c["id"] for c in json.loads(listed.stdout)] == [cycle_id]
    data = json.loads(status.stdout)
    assert data["state"] == "draft" and data["invitations_sent"] == 0
    assert "PREFECT-IMPORTED" not in listed.stderr + status.stderr


def test_bad_questions_are_each_reported_on_one_line(repo: GuidanceRepo, tmp_path: Path) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text("- id: Not OK\n  text: ''\n", encoding="utf-8")
    result = start(repo, "--questions", str(questions))
    assert result.returncode == 2
    assert result.stderr.startswith("error: questions.yaml is not valid (2 problems)")
    assert "Traceback" not in result.stderr


def test_a_second_start_is_refused_with_one_clear_line(repo: GuidanceRepo) -> None:
    first = start(repo).stdout.strip()
    second = start(repo)
    assert second.returncode == 4
    assert f"escalation-policy already has an active review cycle: {first}" in second.stderr


def test_closing_a_draft_cycle_says_what_can_be_done(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    result = run(repo, "review", "close", cycle_id)
    assert result.returncode == 5
    assert f"it is a draft, not yet launched; next: coproduce review launch {cycle_id}" in (
        result.stderr
    )
    assert "PREFECT-IMPORTED" not in result.stderr


def test_an_unknown_cycle_is_one_line_and_exit_three(repo: GuidanceRepo) -> None:
    result = run(repo, "review", "status", "2020-q1-nothing")
    assert result.returncode == 3
    assert result.stderr.strip().splitlines()[0].startswith("error: no review cycle")


def test_the_older_decide_command_needs_a_pack_as_signoff_does(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    cycle = load_cycle(repo, cycle_id)
    for event in (
        CycleEvent.LAUNCH,
        CycleEvent.CLOSE,
        CycleEvent.COMPLETE_TRIAGE,
        CycleEvent.ISSUE_PACK,
    ):
        cycle = cycle.apply(event, at=NOW)
    save_cycle(repo, cycle, author=LEAD, message="Sign-off pack issued")
    head = repo.resolve("HEAD")
    decide = [
        "review",
        "decide",
        cycle_id,
        "--outcome",
        "approved",
        "--decided-by",
        "Board",
        "--decided",
        "2027-01-10",
        "--version",
        "1.1",
    ]
    done = run(repo, *decide)
    assert done.returncode == 5
    assert done.stderr.splitlines() == [
        f"error: no sign-off pack of {cycle_id} is recorded: build one with "
        f"coproduce pack {cycle_id}"
    ]
    assert repo.resolve("HEAD") == head
    assert load_cycle(repo, cycle_id).state.value == "in-signoff"


def test_stopping_the_embedded_server_when_none_runs_says_so(repo: GuidanceRepo) -> None:
    result = run(repo, "serve", "--stop")
    assert result.returncode == 0
    assert result.stdout.strip() == "No embedded server was running"
    assert "PREFECT-IMPORTED" not in result.stderr


def test_status_of_a_closed_cycle_shows_no_days_left_and_no_stale_twin(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    cycle = load_cycle(repo, cycle_id)
    for event in (CycleEvent.LAUNCH, CycleEvent.CLOSE):
        cycle = cycle.apply(event, at=NOW)
    save_cycle(repo, cycle, author=LEAD, message="Closed early")
    result = run(repo, "review", "status", cycle_id, "--json")
    data = json.loads(result.stdout)
    assert (data["state"], data["days_left"]) == ("closed", 0)
    assert data["stale_twin_sections"] == []
    assert "PREFECT-IMPORTED" not in result.stderr


def test_a_launch_to_young_people_without_a_safeguarding_lead_is_refused_changing_nothing(
    repo: GuidanceRepo,
) -> None:
    head = repo.resolve("HEAD")
    result = run(
        repo,
        "review",
        "start",
        "escalation-policy",
        "--closes",
        "2099-12-15",
        "--audience",
        "young-people",
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: cannot launch: young people are invited (young-people) and no safeguarding lead"
        " is configured (set organisation.safeguarding_lead_email)"
    )
    assert repo.resolve("HEAD") == head
