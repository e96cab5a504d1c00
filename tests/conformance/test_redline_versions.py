"""Redlines of real published histories: Accept All gives the later version, Reject All the earlier.

Every pair of consecutive versions in the corpus is written as a tracked-change Word file and
read back by our revision reader and by pandoc, against clean renders of both versions.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from coproduce.document import parse_markdown
from coproduce.docx.revisions import find_revision_problems, read_revision_views
from coproduce.docx.tracked import render_tracked_bytes
from coproduce.docx.writer import render_docx_bytes
from coproduce.models import Document, Table
from coproduce.redline.change import compute_changes
from tests.helpers.pandoc import pandoc_paragraphs, paragraph_words

from .conftest import corpus_cases, guidance_versions

WHEN = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.UTC)


def version_pairs(root: Path) -> list[tuple[str, Path, Path]]:
    """Return (folder name, version, next version) for each history in the corpus."""
    by_folder = itertools.groupby(guidance_versions(root), key=lambda path: path.parent)
    return [
        (folder.name, old, new)
        for folder, files in by_folder
        for old, new in itertools.pairwise(files)
    ]


def parse_version(path: Path, title: str) -> Document:
    return parse_markdown(f"---\ntitle: {title}\n---\n" + path.read_text(), slug="corpus")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("title", "old", "new"),
    corpus_cases(version_pairs, arity=3),
    ids=lambda v: v.name[:3] if isinstance(v, Path) else str(v)[:24],
)
def test_consecutive_published_versions_accept_and_reject_exactly(
    title: str, old: Path, new: Path, tmp_path: Path
) -> None:
    base, proposed = parse_version(old, title), parse_version(new, title)
    changes = compute_changes(base, proposed)
    tracked = tmp_path / "tracked.docx"
    tracked.write_bytes(render_tracked_bytes(changes, author="Ana Lead", date=WHEN))
    (tmp_path / "base.docx").write_bytes(render_docx_bytes(base, modified=WHEN))
    (tmp_path / "proposed.docx").write_bytes(render_docx_bytes(proposed, modified=WHEN))
    views = read_revision_views(tracked)
    assert views.accepted == read_revision_views(tmp_path / "proposed.docx").accepted
    assert views.rejected == read_revision_views(tmp_path / "base.docx").accepted
    assert find_revision_problems(tracked) == []
    compare = (
        paragraph_words
        if any(isinstance(b, Table) for b in [*base.blocks, *proposed.blocks])
        else list
    )
    assert compare(pandoc_paragraphs(tracked, "accept")) == compare(
        pandoc_paragraphs(tmp_path / "proposed.docx", "accept")
    )
    assert compare(pandoc_paragraphs(tracked, "reject")) == compare(
        pandoc_paragraphs(tmp_path / "base.docx", "accept")
    )
