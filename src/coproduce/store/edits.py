"""Commit the edits someone made by hand to a document, naming the feedback they act on."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError
from coproduce.models import Person
from coproduce.store import paths
from coproduce.store.message import FEEDBACK_ID

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
    the sha. Each id in ``feedback`` becomes a ``Feedback:`` trailer.

    The edits go through ``repo.commit_files`` like every other write (so whatever it does
    around a commit, such as syncing with a remote, happens here too): they are kept aside,
    the files put back as committed, then written and committed. On any failure the edits are
    put back in the working tree, and a copy stays in the state folder until the commit is made.
    """
    from coproduce.document import parse_markdown

    bad = [f for f in feedback if not FEEDBACK_ID.fullmatch(f)]
    if bad:
        raise InvalidInputError(f"not a feedback id like FB-0012: {', '.join(bad)}")
    document, twin = paths.document_relpath(slug), paths.twin_relpath(slug)
    if not repo.exists(slug) and not (repo.backend.has_head() and repo.exists(slug, "HEAD")):
        raise repo.unknown_document(slug, None)
    dirty = repo.backend.dirty_paths([document, twin])
    if not dirty:
        raise InvalidInputError(f"nothing to commit: {document} has no changes")
    edits: dict[str, str | bytes | None] = {}
    for relpath in dirty:
        path = repo.root / relpath
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            parse_markdown(text, slug=slug)
            edits[relpath] = text
        else:
            edits[relpath] = None
    every = {**(trailers or {})}
    if feedback:
        every["Feedback"] = list(dict.fromkeys(feedback))
    backup = _keep_aside(repo, edits)
    try:
        _put_back_committed(repo, dirty)
        sha = repo.commit_files(edits, author=author, message=message, trailers=every or None)
    except BaseException:
        _write(repo, edits)
        raise
    for path in backup:
        path.unlink(missing_ok=True)
    return sha


def _keep_aside(repo: GuidanceRepo, edits: dict[str, str | bytes | None]) -> list[Path]:
    folder = Path(repo.state_dir) / "edits"
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for relpath, text in edits.items():
        if isinstance(text, str):
            target = folder / relpath.replace("/", "__")
            target.write_text(text, encoding="utf-8")
            kept.append(target)
    return kept


def _put_back_committed(repo: GuidanceRepo, relpaths: Sequence[str]) -> None:
    head = repo.backend.commit_sha("HEAD")
    for relpath in relpaths:
        committed = repo.backend.blob(head, relpath) if head else None
        path = repo.root / relpath
        if committed is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(committed[1])
    repo.backend.unstage(list(relpaths))


def _write(repo: GuidanceRepo, edits: dict[str, str | bytes | None]) -> None:
    for relpath, text in edits.items():
        path = repo.root / relpath
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(str(text), encoding="utf-8")
