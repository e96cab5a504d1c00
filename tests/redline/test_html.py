"""The HTML redline: ins/del with author and date, escaped, accessible, page or fragment."""

from __future__ import annotations

import datetime as dt
import re
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


def _two_authors() -> str:
    changes = compute_changes(
        doc(para("Share concerns with the lead."), para("Tell the lead the same day.")),
        doc(
            para("Share concerns with the safeguarding lead."),
            para("Tell the lead within one working day."),
        ),
    )
    first, second = (op for op in changes.ops if op.kind != "equal")
    attribute_all(changes, WHO)
    other = Attribution("Sam Colleague", dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC))
    for paragraph in second.paragraphs:
        paragraph.attribution = other
        for span_op in paragraph.ops:
            span_op.attribution = other
    second.attribution = other
    assert first is not second
    return render_redline_html(changes)


def test_who_made_each_change_shows_without_hovering_in_a_legend_and_labels() -> None:
    html = _two_authors()
    parsed = parse(html)
    visible = "".join(parsed.text)
    assert "Changes by:" in visible
    assert "Asha <Patel>" in visible and "Sam Colleague" in visible  # in the page text itself
    labels = [a.get("class") for t, a in parsed.tags if t == "span" and a.get("class") == "who"]
    assert len(labels) == 2
    classes = {a.get("class") for t, a in parsed.tags if t in ("ins", "del") and a.get("class")}
    assert {"by-1", "by-2"} <= classes
    assert "@media print" in html


def test_metadata_is_labelled_as_people_read_it() -> None:
    base = Document(
        slug="protocol", meta=DocumentMeta(title="P", status="draft", review_date=None), blocks=[]
    )
    new = Document(
        slug="protocol",
        meta=DocumentMeta.model_validate(
            {"title": "P", "status": "approved", "review_date": "2027-03-31"}
        ),
        blocks=[],
    )
    html = render_redline_fragment(attribute_all(compute_changes(base, new), WHO))
    labels = [d for d in parse(html).text if d.strip()]
    assert "Status" in labels and "Review date" in labels
    assert "status" not in labels and "review_date" not in labels


def test_a_list_is_one_list_however_many_of_its_items_changed() -> None:
    from coproduce.models import ListItem

    def items(*texts: str) -> list[ListItem]:
        return [ListItem(spans=[Span(text=t)], ordered=False, level=0) for t in texts]

    base = doc(para("Do this:"), *items("Write it down.", "Tell the lead.", "Keep notes."))
    new = doc(para("Do this:"), *items("Write it down.", "Tell the lead today.", "Keep notes."))
    html = render_redline_fragment(attribute_all(compute_changes(base, new), WHO))
    tags = [t for t, _ in parse(html).tags if t in ("ul", "ol", "li")]
    assert tags.count("ul") == 3  # the legend's list, where the changes are, the document's list
    assert tags.count("li") == 2 + 1 + 3  # the legend's two lines, one section, three items


def test_links_in_changed_paragraphs_are_kept() -> None:
    link = "https://www.gov.uk/government/publications/keeping-children-safe-in-education--2"
    base = doc(
        Paragraph(spans=[Span(text="Read "), Span(text="the guidance", link=link), Span(text=".")])
    )
    new = doc(
        Paragraph(
            spans=[
                Span(text="Read and follow "),
                Span(text="the statutory guidance", link=link),
                Span(text=" today."),
            ]
        )
    )
    html = render_redline_fragment(attribute_all(compute_changes(base, new), WHO))
    anchors = [a.get("href") for t, a in parse(html).tags if t == "a"]
    assert anchors and set(anchors) == {link, "#change-1"}  # the link, and where the change is


def test_the_legend_explains_formatting_changes_when_there_are_some() -> None:
    base = doc(para("Call the lead now."))
    new = doc(
        Paragraph(spans=[Span(text="Call the "), Span(text="lead", bold=True), Span(text=" now.")])
    )
    html = render_redline_fragment(attribute_all(compute_changes(base, new), WHO))
    assert "has a" in html and 'class="format-change sample"' in html
    plain = render_redline_fragment(attribute_all(compute_changes(BASE, NEW), WHO))
    assert 'class="format-change sample"' not in plain


def test_a_link_pointed_elsewhere_names_both_targets_on_the_same_words() -> None:
    def linked(target: str) -> Document:
        return doc(Paragraph(spans=[Span(text="Read "), Span(text="the guide", link=target)]))

    changes = compute_changes(linked("https://example.org/old"), linked("https://example.org/new"))
    tags = parse(render_redline_fragment(attribute_all(changes, WHO)))
    marks = [a for tag, a in tags.tags if tag in ("ins", "del")]
    assert all(a.get("class") == "sample" for a in marks)  # only the legend's samples
    titles = [a.get("title") or "" for tag, a in tags.tags if a.get("class") == "format-change"]
    assert [t.split("; ")[-1] for t in titles] == [
        "link changed from https://example.org/old to https://example.org/new"
    ]


