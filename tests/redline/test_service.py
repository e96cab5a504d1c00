"""The redline service on real git repositories: bases, attribution, errors, comments."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from coproduce.docx.comments import read_comments
from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import Person
from coproduce.redline import redline
from coproduce.store.repo import GuidanceRepo
from tests.helpers.pandoc import pandoc_plain

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LEAD = Person(name="Strategic Lead", email="lead@example.org")
ASHA = Person(name="Asha Patel", email="asha@example.org")
BEN = Person(name="Ben Okafor", email="ben@example.org")
CLEO = Person(name="Cleo Wright", email="cleo@example.org")

FRONT = "---\ntitle: Missing from home protocol\nowner: Partnership\n---\n\n"
V0 = FRONT + (
    "# Missing from home protocol {#protocol}\n\n"
    "Staff should share concerns with the lead.\n\n"
    "Record what was said.\n\n"
    "Close the case after review.\n"
)


def _commit(repo: GuidanceRepo, text: str, who: Person, message: str) -> str:
    return repo.commit_files({"guidance/protocol.md": text}, author=who, message=message)


@pytest.fixture
def repo(tmp_path: Path) -> GuidanceRepo:
    """A repository with an approved v1.0 and three later commits by three people."""
    repo = GuidanceRepo.init(tmp_path / "guidance-repo", author=LEAD)
    _commit(repo, V0, LEAD, "Add protocol")
    repo.approve("protocol", "1.0", author=LEAD)
    v1 = V0.replace("with the lead.", "with the safeguarding lead today.")
    _commit(repo, v1, ASHA, "Name the lead")
    v2 = v1.replace("Record what was said.\n", "Record what was said.\n\nTell the young person.\n")
    _commit(repo, v2, BEN, "Tell young people")
    v3 = v2.replace("Staff should", "Staff must").replace("Close the case after review.\n", "")
    _commit(repo, v3, CLEO, "Tighten wording")
    return repo


def _revision_authors(data: bytes) -> dict[str, set[str]]:
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    found: dict[str, set[str]] = {}
    for el in body.iter(f"{{{W}}}ins", f"{{{W}}}del"):
        found.setdefault(el.get(f"{{{W}}}author", ""), set()).add(etree.QName(el).localname)
    return found


def test_three_commits_by_three_authors_show_three_authors_in_the_revision_marks(
    repo: GuidanceRepo,
) -> None:
    result = redline(repo, "protocol")
    assert result.base == "protocol/v1.0"
    authors = _revision_authors(result.to_bytes())
    assert {"Asha Patel", "Ben Okafor", "Cleo Wright"} <= set(authors)
    assert "Strategic Lead" not in authors


def test_author_override_puts_one_name_on_every_revision(repo: GuidanceRepo) -> None:
    result = redline(repo, "protocol", author="Board Secretary")
    assert set(_revision_authors(result.to_bytes())) == {"Board Secretary"}


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_a_commented_redline_accepts_to_the_proposed_text(
    repo: GuidanceRepo, tmp_path: Path
) -> None:
    result = redline(repo, "protocol")
    result.add_comment(quote="safeguarding lead", text="Who covers nights?", author="Partner 2")
    result.add_comment(quote="Close the case", text="Why removed?", author="Practitioner 5")
    result.add_comment(block=2, text="Plain words, please.", author="Youth panel")
    path = tmp_path / "redline.docx"
    result.save(path)
    accept, reject = pandoc_plain(path, mode="accept"), pandoc_plain(path, mode="reject")
    assert "Staff must share concerns with the safeguarding lead today." in accept
    assert "Tell the young person." in accept
    assert "Close the case" not in accept
    assert "Staff should share concerns with the lead." in reject
    assert "Close the case after review." in reject
    comments = {c.text: c.anchored_text for c in read_comments(path)}
    assert comments["Who covers nights?"].strip().endswith("lead")
    assert "Close the case" in comments["Why removed?"]
    assert len(comments) == 3


def test_an_unknown_revision_is_named(repo: GuidanceRepo) -> None:
    with pytest.raises(NotFoundError, match="no-such-rev"):
        redline(repo, "protocol", base="no-such-rev")


def test_identical_revisions_are_refused_unless_allowed(repo: GuidanceRepo) -> None:
    with pytest.raises(InvalidInputError, match="no changes between HEAD and HEAD"):
        redline(repo, "protocol", base="HEAD", proposed="HEAD")
    empty = redline(repo, "protocol", base="HEAD", proposed="HEAD", allow_empty=True)
    assert not empty.changes.changed
    assert _revision_authors(empty.to_bytes()) == {}


def test_a_document_absent_at_the_base_is_shown_whole_as_inserted(tmp_path: Path) -> None:
    repo = GuidanceRepo.init(tmp_path / "r", author=LEAD)
    first = repo.resolve("HEAD")
    _commit(repo, V0, ASHA, "Add protocol")
    result = redline(repo, "protocol", base=first)
    assert result.notice is not None and "whole document is inserted" in result.notice
    assert {op.kind for op in result.changes.ops} == {"insert"}
    assert set(_revision_authors(result.to_bytes())) == {"Asha Patel"}


def test_a_document_with_no_approved_version_suggests_choosing_a_base(tmp_path: Path) -> None:
    repo = GuidanceRepo.init(tmp_path / "r", author=LEAD)
    _commit(repo, V0, ASHA, "Add protocol")
    with pytest.raises(NotFoundError, match="--base"):
        redline(repo, "protocol")


def test_the_html_redline_names_each_author(repo: GuidanceRepo) -> None:
    page = redline(repo, "protocol").html()
    assert page.startswith("<!DOCTYPE html>")
    for name in ("Asha Patel", "Ben Okafor", "Cleo Wright"):
        assert f'title="{name}, ' in page


def test_building_a_redline_leaves_the_garbage_collector_as_it_found_it(
    repo: GuidanceRepo,
) -> None:
    import gc

    assert gc.isenabled()
    redline(repo, "protocol")
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(NotFoundError):
            redline(repo, "protocol", base="no-such-tag")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_starting_a_redline_process_imports_neither_prefect_nor_comment_code(
    repo: GuidanceRepo, tmp_path: Path
) -> None:
    import sys

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from coproduce.redline import redline\n"
        "from coproduce.store.repo import GuidanceRepo\n"
        "redline(GuidanceRepo.open(Path(sys.argv[1])), 'protocol').save(Path(sys.argv[2]))\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'prefect'\n"
        "          or m.startswith(('coproduce.docx.comments', 'coproduce.redline.html'))]\n"
        "print(loaded)\n"
    )
    out = tmp_path / "redline.docx"
    done = subprocess.run(
        [sys.executable, "-c", script, str(repo.root), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
    assert out.stat().st_size > 0


def test_the_redline_command_imports_no_database_flow_or_comment_code(
    repo: GuidanceRepo, tmp_path: Path
) -> None:
    import sys

    script = (
        "import sys\n"
        "from coproduce.cli import main\n"
        "main(['--repo', sys.argv[1], 'redline', 'protocol', '-o', sys.argv[2]])\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('prefect', 'sqlalchemy')\n"
        "          or m.startswith(('coproduce.docx.comments', 'coproduce.redline.html',\n"
        "                           'coproduce.store.register'))]\n"
        "print(loaded)\n"
    )
    out = tmp_path / "redline.docx"
    done = subprocess.run(
        [sys.executable, "-c", script, str(repo.root), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert out.stat().st_size > 0


def test_the_package_itself_can_be_called_as_the_redline_service(repo: GuidanceRepo) -> None:
    import coproduce

    result = coproduce.redline(repo, "protocol", base="protocol/v1.0", proposed="HEAD")
    assert result.changes.changed
    assert result.to_bytes()[:2] == b"PK"
