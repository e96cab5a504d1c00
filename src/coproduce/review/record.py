"""Read and write a cycle's record, ``reviews/<cycle>/cycle.yaml``, committed through the store."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import Person, ReviewCycle, load_model

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REVIEWS = "reviews"
CYCLE_FILE = "cycle.yaml"
DECISION_FILE = "decision.yaml"


def cycle_path(cycle_id: str) -> str:
    """Return the repository-relative path of a cycle's definition."""
    return f"{REVIEWS}/{cycle_id}/{CYCLE_FILE}"


def cycle_exists(repo: GuidanceRepo, cycle_id: str) -> bool:
    """Return whether a cycle with this id has a record."""
    return (repo.root / cycle_path(cycle_id)).is_file()


def load_cycle(repo: GuidanceRepo, cycle_id: str, *, copy: bool = True) -> ReviewCycle:
    """Return the cycle recorded under ``reviews/<cycle_id>/``; NotFoundError when none.

    ``copy=False`` returns the parsed cycle itself, shared with other callers, for a busy
    reader that only reads it (the portal's pages, intake's checks): never change it.
    """
    path = repo.root / cycle_path(cycle_id)
    try:
        stat = path.stat() if "/" not in cycle_id else None
    except OSError:
        stat = None
    if stat is None:
        known = ", ".join(iter_cycle_ids(repo)) or "none yet"
        raise NotFoundError(f"no review cycle {cycle_id!r} (known: {known})")
    # Parsed once per version of the file: a busy portal reads the cycle on every submission.
    parsed = _parse_cycle(path, stat.st_mtime_ns, stat.st_size, stat.st_ino, cycle_id)
    return parsed.model_copy(deep=True) if copy else parsed


@functools.lru_cache(maxsize=64)
def _parse_cycle(path: Path, mtime_ns: int, size: int, inode: int, cycle_id: str) -> ReviewCycle:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise InvalidInputError(f"{cycle_path(cycle_id)} is not valid YAML: {e}") from e
    return load_model(ReviewCycle, data, what=cycle_path(cycle_id))


def load_yaml(text: str) -> Any:
    """Parse YAML with libyaml when it is there (ten times faster), else in pure Python."""
    return yaml.load(text, Loader=_LOADER)


def iter_cycle_ids(repo: GuidanceRepo) -> list[str]:
    """Return the ids of every recorded cycle, sorted."""
    folder = repo.root / REVIEWS
    if not folder.is_dir():
        return []
    return sorted(p.parent.name for p in folder.glob(f"*/{CYCLE_FILE}"))


def iter_cycles(repo: GuidanceRepo) -> list[ReviewCycle]:
    """Return every recorded cycle, sorted by id."""
    return [load_cycle(repo, cycle_id) for cycle_id in iter_cycle_ids(repo)]


def dump_cycle(cycle: ReviewCycle) -> str:
    """Return the YAML text of a cycle record (stable key order, UTC times)."""
    data = cycle.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_cycle(
    repo: GuidanceRepo,
    cycle: ReviewCycle,
    *,
    author: Person,
    message: str,
    extra: dict[str, str] | None = None,
) -> str:
    """Commit the cycle record (and any ``extra`` files); return the commit sha."""
    files: dict[str, str | bytes | None] = {cycle_path(cycle.id): dump_cycle(cycle)}
    files.update(extra or {})
    trailers = {"Review-Cycle": [cycle.id]}
    return str(repo.commit_files(files, author=author, message=message, trailers=trailers))


@contextlib.contextmanager
def cycle_lock(repo: GuidanceRepo, cycle_id: str) -> Iterator[None]:
    """Hold the record's shared lock (every worker sees it) while a cycle is read and moved on.

    With a git remote configured, the clone is brought up to date first and what was
    committed is pushed after.
    """
    with repo.writing():
        yield


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def dump_yaml(data: Any) -> str:
    """Return ``data`` as block-style YAML (libyaml's emitter where built in: 10× faster)."""
    return yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=100)
