"""Entry points: a change set to a tracked-change python-docx document, bytes or a file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from docx.document import Document as DocxDocument
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter

from coproduce.docx.build import append_to_body, new_document, set_core_properties
from coproduce.docx.tracked.marks import RevisionMarks, track_revisions
from coproduce.docx.tracked.writer import TrackedWriter
from coproduce.errors import InvalidInputError
from coproduce.resources import builtin_templates_dir

if TYPE_CHECKING:  # the change model is data only; importing it at run time would be circular
    from coproduce.redline.change import ChangeSet


_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_RT_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


class _ZipWriter:
    """The writer python-docx's PackageWriter expects, with fixed entry dates (reproducible)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, uri: PackURI, blob: bytes) -> None:
        entry = zipfile.ZipInfo(uri.membername, date_time=_FIXED_ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        self._zip.writestr(entry, blob)

    def close(self) -> None:
        self._zip.close()


def _package_bytes(doc: DocxDocument) -> bytes:
    """Return the saved package, zipped once (``docx.writer.save_bytes`` zips twice)."""
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = _ZipWriter(buffer)
    # The same three steps as PackageWriter.write, which cannot be handed another zip writer.
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)  # type: ignore[arg-type]
    writer.close()
    return buffer.getvalue()


def _default_reference() -> Path | None:
    path = builtin_templates_dir() / "reference.docx"
    return path if path.is_file() else None


def write_tracked_docx(
    changes: ChangeSet, *, author: str, date: dt.datetime, reference: Path | None = None
) -> DocxDocument:
    """Return a python-docx document showing ``changes`` as native tracked changes.

    ``author`` and ``date`` attribute every operation whose own attribution is empty. Add
    comments to the returned document, then save it with :func:`save_tracked_docx`.
    """
    marks = RevisionMarks(author, date)
    reference = reference if reference is not None else _default_reference()
    doc = new_document(reference)
    set_core_properties(doc, changes.proposed.meta, modified=date)
    writer = TrackedWriter(doc, changes, marks)
    append_to_body(doc, writer.body())
    track_revisions(doc)
    _drop_styles_with_effects(doc)
    return doc


def _drop_styles_with_effects(doc: DocxDocument) -> None:
    """Leave out ``stylesWithEffects.xml``: a Word 2010 copy of styles.xml that went stale.

    The writers add styles (Hyperlink, comment styles) to styles.xml only; a copy that no
    longer matches it is reported by validators as a cause of Word's repair prompt. Word
    2013 and later neither write nor need the part, and Word 2010 falls back to styles.xml.
    """
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype == _RT_STYLES_WITH_EFFECTS:
            doc.part.drop_rel(rid)


def save_tracked_docx(doc: DocxDocument, target: Path | BinaryIO) -> None:
    """Save a tracked document to a path or binary stream (reproducible zip timestamps)."""
    data = _package_bytes(doc)
    if isinstance(target, Path):
        try:
            target.write_bytes(data)
        except OSError as e:
            raise InvalidInputError(f"cannot write {target}: {e.strerror}") from e
    else:
        target.write(data)


def render_tracked_bytes(
    changes: ChangeSet, *, author: str, date: dt.datetime, reference: Path | None = None
) -> bytes:
    """Return the tracked-change Word file for ``changes`` as bytes."""
    doc = write_tracked_docx(changes, author=author, date=date, reference=reference)
    return _package_bytes(doc)
