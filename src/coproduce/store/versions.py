"""Versions of a document: the commits that changed it and the tags that approved them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from coproduce.errors import ConflictError, NotFoundError
from coproduce.models import Person, Version, approved_tag
from coproduce.models.version import parse_version_number
from coproduce.store.paths import document_relpath
from coproduce.store.plumbing import LogEntry

if TYPE_CHECKING:
    from coproduce.store.repo import GuidanceRepo


def approved_tags(repo: GuidanceRepo, slug: str, *, merged: str | None = None) -> dict[str, str]:
    """Return {version number: commit sha} of the approved tags ``<slug>/vM.m``."""
    pattern = re.compile(rf"^{re.escape(slug)}/v(\d+\.\d+)$")
    found = {}
    for tag, sha in repo.backend.tags(f"{slug}/v*", merged=merged).items():
        match = pattern.match(tag)
        if match:
            found[match.group(1)] = sha
    return found


def _by_commit(numbers: dict[str, str]) -> dict[str, str]:
    # When one commit was approved twice (same text, new number), the higher number stands.
    best: dict[str, str] = {}
    for number in sorted(numbers, key=parse_version_number):
        best[numbers[number]] = number
    return best


def _version(slug: str, entry: LogEntry, number: str | None) -> Version:
    return Version(
        slug=slug,
        commit=entry.sha,
        date=entry.date,
        author=entry.author,
        message=entry.message,
        tag=approved_tag(slug, number) if number else None,
        number=number,
    )


def list_versions(repo: GuidanceRepo, slug: str) -> list[Version]:
    """Return every commit that changed ``guidance/<slug>.md``, newest first."""
    relpath = document_relpath(slug)
    entries = repo.backend.log("HEAD", paths=[relpath]) if repo.backend.has_head() else []
    if not entries:
        raise repo.unknown_document(slug, None)
    numbers = _by_commit(approved_tags(repo, slug))
    return [_version(slug, e, numbers.get(e.sha)) for e in entries]


def approve(
    repo: GuidanceRepo,
    slug: str,
    number: str,
    *,
    author: Person,
    message: str | None,
    rev: str,
) -> str:
    """Tag the last commit that changed the document at or before ``rev``; return the tag.

    Refuses a tag that exists, a number not above the latest approved one, and a revision where
    the document does not exist or does not parse.
    """
    wanted = parse_version_number(number)
    tag = approved_tag(slug, number)
    relpath = document_relpath(slug)
    sha = repo.resolve(rev)
    if repo.backend.blob_sha(sha, relpath) is None:
        raise NotFoundError(f"no guidance document '{slug}' at '{rev}'")
    repo.read_document(slug, sha)
    target = repo.backend.log("-1", sha, paths=[relpath])[0].sha
    with repo.writing():
        numbers = approved_tags(repo, slug)
        if number in numbers or repo.backend.commit_sha(f"refs/tags/{tag}") is not None:
            raise ConflictError(f"tag {tag} already exists")
        if numbers:
            latest = max(numbers, key=parse_version_number)
            if parse_version_number(latest) >= wanted:
                raise ConflictError(f"{tag} is not newer than {approved_tag(slug, latest)}")
        text = message or f"Approve {slug} version {number}"
        repo.backend.add_tag(tag, target, tagger=author, message=text)
    return tag


def latest_approved(repo: GuidanceRepo, slug: str, *, before: str | None = None) -> Version | None:
    """Return the highest approved version, only counting those strictly before ``before``."""
    document_relpath(slug)
    if before is None:
        numbers = approved_tags(repo, slug)
    else:
        limit = repo.resolve(before)
        reachable = approved_tags(repo, slug, merged=limit)
        numbers = {n: sha for n, sha in reachable.items() if sha != limit}
    if not numbers:
        return None
    number = max(numbers, key=parse_version_number)
    entry = repo.backend.log("-1", numbers[number])[0]
    return _version(slug, entry, number)


def commits_between(
    repo: GuidanceRepo, base: str | None, proposed: str, slug: str
) -> list[Version]:
    """Return the commits after ``base`` up to ``proposed`` that changed the document."""
    relpath = document_relpath(slug)
    tip = repo.resolve(proposed)
    span = tip if base is None else f"{repo.resolve(base)}..{tip}"
    numbers = _by_commit(approved_tags(repo, slug))
    entries = repo.backend.log(span, paths=[relpath], reverse=True)
    return [_version(slug, e, numbers.get(e.sha)) for e in entries]
