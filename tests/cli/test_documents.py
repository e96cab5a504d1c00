"""The foundation commands, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest


def pandoc_text(path: Path) -> str:
    return subprocess.run(
        ["pandoc", "-t", "plain", "--wrap=none", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def sample_repo(cli, tmp_path: Path) -> Path:
    result = cli("init", "demo", "--sample")
    assert result.code == 0, result.err
    return tmp_path / "demo"


def test_init_with_sample_commits_and_tags_the_sample_as_approved_v1(
    cli, sample_repo: Path
) -> None:
    assert (sample_repo / "coproduce.toml").is_file()
    assert ".coproduce/" in (sample_repo / ".gitignore").read_text()
    listing = cli("list", "--json", cwd=sample_repo)
    rows = json.loads(listing.out)
    assert [r["slug"] for r in rows] == ["exploitation-protocol"]
    assert rows[0]["approved"] == "exploitation-protocol/v1.0"
    assert rows[0]["words"] >= 2500
    versions = json.loads(cli("versions", "exploitation-protocol", "--json", cwd=sample_repo).out)
    assert versions[0]["tag"] == "exploitation-protocol/v1.0"
    assert versions[0]["author"] == "Alex Lead"
    assert set(versions[0]) >= {"commit", "date", "author", "email", "message", "tag", "version"}


def test_render_then_import_a_word_file_keeps_the_text(
    cli, sample_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "v1.docx"
    rendered = cli(
        "render",
        "exploitation-protocol",
        "--rev",
        "exploitation-protocol/v1.0",
        "-o",
        str(out),
        cwd=sample_repo,
    )
    assert rendered.code == 0, rendered.err
    text = pandoc_text(out)
    assert "Escalation" in text
    imported = cli(
        "import", str(out), "--slug", "protocol-copy", "--approved", "1.0", cwd=sample_repo
    )
    assert imported.code == 0, imported.err
    assert "Approved as protocol-copy/v1.0" in imported.out
    copy = tmp_path / "copy.docx"
    assert cli("render", "protocol-copy", "-o", str(copy), cwd=sample_repo).code == 0
    assert pandoc_text(copy).split() == text.split()


def test_render_html_writes_a_whole_page(cli, sample_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "current.html"
    result = cli(
        "render", "exploitation-protocol", "--format", "html", "-o", str(out), cwd=sample_repo
    )
    assert result.code == 0, result.err
    html = out.read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert 'id="escalation"' in html


def test_history_of_a_section_names_who_changed_it(cli, sample_repo: Path) -> None:
    path = sample_repo / "guidance" / "exploitation-protocol.md"
    text = path.read_text()
    marker = "## Escalation"
    assert marker in text
    head, tail = text.split(marker, 1)
    first_line_end = tail.index("\n")
    path.write_text(
        head
        + marker
        + tail[:first_line_end]
        + "\n\nA new paragraph on escalating early."
        + tail[first_line_end:]
    )
    env = {
        "GIT_AUTHOR_NAME": "Jo Editor",
        "GIT_AUTHOR_EMAIL": "jo@example.org",
        "GIT_COMMITTER_NAME": "Jo Editor",
        "GIT_COMMITTER_EMAIL": "jo@example.org",
    }
    subprocess.run(
        ["git", "commit", "-qam", "Escalate sooner\n\nFeedback: FB-0012"],
        cwd=sample_repo,
        check=True,
        env={**env, "PATH": "/usr/bin:/bin"},
    )
    rows = json.loads(
        cli(
            "history", "exploitation-protocol", "--section", "escalation", "--json", cwd=sample_repo
        ).out
    )
    assert rows[0]["author"] == "Jo Editor"
    assert rows[0]["feedback"] == ["FB-0012"]
    assert rows[0]["change"] == "modified"
    assert rows[-1]["change"] == "added"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "nope", "-o", "x.docx"], "no guidance document 'nope'"),
        (["render", "exploitation-protocol", "--rev", "v9.9", "-o", "x.docx"], "unknown revision"),
        (["versions", "nope"], "no guidance document 'nope'"),
        (["history", "exploitation-protocol", "--section", "nowhere"], "nowhere"),
    ],
)
def test_unknown_things_give_one_line_and_a_non_zero_exit(
    cli, sample_repo: Path, args, message
) -> None:
    result = cli(*args, cwd=sample_repo)
    assert result.code != 0
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_bad_imports_leave_the_repository_unchanged(
    cli, sample_repo: Path, tmp_path: Path, git_state
) -> None:
    before = git_state(sample_repo)
    pdf = tmp_path / "protocol.docx"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    cases = [
        (["import", str(pdf), "--slug", "new-doc"], "PDF"),
        (["import", str(broken), "--slug", "new-doc"], "corrupt"),
        (["import", str(pdf), "--slug", "exploitation-protocol"], "duplicate slug"),
        (["import", str(pdf), "--slug", "Bad Slug"], "invalid slug"),
    ]
    for args, message in cases:
        result = cli(*args, cwd=sample_repo)
        assert result.code != 0, args
        assert message in result.err, (args, result.err)
        assert "Traceback" not in result.err
    assert git_state(sample_repo) == before


def test_a_file_with_uncommitted_changes_is_not_overwritten(
    cli, sample_repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "v1.docx"
    assert cli("render", "exploitation-protocol", "-o", str(out), cwd=sample_repo).code == 0
    path = sample_repo / "guidance" / "exploitation-protocol.md"
    path.write_text(path.read_text() + "\nHand edit in progress.\n")
    result = cli(
        "import", str(out), "--slug", "exploitation-protocol", "--replace", cwd=sample_repo
    )
    assert result.code != 0
    assert "uncommitted" in result.err
    assert path.read_text().endswith("Hand edit in progress.\n")


def test_the_repository_is_found_from_the_environment_or_option(
    cli, sample_repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    by_env = cli("list", "--json", cwd=elsewhere, extra_env={"COPRODUCE_REPO": str(sample_repo)})
    by_option = cli("--repo", str(sample_repo), "list", "--json", cwd=elsewhere)
    assert json.loads(by_env.out) == json.loads(by_option.out)
    nowhere = cli("list", cwd=elsewhere)
    assert nowhere.code != 0
    assert "not a coproduce repository" in nowhere.err


def test_malformed_front_matter_names_the_file_and_every_problem(
    cli, sample_repo: Path, tmp_path: Path, git_state
) -> None:
    before = git_state(sample_repo)
    bad = tmp_path / "draft.md"
    bad.write_text("---\ntitle: ''\nversion: one\nstatus: lost\n---\n\n# Draft\n")
    result = cli("import", str(bad), "--slug", "draft", cwd=sample_repo)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines[0] == "error: draft.md: document is not valid (3 problems)"
    assert sorted(line.split(":")[0].strip(" -") for line in lines[1:]) == [
        "status",
        "title",
        "version",
    ]
    assert git_state(sample_repo) == before
