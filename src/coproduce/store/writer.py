"""Write files into the working tree and commit exactly those, or leave everything as it was."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

from coproduce.errors import ConflictError, CoproduceError, InvalidInputError, NotFoundError
from coproduce.models import Person
from coproduce.store.message import compose_message
from coproduce.store.paths import check_relpath
from coproduce.store.plumbing import GitBackend


def commit_files(
    backend: GitBackend,
    files: Mapping[str, str | bytes | None],
    *,
    author: Person,
    message: str,
    trailers: dict[str, list[str]] | None,
) -> str:
    """Write (None: delete) ``files`` and commit only them as ``author``; return the sha.

    Call with the backend's lock held. Refuses paths with uncommitted changes; when nothing
    changes no commit is made and HEAD is returned; on any failure the files and the index
    are put back as they were.
    """
    full_message = compose_message(message, trailers)
    contents = {check_relpath(k): _encode(v) for k, v in files.items()}
    if not contents:
        raise InvalidInputError("nothing to commit: no files given")
    relpaths = sorted(contents)
    dirty = backend.dirty_paths(relpaths)
    if dirty:
        raise ConflictError(
            f"uncommitted changes in {', '.join(dirty)}: commit or discard them first"
        )
    missing = [p for p, data in contents.items() if data is None and not _exists(backend, p)]
    if missing:
        raise NotFoundError(f"cannot delete {', '.join(sorted(missing))}: no such file")
    head = backend.commit_sha("HEAD")
    before = {p: _read(backend.root / p) for p in relpaths}
    try:
        for relpath, data in contents.items():
            _put(backend.root / relpath, data)
        backend.stage(relpaths)
        if not backend.staged_changes(relpaths):
            backend.unstage(relpaths)
            if head is None:
                raise InvalidInputError("nothing to commit")
            return head
        return backend.commit(relpaths, author=author, message=full_message)
    except BaseException:
        for relpath, data in before.items():
            _put(backend.root / relpath, data)
        with contextlib.suppress(CoproduceError):  # keep the original error, not this one
            backend.unstage(relpaths)
        raise


def _exists(backend: GitBackend, relpath: str) -> bool:
    return (backend.root / relpath).is_file()


def _encode(value: str | bytes | None) -> bytes | None:
    return value.encode("utf-8") if isinstance(value, str) else value


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _put(path: Path, data: bytes | None) -> None:
    if data is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
