"""Reading plain prose without markdown-it gives exactly what markdown-it gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.document import parse_markdown_with_warnings
from coproduce.document.blocks import BlockWalker
from coproduce.document.reader import markdown_parser
from coproduce.document.segments import Plain, Stretch, split_body

ROOT = Path(__file__).resolve().parents[2]

# Lines chosen to sit on every boundary the splitter relies on: plain prose, headings, list
# items and their continuations, quotes, tables, setext underlines, indented code, HTML and
# the constructs that make the splitter give up (fences, comments, reference definitions).
LINES = [
    *([""] * 8),
    *(["Plain words here."] * 4),
    "More plain words, and (some) punctuation: yes!",
    "Trailing space ",
    "Two trailing spaces  ",
    "Café’s text — with Unicode",
    "Tab\tinside",
    "Non\u00a0breaking",
    "## A heading",
    "# Top heading",
    "### Heading with {#explicit-id}",
    "###### Six",
    "####### Seven",
    "#NoSpace",
    "## Heading 2",
    "- a bullet",
    "  continued item text",
    "1. an ordered item",
    "3) another",
    "> a quote",
    "Lazy continuation",
    "| a | b |",
    "|---|---|",
    "a | b",
    "--- | ---",
    "===",
    "---",
    "    indented code",
    "<div>",
    "</div>",
    "Some *emphasis* and `code`",
    "A [link](https://example.org) here",
    "Entity &amp; text",
    "[ref]",
    "Ends with a backslash\\",
]
SPANNING = ["```", "~~~", "<!-- a comment", "-->", "<pre>", "[ref]: https://example.org"]


def _whole(body: str) -> tuple[list[object], list[str]]:
    """Return drafts and warnings as a single markdown-it parse gives them."""
    md = markdown_parser()
    walker = BlockWalker(lines=body.splitlines(), offset=0, md=md)
    walker.walk(md.parse(body))
    return [*walker.blocks()], walker.warnings


def _split(body: str) -> tuple[list[object], list[str]]:
    """Return drafts and warnings as the reader gives them (splitting where it can)."""
    from coproduce.document.reader import _walk

    walker = _walk(body, 0)
    return [*walker.blocks()], walker.warnings


@given(st.lists(st.sampled_from(LINES), max_size=24))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_any_mix_of_lines_reads_the_same_split_or_whole(lines: list[str]) -> None:
    body = "\n".join(lines)
    assert _split(body) == _whole(body)


@given(st.lists(st.sampled_from(LINES + SPANNING), max_size=24))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_lines_that_span_blank_lines_read_the_same_split_or_whole(lines: list[str]) -> None:
    body = "\n".join(lines)
    assert _split(body) == _whole(body)


def test_plain_paragraphs_and_headings_skip_markdown_it() -> None:
    body = "## Scope\n\nFirst line\nsecond line.\n\n- item\n\n  more\n\nAfter the list."
    segments = split_body(body)
    assert segments == [
        Plain("heading", 0, "Scope", 2),
        Plain("paragraph", 2, "First line second line."),
        Stretch(5, ["- item", "", "  more"]),
        Plain("paragraph", 9, "After the list."),
    ]


@pytest.mark.parametrize(
    "body",
    ["Text\n\n```\n\nText\n```", "Text\n\n<!--\n\nText\n-->", "[a]\n\n[a]: /x", "a\r\nb"],
)
def test_constructs_spanning_blank_lines_make_the_whole_body_parse_at_once(body: str) -> None:
    assert split_body(body) is None
    assert _split(body) == _whole(body)


@pytest.mark.parametrize(
    "path", ["guidance/exploitation-protocol.md", "guidance/demo/exploitation-protocol.draft.md"]
)
def test_the_sample_guidance_reads_the_same_split_or_whole(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    document, warnings = parse_markdown_with_warnings(text, slug="sample")
    body = text.split("\n---\n", 1)[1]
    assert _split(body) == _whole(body)
    assert document.blocks
    assert isinstance(warnings, list)
