"""Small element helpers of the tracked writer: trimming, run properties, paragraph properties."""

from __future__ import annotations

import copy

from lxml import etree

from coproduce.docx.runs import w
from coproduce.docx.xml import qn
from coproduce.models import Span

P, PPR, RPR = qn("w:p"), qn("w:pPr"), qn("w:rPr")
BOOKMARKS = frozenset((qn("w:bookmarkStart"), qn("w:bookmarkEnd")))
CONTENT = frozenset((qn("w:r"), qn("w:hyperlink")))
PARAGRAPH_MARKS = frozenset(qn(f"w:{t}") for t in ("ins", "del", "moveFrom", "moveTo"))
_NOT_BASE = frozenset((RPR, qn("w:sectPr"), qn("w:pPrChange")))
_T, _DEL_TEXT = qn("w:t"), qn("w:delText")


def mark_of(p: etree._Element) -> etree._Element | None:
    """Return the revision on a paragraph's mark (``pPr/rPr/ins|del|moveFrom|moveTo``)."""
    if p.tag != P:
        return None
    ppr = p.find(PPR)
    rpr = ppr.find(RPR) if ppr is not None else None
    if rpr is None:
        return None
    for child in rpr:
        if child.tag in PARAGRAPH_MARKS:
            return child
    return None


def content_of(p: etree._Element) -> list[etree._Element]:
    """Return a paragraph's children other than its properties and bookmarks."""
    return [c for c in p if c.tag != PPR and c.tag not in BOOKMARKS]


def trim(
    element: etree._Element, *, bookmarks: bool = True, content: bool = True
) -> etree._Element:
    """Return a rendered paragraph without its bookmarks and/or its runs (tables unchanged)."""
    if element.tag != P:
        return element
    for child in list(element):
        if (not bookmarks and child.tag in BOOKMARKS) or (not content and child.tag in CONTENT):
            element.remove(child)
    return element


def aligned(spans: list[Span], old: list[Span] | None) -> list[tuple[Span, Span | None]]:
    """Return ``spans`` cut where either side's formatting changes, each with its old span."""
    if not old:
        return [(s, None) for s in spans]
    pieces: list[tuple[Span, Span | None]] = []
    queue = [(o, o.text) for o in old]
    k = 0
    for span in spans:
        text = span.text
        while text:
            while k < len(queue) and not queue[k][1]:
                k += 1
            if k >= len(queue):
                pieces.append((span.model_copy(update={"text": text}), None))
                break
            before, rest = queue[k]
            n = min(len(text), len(rest))
            pieces.append(
                (
                    span.model_copy(update={"text": text[:n]}),
                    before.model_copy(update={"text": text[:n]}),
                )
            )
            queue[k] = (before, rest[n:])
            text = text[n:]
    return pieces


def to_deleted_text(run: etree._Element) -> None:
    """Turn a run's ``w:t`` into ``w:delText``, as text inside ``w:del`` must be."""
    for t in run.iter(_T):
        t.tag = _DEL_TEXT


def add_rpr_change(run: etree._Element, old_run: etree._Element, change: etree._Element) -> None:
    """Give ``run`` a ``w:rPrChange`` holding the complete old run properties."""
    rpr = run.find(RPR)
    if rpr is None:
        rpr = w("rPr")
        run.insert(0, rpr)
    old = old_run.find(RPR)
    change.append(copy.deepcopy(old) if old is not None else w("rPr"))
    rpr.append(change)


def insert_before(parent: etree._Element, child: etree._Element, names: tuple[str, ...]) -> None:
    """Insert ``child`` before the first child named in ``names`` (else at the end)."""
    tags = {qn(f"w:{n}") for n in names}
    for existing in parent:
        if existing.tag in tags:
            existing.addprevious(child)
            return
    parent.append(child)


def ppr_base(p: etree._Element) -> list[etree._Element]:
    """Return the paragraph's own properties (``CT_PPrBase``: no rPr, sectPr or change)."""
    ppr = p.find(PPR)
    return [] if ppr is None else [c for c in ppr if c.tag not in _NOT_BASE]


def ppr_key(p: etree._Element) -> bytes:
    """Return a byte string equal for paragraphs with the same own properties."""
    return b"".join(etree.tostring(c) for c in ppr_base(p))
