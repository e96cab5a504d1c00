"""A comment on a quote covers exactly the quote, in unchanged, inserted and deleted text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from coproduce.docx.comments import read_comments
from coproduce.models import Person
from coproduce.redline import redline
from coproduce.store.repo import GuidanceRepo

LEAD = Person(name="Strategic Lead", email="lead@example.org")
BASE = """---
title: Protocol
---

## Escalation {#escalation}

Speak to the other agency within one working day of the concern arising.

Record the outcome in the case file.
"""
PROPOSED = BASE.replace("within one working day", "on the same working day").replace(
    "in the case file", "in the shared chronology"
)


@pytest.fixture
def repo(tmp_path: Path) -> GuidanceRepo:
    repo = GuidanceRepo.init(tmp_path / "guidance-repo", author=LEAD)
    repo.commit_files({"guidance/protocol.md": BASE}, author=LEAD, message="Add")
    repo.approve("protocol", "1.0", author=LEAD)
    repo.commit_files({"guidance/protocol.md": PROPOSED}, author=LEAD, message="Edit")
    return repo


def pandoc(path: Path, mode: str) -> str:
    return subprocess.run(
        ["pandoc", f"--track-changes={mode}", "-t", "plain", "--wrap=none", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize(
    "quote",
    [
        "other agency",  # unchanged text, inside a longer run
        "same",  # inserted text
        "case file",  # deleted text
        "Speak to the other agency",  # the start of a paragraph
        "of the concern arising.",  # the end of a paragraph
    ],
)
def test_a_comment_covers_exactly_the_quoted_words(
    repo: GuidanceRepo, tmp_path: Path, quote: str
) -> None:
    result = redline(repo, "protocol")
    result.add_comment(quote=quote, text="Why this?", author="Alex Morgan")
    path = tmp_path / "changes.docx"
    result.save(path)
    (comment,) = read_comments(path)
    assert comment.anchored_text == quote
    assert pandoc(path, "accept").split() == rendered_text(tmp_path, repo, "HEAD").split()
    assert pandoc(path, "reject").split() == rendered_text(tmp_path, repo, "protocol/v1.0").split()


def rendered_text(tmp_path: Path, repo: GuidanceRepo, rev: str) -> str:
    """Return pandoc's text of a clean render of ``rev``."""
    from coproduce.docx import render_docx_bytes

    path = tmp_path / f"render-{rev.replace('/', '-')}.docx"
    path.write_bytes(render_docx_bytes(repo.read_document("protocol", rev)))
    return pandoc(path, "accept")
