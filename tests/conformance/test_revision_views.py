"""Accept-all and reject-all views of Word's own files match the copies Word made of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce.docx.revisions import read_revision_views

WORD_MADE = [
    "RP001-Tracked-Revisions-01",
    "RP002-Deleted-Text",
    "RP003-Inserted-Text",
    "RP005-Deleted-Paragraph-Mark",
    "RP006-Inserted-Paragraph-Mark",
    "RP009-Deleted-Table-Row",
    "RP010-Inserted-Table-Row",
    "RP011-Multiple-Deleted-Rows",
    "RP012-Multiple-Inserted-Rows",
    "RP015-MoveFrom-MoveTo",
    "RP019-Deleted-Field-Code",
    "RP020-Inserted-Field-Code",
    "RP022-NumberingChange",
    "RP025-Paragraph-Props-Change",
    "RP029-Table-Row-Props-Change",
    "RP046-Consecutive-Deleted-Ranges",
    "RP047-Inserted-and-Deleted-Paragraph-Mark",
    "RP050-Deleted-Footnote",
]


def nonempty(paragraphs: list[str]) -> list[str]:
    return [p for p in paragraphs if p]


@pytest.mark.parametrize("stem", WORD_MADE)
def test_views_of_word_files_match_their_accepted_and_rejected_copies(
    stem: str, docx_corpus: Path
) -> None:
    """Open-XML-PowerTools keeps its accepted/rejected copies of Word files beside them.

    Its copies keep an empty paragraph where a moved paragraph was, so empties are left out.
    Cell-level insertions and deletions (RP034, RP035) are not read and not listed here.
    """
    folder = docx_corpus / "open-xml-powertools" / "RP"
    views = read_revision_views(folder / f"{stem}.docx")
    assert views.revisions
    accepted = read_revision_views(folder / f"{stem}-Accepted.docx")
    assert nonempty(views.accepted) == nonempty(accepted.accepted)
    rejected = folder / f"{stem}-Rejected.docx"
    if rejected.exists():
        assert nonempty(views.rejected) == nonempty(read_revision_views(rejected).accepted)
