"""Redlines of real histories read at a glance: the examples that once read badly, and a bound
on every corpus pair (no paragraph shown as word edits keeps under half of its words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coproduce.docx import read_docx
from coproduce.redline.change import ChangeSet, compute_changes

from .conftest import corpus_cases, guidance_versions
from .test_redline_versions import parse_version, version_pairs

DFE = "guidance_versions/dfe_safeguarding_for_device_users"


def dfe(corpus: Path, old: str, new: str) -> ChangeSet:
    folder = corpus / DFE
    (base,) = folder.glob(f"{old}_*.md")
    (proposed,) = folder.glob(f"{new}_*.md")
    return compute_changes(parse_version(base, "DfE"), parse_version(proposed, "DfE"))


def marked(ops) -> str:
    return "".join(
        {"insert": "{+" + op.proposed_text + "+}", "delete": "[-" + op.base_text + "-]"}.get(
            op.kind, op.proposed_text
        )
        for op in ops
    )


def test_a_word_document_with_a_long_insertion_in_a_short_paragraph_marks_only_it(
    docx_corpus: Path,
) -> None:
    folder = docx_corpus / "open-xml-powertools" / "WC-compare-pairs"
    base = read_docx(folder / "WC002-Unmodified.docx", slug="wc").document
    proposed = read_docx(folder / "WC002-InsertInMiddle.docx", slug="wc").document
    changes = compute_changes(base, proposed.model_copy(update={"meta": base.meta}))
    edited = [op for op in changes.ops if op.kind != "equal"]
    assert [op.kind for op in edited] == ["replace"]
    assert marked(edited[0].paragraphs[0].ops) == (
        "This is a {+very long, important, and interesting +}test."
    )


def test_a_rewritten_date_keeps_the_year_both_versions_share(corpus: Path) -> None:
    changes = dfe(corpus, "v11", "v12")
    texts = [marked(p.ops) for op in changes.ops for p in op.paragraphs]
    assert any("{+during the+} 2020{+ summer term+}" in t for t in texts)


def test_a_new_opening_is_inserted_whole_not_woven_into_an_old_paragraph(corpus: Path) -> None:
    changes = dfe(corpus, "v15", "v16")
    opening = "Local authorities, academy trusts, schools, colleges and further education"
    (op,) = [op for op in changes.ops if any(b.text.startswith(opening) for b in op.proposed)]
    assert op.kind == "insert"


def unreadable(changes: ChangeSet) -> list[str]:
    """Return the paragraphs shown as word edits that keep under half of the shorter side."""
    found = []
    for op in changes.ops:
        for paragraph in op.paragraphs if op.kind == "replace" else []:
            count = {"equal": 0, "old": 0, "new": 0}
            for span_op in paragraph.ops:
                old, new = (
                    len(re.findall(r"\w+", t)) for t in (span_op.base_text, span_op.proposed_text)
                )
                if span_op.kind in ("equal", "format"):
                    count["equal"] += old
                count["old"] += old if span_op.kind != "insert" else 0
                count["new"] += new if span_op.kind != "delete" else 0
            shorter = min(count["old"], count["new"])
            if shorter and count["equal"] < shorter / 2:
                found.append(marked(paragraph.ops))
    return found


@pytest.mark.parametrize(
    ("title", "old", "new"),
    corpus_cases(version_pairs, arity=3),
    ids=lambda v: v.name[:3] if isinstance(v, Path) else str(v)[:24],
)
def test_no_paragraph_shown_as_word_edits_keeps_under_half_of_its_words(
    title: str, old: Path, new: Path
) -> None:
    changes = compute_changes(parse_version(old, title), parse_version(new, title))
    assert unreadable(changes) == []


def test_every_history_in_the_corpus_is_checked(corpus: Path) -> None:
    assert len(version_pairs(corpus)) == len(guidance_versions(corpus)) - 3
