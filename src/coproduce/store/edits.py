"""Commit the edits someone made by hand to a document, naming the feedback they act on."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from coproduce.errors import CoproduceError, InvalidInputError
from coproduce.models import Person
from coproduce.store import paths
from coproduce.store.message import FEEDBACK_ID, compose_message

if TYPE_CHECKING:
    from coproduce.store.repo import GuidanceRepo


def commit_edits(
    repo: GuidanceRepo,
    slug: str,
    *,
    author: Person,
    message: str,
    feedback: Sequence[str] = (),
    trailers: dict[str, list[str]] | None = None,
) -> str:
    """Commit the working-tree changes of ``guidance/<slug>.md`` (and its youth twin); return
    the sha. Each id in ``feedback`` becomes a ``Feedback:`` trailer. The edited text must
    parse; with nothing changed there is nothing to commit, and that is an error."""
    from coproduce.document import parse_markdown

    bad = [f for f in feedback if not FEEDBACK_ID.fullmatch(f)]
    if bad:
        raise InvalidInputError(f"not a feedback id like FB-0012: {', '.join(bad)}")
    document, twin = paths.document_relpath(slug), paths.twin_relpath(slug)
    if not repo.exists(slug) and not (repo.backend.has_head() and repo.exists(slug, "HEAD")):
        raise repo.unknown_document(slug, None)
    every = {**(trailers or {})}
    if feedback:
        every["Feedback"] = list(dict.fromkeys(feedback))
    full_message = compose_message(message, every)
    backend = repo.backend
    with backend.locked():
        dirty = backend.dirty_paths([document, twin])
        if not dirty:
            raise InvalidInputError(f"nothing to commit: {document} has no changes")
        for relpath in dirty:
            path = repo.root / relpath
            if path.is_file():
                parse_markdown(path.read_text(encoding="utf-8"), slug=slug)
        backend.stage(dirty)
        try:
            return backend.commit(dirty, author=author, message=full_message)
        except BaseException:
            with contextlib.suppress(CoproduceError):
                backend.unstage(dirty)
            raise
