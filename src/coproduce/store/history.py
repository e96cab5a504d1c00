"""The history of one section: which commits added, modified or removed it, and why."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import Block, Document, SectionChange
from coproduce.store.message import feedback_ids
from coproduce.store.paths import document_relpath

if TYPE_CHECKING:
    from coproduce.store.repo import GuidanceRepo

_UNPARSABLE = object()
CACHE_LIMIT = 2048  # parsed versions kept per repository object


class _VersionReader:
    """Parse each version of one document once, keyed by blob sha, cached on the repository."""

    def __init__(self, repo: GuidanceRepo, slug: str) -> None:
        self.repo = repo
        self.slug = slug
        self.section_ids: set[str] = set()

    def at(self, blob: str | None) -> Document | object | None:
        """Return the document in ``blob``; None when absent, _UNPARSABLE when broken."""
        from coproduce.document import parse_markdown

        if blob is None:
            return None
        cache = self.repo.parsed_blobs
        key = (self.slug, blob)
        if key not in cache:
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            text = self.repo.backend.read_blob(blob).decode("utf-8", errors="replace")
            try:
                cache[key] = parse_markdown(text, slug=self.slug)
            except InvalidInputError:
                cache[key] = _UNPARSABLE
        document = cache[key]
        if isinstance(document, Document):
            self.section_ids.update(document.section_ids())
        return document


def _blocks(document: Document | object | None, section: str) -> list[Block] | None:
    if isinstance(document, Document):
        return document.section_blocks(section) or None
    return None


def _change(before: list[Block] | None, after: list[Block] | None) -> str | None:
    if before is None and after is not None:
        return "added"
    if before is not None and after is None:
        return "removed"
    if before != after:
        return "modified"
    return None


def section_history(repo: GuidanceRepo, slug: str, section: str) -> list[SectionChange]:
    """Return the commits that added, modified or removed ``section``, newest first.

    Each commit's version of the section is compared with its parent's (a merge's with its
    first parent's), so commits made by hand with plain ``git commit`` count just the same.
    Versions that do not parse are skipped rather than reported as removals.
    """
    relpath = document_relpath(slug)
    entries = repo.backend.log_blobs("HEAD", relpath) if repo.backend.has_head() else []
    if not entries:
        raise repo.unknown_document(slug, None)
    reader = _VersionReader(repo, slug)
    changes = []
    for entry, old_blob, new_blob in entries:
        after = reader.at(new_blob)
        before = reader.at(old_blob)
        if after is _UNPARSABLE or before is _UNPARSABLE:
            continue
        kind = _change(_blocks(before, section), _blocks(after, section))
        if kind is not None:
            changes.append(
                SectionChange(
                    section=section,
                    commit=entry.sha,
                    date=entry.date,
                    author=entry.author,
                    message=entry.message,
                    change=kind,
                    feedback=feedback_ids(entry.message),
                )
            )
    if section not in reader.section_ids:
        close = difflib.get_close_matches(section, sorted(reader.section_ids), n=5, cutoff=0.5)
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise NotFoundError(f"no section '{section}' in {slug}{hint}")
    return changes
