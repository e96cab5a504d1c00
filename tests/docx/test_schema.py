"""Every XML part we write validates against the WordprocessingML schema (openxml-audit).

openxml-audit checks each XML part of a package against the Open XML SDK's schema data
(ECMA-376 plus the Office extensions: w14, w15, w16cid, w16cex), and adds the SDK's semantic
checks and a few checks for things Word itself refuses. Every render must validate with no
finding at all: a finding is fixed in our writer, not explained away here.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from coproduce.document import parse_markdown
from coproduce.docx import render_docx_bytes
from coproduce.docx.comments import add_comment, find_passage, read_comments, set_resolved
from coproduce.docx.tracked import save_tracked_docx
from coproduce.models import Person
from coproduce.redline import redline
from coproduce.store.repo import GuidanceRepo

audit = pytest.importorskip("openxml_audit", reason="openxml-audit is not installed")

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "guidance" / "exploitation-protocol.md"
DRAFT = ROOT / "guidance" / "demo" / "exploitation-protocol.draft.md"
WHEN = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


def findings(path: Path) -> list[str]:
    """Return every schema and semantic finding for the package at ``path``, one line each."""
    result = audit.OpenXmlValidator(max_errors=0).validate(path)
    return [str(error) for error in result.errors]


def package_listing(path: Path) -> tuple[list[str], bytes]:
    """Return the names of a package's parts and its content types."""
    with zipfile.ZipFile(path) as package:
        return package.namelist(), package.read("[Content_Types].xml")


@pytest.fixture(scope="module")
def sample_repo(tmp_path_factory: pytest.TempPathFactory) -> GuidanceRepo:
    """Return a guidance repository: the sample approved as v1.0, then the demo draft."""
    folder = tmp_path_factory.mktemp("schema")
    lead = Person(name="Strategic Lead", email="lead@example.org")
    repo = GuidanceRepo.init(folder / "repo", author=lead)
    slug = "exploitation-protocol"
    repo.commit_files({f"guidance/{slug}.md": SAMPLE.read_text()}, author=lead, message="Base")
    repo.approve(slug, "1.0", author=lead)
    editor = Person(name="Policy Editor", email="editor@example.org")
    repo.commit_files({f"guidance/{slug}.md": DRAFT.read_text()}, author=editor, message="Draft")
    return repo


def test_the_clean_render_of_the_sample_validates(tmp_path: Path) -> None:
    document = parse_markdown(SAMPLE.read_text(), slug="exploitation-protocol")
    path = tmp_path / "clean.docx"
    path.write_bytes(render_docx_bytes(document, modified=WHEN))
    assert findings(path) == []


def test_the_tracked_redline_of_v1_to_the_draft_validates(
    sample_repo: GuidanceRepo, tmp_path: Path
) -> None:
    result = redline(sample_repo, "exploitation-protocol")
    path = tmp_path / "tracked.docx"
    result.save(path)
    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml")
    assert b"<w:ins " in body and b"<w:del " in body
    assert b'<w:cantSplit w:val="off"/><w:ins ' in body  # a table row added in the draft
    assert findings(path) == []


def test_a_redline_with_comments_replies_and_resolved_flags_validates(
    sample_repo: GuidanceRepo, tmp_path: Path
) -> None:
    result = redline(sample_repo, "exploitation-protocol")
    first = result.add_comment(
        text="Is this the word young people used?", author="Youth Worker", block=3, date=WHEN
    )
    result.add_comment(text="Yes, from the workshop.", author="Strategic Lead", parent=first)
    start, end = find_passage(result.document, quote="exploitation")
    second = add_comment(
        result.document,
        start_run_or_element=start,
        end=end,
        text="Define this on first use.",
        author="Practitioner",
        initials="PR",
        date=WHEN,
    )
    set_resolved(result.document, second)
    path = tmp_path / "comments.docx"
    save_tracked_docx(result.document, path)
    comments = read_comments(path)
    assert [c.parent_id is not None for c in comments] == [False, True, False]
    assert [c.resolved for c in comments] == [False, False, True]
    assert findings(path) == []


def test_the_tracked_writer_leaves_out_the_stale_styles_with_effects_part(
    sample_repo: GuidanceRepo, tmp_path: Path
) -> None:
    path = tmp_path / "tracked.docx"
    redline(sample_repo, "exploitation-protocol").save(path)
    names, types = package_listing(path)
    assert "word/styles.xml" in names
    assert "word/stylesWithEffects.xml" not in names
    assert b"stylesWithEffects" not in types


def test_the_clean_writer_leaves_out_the_stale_styles_with_effects_part(tmp_path: Path) -> None:
    document = parse_markdown(SAMPLE.read_text(), slug="exploitation-protocol")
    path = tmp_path / "clean.docx"
    path.write_bytes(render_docx_bytes(document, modified=WHEN))
    names, types = package_listing(path)
    assert "word/styles.xml" in names
    assert "word/stylesWithEffects.xml" not in names
    assert b"stylesWithEffects" not in types


def test_the_validator_reports_a_revision_mark_in_the_wrong_place(tmp_path: Path) -> None:
    # A w:del inside a w:r is a known repair trigger; the check must not be blind to it.
    clean = tmp_path / "clean.docx"
    document = parse_markdown(SAMPLE.read_text(), slug="exploitation-protocol")
    clean.write_bytes(render_docx_bytes(document, modified=WHEN))
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(clean) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:t>", b'<w:del w:id="1" w:author="x"/><w:t>', 1)
            target.writestr(info, data)
    found = findings(broken)
    assert any("/word/document.xml" in f and "del" in f for f in found), found


def test_a_draft_stamped_for_one_participant_validates(tmp_path: Path) -> None:
    from coproduce.docx.properties import (
        PARTICIPANT_PLACEHOLDER,
        add_custom_properties,
        stamp_participant,
    )

    document = parse_markdown(SAMPLE.read_text(), slug="exploitation-protocol")
    draft = add_custom_properties(
        render_docx_bytes(document, modified=WHEN),
        {"cycle": "2026-q4-x", "version": "abc", "participant": PARTICIPANT_PLACEHOLDER},
    )
    path = tmp_path / "stamped.docx"
    path.write_bytes(stamp_participant(draft, "P-0123456789"))
    assert findings(path) == []
