"""Everything a returned Word file says, read in one pass of the checked package opener:
comments (with replies and resolved flags), tracked changes, changed paragraphs, and the
custom properties that name the cycle, version and participant it was sent for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coproduce.docx.comments.reader import CommentRecord, read_package_comments
from coproduce.docx.package import open_package
from coproduce.docx.properties import PROPERTY_PREFIX
from coproduce.docx.revisions import EditRecord, RevisionRecord, read_revision_views

_UNKNOWN_AUTHORS = frozenset({"", "author", "unknown", "unknown author", "anonymous", "user"})


@dataclass
class ReplyFile:
    """A returned Word file as read: comments, revisions, edits and our custom properties."""

    comments: list[CommentRecord] = field(default_factory=list)
    revisions: list[RevisionRecord] = field(default_factory=list)
    edits: list[EditRecord] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return what ``coproduce feedback inspect --json`` prints."""
        return {
            "comments": [
                {
                    "id": c.id,
                    "author": clean_author(c.author),
                    "date": c.date.isoformat() if c.date else None,
                    "text": c.text,
                    "anchor": c.anchored_text,
                    "parent": c.parent_id,
                    "resolved": c.resolved,
                }
                for c in self.comments
            ],
            "revisions": [
                {
                    "kind": r.kind,
                    "author": clean_author(r.author),
                    "date": r.date.isoformat() if r.date else None,
                    "text": r.text,
                }
                for r in self.revisions
            ],
            "properties": self.properties,
        }


def read_reply(source: Path | bytes) -> ReplyFile:
    """Read a returned .docx (checked first: corrupt or hostile files are refused)."""
    package = open_package(source)
    views = read_revision_views(package)
    ours = {
        name.removeprefix(PROPERTY_PREFIX): value
        for name, value in package.custom.items()
        if name.startswith(PROPERTY_PREFIX)
    }
    return ReplyFile(
        comments=read_package_comments(package),
        revisions=views.revisions,
        edits=views.edits,
        properties=ours,
    )


def clean_author(raw: str) -> str:
    """Return a readable author from Word's messy strings; '' when it names no one.

    ``Name <Name <email>>`` and ``Name <email>`` give ``Name``; a bare address gives the
    address; Word's scrubbed ``Author`` gives ''.
    """
    text = " ".join(raw.split())
    name = text.split("<", 1)[0].strip().strip('"')
    if not name:
        found = re.search(r"[^<>\s]+@[^<>\s]+", text)
        name = found.group(0) if found else ""
    return "" if name.lower() in _UNKNOWN_AUTHORS else name
