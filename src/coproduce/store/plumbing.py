"""The one place gitpython is used: git commands and objects, their errors turned into ours."""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import git
from gitdb.exc import BadName, BadObject

from coproduce.errors import ConflictError, CoproduceError, NotFoundError
from coproduce.models import Person

_FIELD = "\x1f"
_LOG_FORMAT = _FIELD.join(["%H", "%an", "%ae", "%aI", "%B"])


_Method = TypeVar("_Method", bound=Callable[..., Any])


@dataclass(frozen=True)
class LogEntry:
    """One commit as ``git log`` reports it."""

    sha: str
    author: Person
    date: dt.datetime
    message: str


def identity_env(person: Person) -> dict[str, str]:
    """Return the environment making ``person`` both author and committer (and tagger)."""
    return {
        "GIT_AUTHOR_NAME": person.name,
        "GIT_AUTHOR_EMAIL": person.email,
        "GIT_COMMITTER_NAME": person.name,
        "GIT_COMMITTER_EMAIL": person.email,
    }


def git_error(error: git.GitCommandError, *, what: str) -> CoproduceError:
    """Return our error for a failed git command: one line naming what failed and why."""
    stderr = str(error.stderr or "").strip().replace("stderr: ", "").strip("'\" \n")
    reason = next((line for line in stderr.splitlines() if line.strip()), f"exit {error.status}")
    if "index.lock" in stderr or "cannot lock ref" in stderr:
        return ConflictError(f"{what}: the repository is busy ({reason})")
    return CoproduceError(f"{what}: git failed ({reason})")


