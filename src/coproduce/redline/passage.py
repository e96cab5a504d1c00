"""A small redline of one passage: the paragraphs one change touched, as HTML and as text.

Built from the same block views as the full redline page (``redline.html``), so a passage
reads exactly as it does there, but without the legend and author labels: it is shown to the
person whose feedback caused the change, in an email or on their portal page. The HTML
carries inline styles (mail clients drop style sheets); the text marks words added with
``{+ +}`` and words taken out with ``[- -]``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from markupsafe import Markup, escape

from coproduce.models import Span
from coproduce.redline.change import BlockOp, ChangeSet
from coproduce.redline.html import BlockView, Segment, block_views

INS_STYLE = "color:#0b5d1e;background:#e6f4ea;text-decoration:underline"
DEL_STYLE = "color:#8a1c1c;background:#fbe9e9;text-decoration:line-through"
TEXT_LEGEND = "Words added are shown {+like this+}; words taken out are shown [-like this-]."


@dataclass(frozen=True)
class Passage:
    """One changed passage: its section, how it reads now, and the change shown."""

    section: str
    html: Markup
    text: str
    now: str
    bare_html: Markup
    """The HTML without inline styles, for pages whose style sheet marks ins and del."""


def render_passage(
    changes: ChangeSet, op: BlockOp, *, by: Collection[str] | None = None
) -> Passage:
    """Return the paragraphs of ``op`` with its word changes shown, as HTML and text.

    With ``by`` (``"author, date"`` stamps as the redline page titles them) only the changes
    those commits made are marked; the rest read as the text now stands. When that would mark
    nothing, every change is marked.
    """
    views = block_views(ChangeSet(base=changes.base, proposed=changes.proposed, meta=[], ops=[op]))
    if by is not None:
        only = _only(block_views(
            ChangeSet(base=changes.base, proposed=changes.proposed, meta=[], ops=[op])
        ), set(by))  # fmt: skip
        if any(s.kind in ("ins", "del") for s in _segments_of(only)):
            views = only
    html = Markup("\n").join(_html_block(v) for v in views)
    bare = Markup("\n").join(_html_block(v, styled=False) for v in views)
    text = "\n".join(t for t in map(_text_block, views) if t)
    now = "\n".join(_plain(b) for b in op.proposed)
    section = (op.proposed or op.base)[0].section
    return Passage(section=section, html=html, text=text, now=now, bare_html=bare)


def _segments_of(views: list[BlockView]) -> list[Segment]:
    found = [s for v in views for s in v.segments]
    return found + [s for v in views for r in v.rows for c in r.cells for s in c]


def _only(views: list[BlockView], stamps: set[str]) -> list[BlockView]:
    """Return ``views`` with changes by anyone else shown as the text now reads."""

    def keep(segments: list[Segment]) -> list[Segment]:
        kept = []
        for segment in segments:
            if segment.kind in ("ins", "del") and segment.title not in stamps:
                if segment.kind == "del":
                    continue  # words someone else took out are simply gone
                segment.kind = "equal"
            kept.append(segment)
        return kept

    for view in views:
        view.segments = keep(view.segments)
        for row in view.rows:
            row.cells = [keep(cell) for cell in row.cells]
    return views


def _plain(block: object) -> str:
    rows = getattr(block, "rows", None)
    if rows is not None:
        return "\n".join(" | ".join(c.text for c in r.cells) for r in rows)
    return str(getattr(block, "text", ""))


def _spans_text(spans: list[Span]) -> str:
    return "".join(s.text for s in spans)


def _segment_html(segment: Segment, styled: bool) -> Markup:
    words = escape(_spans_text(segment.spans))
    if segment.kind in ("ins", "del"):
        style = (INS_STYLE if segment.kind == "ins" else DEL_STYLE) if styled else ""
        attribute = Markup(' style="{}"').format(style) if style else Markup("")
        return Markup("<{0}{1}>{2}</{0}>").format(Markup(segment.kind), attribute, words)
    return Markup(words)


def _segment_text(segment: Segment) -> str:
    words = _spans_text(segment.spans)
    if not words.strip():
        return words
    if segment.kind == "ins":
        return "{+" + words + "+}"
    if segment.kind == "del":
        return "[-" + words + "-]"
    return words


def _html_block(view: BlockView, *, styled: bool = True) -> Markup:
    if view.tag == "table":
        rows = Markup("").join(
            Markup("<tr>{}</tr>").format(
                Markup("").join(
                    Markup('<td style="border:1px solid #777;padding:4px">{}</td>').format(
                        Markup("").join(_segment_html(s, styled) for s in cell)
                    )
                    for cell in row.cells
                )
            )
            for row in view.rows
        )
        return Markup('<table style="border-collapse:collapse">{}</table>').format(rows)
    inner = Markup("").join(_segment_html(s, styled) for s in view.segments)
    if view.tag in ("ul", "ol"):
        return Markup("<ul><li>{}</li></ul>").format(inner)
    tag = view.tag if view.tag.startswith("h") or view.tag == "blockquote" else "p"
    if tag.startswith("h"):
        tag = "p"  # a heading inside a message body reads as a strong paragraph
        inner = Markup("<strong>{}</strong>").format(inner)
    return Markup("<{0}>{1}</{0}>").format(Markup(tag), inner)


def _text_block(view: BlockView) -> str:
    if view.tag == "table":
        return "\n".join(
            " | ".join("".join(_segment_text(s) for s in cell) for cell in row.cells)
            for row in view.rows
        )
    text = "".join(_segment_text(s) for s in view.segments)
    return ("- " + text) if view.tag in ("ul", "ol") else text
