"""`coproduce redline` as a lead types it: the format from the file name, and every mistake one
clear line that changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.test_records import DRAFT

EDIT = "Staff report concerns"


@pytest.fixture
def edited(cli, tmp_path: Path) -> Path:
    """A repository with schools approved as 1.1, then one committed edit by Sam Lead."""
    assert cli("init", "repo").code == 0
    root = tmp_path / "repo"
    (tmp_path / "schools.md").write_text(DRAFT, encoding="utf-8")
    assert cli("import", "../schools.md", "--slug", "schools", cwd=root).code == 0
    assert cli("approve", "schools", "1.1", cwd=root).code == 0
    page = root / "guidance" / "schools.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n\n", "\n\nA new opening line for every reader.\n\n", 1))
    identity = ["-c", "user.name=Sam Lead", "-c", "user.email=sam@example.org"]
    subprocess.run(["git", *identity, "commit", "-qam", "Edit"], cwd=root, check=True)
    return root


def test_the_format_comes_from_the_file_name(cli, edited: Path) -> None:
    result = cli("redline", "schools", "-o", "changes.html", cwd=edited)
    assert result.code == 0, result.err
    page = (edited / "changes.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "From <strong>schools/v1.1</strong> to <strong>HEAD</strong>." in page
    assert "1 paragraph added" in result.out + result.err
    result = cli("redline", "schools", "-o", "changes.docx", cwd=edited)
    assert result.code == 0, result.err
    assert (edited / "changes.docx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["-o", "changes.txt"],
            "error: cannot tell the format from 'changes.txt': end it in .docx",
        ),
        (["-o", "changes.docx", "--format", "html"], "error: --format html does not match the"),
        (["-o", "changes", "--format", "pdf"], "error: unknown format 'pdf': choose docx or html"),
        (["-o", "."], "is a folder: give a file name, as "),
        (["--base", "1.1", "-o", "c.docx"], "did you mean --base schools/v1.1?"),
        (["--base", "v1.1", "-o", "c.docx"], "did you mean --base schools/v1.1?"),
        (["--proposed", "nowhere", "-o", "c.docx"], "error: unknown revision 'nowhere'"),
    ],
)
def test_a_mistake_is_one_line_and_writes_nothing(
    cli, edited: Path, args: list[str], said: str
) -> None:
    before = sorted(p.name for p in edited.iterdir())
    result = cli("redline", "schools", *args, cwd=edited)
    assert result.code in (2, 3), result
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert said in result.err, result.err
    assert sorted(p.name for p in edited.iterdir()) == before


def test_uncommitted_edits_are_pointed_out(cli, edited: Path) -> None:
    page = edited / "guidance" / "schools.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNot committed yet.\n", encoding="utf-8")
    result = cli("redline", "schools", "-o", "changes.docx", cwd=edited)
    assert result.code == 0, result.err
    assert "guidance/schools.md has changes that are not committed" in result.err


def test_a_redline_backwards_says_nobody_can_be_named(cli, edited: Path) -> None:
    result = cli("redline", "schools", "--base", "HEAD", "--proposed", "HEAD~1", "-o", "b.docx",
                 cwd=edited)  # fmt: skip
    assert result.code == 0, result.err
    assert "HEAD~1 does not come after HEAD" in result.err
    named = cli("redline", "schools", "--base", "HEAD", "--proposed", "HEAD~1", "-o", "b.docx",
                "--author", "Sam Lead", cwd=edited)  # fmt: skip
    assert "does not come after" not in named.err
