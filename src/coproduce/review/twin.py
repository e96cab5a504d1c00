"""Which sections of a youth twin fell behind their parent, judged section by section.

A twin section is stale when a parent section it explains (or a subsection of it) changed in
a later commit than the twin section itself last did. Both histories are read up to the
cycle's proposed commit, and commits are ordered by history, not by clock: two commits made
in the same second are still told apart.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from coproduce.models import Document
    from coproduce.store import GuidanceRepo

ORIGIN = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def find_stale_sections(
    *, repo: GuidanceRepo, slug: str, rev: str, parent: Document, twin: Document
) -> list[str]:
    """Return the twin sections whose parent section changed after the twin section did."""
    from coproduce.document import map_twin, stale_sections
    from coproduce.store.paths import document_relpath, twin_relpath

    commits = repo.commits_touching([document_relpath(slug), twin_relpath(slug)], rev=rev)
    # A commit's rank in history stands in for its time: later commits rank higher.
    rank = {c.sha: ORIGIN + dt.timedelta(seconds=n) for n, c in enumerate(reversed(commits))}
    parent_changed = {}
    for section in parent.section_ids():
        for change in repo.section_history(slug, section):
            if change.commit in rank:  # newest first: the first one up to ``rev`` counts
                parent_changed[section] = rank[change.commit]
                break
    twin_changed = {
        section: rank[sha]
        for section, sha in twin_section_commits(repo=repo, slug=slug, rev=rev).items()
        if sha in rank
    }
    return stale_sections(map_twin(parent, twin), parent_changed, twin_changed)


def twin_section_commits(*, repo: GuidanceRepo, slug: str, rev: str) -> dict[str, str]:
    """Return, for each section of the twin at ``rev``, the last commit that changed it."""
    from coproduce.store.paths import twin_relpath

    relpath = twin_relpath(slug)
    last: dict[str, str] = {}
    # Oldest first, so a later change of a section overwrites an earlier one.
    for entry in reversed(repo.commits_touching([relpath], rev=rev)):
        after = _twin_at(repo, slug, entry.sha)
        if after is None:
            continue
        before = _twin_at(repo, slug, f"{entry.sha}^")
        for section in after.section_ids():
            if before is None or before.section_blocks(section) != after.section_blocks(section):
                last[section] = entry.sha
    return last


def _twin_at(repo: GuidanceRepo, slug: str, rev: str) -> Document | None:
    """Return the twin as it was at ``rev``; None when absent there or unreadable."""
    from coproduce.document import parse_markdown
    from coproduce.store.paths import twin_relpath

    try:
        text = repo.read_file(twin_relpath(slug), rev=rev)
        return parse_markdown(text, slug=slug)
    except (NotFoundError, InvalidInputError):
        return None
