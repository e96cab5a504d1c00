"""new_document opens a reference .docx with an empty body, the styles we need, no stale copy."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from coproduce.docx.reference import default_reference, new_document
from coproduce.docx.xml import qn
from coproduce.errors import InvalidInputError

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def test_the_built_in_reference_exists_and_carries_the_stale_styles_copy() -> None:
    reference = default_reference()
    assert reference is not None and reference.name == "reference.docx"
    # The reason new_document drops the part: the file we ship has it.
    rels = docx.Document(str(reference)).part.rels.values()
    assert any(rel.reltype == STYLES_WITH_EFFECTS for rel in rels)


def test_a_new_document_keeps_only_the_section_properties_of_the_body() -> None:
    doc = new_document(default_reference())
    assert [child.tag for child in doc.element.body] == [qn("w:sectPr")]


def test_a_new_document_has_the_styles_the_writers_use() -> None:
    names = {style.name for style in new_document(default_reference()).styles}
    assert {"Hyperlink", "annotation text", "annotation reference"} <= names


def test_a_new_document_leaves_out_the_stale_styles_with_effects_part() -> None:
    doc = new_document(default_reference())
    assert all(rel.reltype != STYLES_WITH_EFFECTS for rel in doc.part.rels.values())
    names = [str(part.partname) for part in doc.part.package.parts]
    assert "/word/styles.xml" in names
    assert "/word/stylesWithEffects.xml" not in names


def test_a_reference_that_is_not_a_word_file_is_refused_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "letterhead.docx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"cannot use .*letterhead\.docx as a") as caught:
        new_document(bad)
    assert "\n" not in str(caught.value)
