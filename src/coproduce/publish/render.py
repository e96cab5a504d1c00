"""Render an approved version as the files people read: clean Word, HTML and PDF."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from coproduce.publish.pdf import convert_to_pdf
from coproduce.publish.shelf import Edition, new_staging

if TYPE_CHECKING:
    from coproduce.models import Document
    from coproduce.store import GuidanceRepo


def render_edition(
    repo: GuidanceRepo, document: Document, *, tag: str, record: dict[str, Any]
) -> Edition:
    """Render ``document`` (front matter already approved) into a staging folder.

    The Word and HTML files are made exactly as the sign-off pack makes its clean version, so
    the published text is the text the board read. Nothing outside the staging folder changes;
    on failure the folder is removed.
    """
    from coproduce.document import render_html
    from coproduce.docx import render_docx_bytes
    from coproduce.guidance import reference_for

    version = document.meta.version
    staging = new_staging(repo.root, document.slug, version)
    edition = Edition(
        slug=document.slug,
        title=document.meta.title,
        version=version,
        tag=tag,
        staging=staging,
        record=record,
    )
    try:
        stem = f"{document.slug}-v{version}"
        docx = staging / f"{stem}.docx"
        docx.write_bytes(render_docx_bytes(document, reference=reference_for(repo)))
        html = render_html(document, overrides=repo.root / "templates")
        (staging / f"{stem}.html").write_text(html, encoding="utf-8")
        note = convert_to_pdf(docx, staging / f"{stem}.pdf")
        if note:
            edition.notes.append(note)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return edition


def discard(edition: Edition) -> None:
    """Remove an edition's staging folder (the decision was not recorded)."""
    shutil.rmtree(edition.staging, ignore_errors=True)
