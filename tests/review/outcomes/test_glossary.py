"""The glossary: built-in explanations, a repository's own words, and the words a text uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from coproduce.errors import InvalidInputError
from coproduce.review.outcomes.glossary import TERMS, load_glossary, terms_in


def test_a_term_is_found_with_its_endings_and_across_lines() -> None:
    found = terms_in(["Practitioners escalated it.", "Ask the duty\nmanager."], TERMS)
    assert [t for t, _ in found] == ["practitioner", "escalate", "duty manager"]


def test_a_text_without_jargon_needs_no_glossary() -> None:
    assert terms_in(["We read every reply and changed the guide."], TERMS) == []


def test_a_repository_adds_and_rewords_terms(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(
        "MASH: The team that first looks at a worry about a child.\npolicy: Rules for workers.\n",
        encoding="utf-8",
    )
    glossary = load_glossary(tmp_path)
    assert glossary["mash"] == "The team that first looks at a worry about a child."
    assert glossary["policy"] == "Rules for workers."
    assert terms_in(["Call the MASH."], glossary) == [("mash", glossary["mash"])]


@pytest.mark.parametrize("text", ["policy: [unclosed\n", "- a list\n- of words\n", "\xff\xfe"])
def test_a_broken_glossary_file_is_one_clear_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "glossary.yaml").write_bytes(text.encode("latin-1"))
    with pytest.raises(InvalidInputError, match=r"glossary\.yaml"):
        load_glossary(tmp_path)
