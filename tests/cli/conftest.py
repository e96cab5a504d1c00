from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.channels.conftest import open_cycle  # noqa: F401  (the feedback commands' fixture)

COPRODUCE = Path(sys.executable).with_name("coproduce")


@dataclass
class Result:
    code: int
    out: str
    err: str


def _git_state(repo: Path) -> tuple[str, str, str]:
    """Return HEAD, the tag list and the porcelain status: equal before and after = unchanged."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, check=False
        ).stdout

    return git("rev-parse", "HEAD"), git("tag", "--list"), git("status", "--porcelain")


@pytest.fixture
def cli(tmp_path: Path):
    """Run the installed ``coproduce`` command as a user would, in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPRODUCE_")}
    env["COPRODUCE_AUTHOR"] = "Alex Lead <alex.lead@example.org>"
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()

    def run(*args: str, cwd: Path | None = None, extra_env: dict[str, str] | None = None) -> Result:
        proc = subprocess.run(
            [str(COPRODUCE), *args],
            cwd=cwd or tmp_path,
            env={**env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def git_state():
    """Return a function giving a repository's HEAD, tags and status, to compare before/after."""
    return _git_state
