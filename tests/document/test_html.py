import datetime as dt

from coproduce.document import parse_markdown, render_blocks_html, render_html, render_spans_html
from coproduce.models import Document, DocumentMeta, Paragraph, Span


def page_for(body: str, **meta: object) -> str:
    front = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return render_html(
        parse_markdown(f"---\ntitle: Missing <children>\n{front}---\n\n{body}", slug="m")
    )


def test_a_script_in_the_text_comes_out_escaped() -> None:
    page = page_for("Say <script>alert('x')</script> here.\n")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<title>Missing &lt;children&gt;</title>" in page


def test_a_javascript_link_keeps_its_text_but_loses_its_href() -> None:
    spans = [
        Span(text="click", link="javascript:alert(1)"),
        Span(text=" or "),
        Span(text="tab", link="java\tscript:alert(1)"),
        Span(text=" mail", link="mailto:a@b.org"),
    ]
    html = render_spans_html(spans)
    assert html == 'click or tab<a href="mailto:a@b.org"> mail</a>'


def test_safe_links_are_kept_and_formatting_nests() -> None:
    spans = [
        Span(text="See "),
        Span(text="the *policy*", bold=True, italic=True, link="/p?a=1&b=2"),
    ]
    assert render_spans_html(spans) == (
        'See <a href="/p?a=1&amp;b=2"><strong><em>the *policy*</em></strong></a>'
    )


def test_headings_carry_their_ids_and_lists_nest() -> None:
    document = parse_markdown(
        "---\ntitle: T\n---\n\n## Escalation {#escalation}\n\n1. one\n   - inner\n2. two\n",
        slug="t",
    )
    html = render_blocks_html(document.blocks)
    assert '<h2 id="escalation">Escalation</h2>' in html
    assert html.count("<ol>") == 1 and html.count("<ul>") == 1
    assert "<li>one<ul>\n<li>inner</li></ul></li>\n<li>two</li></ol>" in html


def test_tables_have_column_headers_with_scope() -> None:
    html = page_for("| Agency | Days |\n|---|--:|\n| Police | 1 |\n")
    assert '<th scope="col">Agency</th><th scope="col" class="align-right">Days</th>' in html
    assert '<td>Police</td><td class="align-right">1</td>' in html


def test_the_page_is_english_and_shows_the_metadata() -> None:
    page = page_for(
        "Body.\n",
        owner="Partnership",
        status="consultation",
        version="'1.2'",
        review_date="2027-03-31",
        statutory_basis="[Children Act 1989]",
    )
    assert '<html lang="en-GB">' in page
    assert "<dt>Owner</dt><dd>Partnership</dd>" in page
    assert "<dt>Status</dt><dd>consultation</dd>" in page
    assert "<dt>Version</dt><dd>1.2</dd>" in page
    assert '<time datetime="2027-03-31">31 March 2027</time>' in page
    assert "<li>Children Act 1989</li>" in page
    assert "<h1>Missing &lt;children&gt;</h1>" in page


def test_a_stylesheet_url_replaces_the_built_in_styles() -> None:
    document = Document(
        slug="t",
        meta=DocumentMeta(title="T", review_date=dt.date(2027, 1, 1)),
        blocks=[Paragraph(spans=[Span(text="x")])],
    )
    page = render_html(document, stylesheet="/static/site.css")
    assert '<link rel="stylesheet" href="/static/site.css">' in page
    assert "<style>" not in page
