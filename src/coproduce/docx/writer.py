"""Render a guidance document as a clean Word file styled by a reference .docx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from docx.document import Document as DocxDocument

from coproduce.docx.build import BlockWriter, add_title_block, set_core_properties
from coproduce.docx.custom import set_front_matter_property
from coproduce.docx.reference import default_reference, new_document
from coproduce.docx.safety import check_docx
from coproduce.docx.save import save_bytes, write_bytes
from coproduce.models import Document

__all__ = ["build_docx", "default_reference", "render_docx_bytes", "save_bytes", "write_docx"]


def build_docx(
    document: Document, *, reference: Path | None = None, modified: dt.datetime | None = None
) -> DocxDocument:
    """Return a python-docx document holding the title block and every block of ``document``."""
    reference = reference if reference is not None else default_reference()
    if reference is not None:
        check_docx(reference)
    doc = new_document(reference)
    set_core_properties(doc, document.meta, modified=modified or _now())
    set_front_matter_property(doc, document.meta)
    add_title_block(doc, document.meta)
    writer = BlockWriter(doc)
    for block in document.blocks:
        writer.add(block)
    return doc


def render_docx_bytes(
    document: Document, *, reference: Path | None = None, modified: dt.datetime | None = None
) -> bytes:
    """Return the clean Word rendering of ``document`` as bytes."""
    doc = build_docx(document, reference=reference, modified=modified)
    return save_bytes(doc)


def write_docx(
    document: Document,
    target: Path | BinaryIO,
    *,
    reference: Path | None = None,
    modified: dt.datetime | None = None,
) -> None:
    """Write the clean Word rendering of ``document`` to a path or binary stream."""
    write_bytes(render_docx_bytes(document, reference=reference, modified=modified), target)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
