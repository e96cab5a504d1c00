"""Render a guidance document as a clean Word file styled by a reference .docx."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import BinaryIO

from docx.document import Document as DocxDocument

from coproduce.docx.build import (
    BlockWriter,
    add_title_block,
    new_document,
    set_core_properties,
)
from coproduce.docx.safety import check_docx
from coproduce.errors import InvalidInputError
from coproduce.models import Document
from coproduce.templating import builtin_templates_dir

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def default_reference() -> Path | None:
    """Return the built-in ``reference.docx`` when it exists."""
    path = builtin_templates_dir() / "reference.docx"
    return path if path.is_file() else None


def build_docx(
    document: Document, *, reference: Path | None = None, modified: dt.datetime | None = None
) -> DocxDocument:
    """Return a python-docx document holding the title block and every block of ``document``."""
    reference = reference if reference is not None else default_reference()
    if reference is not None:
        check_docx(reference)
    doc = new_document(reference)
    set_core_properties(doc, document.meta, modified=modified or _now())
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
    data = render_docx_bytes(document, reference=reference, modified=modified)
    if isinstance(target, Path):
        try:
            target.write_bytes(data)
        except OSError as e:
            raise InvalidInputError(f"cannot write {target}: {e.strerror}") from e
    else:
        target.write(data)


def save_bytes(doc: DocxDocument) -> bytes:
    """Save a python-docx document to bytes with fixed zip timestamps (reproducible output)."""
    raw = io.BytesIO()
    doc.save(raw)
    return normalise_zip(raw.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Return ``data`` re-zipped with every entry dated 1980-01-01, in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
