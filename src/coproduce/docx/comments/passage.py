"""Find the runs that show a quoted passage, in the accepted or the rejected view."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree

from coproduce.docx.people import W
from coproduce.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_DELETED = frozenset({f"{{{W}}}del", f"{{{W}}}moveFrom"})
_INSERTED = frozenset({f"{{{W}}}ins", f"{{{W}}}moveTo"})


def find_passage(
    document: DocxDocument, *, quote: str, within: str | None = None
) -> tuple[etree._Element, etree._Element]:
    """Return the first and last run showing ``quote``, searched in the accepted, then the
    rejected view of each paragraph (only paragraphs containing ``within``, when given)."""
    wanted = quote.strip()
    if not wanted:
        raise InvalidInputError("a quote to anchor a comment on cannot be empty")
    for view in ("new", "old"):
        for p in document.element.body.iter(f"{{{W}}}p"):
            pieces = _pieces(p, view)
            text = "".join(t for _, t in pieces)
            if within is not None and within.strip() not in text:
                continue
            at = text.find(wanted)
            if at < 0:
                continue
            end = at + len(wanted)
            runs, offset = [], 0
            for run, piece in pieces:
                if offset < end and offset + len(piece) > at:
                    runs.append((run, offset, piece))
                offset += len(piece)
            first, first_offset, _ = runs[0]
            last, last_offset, last_text = runs[-1]
            # Split the end first: when one run holds the whole quote, splitting its start
            # afterwards must see the already shortened run.
            if end - last_offset < len(last_text):
                last = _split_run(last, end - last_offset)[0]
                if first is runs[-1][0]:
                    first = last
            if at > first_offset:
                right = _split_run(first, at - first_offset)[1]
                if last is first:
                    last = right
                first = right
            return first, last
    raise NotFoundError(f"text not found in the document: {_short(wanted)!r}")


def _pieces(p: etree._Element, view: str) -> list[tuple[etree._Element, str]]:
    """Return (run, text) pairs of one paragraph as the ``new`` or ``old`` view shows it."""
    pieces = []
    skip = _DELETED if view == "new" else _INSERTED
    for run in p.iter(f"{{{W}}}r"):
        if any(a.tag in skip for a in run.iterancestors()):
            continue
        text = "".join(
            "\t" if el.tag == f"{{{W}}}tab" else (el.text or "")
            for el in run
            if el.tag in (f"{{{W}}}t", f"{{{W}}}delText", f"{{{W}}}tab")
        )
        if text:
            pieces.append((run, text))
    return pieces


def _split_run(run: etree._Element, at: int) -> tuple[etree._Element, etree._Element]:
    """Split a run of plain text into two runs at character ``at``; return (left, right).

    Runs holding anything but one text element (tabs, breaks, fields) are left whole, so the
    comment then covers the whole run: a little wider, never wrong.
    """
    texts = [el for el in run if el.tag in (f"{{{W}}}t", f"{{{W}}}delText")]
    others = [el for el in run if el.tag != f"{{{W}}}rPr" and el not in texts]
    if len(texts) != 1 or others or not 0 < at < len(texts[0].text or ""):
        return run, run
    right = copy.deepcopy(run)
    text = texts[0].text or ""
    space = "{http://www.w3.org/XML/1998/namespace}space"
    texts[0].text = text[:at]
    texts[0].set(space, "preserve")
    right_text = next(el for el in right if el.tag == texts[0].tag)
    right_text.text = text[at:]
    right_text.set(space, "preserve")
    run.addnext(right)
    return run, right


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
