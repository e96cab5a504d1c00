"""Where things live inside a guidance repository, and how to find one."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from coproduce.defaults import CONFIG_FILE
from coproduce.defaults import STATE_DIR_NAME as STATE_DIR_NAME
from coproduce.errors import InvalidInputError
from coproduce.models import is_slug

GUIDANCE_DIR = "guidance"
REVIEWS_DIR = "reviews"
TEMPLATES_DIR = "templates"
TWIN_SUFFIX = ".young-people.md"


def check_slug(slug: str) -> str:
    """Return ``slug`` unchanged, or raise InvalidInputError when it is not a valid slug."""
    if not is_slug(slug):
        raise InvalidInputError(
            f"invalid slug {slug!r}: use lowercase letters, digits and hyphens"
            " (e.g. escalation-policy)"
        )
    return slug


def document_relpath(slug: str) -> str:
    """Return the repository-relative path of a document, e.g. ``guidance/protocol.md``."""
    return f"{GUIDANCE_DIR}/{check_slug(slug)}.md"


def twin_relpath(slug: str) -> str:
    """Return the repository-relative path of a document's youth-friendly twin."""
    return f"{GUIDANCE_DIR}/{check_slug(slug)}{TWIN_SUFFIX}"


def slug_of(relpath: str) -> str | None:
    """Return the slug of ``guidance/<slug>.md``, or None for twins and any other file."""
    path = PurePosixPath(relpath)
    if path.parent != PurePosixPath(GUIDANCE_DIR) or path.suffix != ".md":
        return None
    if path.name.endswith(TWIN_SUFFIX):
        return None
    return path.stem if is_slug(path.stem) else None


def check_relpath(relpath: str) -> str:
    """Return ``relpath`` normalised to posix form; refuse paths leaving the repository."""
    raw = relpath.replace("\\", "/")
    path = PurePosixPath(raw)
    parts = [p for p in path.parts if p not in ("", ".")]
    if not parts or path.is_absolute() or ".." in parts or parts[0] == ".git":
        raise InvalidInputError(f"path outside the repository's files: {relpath!r}")
    return "/".join(parts)


def find_root(start: Path) -> Path | None:
    """Return the nearest folder at or above ``start`` holding ``coproduce.toml``."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None
