"""The redline service: tracked changes between two git versions, attributed by commit.

Comments, blame and HTML are imported where they are used: ``coproduce redline`` is a whole
process, and every module it does not need is start-up time saved.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.docx.tracked import save_tracked_docx, write_tracked_docx
from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import Document, Table, Version
from coproduce.redline.change import Attribution, ChangeSet, attribute_all, compute_changes
from coproduce.store.paths import document_relpath

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from coproduce.docx.comments import CommentRef
    from coproduce.store.repo import GuidanceRepo


@dataclass
class Redline:
    """A tracked-change Word document built from two versions, ready for comments and saving."""

    slug: str
    base: str
    proposed: str
    changes: ChangeSet
    document: DocxDocument
    notices: list[str] = field(default_factory=list)

    @property
    def notice(self) -> str | None:
        """Return the notices as one line (None when there are none)."""
        return " ".join(self.notices) or None

    def add_comment(
        self,
        *,
        text: str,
        author: str,
        quote: str | None = None,
        block: int | None = None,
        initials: str = "",
        date: dt.datetime | None = None,
        parent: CommentRef | None = None,
        resolved: bool = False,
    ) -> CommentRef:
        """Comment on quoted text, on a block of the proposed version (by index), or both."""
        from coproduce.docx.comments import add_comment, find_passage

        within = None
        if block is not None:
            blocks = self.changes.proposed.blocks
            if not 0 <= block < len(blocks):
                raise NotFoundError(f"no block {block}: the proposed version has {len(blocks)}")
            target = blocks[block]
            if isinstance(target, Table):
                within = next((c.text for r in target.rows for c in r.cells if c.text.strip()), "")
            else:
                within = target.text
            if not within.strip():
                raise InvalidInputError(f"block {block} has no text to anchor a comment on")
        first = last = None
        if quote is None and within is None:
            if parent is None:
                raise InvalidInputError("say where the comment goes: a quote or a block index")
        else:
            first, last = find_passage(self.document, quote=quote or within or "", within=within)
        return add_comment(
            self.document,
            start_run_or_element=first,
            end=last,
            text=text,
            author=author,
            initials=initials,
            date=date,
            parent=parent,
            resolved=resolved,
        )

    def to_bytes(self) -> bytes:
        """Return the Word file as bytes."""
        buffer = io.BytesIO()
        save_tracked_docx(self.document, buffer)
        return buffer.getvalue()

    def save(self, path: Path) -> None:
        """Write the Word file to ``path``."""
        save_tracked_docx(self.document, Path(path))

    def html(self) -> str:
        """Return the changes as a whole accessible HTML page."""
        from coproduce.redline.html import render_redline_html

        return render_redline_html(self.changes, compared=(self.base, self.proposed))

    def summary(self) -> str:
        """Return a one-line count of what changed, in words a reader uses."""
        counts = self.changes.count()
        said = [
            (counts.get("replace", 0), "edited"),
            (counts.get("insert", 0), "added"),
            (counts.get("delete", 0), "deleted"),
            (counts.get("move_to", 0), "moved"),
            (counts.get("split", 0), "split"),
            (counts.get("merge", 0), "merged"),
        ]
        parts = [f"{n} {'paragraph' if n == 1 else 'paragraphs'} {what}" for n, what in said if n]
        tables = counts.get("table", 0)
        if tables:
            parts.append(f"{tables} {'table' if tables == 1 else 'tables'} changed")
        if self.changes.meta:
            n = len(self.changes.meta)
            parts.append(f"{n} front-matter {'field' if n == 1 else 'fields'} changed")
        return f"{self.base} -> {self.proposed}: " + (", ".join(parts) or "no changes")


def _empty_like(document: Document) -> Document:
    return Document(slug=document.slug, meta=document.meta, blocks=[])


def _read(repo: GuidanceRepo, slug: str, sha: str) -> Document | None:
    return repo.read_document(slug, sha) if repo.exists(slug, sha) else None


def _pair(
    repo: GuidanceRepo, slug: str, base: str, base_sha: str, proposed: str, proposed_sha: str
) -> tuple[Document, Document, list[str]]:
    """Return both versions; a side where the document is absent is empty, with a notice."""
    old, new = _read(repo, slug, base_sha), _read(repo, slug, proposed_sha)
    if old is not None and new is not None:
        return old, new, []
    if new is not None:
        notice = f"'{slug}' does not exist at {base}: the whole document is inserted."
        return _empty_like(new), new, [notice]
    if old is not None:
        notice = f"'{slug}' does not exist at {proposed}: the whole document is deleted."
        return old, _empty_like(old), [notice]
    raise NotFoundError(f"no guidance document '{slug}' at '{base}' or at '{proposed}'")


def _default_base(repo: GuidanceRepo, slug: str) -> str:
    approved = repo.latest_approved(slug)
    if approved is None or approved.tag is None:
        raise NotFoundError(
            f"'{slug}' has no approved version to compare with; pass --base REV to choose one"
        )
    return approved.tag


def _who(version: Version) -> Attribution:
    date = version.date if version.date.tzinfo else version.date.replace(tzinfo=dt.UTC)
    return Attribution(version.author.name, date.astimezone(dt.UTC), version.commit)


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a redline is built, then restore it.

    A redline makes hundreds of thousands of short-lived objects and almost no cycles; each
    collection would walk them all again (about a tenth of the run time at 50,000 words).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def redline(
    repo: GuidanceRepo,
    slug: str,
    *,
    base: str | None = None,
    proposed: str = "HEAD",
    author: str | None = None,
    allow_empty: bool = False,
) -> Redline:
    """Return the tracked changes of ``slug`` from ``base`` (default: latest approved tag) to
    ``proposed``, each change attributed to the commit that made it (or all to ``author``)."""
    with _paused_gc():
        return _build(
            repo, slug, base=base, proposed=proposed, author=author, allow_empty=allow_empty
        )


def _build(
    repo: GuidanceRepo,
    slug: str,
    *,
    base: str | None,
    proposed: str,
    author: str | None,
    allow_empty: bool,
) -> Redline:
    proposed_sha = repo.resolve_for(slug, proposed, option="--proposed")
    base = base if base is not None else _default_base(repo, slug)
    base_sha = repo.resolve_for(slug, base, option="--base")
    old, new, notices = _pair(repo, slug, base, base_sha, proposed, proposed_sha)
    if proposed == "HEAD" and repo.backend.dirty_paths([document_relpath(slug)]):
        notices.append(
            f"guidance/{slug}.md has changes that are not committed: the redline shows the"
            " last commit (HEAD); commit them to include them."
        )
    changes = compute_changes(old, new)
    if not changes.changed and not allow_empty:
        raise InvalidInputError(f"no changes between {base} and {proposed}")
    commits = repo.commits_between(base_sha, proposed_sha, slug) if base_sha != proposed_sha else []
    if changes.changed and not commits and base_sha != proposed_sha and author is None:
        notices.append(
            f"{proposed} does not come after {base}, so no commit made these changes: they are"
            " shown as by 'coproduce' (swap --base and --proposed, or name someone with --author)."
        )
    last = commits[-1] if commits else None
    fallback = _who(last) if last else Attribution(author or "coproduce", dt.datetime.now(dt.UTC))
    if author is not None:
        attribute_all(changes, Attribution(author, fallback.date))
    elif len(commits) == 1:
        attribute_all(changes, fallback)
    elif len(commits) > 1:
        from coproduce.redline.attribute import blame

        history = [old]
        for version in commits[:-1]:
            history.append(_read(repo, slug, version.commit) or _empty_like(new))
        history.append(new)
        blame(changes, history=history, commits=[_who(v) for v in commits])
    document = write_tracked_docx(changes, author=author or fallback.author, date=fallback.date)
    return Redline(slug, base, proposed, changes, document, notices)
