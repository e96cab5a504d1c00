"""``coproduce review status`` reads as a report: per audience, nobody named, no Python values."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from coproduce.models import ParticipantRecord
from coproduce.review import launch, start_review
from coproduce.review.context import open_context
from coproduce.store import GuidanceRepo
from coproduce.store.register import Register
from tests.review.conftest import LEAD, make_repo
from tests.review.test_cli import run

JSON_KEYS = [
    "id",
    "slug",
    "state",
    "base",
    "proposed",
    "opens",
    "closes",
    "days_left",
    "audiences",
    "questions",
    "invitations_sent",
    "reminders_sent",
    "reminders_due",
    "messages",
    "stale_twin_sections",
]


def launched(tmp_path: Path) -> tuple[GuidanceRepo, str, list[str]]:
    repo = make_repo(tmp_path / "guidance-repo")
    people = [
        ("Pat Practitioner", "practitioners", "Westmere Police", "25+"),
        ("Kim Practitioner", "practitioners", "Westmere Police", "25+"),
        ("Jo Young", "young-people", "Northside Youth Club", "14-15"),
        ("Ash Young", "young-people", "Northside Youth Club", "16"),
        ("Sol Young", "young-people", "Riverside Project", "18-21"),
    ]
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        records = [
            ParticipantRecord(
                id=register.new_participant_id(),
                name=name,
                email=f"{name.split()[0].lower()}@example.org",
                audience=audience,
                organisation=org,
                age_band=age,
            )
            for name, audience, org, age in people
        ]
        register.add_participants(records)
    ctx = open_context(repo=repo.root, author=str(LEAD))
    try:
        cycle = start_review(
            repo=repo,
            slug="escalation-policy",
            closes=dt.date(2099, 12, 15),
            audiences=["practitioners", "young-people"],
            author=LEAD,
        ).cycle
        launch(repo=repo, cycle_id=cycle.id, outreach=ctx.outreach, author=LEAD)
        register = ctx.outreach.register
        register.add_response(cycle=cycle.id, participant_id=records[0].id)
        register.add_opt_out(records[2].id, cycle=cycle.id)
    finally:
        ctx.close()
    return repo, cycle.id, [name for name, *_ in people]


def test_status_reports_each_audience_without_names_or_python_values(tmp_path: Path) -> None:
    repo, cycle_id, names = launched(tmp_path)
    result = run(repo, "review", "status", cycle_id)
    assert result.returncode == 0, result.stderr
    report = result.stdout
    lines = report.splitlines()
    practitioners = next(line for line in lines if line.startswith("practitioners"))
    young = next(line for line in lines if line.startswith("young-people"))
    assert practitioners.split()[1:5] == ["2", "1", "0", "1"]
    assert young.split()[1:5] == ["3", "0", "1", "2"]
    assert "Northside Youth Club 1" in young and "Riverside Project 1" in young
    assert "days left" in report and "Late responses (after close): 0" in report
    assert "Reminders sent: none" in report
    assert not any(name in report or name.split()[0] in report for name in names)
    assert not any(mark in report for mark in ("{", "[", "None", "'"))


def test_status_json_keeps_its_keys(tmp_path: Path) -> None:
    repo, cycle_id, _ = launched(tmp_path)
    data = json.loads(run(repo, "review", "status", cycle_id, "--json").stdout)
    assert list(data) == JSON_KEYS
