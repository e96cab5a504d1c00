"""Render documents, blocks and spans as accessible, escaped HTML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from markupsafe import Markup, escape

from coproduce.models import Block, Document, Heading, ListItem, Quote, Span, Table

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_href(link: str | None) -> str | None:
    """Return ``link`` when it is http(s), mailto or relative; None for anything else."""
    if not link:
        return None
    scheme = _SCHEME.match(_CONTROL.sub("", link))
    if scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES:
        return None
    return link


def render_spans_html(spans: Sequence[Span]) -> Markup:
    """Return inline HTML for ``spans``; unsafe links are dropped, their text kept."""
    out: list[str] = []
    for link, group in groupby(spans, key=lambda s: s.link):
        inner = "".join(_span_html(s) for s in group)
        href = safe_href(link)
        out.append(f'<a href="{escape(href)}">{inner}</a>' if href else inner)
    return Markup("".join(out))


def _span_html(span: Span) -> str:
    if span.text == "\n":
        return "<br>\n"
    html = str(escape(span.text))
    if span.code:
        html = f"<code>{html}</code>"
    if span.italic:
        html = f"<em>{html}</em>"
    if span.bold:
        html = f"<strong>{html}</strong>"
    return html


def render_blocks_html(blocks: Sequence[Block]) -> Markup:
    """Return an HTML fragment for ``blocks``: headings with ids, nested lists, tables."""
    out: list[str] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if isinstance(block, ListItem | Quote):
            end = index
            while end < len(blocks) and type(blocks[end]) is type(block):
                end += 1
            run = list(blocks[index:end])
            out.append(_list_html(run) if isinstance(block, ListItem) else _quotes_html(run))  # type: ignore[arg-type]
            index = end
            continue
        if isinstance(block, Heading):
            tag = f"h{block.level}"
            out.append(f'<{tag} id="{escape(block.id)}">{render_spans_html(block.spans)}</{tag}>')
        elif isinstance(block, Table):
            out.append(_table_html(block))
        else:
            out.append(f"<p>{render_spans_html(block.spans)}</p>")
        index += 1
    return Markup("\n".join(out) + ("\n" if out else ""))


def _list_html(items: list[ListItem]) -> str:
    out: list[str] = []
    open_lists: list[tuple[int, bool]] = []  # (level, ordered), an <li> open in each

    def close_one() -> None:
        _level, ordered = open_lists.pop()
        out.append("</li></ol>" if ordered else "</li></ul>")

    for item in items:
        while open_lists and (
            open_lists[-1][0] > item.level
            or (open_lists[-1][0] == item.level and open_lists[-1][1] != item.ordered)
        ):
            close_one()
        if open_lists and open_lists[-1][0] == item.level:
            out.append("</li>\n<li>")
        else:
            out.append("<ol>\n<li>" if item.ordered else "<ul>\n<li>")
            open_lists.append((item.level, item.ordered))
        out.append(str(render_spans_html(item.spans)))
    while open_lists:
        close_one()
    return "".join(out)


def _quotes_html(quotes: list[Quote]) -> str:
    paragraphs = "\n".join(f"<p>{render_spans_html(q.spans)}</p>" for q in quotes)
    return f"<blockquote>\n{paragraphs}\n</blockquote>"


def _table_html(table: Table) -> str:
    def style(column: int) -> str:
        align = table.align[column] if column < len(table.align) else None
        return f' class="align-{align}"' if align else ""

    rows = []
    for number, row in enumerate(table.rows):
        header = table.header and number == 0
        cells = []
        for column, cell in enumerate(row.cells):
            content = render_spans_html(cell.spans)
            if header:
                cells.append(f'<th scope="col"{style(column)}>{content}</th>')
            else:
                cells.append(f"<td{style(column)}>{content}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if table.header:
        head, body = rows[:1], rows[1:]
        return (
            "<table>\n<thead>\n"
            + "\n".join(head)
            + "\n</thead>\n<tbody>\n"
            + "\n".join(body)
            + "\n</tbody>\n</table>"
        )
    return "<table>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


def render_html(
    document: Document, *, stylesheet: str | None = None, overrides: Path | None = None
) -> str:
    """Return a whole HTML page for ``document`` from ``document.html.j2``.

    ``stylesheet`` is the URL of a stylesheet to link instead of the built-in styles;
    ``overrides`` is a folder of user templates searched before the built-in ones.
    """
    from coproduce.templating import template_env

    meta = document.meta
    template = template_env(overrides=overrides).get_template("document.html.j2")
    return template.render(
        title=meta.title,
        show_title=not any(h.level == 1 for h in document.iter_headings()),
        meta=meta,
        review_date=_long_date(meta.review_date),
        stylesheet=safe_href(stylesheet) if stylesheet else None,
        body=render_blocks_html(document.blocks),
        slug=document.slug,
    )


def _long_date(day: dt.date | None) -> str | None:
    return f"{day.day} {day:%B %Y}" if day is not None else None