def _serialised(method: _Method) -> _Method:
    """Run ``method`` holding the backend's object-database lock."""

    @functools.wraps(method)
    def wrapper(self: GitBackend, *args: Any, **kwargs: Any) -> Any:
        with self._objects:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class GitBackend:
    """A git working tree: run commands, read objects, commit and tag as a given person."""

    def __init__(self, repo: git.Repo) -> None:
        self.repo = repo
        self.root = Path(repo.working_tree_dir or repo.git_dir).resolve()
        # gitpython talks to one long-lived `git cat-file --batch` per repository object, which
        # threads must not share at the same moment (they deadlock on its pipe).
        self._objects = threading.RLock()

    @classmethod
    def open(cls, root: Path) -> GitBackend:
        """Open the git repository whose working tree is ``root``."""
        try:
            return cls(git.Repo(root))
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as e:
            raise NotFoundError(f"not a git repository: {root}") from e

    @classmethod
    def init(cls, root: Path) -> GitBackend:
        """Create a git repository at ``root`` on branch ``main``."""
        try:
            return cls(git.Repo.init(root, mkdir=True, initial_branch="main"))
        except git.GitCommandError as e:
            raise git_error(e, what=f"cannot create a git repository at {root}") from e

    def run(self, *args: str, env: dict[str, str] | None = None, what: str = "git") -> str:
        """Run ``git ARGS`` in the working tree and return its standard output."""
        try:
            out = self.repo.git.execute(
                ["git", *args], env=env, strip_newline_in_stdout=False, stdout_as_string=True
            )
        except git.GitCommandError as e:
            raise git_error(e, what=what) from e
        return str(out)

    @_serialised
    def commit_sha(self, rev: str) -> str | None:
        """Return the full sha of the commit ``rev`` names, or None when it names none."""
        if not rev or rev.startswith("-"):
            return None
        try:
            return self.repo.commit(rev).hexsha
        except (BadName, BadObject, ValueError, IndexError, TypeError, git.GitCommandError):
            return None

    def has_head(self) -> bool:
        """Return whether the current branch has any commit yet."""
        return self.commit_sha("HEAD") is not None

    @_serialised
    def blob(self, sha: str, relpath: str) -> tuple[str, bytes] | None:
        """Return (blob sha, content) of ``relpath`` at commit ``sha``, None when absent."""
        try:
            item = self.repo.commit(sha).tree / relpath
        except KeyError:
            return None
        if not isinstance(item, git.Blob):
            return None
        return item.hexsha, item.data_stream.read()

    @_serialised
    def blob_sha(self, sha: str, relpath: str) -> str | None:
        """Return the blob sha of ``relpath`` at commit ``sha``, None when absent."""
        try:
            item = self.repo.commit(sha).tree / relpath
        except KeyError:
            return None
        return item.hexsha if isinstance(item, git.Blob) else None

    @_serialised
    def read_blob(self, blob_sha: str) -> bytes:
        """Return the content of a blob."""
        data: bytes = self.repo.odb.stream(bytes.fromhex(blob_sha)).read()
        return data

    @_serialised
    def list_dir(self, sha: str, folder: str) -> list[str]:
        """Return the repository-relative paths of files directly inside ``folder`` at ``sha``."""
        try:
            tree = self.repo.commit(sha).tree / folder
        except KeyError:
            return []
        if not isinstance(tree, git.Tree):
            return []
        return [f"{folder}/{b.name}" for b in tree.blobs]

    def log(self, *revs: str, paths: Sequence[str] = (), reverse: bool = False) -> list[LogEntry]:
        """Return the commits ``git log REVS -- PATHS`` lists (newest first unless ``reverse``)."""
        args = ["log", "-z", f"--format={_LOG_FORMAT}"]
        if reverse:
            args.append("--reverse")
        out = self.run(*args, *revs, "--", *paths, what="cannot read history")
        return [_log_entry(record) for record in out.split("\0") if record.strip()]

    def log_blobs(self, rev: str, relpath: str) -> list[tuple[LogEntry, str | None, str | None]]:
        """Return (commit, blob before, blob after) for each commit changing ``relpath``.

        Newest first; "before" is the file in the commit's first parent; None means absent.
        One git process for the whole history.
        """
        fmt = "%x1e" + _LOG_FORMAT + "%x1d"
        args = ["log", f"--format={fmt}", "--raw", "--no-abbrev", "--no-renames"]
        out = self.run(*args, "--diff-merges=first-parent", rev, "--", relpath)
        found = []
        for record in out.split("\x1e")[1:]:
            header, _, raw = record.partition("\x1d")
            for line in raw.splitlines():
                meta, _, path = line.partition("\t")
                fields = meta.split()
                if path == relpath and len(fields) >= 4 and fields[0].startswith(":"):
                    found.append(
                        (_log_entry(header), _blob_or_none(fields[2]), _blob_or_none(fields[3]))
                    )
                    break
        return found

    def dirty_paths(self, relpaths: Sequence[str]) -> list[str]:
        """Return those of ``relpaths`` with uncommitted changes (staged, unstaged, untracked)."""
        out = self.run("status", "--porcelain", "-z", "--untracked-files=all", "--", *relpaths)
        records = iter(out.split("\0"))
        dirty = set()
        for record in records:
            if len(record) < 4:
                continue
            dirty.add(record[3:])
            if "R" in record[:2] or "C" in record[:2]:
                dirty.add(next(records, ""))  # the source path of a rename or copy
        return sorted(p for p in dirty if p)

    def tags(self, pattern: str, *, merged: str | None = None) -> dict[str, str]:
        """Return {tag: commit sha} for tags matching ``pattern`` (reachable from ``merged``)."""
        args = ["for-each-ref", "--format=%(refname:strip=2)\t%(*objectname)\t%(objectname)"]
        if merged is not None:
            args.append(f"--merged={merged}")
        out = self.run(*args, f"refs/tags/{pattern}", what="cannot list tags")
        found = {}
        for line in out.splitlines():
            name, peeled, direct = line.split("\t")
            found[name] = peeled or direct
        return found

    def add_tag(self, name: str, sha: str, *, tagger: Person, message: str) -> None:
        """Create the annotated tag ``name`` on commit ``sha`` with ``tagger`` as the tagger."""
        env = identity_env(tagger)
        self.run("tag", "-a", "--cleanup=whitespace", "-m", message, name, sha, env=env)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock so that two coproduce writers never interleave."""
        path = Path(self.repo.git_dir) / "coproduce.lock"
        with open(path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def stage(self, relpaths: Sequence[str]) -> None:
        """Stage ``relpaths`` as they are on disk; missing ones are staged as deleted."""
        present = [p for p in relpaths if (self.root / p).exists()]
        gone = [p for p in relpaths if p not in present]
        if present:
            self.run("add", "--", *present, what="cannot stage files")
        if gone:
            self.run("rm", "-q", "--cached", "--ignore-unmatch", "--", *gone)

    def commit(self, relpaths: Sequence[str], *, author: Person, message: str) -> str:
        """Commit the staged ``relpaths`` only, as ``author`` (also the committer)."""
        args = ["commit", "-q", "--cleanup=whitespace", "-m", message, "--only", "--", *relpaths]
        self.run(*args, env=identity_env(author), what="cannot commit")
        return self.repo.head.commit.hexsha

    def staged_changes(self, relpaths: Sequence[str]) -> bool:
        """Return whether the index differs from HEAD (or from nothing) for ``relpaths``."""
        if not self.has_head():
            return bool(self.run("ls-files", "--", *relpaths).strip())
        return bool(self.run("diff", "--cached", "--name-only", "HEAD", "--", *relpaths).strip())

    def unstage(self, relpaths: Sequence[str]) -> None:
        """Put the index back to HEAD for ``relpaths`` (used when a commit is abandoned)."""
        if self.has_head():
            self.run("reset", "-q", "HEAD", "--", *relpaths)
        else:
            self.run("rm", "-q", "--cached", "--ignore-unmatch", "--", *relpaths)


def git_config(key: str, root: Path | None = None) -> str:
    """Return git's configured value of ``key`` (repository, then global), or ""."""
    try:
        cmd = git.Git(str(root)) if root is not None and root.is_dir() else git.Git()
        return str(cmd.config("--get", key)).strip()
    except git.GitCommandError:
        return ""


def _blob_or_none(sha: str) -> str | None:
    return None if set(sha) == {"0"} else sha


def _log_entry(record: str) -> LogEntry:
    sha, name, email, date, message = record.lstrip("\n").split(_FIELD, 4)
    return LogEntry(
        sha=sha,
        author=Person(name=name, email=email),
        date=dt.datetime.fromisoformat(date),
        message=message.strip(),
    )
