"""The HTML redline: ins/del with author and date, escaped, accessible, page or fragment."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from coproduce.models import (
    Document,
    DocumentMeta,
    Heading,
    Paragraph,
    Span,
    Table,
    TableCell,
    TableRow,
)
from coproduce.redline.attribute import attribute_all
from coproduce.redline.change import Attribution, compute_changes
from coproduce.redline.html import render_redline_fragment, render_redline_html

WHO = Attribution("Asha <Patel>", dt.datetime(2025, 2, 3, 14, 5, tzinfo=dt.UTC))


def doc(*blocks, title: str = "Protocol") -> Document:  # type: ignore[no-untyped-def]
    return Document(slug="protocol", meta=DocumentMeta(title=title), blocks=list(blocks))


def para(text: str, **fmt: bool) -> Paragraph:
    return Paragraph(spans=[Span(text=text, **fmt)])


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


BASE = doc(
    Heading(level=1, id="intro", spans=[Span(text="Intro")]),
    para("Share concerns with the lead."),
    para("Old closing line."),
    Table(
        rows=[
            TableRow(cells=[TableCell(spans=[Span(text="Role")])]),
            TableRow(cells=[TableCell(spans=[Span(text="Lead")])]),
        ]
    ),
)
NEW = doc(
    Heading(level=1, id="intro", spans=[Span(text="Intro")]),
    para("Share concerns with the safeguarding lead."),
    para("<script>alert(1)</script> & more"),
    Table(
        rows=[
            TableRow(cells=[TableCell(spans=[Span(text="Role")])]),
            TableRow(cells=[TableCell(spans=[Span(text="Deputy")])]),
        ]
    ),
    title="Protocol 2",
)


def test_insertions_and_deletions_carry_author_and_date_titles() -> None:
    html = render_redline_html(attribute_all(compute_changes(BASE, NEW), WHO))
    tags = parse(html).tags
    titles = {a.get("title") for t, a in tags if t in ("ins", "del") and a.get("class") != "sample"}
    assert titles == {"Asha <Patel>, 2025-02-03 14:05 UTC"}
    assert sum(t == "ins" for t, _ in tags) >= 3
    assert sum(t == "del" for t, _ in tags) >= 3


def test_text_is_escaped_never_executed() -> None:
    html = render_redline_html(attribute_all(compute_changes(BASE, NEW), WHO))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert 'title="Asha &lt;Patel&gt;, ' in html


def test_the_page_is_accessible_shell_with_language_title_and_spoken_change_words() -> None:
    html = render_redline_html(attribute_all(compute_changes(BASE, NEW), WHO))
    parsed = parse(html)
    assert ("html", {"lang": "en"}) in parsed.tags
    assert any(t == "main" for t, _ in parsed.tags)
    assert any(t == "th" and a.get("scope") == "col" for t, a in parsed.tags)
    spoken = "".join(parsed.text)
    assert "inserted: safeguarding" in spoken
    assert "deleted: Old closing line." in spoken
    assert "Changes to Protocol 2" in spoken


def test_the_fragment_has_no_page_shell_but_the_same_changes() -> None:
    fragment = render_redline_fragment(attribute_all(compute_changes(BASE, NEW), WHO))
    tags = [t for t, _ in parse(fragment).tags]
    assert "html" not in tags and "head" not in tags
    assert "ins" in tags and "del" in tags and "table" in tags


def test_formatting_changes_and_unsafe_links_are_shown_safely() -> None:
    base = doc(para("Call the lead now."))
    new = doc(
        Paragraph(
            spans=[
                Span(text="Call the "),
                Span(text="lead", bold=True, link="javascript:x"),
                Span(text=" now."),
            ]
        )
    )
    html = render_redline_fragment(attribute_all(compute_changes(base, new), WHO))
    assert "javascript:" not in html
    assert 'class="format-change"' in html
    assert "<strong>lead</strong>" in html


def test_a_link_pointed_elsewhere_names_both_targets_on_the_same_words() -> None:
    def linked(target: str) -> Document:
        return doc(Paragraph(spans=[Span(text="Read "), Span(text="the guide", link=target)]))

    changes = compute_changes(linked("https://example.org/old"), linked("https://example.org/new"))
    tags = parse(render_redline_fragment(attribute_all(changes, WHO)))
    assert not any(tag in ("ins", "del") for tag, _ in tags.tags)
    titles = [a.get("title") or "" for tag, a in tags.tags if a.get("class") == "format-change"]
    assert [t.split("; ")[-1] for t in titles] == [
        "link changed from https://example.org/old to https://example.org/new"
    ]
