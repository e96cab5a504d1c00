"""``coproduce triage``, ``coproduce commit`` and ``coproduce pack`` run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from coproduce.review import load_cycle
from coproduce.triage import load_triage
from tests.pack.scenario import SLUG, build_scenario, edit
from tests.review.test_cli import NO_PREFECT


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``coproduce --repo ROOT ARGS``; stderr says so if prefect was imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "PREFECT_"))}
    env["COPRODUCE_AUTHOR"] = "Sam Lead <sam.lead@example.org>"
    return subprocess.run(
        [sys.executable, "-c", NO_PREFECT, "--repo", str(root), *args],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip


def test_triage_shows_what_needs_an_outcome_and_set_records_one(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    root = s.repo.root
    shown = run(root, "triage", s.cycle_id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["undecided"] == list(s.ids.values())
    done = run(root, "triage", "set", s.ids["youth"], "duplicate", "--of", s.ids["named"],
               "--reason", "Same point as another.")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{s.ids['youth']}: duplicate of another item"
    assert "PREFECT-IMPORTED" not in done.stderr
    text = run(root, "triage", s.cycle_id).stdout
    assert text.startswith(f"{s.cycle_id}: {len(s.ids)} items, {len(s.ids) - 1} need an outcome")


def test_a_set_without_a_reason_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    head = s.repo.resolve("HEAD")
    done = run(s.repo.root, "triage", "set", s.ids["named"], "accepted")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: give a --reason, written for the person who gave the feedback"
    ]
    assert s.repo.resolve("HEAD") == head


def test_the_sheet_round_trips_through_the_command_line(tmp_path: Path) -> None:
    import openpyxl

    s = build_scenario(tmp_path / "repo", decide=False)
    sheet = tmp_path / "triage.xlsx"
    assert run(s.repo.root, "triage", s.cycle_id, "--export", str(sheet)).returncode == 0
    book = openpyxl.load_workbook(sheet)
    for row in book.active.iter_rows(min_row=2):
        row[8].value, row[9].value = "noted", "Thank you; noted for the next review."
    book.save(sheet)
    done = run(s.repo.root, "triage", s.cycle_id, "--import", str(sheet))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Recorded {len(s.ids)} outcome(s)")
    assert load_triage(s.repo, s.cycle_id).undecided == []


def test_commit_names_the_feedback_and_pack_refuses_then_builds(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo")
    root = s.repo.root
    edit(s.repo, "how practitioners", "how practitioners and duty managers")
    done = run(root, "commit", SLUG, "-m", "Name the duty manager", "--feedback", s.ids["named"],
               s.ids["rejected"])  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Feedback: {s.ids['named']}, {s.ids['rejected']}" in done.stdout
    out = tmp_path / "packs"
    out.mkdir()
    built = run(root, "pack", s.cycle_id, "-o", str(out), "--json")
    assert built.returncode == 0, built.stderr
    report = json.loads(built.stdout)
    assert report["state"] == "in-signoff" and report["accepted_not_acted_on"] == []
    assert "PREFECT-IMPORTED" not in built.stderr
    verified = run(root, "pack", "--verify", report["folder"])
    assert verified.returncode == 0 and "every file matches" in verified.stdout
    assert load_cycle(s.repo, s.cycle_id).state.value == "in-signoff"


def test_pack_with_undecided_items_is_refused_in_one_line(tmp_path: Path) -> None:
    s = build_scenario(tmp_path / "repo", decide=False)
    out = tmp_path / "packs"
    out.mkdir()
    refused = run(s.repo.root, "pack", s.cycle_id, "-o", str(out))
    assert refused.returncode == 5
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "--allow-undecided" in refused.stderr
    assert list(out.iterdir()) == []
    draft = run(s.repo.root, "pack", s.cycle_id, "-o", str(out), "--allow-undecided")
    assert draft.returncode == 0
    assert "warning: DRAFT — NOT FOR DECISION: 6 item(s) undecided" in draft.stderr
