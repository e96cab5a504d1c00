"""Inline content: markdown-it inline tokens to spans, and the one normal form of a span list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from markdown_it.token import Token

from coproduce.models import Span

BREAK = Span(text="\n")


def normalize_spans(spans: Iterable[Span]) -> list[Span]:
    """Return ``spans`` in normal form.

    A hard break is always a plain ``Span(text="\\n")`` on its own; no other span holds a line
    break; empty spans are dropped; an empty link is no link; neighbours with the same format
    are merged; no break starts or ends the list.
    """
    # Breaks are compared by identity: after splitting, every break is the BREAK object and
    # no other span holds a line break (pydantic's __eq__ is slow in this hot loop).
    pieces: list[Span] = []
    for span in spans:
        link = span.link or None
        text = span.text
        if "\n" not in text:
            if text:
                pieces.append(span if link == span.link else span.model_copy(update={"link": link}))
            continue
        for index, part in enumerate(text.split("\n")):
            if index:
                pieces.append(BREAK)
            if part:
                pieces.append(span.model_copy(update={"text": part, "link": link}))
    if len(pieces) == 1:
        return pieces if pieces[0] is not BREAK else []
    merged: list[Span] = []
    for span in pieces:
        if (
            merged
            and span is not BREAK
            and merged[-1] is not BREAK
            and merged[-1].same_format(span)
        ):
            merged[-1] = merged[-1].model_copy(update={"text": merged[-1].text + span.text})
        else:
            merged.append(span)
    start, end = 0, len(merged)
    while start < end and merged[start] is BREAK:
        start += 1
    while end > start and merged[end - 1] is BREAK:
        end -= 1
    return merged[start:end]


def spans_from_inline(children: Sequence[Token] | None) -> list[Span]:
    """Return the normalized spans of one markdown-it inline token's children."""
    return normalize_spans(_walk(children or []))


def _walk(children: Sequence[Token]) -> list[Span]:
    spans: list[Span] = []
    bold = italic = 0
    links: list[str | None] = []

    def add(text: str, *, code: bool = False, link: str | None = None) -> None:
        href = link if link is not None else (links[-1] if links else None)
        spans.append(Span(text=text, bold=bold > 0, italic=italic > 0, code=code, link=href))

    for token in children:
        kind = token.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold = max(bold - 1, 0)
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic = max(italic - 1, 0)
        elif kind == "link_open":
            links.append(str(token.attrs.get("href", "")) or None)
        elif kind == "link_close":
            if links:
                links.pop()
        elif kind == "code_inline":
            add(token.content, code=True)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            spans.append(BREAK)
        elif kind == "image":
            src = str(token.attrs.get("src", "")) or None
            alt = "".join(_plain_text(token.children or [])) or token.content or (src or "")
            add(alt, link=src)
        else:
            # text, html_inline and anything unknown: keep the literal text.
            add(token.content)
    return spans


def _plain_text(children: Sequence[Token]) -> Iterable[str]:
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            yield " "
        elif token.children:
            yield from _plain_text(token.children)
        else:
            yield token.content
