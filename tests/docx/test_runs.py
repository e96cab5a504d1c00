"""Paragraphs written as text are the same XML as paragraphs built element by element."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from coproduce.docx.reference import default_reference, new_document
from coproduce.docx.runs import make_paragraph, parse_paragraphs, plain_paragraph_xml
from coproduce.models import Span

DOC = new_document(default_reference())


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, encoding="UTF-8")


def test_bold_italic_and_code_runs_read_back_as_built() -> None:
    spans = [
        Span(text="Call "),
        Span(text="999", bold=True),
        Span(text=" now & ", italic=True),
        Span(text="<tell>", code=True),
        Span(text=""),
    ]
    xml = plain_paragraph_xml(spans)
    assert xml is not None
    assert _xml(parse_paragraphs([xml])[0]) == _xml(make_paragraph(DOC, spans))


def test_links_tabs_and_breaks_are_left_to_the_element_path() -> None:
    assert plain_paragraph_xml([Span(text="see", link="https://example.org")]) is None
    assert plain_paragraph_xml([Span(text="one\ttwo")]) is None
    assert plain_paragraph_xml([Span(text="one\ntwo")]) is None


def test_no_paragraphs_parse_to_none() -> None:
    assert parse_paragraphs([]) == []


texts = st.text(
    alphabet=st.sampled_from(list("ab &<>\"' \u00a0\u2003é\t\n\r\x0b\ud7ff\ue000\U0001f600")),
    max_size=12,
)
spans = st.builds(Span, text=texts, bold=st.booleans(), italic=st.booleans(), code=st.booleans())


@settings(max_examples=200, deadline=None)
@given(st.lists(spans, max_size=4))
def test_any_paragraph_written_as_text_is_the_paragraph_built_element_by_element(
    drawn: list[Span],
) -> None:
    xml = plain_paragraph_xml(drawn)
    if xml is None:
        assert any(ch in s.text for s in drawn for ch in "\t\n\r\x0b")
        return
    assert _xml(parse_paragraphs([xml])[0]) == _xml(make_paragraph(DOC, drawn))
