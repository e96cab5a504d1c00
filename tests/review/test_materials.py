"""A cycle's materials: rendered once, read back by pandoc, youth twin flagged when stale."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from coproduce import review
from coproduce.review.materials import read_manifest, render_materials
from coproduce.store import GuidanceRepo
from tests.review.conftest import CLOSES, LEAD, NOW, POLICY

TWIN = """---
title: Escalation — the short version
---

## Why this matters {#purpose}

Workers should speak up when a plan is not working for you.

## When workers act {#when}

If you are not safe, workers must tell someone more senior.
"""


def start_cycle(repo: GuidanceRepo) -> str:
    return review.start_review(
        repo=repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=["practitioners", "young-people"],
        author=LEAD,
        now=NOW,
    ).cycle.id


def test_the_draft_is_rendered_once_as_word_and_html(repo: GuidanceRepo) -> None:
    cycle_id = start_cycle(repo)
    files = render_materials(repo=repo, cycle_id=cycle_id)
    first = {k: p.stat().st_mtime_ns for k, p in files.items()}
    again = render_materials(repo=repo, cycle_id=cycle_id)
    assert set(files) == {"draft-docx", "draft-html"}
    assert {k: p.stat().st_mtime_ns for k, p in again.items()} == first
    assert "how practitioners raise a concern" in files["draft-html"].read_text()
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc is not installed")
    text = subprocess.run(
        ["pandoc", "-f", "docx", "-t", "plain", str(files["draft-docx"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Escalate when a plan is not keeping a young person safe." in " ".join(text.split())


def test_the_youth_twin_is_rendered_and_flagged_stale_when_its_parent_moved_on(
    repo: GuidanceRepo,
) -> None:
    repo.commit_files(
        {"guidance/escalation-policy.young-people.md": TWIN}, author=LEAD, message="Add twin"
    )
    changed = POLICY.replace("is not keeping a young person safe", "leaves a young person at risk")
    repo.commit_files(
        {"guidance/escalation-policy.md": changed}, author=LEAD, message="Reword escalation"
    )
    cycle_id = start_cycle(repo)
    files = render_materials(repo=repo, cycle_id=cycle_id)
    manifest = read_manifest(repo=repo, cycle_id=cycle_id)
    assert "short version" in files["youth-html"].read_text()
    assert manifest is not None
    assert manifest["stale_sections"] == ["when"]
    assert manifest["title"] == "Escalation policy"


def test_a_changed_draft_gets_a_what_changed_page_from_the_redline(repo: GuidanceRepo) -> None:
    edited = POLICY.replace("raise a concern", "raise a concern early")
    repo.commit_files({"guidance/escalation-policy.md": edited}, author=LEAD, message="Sooner")
    files = render_materials(repo=repo, cycle_id=start_cycle(repo))
    page = files["changes-html"].read_text()
    assert "<ins" in page and "early" in page
    manifest = read_manifest(repo=repo, cycle_id=files["changes-html"].parent.name)
    assert manifest is not None and manifest["files"]["changes-html"] == "changes.html"
