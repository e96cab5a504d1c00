"""Keep a clone of the guidance repository in step with a shared git remote.

Before reading the record a writer fetches and fast-forwards (rebasing its own unpushed
commits, if any, on top); after writing it pushes, and a push refused because another worker
pushed first is retried after a fresh fetch. Callers hold the shared lock, so workers on
several machines keep one linear history.
"""

from __future__ import annotations

import contextlib
import random
import time

from coproduce.errors import ConflictError, CoproduceError, NotFoundError
from coproduce.store.plumbing import GitBackend

PUSH_ATTEMPTS = 12
REBASER = {"GIT_COMMITTER_NAME": "coproduce", "GIT_COMMITTER_EMAIL": "coproduce@localhost"}


def check_remote(backend: GitBackend, remote: str) -> None:
    """Raise NotFoundError when ``remote`` is not a remote of the clone."""
    names = backend.run("remote").split()
    if remote not in names:
        known = ", ".join(names) or "none"
        raise NotFoundError(
            f"repository.remote is {remote!r} but the clone at {backend.root} has no such git"
            f" remote (it has: {known}); add it with: git remote add {remote} URL"
        )


def pull(backend: GitBackend, remote: str) -> None:
    """Fetch ``remote`` and bring the current branch up to it (rebasing local commits)."""
    branch = current_branch(backend)
    backend.run("fetch", "--quiet", "--tags", remote, what=f"cannot fetch from {remote}")
    upstream = f"refs/remotes/{remote}/{branch}"
    if backend.commit_sha(upstream) is None or not backend.has_head():
        return  # nothing pushed yet: the first push creates the branch
    head, theirs = backend.commit_sha("HEAD"), backend.commit_sha(upstream)
    if head == theirs:
        return
    base = backend.run("merge-base", "HEAD", upstream).strip()
    if base == theirs:
        return  # we are ahead: the push will carry our commits
    if base == head:
        backend.run("merge", "--ff-only", "--quiet", upstream, what="cannot fast-forward")
        return
    try:
        # Authors stay as they were; the rebased commits are committed by coproduce itself
        # (a worker need not have a git identity of its own).
        backend.run("rebase", "--quiet", "--autostash", upstream, env=REBASER, what="cannot rebase")
    except CoproduceError as e:
        with contextlib.suppress(CoproduceError):  # no rebase under way: nothing to abort
            backend.run("rebase", "--abort")
        raise ConflictError(
            f"local commits in {backend.root} clash with {remote}/{branch}; resolve by hand"
            " (git pull --rebase) and run the command again"
        ) from e


def push(backend: GitBackend, remote: str) -> None:
    """Push the current branch and its annotated tags, retrying after a fresh pull."""
    branch = current_branch(backend)
    for attempt in range(PUSH_ATTEMPTS):
        try:
            backend.run("push", "--quiet", "--follow-tags", remote, f"HEAD:refs/heads/{branch}",
                        what=f"cannot push to {remote}")  # fmt: skip
            return
        except CoproduceError:
            if attempt == PUSH_ATTEMPTS - 1:
                raise
            # Another writer pushed first (only writers not sharing a lock can race): wait a
            # little, at random so two racers part, then build on what they pushed.
            time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
            pull(backend, remote)


def current_branch(backend: GitBackend) -> str:
    """Return the checked-out branch's name."""
    name = backend.run("symbolic-ref", "--quiet", "--short", "HEAD", what="no branch").strip()
    if not name:
        raise ConflictError(f"{backend.root} is not on a branch (detached HEAD)")
    return name
