"""Real guidance repositories in tmp_path, people to act as, and sample Markdown."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from coproduce.models import Person
from coproduce.store import GuidanceRepo

LEAD = Person(name="Sam Lead", email="sam.lead@example.org")
SECRETARY = Person(name="Ola Secretary", email="ola@example.org")
PRACTITIONER = Person(name="Jo Practitioner", email="jo@example.org")


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's git config and COPRODUCE_* settings out of every test."""
    for name in list(os.environ):
        if name.startswith("COPRODUCE_") or name.startswith("GIT_"):
            monkeypatch.delenv(name)
    gitconfig = tmp_path / "home.gitconfig"
    gitconfig.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return gitconfig


@pytest.fixture
def repo(tmp_path: Path) -> GuidanceRepo:
    """Return a fresh guidance repository created by Sam Lead."""
    return GuidanceRepo.init(tmp_path / "guidance-repo", author=LEAD)


def _policy(
    *, purpose: str = "This policy says how practitioners raise a concern.", extra: str = ""
) -> str:
    """Return a small escalation policy in Markdown with explicit section ids."""
    return (
        "---\n"
        "title: Escalation policy\n"
        "owner: Strategic lead\n"
        'version: "0.1"\n'
        "---\n\n"
        "# Escalation policy {#escalation-policy}\n\n"
        "## Purpose {#purpose}\n\n"
        f"{purpose}\n\n"
        "## When to escalate {#when}\n\n"
        "Escalate when a plan is not keeping a young person safe.\n"
        f"{extra}"
    )


def _git(root: Path, *args: str, person: Person | None = None) -> str:
    """Run the git command line in ``root`` (as ``person``) and return its output."""
    env = dict(os.environ)
    if person is not None:
        env.update(
            GIT_AUTHOR_NAME=person.name,
            GIT_AUTHOR_EMAIL=person.email,
            GIT_COMMITTER_NAME=person.name,
            GIT_COMMITTER_EMAIL=person.email,
        )
    result = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture
def policy():  # type: ignore[no-untyped-def]
    """Return a function making the sample policy's Markdown."""
    return _policy


@pytest.fixture
def git():  # type: ignore[no-untyped-def]
    """Return a function running the git command line in a folder, optionally as a person."""
    return _git


@pytest.fixture
def lead() -> Person:
    return LEAD


@pytest.fixture
def secretary() -> Person:
    return SECRETARY


@pytest.fixture
def practitioner() -> Person:
    return PRACTITIONER
