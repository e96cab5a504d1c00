"""Entry points: a change set to a tracked-change python-docx document, bytes or a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from docx.document import Document as DocxDocument

from coproduce.docx.build import append_to_body, set_core_properties
from coproduce.docx.reference import default_reference, new_document
from coproduce.docx.save import save_bytes, write_bytes
from coproduce.docx.tracked.marks import RevisionMarks, track_revisions
from coproduce.docx.tracked.writer import TrackedWriter

if TYPE_CHECKING:  # the change model is data only; importing it at run time would be circular
    from coproduce.redline.change import ChangeSet


def write_tracked_docx(
    changes: ChangeSet, *, author: str, date: dt.datetime, reference: Path | None = None
) -> DocxDocument:
    """Return a python-docx document showing ``changes`` as native tracked changes.

    ``author`` and ``date`` attribute every operation whose own attribution is empty. Add
    comments to the returned document, then save it with :func:`save_tracked_docx`.
    """
    marks = RevisionMarks(author, date)
    reference = reference if reference is not None else default_reference()
    doc = new_document(reference)
    set_core_properties(doc, changes.proposed.meta, modified=date)
    writer = TrackedWriter(doc, changes, marks)
    append_to_body(doc, writer.body())
    track_revisions(doc)
    return doc


def save_tracked_docx(doc: DocxDocument, target: Path | BinaryIO) -> None:
    """Save a tracked document to a path or binary stream (reproducible zip timestamps)."""
    write_bytes(save_bytes(doc), target)


def render_tracked_bytes(
    changes: ChangeSet, *, author: str, date: dt.datetime, reference: Path | None = None
) -> bytes:
    """Return the tracked-change Word file for ``changes`` as bytes."""
    doc = write_tracked_docx(changes, author=author, date=date, reference=reference)
    return save_bytes(doc)
