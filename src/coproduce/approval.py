"""Approve a version: its front matter says so in a commit, and the approval tag is on it."""

from __future__ import annotations

from coproduce.errors import ConflictError
from coproduce.models import Person, approved_tag
from coproduce.models.version import parse_version_number
from coproduce.store import GuidanceRepo
from coproduce.store.versions import approved_tags


def approve_document(
    *,
    repo: GuidanceRepo,
    slug: str,
    number: str,
    author: Person,
    message: str | None = None,
    rev: str = "HEAD",
) -> str:
    """Approve ``slug`` as version ``number``; return the tag.

    At HEAD, the front matter is first set to ``status: approved`` and ``version: "<number>"``
    and committed, and the tag goes on that commit, so a render of the tag reads Approved and
    the number. An earlier ``rev`` is tagged as it stands (its history cannot be rewritten).
    Everything is checked before anything is written.
    """
    parse_version_number(number)
    check_new_number(repo, slug=slug, number=number)
    if repo.resolve(rev) != repo.resolve("HEAD"):
        return repo.approve(slug, number, author=author, message=message, rev=rev)
    document = repo.read_document(slug, "HEAD")
    if repo.read_text(slug) != repo.read_text(slug, "HEAD"):
        raise ConflictError(
            f"guidance/{slug}.md has changes not yet committed: commit them (or undo them) "
            "before approving"
        )
    meta = document.meta.model_copy(update={"status": "approved", "version": number})
    if meta != document.meta:
        repo.write_document(
            document.model_copy(update={"meta": meta}),
            slug=slug,
            author=author,
            message=f"Approve {slug} version {number}",
        )
    return repo.approve(slug, number, author=author, message=message, rev="HEAD")


def check_new_number(repo: GuidanceRepo, *, slug: str, number: str) -> None:
    """Raise ConflictError unless ``number`` is above every approved version of ``slug``."""
    wanted = parse_version_number(number)
    if not repo.exists(slug, "HEAD") and not repo.exists(slug):
        raise repo.unknown_document(slug, None)
    tags = approved_tags(repo, slug)
    if number in tags:
        raise ConflictError(f"tag {approved_tag(slug, number)} already exists")
    if tags:
        latest = max(tags, key=parse_version_number)
        if parse_version_number(latest) >= wanted:
            raise ConflictError(
                f"{approved_tag(slug, number)} is not newer than {approved_tag(slug, latest)}"
            )
