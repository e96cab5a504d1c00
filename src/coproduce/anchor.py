"""Anchor feedback to the passage it is about (W3C Web Annotation style selectors).

``make_anchor`` anchors a quote in a named section of the text it was made on.
``place_anchor`` finds a passage again in a later text: by its quote, then by the prefix and
suffix around it, then fuzzily (rapidfuzz); what cannot be placed is orphaned, never dropped.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from coproduce.errors import NotFoundError
from coproduce.models import Anchor, AnchorStatus, Document

CONTEXT = 32
FUZZY_CUTOFF = 80.0
_GAP = 200


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


def place_anchor(
    document: Document,
    *,
    quote: str,
    section: str | None = None,
    prefix: str = "",
    suffix: str = "",
) -> Anchor:
    """Return where ``quote`` (seen between ``prefix`` and ``suffix``) is in ``document``.

    The named section is searched first, then every other. Found by quote in the named
    section (or anywhere when none is named), the anchor is ``exact``; found elsewhere, by
    context or fuzzily, ``reanchored``; not found, ``orphaned`` with what was quoted kept.
    """
    ids = document.section_ids()
    named = section if section in ids else None
    order = ([named] if named else []) + [s for s in ids if s != named]
    texts = _Texts(document)  # read a section only when a stage needs it
    quote = quote.strip()
    if not quote and not (prefix.strip() or suffix.strip()):
        if named:
            return Anchor(section=named)
        return Anchor(section=section or "", status=AnchorStatus.ORPHANED)
    for stage in (_by_quote, _by_context, _by_fuzzy):
        for candidate in order:
            found = stage(texts[candidate], quote, prefix, suffix)
            if found is None:
                continue
            start, end = found
            exact = stage is _by_quote and (candidate == named or section is None)
            text = texts[candidate]
            return Anchor(
                section=candidate,
                exact=text[start:end],
                prefix=text[max(0, start - CONTEXT) : start],
                suffix=text[end : end + CONTEXT],
                start=start,
                end=end,
                status=AnchorStatus.EXACT if exact else AnchorStatus.REANCHORED,
            )
    return Anchor(
        section=named or section or "",
        exact=quote[:20_000],
        prefix=prefix[-CONTEXT:],
        suffix=suffix[:CONTEXT],
        status=AnchorStatus.ORPHANED,
    )


class _Texts(dict[str, str]):
    """Section texts of one document, read on first use."""

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document

    def __missing__(self, section: str) -> str:
        self[section] = text = section_text(self.document, section)
        return text


def reanchor(document: Document, anchor: Anchor) -> Anchor:
    """Return ``anchor`` found again in ``document`` (a later text): unchanged when its passage
    is still where it was, else placed anew (``reanchored``) or ``orphaned``."""
    whole_section = not anchor.exact and anchor.status is not AnchorStatus.ORPHANED
    if whole_section and anchor.section in document.section_ids():
        return anchor
    placed = place_anchor(
        document,
        quote=anchor.exact,
        section=anchor.section,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
    )
    same = (placed.section, placed.start, placed.end) == (anchor.section, anchor.start, anchor.end)
    if placed.status is AnchorStatus.EXACT and not same:
        return placed.model_copy(update={"status": AnchorStatus.REANCHORED})
    if placed.status is AnchorStatus.EXACT:
        return placed.model_copy(update={"status": anchor.status})
    return placed


def _by_quote(text: str, quote: str, prefix: str, suffix: str) -> tuple[int, int] | None:
    """Find the quote; of several occurrences, the one whose context matches best."""
    if not quote:
        return None
    starts: list[int] = []
    at = text.find(quote)
    while at >= 0 and len(starts) < 50:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        at, found = _find_loosely(text, quote)
        return (at, at + len(found)) if at >= 0 else None
    best = max(starts, key=lambda a: _context_score(text, a, a + len(quote), prefix, suffix))
    return best, best + len(quote)


def _by_context(text: str, quote: str, prefix: str, suffix: str) -> tuple[int, int] | None:
    """Find the text between the prefix and the suffix (the quote itself was edited)."""
    # The ends nearest the passage: the far ends of the context may have been edited too.
    before, after = prefix.strip()[-16:], suffix.strip()[:12]
    if len(before) < 8 or len(after) < 8:
        return None
    at = text.find(before)
    while at >= 0:
        start = at + len(before)
        while start < len(text) and text[start].isspace():
            start += 1
        end = text.find(after, start)
        if 0 <= end - start <= len(quote) * 2 + _GAP:
            while end > start and text[end - 1].isspace():
                end -= 1
            return start, end
        at = text.find(before, at + 1)
    return None


def _by_fuzzy(text: str, quote: str, prefix: str, suffix: str) -> tuple[int, int] | None:
    """Find the closest passage to the quote, if it scores at least FUZZY_CUTOFF."""
    if len(quote) < 12 or not text:
        return None
    found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=FUZZY_CUTOFF)
    if found is None:
        return None
    return found.dest_start, found.dest_end


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    score = 0
    if prefix and text[:start].endswith(prefix.strip()[-16:]):
        score += 1
    if suffix and text[end:].lstrip().startswith(suffix.strip()[:16]):
        score += 1
    return score
