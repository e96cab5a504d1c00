"""Find the runs that show a quoted passage, in the accepted or the rejected view."""

from __future__ import annotations

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
                    runs.append(run)
                offset += len(piece)
            return runs[0], runs[-1]
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


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
