from coproduce.document.inline_writer import render_inline_lines
from coproduce.models import Span


def test_plain_prose_is_written_as_is() -> None:
    spans = [Span(text="Call 999 if a child is in danger (now), or e.g. ask a lead.")]
    assert render_inline_lines(spans) == [
        "Call 999 if a child is in danger (now), or e.g. ask a lead."
    ]


def test_markdown_syntax_in_text_is_escaped() -> None:
    spans = [Span(text="1. *not* a [list] <b> &amp; `x`")]
    assert render_inline_lines(spans) == ["1\\. \\*not\\* a \\[list\\] \\<b> \\&amp; \\`x\\`"]


def test_hard_breaks_split_lines_and_line_edges_keep_their_spaces() -> None:
    spans = [Span(text="first "), Span(text="\n"), Span(text="- second")]
    assert render_inline_lines(spans) == ["first&#32;", "\\- second"]


def test_emphasis_inside_a_word_uses_character_references() -> None:
    spans = [Span(text="un"), Span(text="safe", bold=True), Span(text="ly")]
    assert render_inline_lines(spans) == ["u&#110;**safe**&#108;y"]


def test_a_code_span_fence_outgrows_backticks_inside_it() -> None:
    spans = [Span(text="a `b` c", code=True)]
    assert render_inline_lines(spans) == ["``a `b` c``"]


def test_a_link_whose_code_text_looks_like_a_definition_stays_a_link() -> None:
    spans = [Span(text="]:", code=True, link="https://example.org")]
    assert render_inline_lines(spans) == ["[](#)[`]:`](https://example.org)"]