def test_the_page_lists_where_the_changes_are_section_by_section(make) -> None:
    base = make.doc(
        make.p("Opening words stay."),
        make.p("An opening line that goes."),
        make.h("Who to tell"),
        make.p("Tell the lead today."),
        make.li("Write it down."),
        make.li("Keep it safe."),
        make.h("Old section"),
        make.p("Nothing here changes."),
        make.h("Records"),
        make.p("Keep records for six years."),
    )
    proposed = make.doc(
        make.p("Opening words stay."),
        make.h("Who to tell"),
        make.p("Tell the designated lead today."),
        make.li("Write it down at once."),
        make.li("Keep it safe and locked."),
        make.h("Old section"),
        make.p("Nothing here changes."),
        make.h("Records"),
        make.p("Keep records for six years."),
        title="Missing from home protocol",
    )
    html = render_redline_html(compute_changes(base, proposed))
    tags = parse(html)
    nav = html[html.index('<nav class="where"') : html.index("</nav>")]
    entries = re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', nav)
    assert entries == [
        ("meta-heading", "Document details"),
        ("change-1", "Opening text"),
        ("change-2", "Who to tell"),
    ]
    ids = {attrs.get("id") for _, attrs in tags.tags}
    assert {"meta-heading", "change-1", "change-2", "change-3", "change-4"} <= ids
    assert "change-5" not in ids  # unchanged sections have no entry and no ids
    assert '<li class="change-replace" id="change-3" tabindex="-1">' in html


def test_no_list_of_changes_when_nothing_changed(make) -> None:
    same = make.doc(make.h("Intro"), make.p("Words."))
    html = render_redline_html(compute_changes(same, same))
    assert 'class="where"' not in html
    assert 'id="change-' not in html


def test_a_deleted_heading_names_its_section_as_it_read(make) -> None:
    base = make.doc(make.h("Intro"), make.p("Stays."), make.h("Going away"), make.p("Also going."))
    proposed = make.doc(make.h("Intro"), make.p("Stays."))
    html = render_redline_fragment(compute_changes(base, proposed))
    assert '<li><a href="#change-1">Going away</a></li>' in html


def test_a_heading_replaced_whole_is_one_section_under_its_new_name(make) -> None:
    base = make.doc(make.h("Intro"), make.p("Stays."), make.h("Youth clubs"), make.p("Same."))
    proposed = make.doc(
        make.h("Intro"), make.p("Stays."), make.h("Community and faith groups"), make.p("Same.")
    )
    html = render_redline_fragment(compute_changes(base, proposed))
    nav = html[html.index('<nav class="where"') : html.index("</nav>")]
    assert re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', nav) == [
        ("change-1", "Community and faith groups")
    ]


def test_nested_list_items_are_lists_inside_their_item_so_numbering_restarts(make) -> None:
    steps = [
        make.li("Talk to the other agency.", ordered=True),
        make.li("By phone.", level=1, ordered=True),
        make.li("In person.", level=1, ordered=True),
        make.li("Tell your manager.", ordered=True),
        make.li("Write it down.", level=1, ordered=True),
    ]
    proposed = [*steps[:2], make.li("In person, within a day.", level=1, ordered=True), *steps[3:]]
    html = render_redline_fragment(compute_changes(make.doc(*steps), make.doc(*proposed)))
    body = html[html.index("</nav>") :]
    compact = re.sub(r"\s+", " ", re.sub(r"<(ins|del|span)[^>]*>|</(ins|del|span)>", "", body))
    assert compact.count('<ol class="list">') == 3  # the steps, and a sub-list in two of them
    first = compact.index("Talk to the other agency.")
    assert compact.index('<ol class="list">', first) < compact.index("By phone.")
    assert compact.index("By phone.") < compact.index("</ol>", first) < compact.index("Tell your")


def test_a_table_scrolls_sideways_on_its_own_on_a_narrow_screen(make) -> None:
    base = make.doc(make.table(["Role", "Phone"], ["Lead", "01234 567890"]))
    proposed = make.doc(make.table(["Role", "Phone"], ["Lead", "01234 000000"]))
    html = render_redline_html(compute_changes(base, proposed))
    assert '<div class="table-wrap" role="region" aria-label="Table" tabindex="0">' in html
    assert ".table-wrap { overflow-x: auto; position: relative; }" in html


def test_each_half_of_a_move_says_so_and_links_to_the_other(make) -> None:
    moving = make.p("Keep a record of every contact, with the date and who was there.")
    others = [make.p(f"Paragraph {n} stays where it is, as written before.") for n in range(4)]
    base = make.doc(moving, *others)
    proposed = make.doc(*others, moving)
    html = render_redline_html(compute_changes(base, proposed))
    source = re.search(
        r'id="(change-\d+)"[^>]*><span class="moved">Moved from here \(<a href="#(change-\d+)">',
        html,
    )
    target = re.search(
        r'id="(change-\d+)"[^>]*><span class="moved">Moved here \(<a href="#(change-\d+)">', html
    )
    assert source and target, html
    assert source.group(2) == target.group(1) and target.group(2) == source.group(1)
    assert "Moved paragraphs say so" in html


def test_a_link_pointed_elsewhere_says_where_it_goes_now(make) -> None:
    old, new = "https://example.org/old-form", "https://example.org/new-form"
    base = make.doc(make.spans("Use ", ("the form", {"link": old}), " to refer."))
    proposed = make.doc(make.spans("Use ", ("the form", {"link": new}), " to refer."))
    html = render_redline_fragment(compute_changes(base, proposed))
    assert f'<span class="note">(link now goes to {new})</span>' in html
    unsafe = make.doc(
        make.spans("Use ", ("the form", {"link": "javascript:alert(1)"}), " to refer.")
    )
    html = render_redline_fragment(compute_changes(base, unsafe))
    assert '<span class="note">(link now goes to a link that is not shown)</span>' in html
    assert "javascript:" not in html


def test_the_page_names_the_two_versions_it_compares(make) -> None:
    changes = compute_changes(make.doc(make.p("Old.")), make.doc(make.p("New words.")))
    html = render_redline_html(changes, compared=("protocol/v1.0", "HEAD"))
    assert (
        '<p class="compared">From <strong>protocol/v1.0</strong> to <strong>HEAD</strong>.</p>'
        in html
    )
    assert 'class="compared"' not in render_redline_html(changes)
