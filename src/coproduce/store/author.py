"""Who is acting: from --author, COPRODUCE_AUTHOR, coproduce.toml, then git's own config."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError
from coproduce.models import Person
from coproduce.store.plumbing import git_config

if TYPE_CHECKING:
    from coproduce.config import Settings
    from coproduce.store.repo import GuidanceRepo

_NAME_EMAIL = re.compile(r"^\s*([^<>]*?)\s*<([^<>\s]*)>\s*$")
HOW_TO_SET = (
    'no author: pass --author "Name <email>", set COPRODUCE_AUTHOR, add [author] name and'
    " email to coproduce.toml, or set git config user.name and user.email"
)


def parse_person(text: str) -> Person:
    """Return the person ``"Name <email>"`` (or just ``"Name"``) names."""
    match = _NAME_EMAIL.match(text)
    name, email = (match.group(1), match.group(2)) if match else (text.strip(), "")
    if not name or "<" in name or ">" in name or (email and "@" not in email):
        raise InvalidInputError(f'not an author like "Name <name@example.org>": {text!r}')
    return Person(name=name, email=email)


def resolve_author(
    explicit: str | None,
    settings: Settings,
    *,
    repo: GuidanceRepo | None = None,
    repo_root: Path | None = None,
) -> Person:
    """Return the acting person: explicit, then settings (env over toml), then git config."""
    if explicit is not None and explicit.strip():
        return parse_person(explicit)
    if settings.author is not None:
        return settings.author
    root = repo.root if repo is not None else repo_root
    name = git_config("user.name", root)
    if name:
        return Person(name=name, email=git_config("user.email", root))
    raise InvalidInputError(HOW_TO_SET)
