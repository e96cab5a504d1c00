"""Pictures in a clean Word rendering: a marker paragraph replaced by an image with alt text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path

from docx.shared import Cm

from coproduce.docx.save import save_bytes
from coproduce.docx.writer import build_docx
from coproduce.docx.xml import qn
from coproduce.errors import InvalidInputError
from coproduce.models import Document


def render_docx_with_pictures(
    document: Document,
    pictures: Mapping[str, tuple[bytes, str]],
    *,
    reference: Path | None = None,
    modified: dt.datetime | None = None,
    width_cm: float = 16.0,
    details: bool = True,
) -> bytes:
    """Return the clean rendering of ``document`` with each paragraph reading exactly a key of
    ``pictures`` replaced by that (PNG, alt text) image, the text alternative in its ``descr``.
    Without ``details`` the title is not followed by the document-details table (a paper about
    a document, not guidance, has no owner, status or review date of its own)."""
    doc = build_docx(document, reference=reference, modified=modified)
    if not details:
        body = doc.element.body
        if len(body) > 1 and body[1].tag == qn("w:tbl"):
            body.remove(body[1])
    left = dict(pictures)
    for paragraph in doc.paragraphs:
        marker = paragraph.text.strip()
        if marker not in left:
            continue
        png, alt = left.pop(marker)
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        try:
            paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
        except Exception as e:  # python-docx raises its own and PIL-like errors for bad images
            raise InvalidInputError(f"cannot place the picture for {marker}: {e}") from e
        for prop in paragraph._p.xpath(".//wp:docPr"):
            prop.set("descr", alt)
            prop.set("title", alt[:120])
    if left:
        raise InvalidInputError(f"the template has no place for: {', '.join(sorted(left))}")
    return save_bytes(doc)
