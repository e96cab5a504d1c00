import pytest

from coproduce.document import parse_markdown, parse_markdown_with_warnings
from coproduce.errors import InvalidInputError
from coproduce.models import Heading, ListItem, Paragraph, Quote, Span, Table

FRONT = "---\ntitle: Escalation policy\n---\n\n"


def blocks_of(body: str) -> list:
    return parse_markdown(FRONT + body, slug="policy").blocks


def test_inline_formatting_becomes_spans() -> None:
    [paragraph] = blocks_of("Call **now**, _quietly_ with `999` or [help](https://example.org).")
    assert isinstance(paragraph, Paragraph)
    assert paragraph.spans == [
        Span(text="Call "),
        Span(text="now", bold=True),
        Span(text=", "),
        Span(text="quietly", italic=True),
        Span(text=" with "),
        Span(text="999", code=True),
        Span(text=" or "),
        Span(text="help", link="https://example.org"),
        Span(text="."),
    ]


def test_breaks_images_and_inline_html_keep_their_text() -> None:
    [paragraph] = blocks_of("one\ntwo  \nthree ![a map](map.png) <b>bold?</b>")
    assert paragraph.spans == [
        Span(text="one two"),
        Span(text="\n"),
        Span(text="three "),
        Span(text="a map", link="map.png"),
        Span(text=" <b>bold?</b>"),
    ]


def test_headings_get_explicit_or_derived_unique_ids() -> None:
    blocks = blocks_of("# Intro\n\n## Escalation {#escalation}\n\n## Intro\n\n### Intro\n")
    headings = [b for b in blocks if isinstance(b, Heading)]
    assert [(h.level, h.id, h.explicit_id, h.text) for h in headings] == [
        (1, "intro", False, "Intro"),
        (2, "escalation", True, "Escalation"),
        (2, "intro-2", False, "Intro"),
        (3, "intro-3", False, "Intro"),
    ]


def test_an_explicit_id_survives_a_heading_text_edit() -> None:
    before = blocks_of("## When to escalate {#escalation}\n\nText.\n")
    after = blocks_of("## How and when to escalate a concern {#escalation}\n\nText.\n")
    assert before[0].id == after[0].id == "escalation"
    assert after[1].section == "escalation"


def test_a_derived_id_gives_way_to_an_explicit_one() -> None:
    blocks = blocks_of("## Escalation\n\n## Other {#escalation}\n")
    assert [b.id for b in blocks] == ["escalation-2", "escalation"]


def test_an_escaped_id_marker_stays_heading_text() -> None:
    [heading] = blocks_of("## Braces \\{#kept}\n")
    assert heading.text == "Braces {#kept}"
    assert not heading.explicit_id


def test_every_block_knows_its_section() -> None:
    blocks = blocks_of("Before.\n\n# One\n\nA.\n\n## Two {#two}\n\n- b\n\n> c\n")
    assert [b.section for b in blocks] == ["preamble", "one", "one", "two", "two", "two"]


def test_nested_ordered_and_bulleted_lists_become_levelled_items() -> None:
    blocks = blocks_of("1. first\n   - inner\n2. second\n\n- other\n")
    assert [(b.level, b.ordered, b.text) for b in blocks] == [
        (0, True, "first"),
        (1, False, "inner"),
        (0, True, "second"),
        (0, False, "other"),
    ]


def test_a_list_item_with_two_paragraphs_joins_them_with_a_hard_break() -> None:
    [item] = blocks_of("- first paragraph\n\n  second paragraph\n")
    assert isinstance(item, ListItem)
    assert item.spans == [
        Span(text="first paragraph"),
        Span(text="\n"),
        Span(text="second paragraph"),
    ]


def test_each_quoted_paragraph_becomes_a_quote() -> None:
    blocks = blocks_of("> You said this.\n>\n> And this.\n")
    assert all(isinstance(b, Quote) for b in blocks)
    assert [b.text for b in blocks] == ["You said this.", "And this."]


def test_a_gfm_table_keeps_header_and_alignment() -> None:
    [table] = blocks_of("| Who | Days |\n|:----|----:|\n| Police | 1 |\n| School |\n")
    assert isinstance(table, Table)
    assert table.align == ["left", "right"]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["Who", "Days"],
        ["Police", "1"],
        ["School", ""],
    ]


def test_table_cells_beyond_the_header_are_kept_with_a_warning() -> None:
    document, warnings = parse_markdown_with_warnings(
        FRONT + "| a | b |\n|---|---|\n| 1 | 2 | 3 |\n", slug="policy"
    )
    [table] = document.blocks
    assert table.rows[1].cells[1].text == "2 3"
    assert warnings == ["line 7: 1 table cell(s) beyond the header kept in the last cell"]


def test_code_html_and_rules_are_kept_as_text_with_warnings() -> None:
    body = "```\nline one\n  line two\n```\n\n<div>\nboxed\n</div>\n\n---\n\nAfter.\n"
    document, warnings = parse_markdown_with_warnings(FRONT + body, slug="policy")
    code, html, after = document.blocks
    assert code.spans == [
        Span(text="line one", code=True),
        Span(text="\n"),
        Span(text="  line two", code=True),
    ]
    assert [s.text for s in html.spans] == ["<div>", "\n", "boxed", "\n", "</div>"]
    assert after.text == "After."
    assert warnings == [
        "line 5: code block kept as a paragraph of code",
        "line 10: HTML block kept as literal text",
        "line 14: thematic break (horizontal rule) left out; it holds no text",
    ]


def test_text_after_a_nested_list_keeps_its_place() -> None:
    document, warnings = parse_markdown_with_warnings(
        FRONT + "- a\n  - b\n\n  more about a\n", slug="policy"
    )
    assert [(b.level, b.text) for b in document.blocks] == [(0, "a"), (1, "b"), (0, "more about a")]
    assert warnings == ["line 8: text after a nested list kept as a further list item"]


def test_a_file_without_front_matter_takes_its_title_from_the_first_h1() -> None:
    document = parse_markdown("Intro.\n\n# Missing children\n\nText.\n", slug="missing")
    assert document.meta.title == "Missing children"


def test_a_file_without_front_matter_or_h1_is_refused() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_markdown("## Only a subheading\n", slug="missing")
    assert caught.value.problems == ["no front matter, and no level-1 heading to take a title from"]


def test_duplicated_and_malformed_explicit_ids_are_all_reported() -> None:
    body = "## A {#same}\n\n## B {#same}\n\n## C {#Not_Valid}\n"
    with pytest.raises(InvalidInputError) as caught:
        parse_markdown(FRONT + body, slug="policy")
    assert caught.value.problems == [
        "line 7: heading id 'same' is already used on line 5",
        "line 9: heading id 'Not_Valid' is not valid "
        "(use lowercase letters, digits and hyphens, starting with a letter or digit)",
    ]
