"""A real guidance repository with an approved policy, and people in its register."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from coproduce.models import ParticipantRecord, Person
from coproduce.review.context import ReviewContext, open_context
from coproduce.store import GuidanceRepo
from coproduce.store.register import Register

LEAD = Person(name="Sam Lead", email="sam.lead@example.org")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
CLOSES = dt.date(2026, 12, 15)
POLICY = """---
title: Escalation policy
owner: Strategic lead
version: "1.0"
---

# Escalation policy {#escalation-policy}

## Purpose {#purpose}

This policy says how practitioners raise a concern about a plan.

## When to escalate {#when}

Escalate when a plan is not keeping a young person safe.
"""


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's git config, COPRODUCE_* and PREFECT_* settings out of every test."""
    for name in list(os.environ):
        if name.startswith(("COPRODUCE_", "GIT_")):
            monkeypatch.delenv(name)
    gitconfig = tmp_path / "home.gitconfig"
    gitconfig.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def make_repo(root: Path) -> GuidanceRepo:
    """Create a guidance repository holding the escalation policy, approved as v1.0."""
    repo = GuidanceRepo.init(root, author=LEAD)
    repo.commit_files(
        {"guidance/escalation-policy.md": POLICY}, author=LEAD, message="Add escalation policy"
    )
    repo.approve("escalation-policy", "1.0", author=LEAD, message="Approved by the board")
    return repo


def add_people(repo: GuidanceRepo, audiences: dict[str, int]) -> list[str]:
    """Add ``n`` participants to each audience of the register; return their ids."""
    ids: list[str] = []
    with Register.for_state_dir(Path(repo.state_dir)) as register:
        records = []
        for audience, n in audiences.items():
            for i in range(n):
                pid = register.new_participant_id()
                ids.append(pid)
                records.append(
                    ParticipantRecord(
                        id=pid,
                        name=f"Person {audience} {i}",
                        email=f"{audience}.{i}@example.org",
                        audience=audience,
                    )
                )
        register.add_participants(records)
    return ids


@pytest.fixture
def repo(tmp_path: Path) -> GuidanceRepo:
    """Return a repository with the approved escalation policy and four participants."""
    guidance = make_repo(tmp_path / "guidance-repo")
    add_people(guidance, {"practitioners": 3, "partners": 1})
    return guidance


@pytest.fixture
def ctx(repo: GuidanceRepo) -> ReviewContext:
    """Return the review context (settings, outreach to the outbox) of ``repo``."""
    context = open_context(repo=repo.root, author="Sam Lead <sam.lead@example.org>")
    yield context  # type: ignore[misc]
    context.close()


def outbox_files(repo: GuidanceRepo) -> list[Path]:
    """Return every .eml file in the repository's outbox."""
    return sorted((Path(repo.state_dir) / "outbox").rglob("*.eml"))
