"""Every move of a cycle is a command a user can type, and errors name those commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coproduce.models import CycleEvent, CycleState
from coproduce.review import load_cycle
from coproduce.review.record import save_cycle
from coproduce.store import GuidanceRepo
from tests.review.conftest import LEAD, NOW, make_repo
from tests.review.test_cli import NO_PREFECT, run, start


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[GuidanceRepo]:
    """Return the repository; any embedded Prefect server a command started is stopped after."""
    from coproduce import runtime

    guidance = make_repo(tmp_path / "guidance-repo")
    yield guidance
    runtime.stop_server(state_dir=Path(guidance.state_dir))


def move(repo: GuidanceRepo, cycle_id: str, *events: CycleEvent) -> None:
    cycle = load_cycle(repo, cycle_id)
    for event in events:
        closes = cycle.closes if event is not CycleEvent.REOPEN else None
        cycle = cycle.apply(event, at=NOW, closes=closes)
    save_cycle(repo, cycle, author=LEAD, message="Moved on in the test")


def test_a_draft_cycle_is_launched_by_review_launch(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    result = run(repo, "review", "launch", cycle_id)
    assert result.returncode == 0, result.stderr
    assert "Launched: 0 invitations sent" in result.stdout
    assert load_cycle(repo, cycle_id).state is CycleState.OPEN


def test_starting_without_launch_names_the_launch_command(repo: GuidanceRepo) -> None:
    result = start(repo)
    cycle_id = result.stdout.strip()
    assert f"coproduce review launch {cycle_id}" in result.stderr


def test_an_open_cycle_is_extended_to_a_later_date(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    move(repo, cycle_id, CycleEvent.LAUNCH)
    result = run(repo, "review", "extend", cycle_id, "--closes", "2100-01-31")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{cycle_id} is open until 2100-01-31"
    assert load_cycle(repo, cycle_id).closes.date() == dt.date(2100, 1, 31)


def test_extending_to_an_earlier_date_is_refused_and_changes_nothing(
    repo: GuidanceRepo,
) -> None:
    cycle_id = start(repo).stdout.strip()
    move(repo, cycle_id, CycleEvent.LAUNCH)
    before = load_cycle(repo, cycle_id)
    result = run(repo, "review", "extend", cycle_id, "--closes", "2099-01-01")
    assert result.returncode == 5
    assert "the new close date must be after 2099-12-15" in result.stderr
    assert load_cycle(repo, cycle_id) == before


def test_a_closed_cycle_is_reopened_until_a_new_date(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    move(repo, cycle_id, CycleEvent.LAUNCH, CycleEvent.CLOSE)
    result = run(repo, "review", "reopen", cycle_id, "--closes", "2100-02-01")
    assert result.returncode == 0, result.stderr
    cycle = load_cycle(repo, cycle_id)
    assert (cycle.state, cycle.closes.date()) == (CycleState.OPEN, dt.date(2100, 2, 1))


def test_after_close_triage_and_the_board_are_commands(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    move(repo, cycle_id, CycleEvent.LAUNCH, CycleEvent.CLOSE)
    triaged = run(repo, "review", "finish-triage", cycle_id)
    sent = run(repo, "review", "send-to-board", cycle_id)
    assert triaged.returncode == 0 and sent.returncode == 0, triaged.stderr + sent.stderr
    assert f"next: coproduce review send-to-board {cycle_id}" in triaged.stdout
    assert f"coproduce signoff {cycle_id} --decision" in sent.stdout
    assert load_cycle(repo, cycle_id).state is CycleState.IN_SIGNOFF


def test_a_cycle_is_cancelled_with_its_reason_recorded(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    result = run(repo, "review", "cancel", cycle_id, "--reason", "Wrong draft sent")
    assert result.returncode == 0, result.stderr
    cycle = load_cycle(repo, cycle_id)
    assert cycle.state is CycleState.CANCELLED
    assert cycle.history[-1].note == "Wrong draft sent"


def test_cancelling_needs_a_reason(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    result = run(repo, "review", "cancel", cycle_id, "--reason", "  ")
    assert result.returncode == 2
    assert "say why the review is cancelled" in result.stderr
    assert load_cycle(repo, cycle_id).state is CycleState.DRAFT


def test_an_error_after_close_names_commands_not_events(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    move(repo, cycle_id, CycleEvent.LAUNCH, CycleEvent.CLOSE)
    result = run(repo, "review", "close", cycle_id, "--yes")
    assert result.returncode == 5
    line = result.stderr.strip()
    assert "complete-triage" not in line and "you can:" not in line
    assert f"coproduce review finish-triage {cycle_id}" in line
    assert "PREFECT-IMPORTED" not in result.stderr


def test_a_closed_cycle_blocks_the_next_naming_the_command_that_moves_it_on(
    repo: GuidanceRepo,
) -> None:
    cycle_id = start(repo).stdout.strip()
    move(repo, cycle_id, CycleEvent.LAUNCH, CycleEvent.CLOSE)
    result = start(repo)
    assert result.returncode == 4
    assert f"has a closed review awaiting a decision: {cycle_id}" in result.stderr
    assert f"coproduce review finish-triage {cycle_id}" in result.stderr


def test_a_cancelled_or_decided_cycle_blocks_nothing(repo: GuidanceRepo) -> None:
    first = start(repo).stdout.strip()
    run(repo, "review", "cancel", first, "--reason", "Started too early")
    second = start(repo)
    assert second.returncode == 0, second.stderr
    move(
        repo,
        second.stdout.strip(),
        CycleEvent.LAUNCH,
        CycleEvent.CLOSE,
        CycleEvent.COMPLETE_TRIAGE,
        CycleEvent.ISSUE_PACK,
        CycleEvent.REJECT,
    )
    third = start(repo)
    assert third.returncode == 0, third.stderr


def test_a_document_never_approved_is_reviewed_as_a_first_version(tmp_path: Path) -> None:
    repo = GuidanceRepo.init(tmp_path / "new-repo", author=LEAD)
    text = "---\ntitle: New protocol\n---\n\n# New protocol\n\nWhat we do.\n"
    repo.commit_files({"guidance/new-protocol.md": text}, author=LEAD, message="Add draft")
    result = run(
        repo,
        "review",
        "start",
        "new-protocol",
        "--closes",
        "2099-12-15",
        "--audience",
        "practitioners",
        "--no-launch",
    )
    assert result.returncode == 0, result.stderr
    assert "new-protocol has never been approved: this review is of its first version" in (
        result.stderr
    )
    cycle_id = result.stdout.strip()
    assert load_cycle(repo, cycle_id).base is None
    status = json.loads(run(repo, "review", "status", cycle_id, "--json").stdout)
    assert status["base"] is None
    report = run(repo, "review", "status", cycle_id)
    assert "first version" in report.stdout


def test_closing_early_asks_first_and_no_leaves_the_cycle_open(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    move(repo, cycle_id, CycleEvent.LAUNCH)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "PREFECT_"))}
    env["COPRODUCE_AUTHOR"] = "Sam Lead <sam.lead@example.org>"
    result = subprocess.run(
        [sys.executable, "-c", NO_PREFECT, "--repo", str(repo.root), "review", "close", cycle_id],
        input="n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "close it now" in result.stdout
    assert f"{cycle_id} was left open; nothing changed" in result.stdout
    assert load_cycle(repo, cycle_id).state is CycleState.OPEN


def test_reminding_a_draft_cycle_names_the_launch_command(repo: GuidanceRepo) -> None:
    cycle_id = start(repo).stdout.strip()
    result = run(repo, "review", "remind", cycle_id)
    assert result.returncode == 5
    assert (
        f"it is a draft, not yet launched, not open; next: coproduce review launch {cycle_id}"
        in (result.stderr)
    )
    assert "PREFECT-IMPORTED" not in result.stderr
