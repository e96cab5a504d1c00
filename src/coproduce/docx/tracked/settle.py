"""Paragraph marks that would leave an empty paragraph behind: fused or moved to a neighbour."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree

from coproduce.docx.runs import w
from coproduce.docx.tracked.elements import PPR, RPR, P, content_of, mark_of, ppr_base
from coproduce.docx.xml import qn

if TYPE_CHECKING:
    from coproduce.docx.tracked.writer import TrackedWriter

_VANISHING = frozenset((qn("w:del"), qn("w:moveFrom")))
_WRAPS = frozenset((qn("w:ins"), qn("w:del")))
_TBL = qn("w:tbl")
_HYPERLINK = qn("w:hyperlink")


def settle_marks(elements: list[etree._Element], writer: TrackedWriter) -> None:
    """Keep paragraph-mark changes off paragraphs that end the body or precede a table.

    A paragraph whose mark vanishes in one view merges into the next paragraph there; with no
    next paragraph (the body ends, or a table follows) readers leave an empty paragraph
    behind. Such a paragraph is fused with a nearby paragraph whose mark vanishes in the
    other view (one deleted, one inserted: together they are a replaced paragraph), or else
    its mark change moves to the paragraph before the run of changed marks, the last
    paragraph taking that paragraph's properties for the view in which they merge.
    """
    _unglue(elements, writer)
    index = 0
    while index < len(elements):
        element = elements[index]
        following = elements[index + 1] if index + 1 < len(elements) else None
        index += 1
        if following is not None and following.tag == P:
            continue  # the common case, decided without looking at the marks
        mark = mark_of(element)
        if mark is None:
            continue
        accept = mark.tag in _VANISHING
        k = index - 1
        while k > 0 and _vanishes(elements[k - 1], accept=accept):
            k -= 1
        prev = elements[k - 1] if k > 0 else None
        if prev is not None and prev.tag == P and _vanishes(prev, accept=not accept):
            _fuse(element, prev, writer, deleted_first=not accept)
            elements.remove(prev)
            index -= 1
        elif prev is not None and prev.tag == P and mark_of(prev) is None:
            new, old = _props(element)
            prev_new, prev_old = _props(prev)
            _drop(mark)
            writer.finish(prev, mark="del" if accept else "ins")
            _set_props(element, prev_new if accept else new, old if accept else prev_old, writer)
        elif following is None:
            # The body's last paragraph, after a table: its mark stays, as the mark Word
            # always keeps after a final table; readers show it as an empty paragraph.
            _drop(mark)


def _unglue(elements: list[etree._Element], writer: TrackedWriter) -> None:
    """Move an inserted or deleted paragraph mark back onto a paragraph ending in the same change.

    LibreOffice joins adjacent revisions of one author, date and kind into one range: text
    inserted at the end of a paragraph followed by an inserted paragraph becomes one range that
    takes the first paragraph's mark with it, and Reject All then joins that paragraph with
    the one after the insertion. Word writes such an edit with the first paragraph's mark
    inserted instead (the new paragraph keeps the old mark), which is the same change in both
    views and one range that ends before an unchanged mark; this writes it that way.
    """
    for k in range(len(elements) - 1):
        prev, element = elements[k], elements[k + 1]
        mark = mark_of(element)
        if mark is None or mark.tag not in _WRAPS or prev.tag != P or mark_of(prev) is not None:
            continue
        if _edge(prev, last=True) != mark.tag or _edge(element, last=False) not in (mark.tag, None):
            continue
        deleted = mark.tag == qn("w:del")
        new, old = _props(element)
        prev_new, prev_old = _props(prev)
        _drop(mark)
        writer.finish(prev, mark="del" if deleted else "ins")
        _set_props(element, prev_new if deleted else new, old if deleted else prev_old, writer)


def _edge(p: etree._Element, *, last: bool) -> str | None:
    """Return the tag of a paragraph's first or last content (inside a hyperlink too)."""
    content = content_of(p)
    if not content:
        return None
    child = content[-1 if last else 0]
    if child.tag == _HYPERLINK and len(child):
        child = child[-1 if last else 0]
    return str(child.tag)


def _fuse(
    element: etree._Element, other: etree._Element, writer: TrackedWriter, *, deleted_first: bool
) -> None:
    """Make ``element`` one replaced paragraph holding ``other``'s content as well.

    One of the two has a deleted mark and the other an inserted one; the result keeps its
    mark in both views, with the inserted paragraph's properties and the deleted one's old.
    """
    deleted, inserted = (other, element) if deleted_first else (element, other)
    new, _ = _props(inserted)
    _, old = _props(deleted)
    for p in (element, other):
        mark = mark_of(p)
        if mark is not None:
            _drop(mark)
    content = content_of(other)
    anchor = next(iter(content_of(element)), None)
    for child in content:
        if anchor is not None and deleted_first:
            anchor.addprevious(child)
        else:
            element.append(child)
    _set_props(element, new, old, writer)


def _drop(mark: etree._Element) -> None:
    """Remove a paragraph-mark revision, and the properties it leaves empty."""
    parent = mark.getparent()
    parent.remove(mark)
    while parent is not None and not len(parent) and parent.tag in (RPR, PPR):
        grand = parent.getparent()
        grand.remove(parent)
        parent = grand


def _vanishes(element: etree._Element, *, accept: bool) -> bool:
    if element.tag == _TBL:  # a table whose every row is inserted (or deleted) goes with it
        rows = element.findall(qn("w:tr"))
        kind = qn("w:del") if accept else qn("w:ins")
        return bool(rows) and all(r.find(f"{qn('w:trPr')}/{kind}") is not None for r in rows)
    mark = mark_of(element)
    if mark is None:
        return False
    return (mark.tag in _VANISHING) == accept


def _props(p: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """Return a paragraph's new and old properties (old = new without a ``w:pPrChange``)."""
    new = ppr_base(p)
    change = p.find(f"{PPR}/{qn('w:pPrChange')}/{PPR}")
    old = list(change) if change is not None else new
    return [copy.deepcopy(c) for c in new], [copy.deepcopy(c) for c in old]


def _set_props(
    p: etree._Element, new: list[etree._Element], old: list[etree._Element], writer: TrackedWriter
) -> None:
    """Replace a paragraph's properties by ``new``, recording ``old`` when it differs."""
    ppr = p.find(PPR)
    rpr = ppr.find(RPR) if ppr is not None else None
    if ppr is not None:
        p.remove(ppr)
    ppr = w("pPr")
    ppr.extend(new)
    if rpr is not None:
        ppr.append(rpr)
    p.insert(0, ppr)
    before = w("p")
    before.append(w("pPr"))
    before[0].extend(old)
    writer.finish(p, old=before)
