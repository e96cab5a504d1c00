"""Word's own files read with the comment counts the corpus records for them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coproduce.docx.comments import read_comments

from .conftest import corpus_cases


def _features(root: Path) -> list[dict[str, str]]:
    with (root / "docx" / "FEATURES.csv").open(newline="") as f:
        return [
            row
            for row in csv.DictReader(f)
            if int(row["comments"]) or row["file"].startswith("apache-poi/")
        ]


@pytest.mark.parametrize("row", corpus_cases(_features), ids=lambda row: row["file"])
def test_word_files_read_with_the_counts_the_corpus_records(
    docx_corpus: Path, row: dict[str, str]
) -> None:
    records = read_comments(docx_corpus / row["file"])
    assert len(records) == int(row["comments"])
    assert sum(r.parent_id is not None for r in records) == int(row["comment_replies"])
    assert sum(r.resolved for r in records) == int(row["comments_resolved"])
    assert len({r.author for r in records}) == int(row["comment_authors"])
    ids = [r.id for r in records]
    assert all(r.parent_id in ids for r in records if r.parent_id is not None)
