import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.document import parse_markdown, render_markdown
from coproduce.errors import InvalidInputError
from coproduce.models import Document
from tests.document.strategies import documents

EXAMPLES = int(os.environ.get("COPRODUCE_HYPOTHESIS_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_document_reads_back_unchanged_after_rendering(document: Document) -> None:
    text = render_markdown(document)
    assert parse_markdown(text, slug=document.slug) == document, text


SINGLE_CHARACTERS = list("aZ9é*_`[]()#-+=:|\\!~<>&;{}'\"")
MARKDOWN_PIECES = st.sampled_from(
    [
        *SINGLE_CHARACTERS,
        *[" ", "  ", "   ", "    ", "\t", "\n", "\n\n", "\n- ", "\n  - ", "\n1. ", "\n   1) "],
        *["\n> ", "# ", "## x {#x}", "{#y}", "\n---\n", "\n***\n", "\n===\n", "\n```\n"],
        *["\n~~~\n", "<b>", "<!-- c -->", "\n<div>\n", "&amp;", "&#32;", "\\\n", "  \n"],
        *["\u00a0", "\n| a | b |\n|---|:-:|\n", "| c |", "](http://x.org)", "![", "**"],
        "<http://y.org>",
    ]
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKDOWN_PIECES, max_size=40).map("".join))
def test_rendering_any_markdown_reaches_a_fixed_point_at_once(body: str) -> None:
    try:
        document = parse_markdown("---\ntitle: T\n---\n" + body, slug="any")
    except InvalidInputError:
        return  # e.g. a duplicated explicit id: refused, not rewritten
    once = render_markdown(document)
    again = parse_markdown(once, slug="any")
    assert again == document, once
    assert render_markdown(again) == once


def test_lists_of_different_kinds_stay_separate_lists() -> None:
    body = "- a\n\n1. b\n\n- c\n   1. d\n   - e\n"
    document = parse_markdown("---\ntitle: T\n---\n\n" + body, slug="t")
    assert [(b.level, b.ordered) for b in document.blocks] == [
        (0, False),
        (0, True),
        (0, False),
        (1, True),
        (1, False),
    ]
    assert render_markdown(document).endswith("- a\n1. b\n- c\n  1. d\n  - e\n")


def test_an_id_marker_is_written_only_for_explicit_ids() -> None:
    document = parse_markdown("---\ntitle: T\n---\n\n## Kept {#kept}\n\n## Derived\n", slug="t")
    assert render_markdown(document).endswith("## Kept {#kept}\n\n## Derived\n")


def test_an_empty_nested_item_after_text_stays_an_item() -> None:
    document = parse_markdown("---\ntitle: T\n---\n\n- a\n\n  -\n", slug="t")
    assert [(b.level, b.text) for b in document.blocks] == [(0, "a"), (1, "")]
    assert parse_markdown(render_markdown(document), slug="t") == document
