"""read_docx imports real Word files with the words pandoc reads and the shape Word gave them."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from coproduce.docx import read_docx
from coproduce.models import Heading, ListItem, Paragraph, Table
from tests.helpers.pandoc import pandoc_plain, words

CORPUS_FILES = [
    "open-xml-powertools/RA001-Tracked-Revisions-01.docx",
    "open-xml-powertools/HC031-Complicated-Document.docx",
    "open-xml-powertools/WC-compare-pairs/WC004-Large-Mod.docx",
    "open-xml-powertools/WC-compare-pairs/WC006-Table-Delete-Row.docx",
    "open-xml-powertools/WC-compare-pairs/WC027-Twenty-Paras-After-3.docx",
    "open-xml-powertools/FA-RevTracking/014-MovedParagraph.docx",
    "apache-poi/delins.docx",
    "apache-poi/58067.docx",
    "open-xml-sdk/Comment025.docx",
    "open-xml-sdk/Comment062.docx",
    "open-xml-sdk/TableComments-crossTableComment.docx",
    "docx2python/test_file_with_comments.docx",
    "python-docx/comments-rich-para.docx",
]
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\(?(?:\d+|[a-z]|[ivxlc]+)[.)])\s+", re.MULTILINE)


def _our_words(blocks: list) -> list[str]:
    text = " ".join(b.text for b in blocks)
    return words(re.sub(r"\[image(?:: ([^\]]*))?\]", r" \1 ", text))


def _pandoc_words(path: Path) -> list[str]:
    """Pandoc's accepted text without the list markers and math markup it adds."""
    return words(_LIST_MARKER.sub(" ", pandoc_plain(path)))


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_files_import_with_the_words_pandoc_reads(docx_corpus: Path, name: str) -> None:
    path = docx_corpus / name
    imported = read_docx(path, slug="corpus")
    ours, theirs = _our_words(imported.document.blocks), _pandoc_words(path)
    ratio = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).ratio()
    # Known differences: pandoc prints multi-line table cells side by side (grid tables), renders
    # equations as TeX, and drops text boxes; we keep every word, in document order.
    assert ratio >= 0.97, f"{name}: {ratio:.3f}"
    assert len(ours) >= 0.97 * len(theirs)


def test_corpus_files_without_equations_or_text_boxes_match_pandoc_word_for_word(
    docx_corpus: Path,
) -> None:
    exact = [n for n in CORPUS_FILES if "HC031" not in n]
    mismatched = [
        n
        for n in exact
        if _our_words(read_docx(docx_corpus / n, slug="c").document.blocks)
        != _pandoc_words(docx_corpus / n)
    ]
    assert mismatched == []


def _accepted_twins(docx_corpus: Path) -> list[tuple[Path, Path]]:
    folder = docx_corpus / "open-xml-powertools" / "RP"
    pairs = []
    for accepted in sorted(folder.glob("*-Accepted.docx")):
        original = accepted.with_name(accepted.name.replace("-Accepted", ""))
        if original.exists():
            pairs.append((original, accepted))
    return pairs


def test_tracked_files_import_like_their_accepted_twins(docx_corpus: Path) -> None:
    pairs = _accepted_twins(docx_corpus)
    assert len(pairs) >= 20
    different = []
    for original, accepted in pairs:
        ours = read_docx(original, slug="x").document.blocks
        twin = read_docx(accepted, slug="x").document.blocks
        if [b.text for b in ours] != [b.text for b in twin]:
            different.append(original.name)
    assert different == []


def test_a_real_tracked_document_warns_and_gives_structured_blocks(docx_corpus: Path) -> None:
    path = docx_corpus / "open-xml-powertools/RA001-Tracked-Revisions-01.docx"
    imported = read_docx(path, slug="ra")
    assert imported.warnings == ["contains 285 tracked changes; imported as if all were accepted"]
    assert {Paragraph, Table, ListItem} <= {type(b) for b in imported.document.blocks}


def test_a_complicated_document_keeps_headings_lists_and_every_oddity_as_text(
    docx_corpus: Path,
) -> None:
    path = docx_corpus / "open-xml-powertools/HC031-Complicated-Document.docx"
    imported = read_docx(path, slug="hc")
    blocks = imported.document.blocks
    assert sum(isinstance(b, Heading) for b in blocks) == 11
    assert sum(isinstance(b, ListItem) for b in blocks) == 30
    assert any("Here is a text box" in b.text for b in blocks)
    assert len(imported.warnings) == 8
    assert len(set(imported.document.section_ids())) == 11
