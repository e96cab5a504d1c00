"""Records that tell the truth: approval in the front matter, draft numbers, replaced imports."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import docx
import pytest

DRAFT = """---
title: Safeguarding in schools
owner: Westmere Safeguarding Children Partnership
version: "1.0"
review_date: 2027-03-31
statutory_basis:
  - Education Act 2002 (section 175)
audiences: [practitioners, partners]
---

# Safeguarding in schools

## Roles {#roles}

The designated safeguarding lead takes the lead.

## Reporting a concern

Report a concern the same day.
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def title_block(path: Path) -> dict[str, str]:
    table = docx.Document(str(path)).tables[0]
    return {row.cells[0].text: row.cells[1].text for row in table.rows}


@pytest.fixture
def repo(cli, tmp_path: Path) -> Path:
    assert cli("init", "repo").code == 0
    root = tmp_path / "repo"
    (tmp_path / "schools.md").write_text(DRAFT, encoding="utf-8")
    result = cli("import", "../schools.md", "--slug", "schools", cwd=root)
    assert result.code == 0, result.err
    return root


def test_approve_commits_the_front_matter_and_tags_that_commit(cli, repo: Path) -> None:
    result = cli("approve", "schools", "1.1", cwd=repo)
    assert result.code == 0, result.err
    assert git(repo, "rev-parse", "schools/v1.1^{commit}") == git(repo, "rev-parse", "HEAD")
    tagged = git(repo, "show", "schools/v1.1:guidance/schools.md")
    assert "status: approved" in tagged and "version: '1.1'" in tagged
    assert git(repo, "log", "-1", "--format=%s").strip() == "Approve schools version 1.1"


def test_a_render_of_the_tag_says_approved_and_its_number(cli, repo: Path, tmp_path: Path) -> None:
    cli("approve", "schools", "1.1", cwd=repo)
    out = tmp_path / "v1.1.docx"
    result = cli("render", "schools", "--rev", "schools/v1.1", "-o", str(out), cwd=repo)
    assert result.code == 0, result.err
    details = title_block(out)
    assert (details["Status"], details["Version"]) == ("Approved", "1.1")
    props = docx.Document(str(out)).core_properties
    assert props.category == "approved" and "1.1" in props.subject


def test_the_working_draft_after_approval_is_numbered_the_next_draft(
    cli, repo: Path, tmp_path: Path
) -> None:
    cli("approve", "schools", "1.1", cwd=repo)
    text = (repo / "guidance" / "schools.md").read_text(encoding="utf-8")
    (repo / "guidance" / "schools.md").write_text(text + "\nA colleague's line.\n", "utf-8")
    git(repo, "-c", "user.name=Colleague", "-c", "user.email=c@example.org", "commit", "-qam", "x")
    out = tmp_path / "draft.docx"
    assert cli("render", "schools", "-o", str(out), cwd=repo).code == 0
    details = title_block(out)
    assert (details["Status"], details["Version"]) == ("Draft", "1.2 draft")
    listed = json.loads(cli("list", "--json", cwd=repo).out)
    assert (listed[0]["status"], listed[0]["version"]) == ("draft", "1.2")


def test_approving_over_uncommitted_changes_is_refused_and_changes_nothing(
    cli, repo: Path, git_state
) -> None:
    path = repo / "guidance" / "schools.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUnsaved.\n", encoding="utf-8")
    before = git_state(repo)
    result = cli("approve", "schools", "1.1", cwd=repo)
    assert result.code == 4
    assert "has changes not yet committed" in result.err
    assert git_state(repo) == before


def test_import_replace_keeps_front_matter_and_section_ids(cli, repo: Path, tmp_path: Path) -> None:
    cli("approve", "schools", "1.0", cwd=repo)
    out = tmp_path / "schools.docx"
    cli("render", "schools", "-o", str(out), cwd=repo)
    word = docx.Document(str(out))
    word.add_paragraph("A new closing line from the Word revision.")
    for table in list(word.tables[:1]):  # a third party's Word file: no details table at all
        table._tbl.getparent().remove(table._tbl)
    word.core_properties.category = ""
    revised = tmp_path / "revised.docx"
    word.save(str(revised))
    result = cli("import", str(revised), "--slug", "schools", "--replace", cwd=repo)
    assert result.code == 0, result.err
    text = (repo / "guidance" / "schools.md").read_text(encoding="utf-8")
    for kept in (
        "owner: Westmere Safeguarding Children Partnership",
        "review_date: 2027-03-31",
        "Education Act 2002 (section 175)",
        "- practitioners",
        "status: draft",
        "version: '1.1'",
        "{#roles}",
        "{#reporting-a-concern}",
    ):
        assert kept in text, kept
    history = json.loads(
        cli("history", "schools", "--section", "reporting-a-concern", "--json", cwd=repo).out
    )
    assert "removed" not in [row["change"] for row in history]


def test_render_with_a_bare_version_suggests_the_tag(cli, repo: Path, tmp_path: Path) -> None:
    cli("approve", "schools", "1.1", cwd=repo)
    result = cli("render", "schools", "--rev", "v1.1", "-o", str(tmp_path / "x.docx"), cwd=repo)
    assert result.code == 3
    assert result.err.strip() == (
        "error: unknown revision 'v1.1'; did you mean --rev schools/v1.1?"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["redline", "no-such-doc", "-o", "x.docx"],
        ["render", "no-such-doc", "-o", "x.docx"],
        ["versions", "no-such-doc"],
        ["approve", "no-such-doc", "1.0"],
    ],
)
def test_a_wrong_slug_says_no_guidance_document_everywhere(
    cli, repo: Path, args: list[str]
) -> None:
    result = cli(*args, cwd=repo)
    assert result.code == 3
    assert result.err.startswith("error: no guidance document 'no-such-doc'"), result.err


def test_the_title_block_leaves_out_empty_rows_and_takes_the_owner_from_settings(
    cli, tmp_path: Path
) -> None:
    cli("init", "bare")
    root = tmp_path / "bare"
    toml = root / "coproduce.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[organisation]\n", '[organisation]\nname = "Westmere Partnership"\n', 1
        ),
        encoding="utf-8",
    )
    (tmp_path / "bare.md").write_text("---\ntitle: Bare\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert cli("import", "../bare.md", "--slug", "bare", cwd=root).code == 0
    out = tmp_path / "bare.docx"
    assert cli("render", "bare", "-o", str(out), cwd=root).code == 0, "render"
    details = title_block(out)
    assert details == {"Owner": "Westmere Partnership", "Status": "Draft", "Version": "0.1 draft"}
    body = docx.Document(str(out)).element.body
    first, second = [e for e in body if e.tag.endswith("}tbl")][:2]
    between = list(body).index(second) - list(body).index(first)
    assert between == 2  # a paragraph keeps the details table apart from the first body table


def test_output_files_follow_the_umask_while_the_register_stays_private(
    cli, repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "schools.docx"
    old = os.umask(0o022)
    try:
        assert cli("render", "schools", "-o", str(out), cwd=repo).code == 0
        assert cli("participants", "list", cwd=repo).code == 0  # opens the register
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert stat.S_IMODE((repo / ".coproduce").stat().st_mode) & 0o077 == 0
    register = repo / ".coproduce" / "register.sqlite3"
    assert stat.S_IMODE(register.stat().st_mode) == 0o600
