"""Dispositions in git: one ``reviews/<cycle>/dispositions/FB-….yaml`` per decided item.

One file per item keeps two people triaging different items from ever touching the same file,
so their commits merge (and a remote rebases) without conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from coproduce.errors import InvalidInputError
from coproduce.models import Disposition, FeedbackItem, Person, load_model
from coproduce.review import record
from coproduce.review.feedback import FEEDBACK_DIR

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

DISPOSITIONS_DIR = "dispositions"
# libyaml's loader when PyYAML has it: a pack reads thousands of small files.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, *, what: str) -> Any:
    """Return the data of one YAML file; InvalidInputError naming ``what`` when it is broken."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{what} is not valid YAML: {e}") from e


def read_feedback(repo: GuidanceRepo, cycle_id: str) -> list[FeedbackItem]:
    """Return every feedback item of a cycle, in id order (``iter_feedback``, read faster)."""
    folder = repo.root / record.REVIEWS / cycle_id / FEEDBACK_DIR
    items = []
    for path in sorted(folder.glob("FB-*.yaml")):
        what = str(path.relative_to(repo.root))
        items.append(load_model(FeedbackItem, read_yaml(path, what=what), what=what))
    return items


def disposition_path(cycle_id: str, feedback_id: str) -> str:
    """Return the repository path of one item's disposition."""
    return f"{record.REVIEWS}/{cycle_id}/{DISPOSITIONS_DIR}/{feedback_id}.yaml"


def iter_dispositions(repo: GuidanceRepo, cycle_id: str) -> dict[str, Disposition]:
    """Return ``{feedback id: disposition}`` for every item of the cycle that has an outcome."""
    folder = repo.root / record.REVIEWS / cycle_id / DISPOSITIONS_DIR
    found: dict[str, Disposition] = {}
    for path in sorted(folder.glob("FB-*.yaml")):
        what = str(path.relative_to(repo.root))
        item = load_model(Disposition, read_yaml(path, what=what), what=what)
        found[item.feedback] = item
    return found


def dump_disposition(disposition: Disposition) -> str:
    """Return the YAML text of one disposition."""
    return record.dump_yaml(disposition.model_dump(mode="json", exclude_none=True))


def save_dispositions(
    repo: GuidanceRepo,
    cycle_id: str,
    dispositions: Iterable[Disposition],
    *,
    author: Person,
    message: str,
) -> str | None:
    """Commit dispositions in one commit (call under the cycle lock); None when nothing changed."""
    files: dict[str, str | bytes | None] = {}
    for item in dispositions:
        relpath = disposition_path(cycle_id, item.feedback)
        text = dump_disposition(item)
        current = repo.root / relpath
        if current.is_file() and current.read_text(encoding="utf-8") == text:
            continue
        files[relpath] = text
    if not files:
        return None
    ids = sorted(p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in files)
    trailers = {"Review-Cycle": [cycle_id], "Triage": ids}
    return str(repo.commit_files(files, author=author, message=message, trailers=trailers))
