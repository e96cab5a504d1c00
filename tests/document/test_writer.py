import os

from hypothesis import HealthCheck, given, settings

from coproduce.document import parse_markdown, render_markdown
from coproduce.models import Document
from tests.document.strategies import documents

EXAMPLES = int(os.environ.get("COPRODUCE_HYPOTHESIS_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_document_reads_back_unchanged_after_rendering(document: Document) -> None:
    text = render_markdown(document)
    assert parse_markdown(text, slug=document.slug) == document, text
