"""Versions of a document as git holds them."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, Field

from coproduce.errors import InvalidInputError

VERSION_PATTERN = r"^(\d+)\.(\d+)$"


class Person(BaseModel):
    """Someone who made a change: the name and email git records."""

    name: str
    email: str = ""

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


class Version(BaseModel):
    """One commit that changed a document; ``number`` and ``tag`` set when it was approved."""

    slug: str
    commit: str = Field(min_length=7)
    date: dt.datetime
    author: Person
    message: str
    tag: str | None = None
    number: str | None = Field(default=None, pattern=VERSION_PATTERN)

    @property
    def approved(self) -> bool:
        return self.tag is not None


class SectionChange(BaseModel):
    """A commit that touched one section of a document: who, when, and how."""

    section: str
    commit: str
    date: dt.datetime
    author: Person
    message: str
    change: str = Field(description="added, modified, removed")
    feedback: list[str] = Field(default_factory=list, description="Feedback ids in trailers.")


def approved_tag(slug: str, number: str) -> str:
    """Return the git tag name for an approved version, e.g. ``protocol/v1.0``."""
    return f"{slug}/v{number}"


def parse_version_number(number: str) -> tuple[int, int]:
    """Return (major, minor) of a version number such as ``"1.2"``."""
    m = re.match(VERSION_PATTERN, number)
    if m is None:
        raise InvalidInputError(f"not a version number (want MAJOR.MINOR): {number!r}")
    return int(m.group(1)), int(m.group(2))
