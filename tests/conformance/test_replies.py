"""Every Word file of the corpus read as a reply: its counts match FEATURES.csv, and the edits it
suggests are the passages its -Accepted/-Rejected copies differ by."""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from coproduce.docx.replies import clean_author, read_reply

from .conftest import corpus_cases
from .test_revision_views import WORD_MADE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _features(root: Path) -> list[dict[str, str]]:
    with (root / "docx" / "FEATURES.csv").open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", corpus_cases(_features), ids=lambda row: row["file"])
def test_every_corpus_file_reads_with_the_counts_features_records(
    docx_corpus: Path, row: dict[str, str]
) -> None:
    reply = read_reply(docx_corpus / row["file"])
    kinds = Counter(r.kind for r in reply.revisions)
    row = {**row, **_without_copies(docx_corpus / row["file"], row)}
    assert len(reply.comments) == int(row["comments"])
    assert sum(c.parent_id is not None for c in reply.comments) == int(row["comment_replies"])
    assert sum(c.resolved for c in reply.comments) == int(row["comments_resolved"])
    assert kinds["insert"] + kinds["mark_insert"] + kinds["row_insert"] == int(row["w:ins"])
    assert kinds["delete"] + kinds["mark_delete"] + kinds["row_delete"] == int(row["w:del"])
    assert kinds["move_from"] + kinds["mark_move_from"] == int(row["moveFrom"])
    assert kinds["move_to"] + kinds["mark_move_to"] == int(row["moveTo"])
    assert kinds["format"] == int(row["rPrChange"])
    assert kinds["paragraph_format"] == int(row["pPrChange"])
    authors = {r.author for r in reply.revisions} - {""}  # grid changes carry no author
    assert len(authors) == int(row["revision_authors"])
    assert reply.to_json()["comments"] == [] or all(
        "<" not in c["author"] for c in reply.to_json()["comments"]
    )


@pytest.mark.parametrize("stem", WORD_MADE)
def test_suggested_edits_are_what_accepting_and_rejecting_change(
    stem: str, docx_corpus: Path
) -> None:
    folder = docx_corpus / "open-xml-powertools" / "RP"
    reply = read_reply(folder / f"{stem}.docx")
    accepted = "\n".join(read_reply_views(folder / f"{stem}-Accepted.docx"))
    rejected_file = folder / f"{stem}-Rejected.docx"
    rejected = "\n".join(read_reply_views(rejected_file)) if rejected_file.exists() else None
    changed = [e for e in reply.edits if e.original.strip() or e.proposed.strip()]
    assert changed or not any(r.kind in ("insert", "delete") for r in reply.revisions)
    for edit in changed:
        assert edit.proposed.strip() in accepted
        if rejected is not None:
            assert edit.original.strip() in rejected


def _without_copies(path: Path, row: dict[str, str]) -> dict[str, str]:
    """Return FEATURES' raw element counts less the marks that are not revisions of their own:
    those in a text box's VML fallback copy (mc:Fallback repeats the mc:Choice box) and those
    inside an old property set (a w:ins in rPrChange/rPr says the mark was inserted before)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    copies: Counter[str] = Counter()
    for name in ("ins", "del", "moveFrom", "moveTo"):
        for element in root.iter(f"{{{W}}}{name}"):
            ancestors = {etree.QName(a).localname for a in element.iterancestors()}
            if ancestors & {"Fallback", "rPrChange", "pPrChange"}:
                copies[name] += 1
    for name in ("rPrChange", "pPrChange"):
        for element in root.iter(f"{{{W}}}{name}"):
            if any(etree.QName(a).localname == "Fallback" for a in element.iterancestors()):
                copies[name] += 1
    return {
        "rPrChange": str(int(row["rPrChange"]) - copies["rPrChange"]),
        "pPrChange": str(int(row["pPrChange"]) - copies["pPrChange"]),
        "w:ins": str(int(row["w:ins"]) - copies["ins"]),
        "w:del": str(int(row["w:del"]) - copies["del"]),
        "moveFrom": str(int(row["moveFrom"]) - copies["moveFrom"]),
        "moveTo": str(int(row["moveTo"]) - copies["moveTo"]),
    }


def read_reply_views(path: Path) -> list[str]:
    from coproduce.docx.revisions import read_revision_views

    return read_revision_views(path).accepted


def test_messy_author_strings_become_one_readable_name() -> None:
    assert clean_author("Jane Doe <Jane Doe <jane@example.org>>") == "Jane Doe"
    assert clean_author("Jane Doe <jane@example.org>") == "Jane Doe"
    assert clean_author("<jane@example.org>") == "jane@example.org"
    assert clean_author("Author") == ""
    assert clean_author("  JD ") == "JD"


def test_a_formatting_change_in_a_word_file_becomes_a_formatting_suggestion(
    docx_corpus: Path,
) -> None:
    from coproduce.channels.reply import read_reply_submissions

    path = docx_corpus / "open-xml-powertools" / "FA-RevTracking" / "019-RunPropertiesChange.docx"
    found = read_reply_submissions(path, cycle_id="any")
    kinds = [(s.kind, s.text, s.suggestion) for s, _ in found.submissions]
    assert ("suggestion", "Suggested formatting change (the wording is unchanged)", None) in kinds
    assert found.participant == "anonymous"
