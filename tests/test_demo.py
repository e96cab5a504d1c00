"""``coproduce demo`` takes a fresh workspace through the whole cycle, as ``make demo`` does."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coproduce.resources import sample_guidance_dir

COPRODUCE = Path(sys.executable).with_name("coproduce")

pytestmark = pytest.mark.prefect_server


def run_demo(workspace: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "PREFECT_"))}
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return subprocess.run(
        [str(COPRODUCE), "demo", "--workspace", str(workspace), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def test_the_demo_runs_a_whole_cycle_and_says_what_it_made(tmp_path: Path) -> None:
    workspace = tmp_path / "demo"
    result = run_demo(workspace)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Demo finished" in result.stdout
    outputs = workspace / "outputs"
    for name in (
        "exploitation-protocol-v1.0.docx",
        "exploitation-protocol-v1.0.html",
        "changes-since-v1.0.docx",
        "changes-since-v1.0.html",
    ):
        assert (outputs / name).stat().st_size > 0, name
        assert str(outputs / name) in result.stdout
    repo = workspace / "guidance"
    outbox = list((repo / ".coproduce" / "outbox").glob("*.eml"))
    # 20 invitations; reminders only to those who had not answered by then; all 20 told
    # when the review closed
    reminders = [p for p in outbox if p.name.startswith("remind")]
    assert f"{len(reminders)} reminders to those who have not responded" in result.stdout
    assert 0 < len(reminders) < 20
    assert len([p for p in outbox if p.name.startswith("invite.")]) == 20
    assert len([p for p in outbox if p.name.startswith("closed.")]) == 20
    assert "20 participants told it has closed" in result.stdout
    # nine people answered through the portal's pages, one replied in Word, a survey came in
    assert "9 people sent their answers" in result.stdout
    feedback = sorted((repo / "reviews").glob("*/feedback/FB-*.yaml"))
    channels = [yaml.safe_load(f.read_text())["channel"] for f in feedback]
    assert channels.count("portal") >= 9 and "docx" in channels and "survey" in channels
    assert "late: true" in feedback[-1].read_text()
    assert all("late: false" in f.read_text() for f in feedback[:-1])
    # every item triaged from the sheet; accepted suggestions made in commits naming them
    dispositions = list((repo / "reviews").glob("*/dispositions/FB-*.yaml"))
    assert len(dispositions) == len(feedback)
    trailers = subprocess.run(
        ["git", "log", "--format=%(trailers:key=Feedback,valueonly)"],
        cwd=repo, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert len(trailers) >= 4
    (pack,) = [p for p in (outputs / "pack").iterdir() if p.is_dir()]
    assert (pack / "manifest.json").is_file() and pack.with_suffix(".zip").is_file()
    proposed = subprocess.run(
        ["pandoc", "--track-changes=accept", "-t", "plain",
         str(pack / "exploitation-protocol-tracked-changes.docx")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "social media or bank accounts" in " ".join(proposed.split())
    # the board's decision: an annotated tag naming the minute; the approved text published
    tag = subprocess.run(
        ["git", "tag", "-n20", "exploitation-protocol/v1.1"],
        cwd=repo, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "WSCP 2026/14" in tag
    published = repo / "published" / "exploitation-protocol" / "v1.1"
    assert (published / "exploitation-protocol-v1.1.docx").stat().st_size > 0
    assert (published / "exploitation-protocol-v1.1.html").stat().st_size > 0
    # you said, we did: a letter to read first for each person who spoke, then one message each
    letters = workspace / "outputs" / "you-said-we-did" / "participants"
    people_told = {p.stem for p in letters.iterdir()}
    assert f"{len(people_told)} people told what happened to what they said" in result.stdout
    told = [
        p for p in (repo / ".coproduce" / "outbox").glob("*.eml") if p.name.startswith("outcome")
    ]
    assert len(told) == len(people_told) >= 10
    young = next(p for p in letters.glob("*.txt") if "walks are good" in p.read_text())
    assert "agreed with the young person" in " ".join(young.read_text().split())
    roster = csv.DictReader((sample_guidance_dir() / "demo" / "people.csv").open())
    under_18 = [p["name"] for p in roster if p["audience"] == "young-people"]
    for path in [*letters.iterdir(), *(workspace / "outputs" / "you-said-we-did").glob("summar*")]:
        if path.is_file():
            assert not any(name in path.read_text() for name in under_18), path
    log = subprocess.run(
        ["git", "log", "--format=%an|%s"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert "Close review" in log and "Launch review" in log
    assert "Priya Shah|Tighten the response time" in log
    history = subprocess.run(
        ["git", "log", "-p", "--all"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    people = list(csv.DictReader((sample_guidance_dir() / "demo" / "people.csv").open()))
    assert len(people) == 20
    # a young person's disclosure in the survey went to the safeguarding lead, not into git
    assert "1 held for the safeguarding lead" in result.stdout
    assert "older lads" not in history
    for person in people:  # participants' personal data never enters git
        assert person["email"] not in history
        assert person["name"] not in history
    accepted = subprocess.run(
        [
            "pandoc",
            "--track-changes=accept",
            "-t",
            "plain",
            str(outputs / "changes-since-v1.0.docx"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "on the same working day" in accepted


def test_the_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = run_demo(tmp_path, "--fresh")
    assert result.returncode != 0
    assert "not a demo workspace" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"
