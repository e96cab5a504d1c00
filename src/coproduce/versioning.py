"""What a version of a document is, as git records it: an approved number, or the draft after.

The front matter can say anything (a colleague's plain ``git commit`` keeps the ``approved``
of the version it edited); the approval tags are the record. A text identical to an approved
version is that version; any other text is a draft numbered after the latest approval before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coproduce.models import Document, DocumentMeta
from coproduce.models.version import parse_version_number
from coproduce.store.versions import approved_tags

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


def next_draft_number(number: str) -> str:
    """Return the draft number that follows an approved ``number``: 1.1 -> 1.2."""
    major, minor = parse_version_number(number)
    return f"{major}.{minor + 1}"


def standing_meta(
    repo: GuidanceRepo, slug: str, meta: DocumentMeta, *, rev: str | None
) -> DocumentMeta:
    """Return ``meta`` with status and version as the approval tags say for the text at ``rev``
    (the working tree when None)."""
    tags = approved_tags(repo, slug)
    if not tags or not repo.backend.has_head():
        return meta
    text = repo.read_text(slug, rev)
    same = [
        n for n, sha in tags.items() if repo.exists(slug, sha) and repo.read_text(slug, sha) == text
    ]
    if same:
        number = max(same, key=parse_version_number)
        return meta.model_copy(update={"status": "approved", "version": number})
    reachable = approved_tags(repo, slug, merged=repo.resolve(rev or "HEAD"))
    if not reachable:
        return meta
    latest = max(reachable, key=parse_version_number)
    number = next_draft_number(latest)
    if parse_version_number(meta.version) > parse_version_number(number):
        number = meta.version  # the author numbered the draft further on: keep theirs
    status = "draft" if meta.status == "approved" else meta.status
    return meta.model_copy(update={"status": status, "version": number})


def standing_document(repo: GuidanceRepo, slug: str, *, rev: str | None = None) -> Document:
    """Return the document at ``rev`` with its status and version as git records them."""
    document = repo.read_document(slug, rev)
    meta = standing_meta(repo, slug, document.meta, rev=rev)
    return document if meta == document.meta else document.model_copy(update={"meta": meta})
