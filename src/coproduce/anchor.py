"""Anchor feedback to the passage it is about (W3C Web Annotation style selectors)."""

from __future__ import annotations

from coproduce.errors import NotFoundError
from coproduce.models import Anchor, AnchorStatus, Document

CONTEXT = 32


def section_text(document: Document, section: str) -> str:
    """Return the plain text of one section, one block per line (the space anchors index)."""
    blocks = document.section_blocks(section)
    if not blocks:
        known = ", ".join(document.section_ids())
        raise NotFoundError(f"no section {section!r} in {document.slug} (sections: {known})")
    return "\n".join(block.text for block in blocks)


def make_anchor(document: Document, *, section: str, quote: str = "") -> Anchor:
    """Return an anchor on ``quote`` within ``section``; orphaned (never dropped) if not found.

    An empty quote anchors to the section as a whole. The quote is matched exactly first, then
    with runs of whitespace treated as one space (text pasted from email or Word).
    """
    text = section_text(document, section)
    quote = quote.strip()
    if not quote:
        return Anchor(section=section)
    start = text.find(quote)
    if start < 0:
        start, quote = _find_loosely(text, quote)
    if start < 0:
        return Anchor(section=section, exact=quote, status=AnchorStatus.ORPHANED)
    end = start + len(quote)
    return Anchor(
        section=section,
        exact=quote,
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        start=start,
        end=end,
        status=AnchorStatus.EXACT,
    )


def _find_loosely(text: str, quote: str) -> tuple[int, str]:
    """Find ``quote`` ignoring differences in whitespace; return (start, the text as found)."""
    words = quote.split()
    if not words:
        return -1, quote
    position = text.find(words[0])
    while position >= 0:
        cursor, matched = position, True
        for word in words:
            while cursor < len(text) and text[cursor].isspace():
                cursor += 1
            if not text.startswith(word, cursor):
                matched = False
                break
            cursor += len(word)
        if matched:
            return position, text[position:cursor]
        position = text.find(words[0], position + 1)
    return -1, quote
