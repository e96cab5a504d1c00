import pytest
from pydantic import ValidationError

from coproduce.models import Document, DocumentMeta, Heading, Paragraph, Span, slugify


def test_slugify_makes_ascii_hyphenated_ids() -> None:
    assert slugify("Roles & Responsibilities") == "roles-responsibilities"
    assert slugify("  Café — escalation!  ") == "caf-escalation"
    assert slugify("!!!") == "section"


def test_a_document_knows_its_sections_and_words() -> None:
    doc = Document(
        slug="protocol",
        meta=DocumentMeta(title="Protocol"),
        blocks=[
            Heading(level=2, id="purpose", spans=[Span(text="Purpose")], section="purpose"),
            Paragraph(
                spans=[Span(text="Keep young "), Span(text="safe", bold=True)], section="purpose"
            ),
        ],
    )
    assert doc.section_ids() == ["purpose"]
    assert len(doc.section_blocks("purpose")) == 2
    assert doc.word_count() == 4


def test_a_slug_with_spaces_or_capitals_is_refused() -> None:
    with pytest.raises(ValidationError):
        Document(slug="My Protocol", meta=DocumentMeta(title="x"))
