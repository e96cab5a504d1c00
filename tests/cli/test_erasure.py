"""An erasure request leaves the person's name and email nowhere: state folder, register, git."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

from coproduce.review import launch, start_review
from coproduce.review.context import open_context
from tests.cli.conftest import COPRODUCE

PEOPLE = (
    "name,email,audience,organisation,age_band,consent_named\n"
    "Morgan Whitfield,morgan.whitfield@example.org,practitioners,Westmere Police,25+,yes\n"
    "Dana Okafor,dana.okafor@example.org,practitioners,Westmere Council,25+,no\n"
)
POLICY = "---\ntitle: Escalation policy\n---\n\n# Escalation policy\n\nRaise it early.\n"


def _everything_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def _invited_repo(cli, tmp_path: Path) -> tuple[Path, str]:
    cli("init", "repo")
    repo = tmp_path / "repo"
    (repo / "guidance" / "escalation-policy.md").write_text(POLICY, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=Lead", "-c", "user.email=l@example.org", "commit", "-qm", "Add"],
        cwd=repo,
        check=True,
    )
    assert cli("approve", "escalation-policy", "1.0", cwd=repo).code == 0
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert cli("participants", "import", "../people.csv", cwd=repo).code == 0
    ctx = open_context(repo=repo, author="Alex Lead <alex.lead@example.org>")
    try:
        cycle = start_review(
            repo=ctx.repo,
            slug="escalation-policy",
            closes=dt.date(2099, 12, 15),
            audiences=["practitioners"],
            author=ctx.author,
        ).cycle
        launch(repo=ctx.repo, cycle_id=cycle.id, outreach=ctx.outreach, author=ctx.author)
    finally:
        ctx.close()
    rows = json.loads(cli("participants", "list", "--json", cwd=repo).out)
    return repo, rows[0]["id"]


def test_after_erasure_no_file_register_or_commit_holds_the_name_or_email(
    cli, tmp_path: Path
) -> None:
    repo, morgan = _invited_repo(cli, tmp_path)
    state = repo / ".coproduce"
    assert b"morgan.whitfield@example.org" in _everything_under(state)
    result = cli("participants", "erase", morgan, "--yes", cwd=repo)
    assert result.code == 0, result.err
    assert "from the register: name, email, organisation, age" in result.out
    assert "Deleted 1 sent messages to them from the outbox" in result.out
    assert "warning" not in result.err
    everything = _everything_under(state)
    assert b"morgan.whitfield@example.org" not in everything
    assert b"Morgan Whitfield" not in everything and b"Whitfield" not in everything
    assert b"dana.okafor@example.org" in everything  # only the one person is erased
    history = subprocess.run(
        ["git", "log", "--all", "-p", "--format=%an %ae %B"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Whitfield" not in history and "morgan" not in history.lower()


def test_answering_no_at_the_prompt_erases_nothing_and_exits_cleanly(cli, tmp_path: Path) -> None:
    repo, morgan = _invited_repo(cli, tmp_path)
    proc = subprocess.run(
        [str(COPRODUCE), "participants", "erase", morgan],
        cwd=repo,
        input="n\n",
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path / "home")},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Nothing was erased; {morgan} is as it was" in proc.stdout
    assert "Traceback" not in proc.stderr
    listed = json.loads(cli("participants", "list", "--json", "--show-names", cwd=repo).out)
    assert listed[0]["name"] == "Morgan Whitfield"
