"""Traceability: every change in the redline to the feedback behind it, and back.

A change is tied to commits by the attribution the redline gave it (the author and date of
the commit that made it); a commit is tied to feedback by its ``Feedback:`` trailers. So a
change made with ``coproduce commit --feedback`` or a plain ``git commit`` with the trailer is
traced the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from coproduce.models import Block, Table, Version
from coproduce.redline.change import Attribution, BlockOp, ChangeSet
from coproduce.store.message import feedback_ids


@dataclass
class Change:
    """One changed block of the redline and the commits and items behind it."""

    number: int
    section: str
    kind: str
    summary: str
    commits: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    block: int | None = None
    quote: str = ""
    op: int | None = None
    """Index of the change's operation in the change set's ``ops``."""


@dataclass
class Trace:
    """Changes with their items, and each item with the changes that carry it."""

    changes: list[Change]
    commits_of: dict[str, list[str]]
    changes_of: dict[str, list[int]]


KIND_WORDS = {
    "insert": "added",
    "delete": "removed",
    "replace": "reworded",
    "split": "split",
    "merge": "merged",
    "move_to": "moved",
    "table": "table edited",
}


def trace_changes(changes: ChangeSet, commits: Sequence[Version]) -> Trace:
    """Return the changed blocks of ``changes`` tied to commits and to feedback items."""
    by_who: dict[tuple[str, str], list[Version]] = {}
    by_commit = {version.commit: version for version in commits}
    commits_of: dict[str, list[str]] = {}
    for version in commits:
        by_who.setdefault(_stamp(version.author.name, version.date), []).append(version)
        for item in feedback_ids(version.message):
            commits_of.setdefault(item, []).append(version.commit)
    only = list(commits) if len(commits) == 1 else []
    index = {id(b): i for i, b in enumerate(changes.proposed.blocks)}
    found: list[Change] = []
    changes_of: dict[str, list[int]] = {}
    for position, op in enumerate(changes.ops):
        if not op.changed or op.kind == "move_from":
            continue
        made_by = {
            v.commit: v
            for a in _attributions(op)
            for v in ([by_commit[a.commit]] if a.commit in by_commit else by_who.get(_who(a), []))
        }
        if not made_by:
            made_by = {v.commit: v for v in only}
        change = Change(
            number=len(found) + 1,
            section=_first(op).section,
            kind=KIND_WORDS.get(op.kind, op.kind),
            summary=_summary(op),
            commits=sorted(made_by),
            block=index.get(id(op.proposed[0])) if op.proposed else None,
            quote=_quote(op),
            op=position,
        )
        for version in made_by.values():
            for item in feedback_ids(version.message):
                if item not in change.items:
                    change.items.append(item)
                    changes_of.setdefault(item, []).append(change.number)
        found.append(change)
    return Trace(found, commits_of, changes_of)


def _stamp(author: str, date: dt.datetime) -> tuple[str, str]:
    if date.tzinfo is None:
        date = date.replace(tzinfo=dt.UTC)
    return author, date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _who(attribution: Attribution) -> tuple[str, str]:
    return _stamp(attribution.author, attribution.date)


def _attributions(op: BlockOp) -> Iterator[Attribution]:
    if op.attribution is not None:
        yield op.attribution
    yield from op.contributors  # a new block later edited by commits acting on feedback
    for paragraph in op.paragraphs:
        if paragraph.attribution is not None:
            yield paragraph.attribution
        yield from (s.attribution for s in paragraph.ops if s.attribution is not None)
    for row in op.rows:
        if row.attribution is not None:
            yield row.attribution
        yield from (s.attribution for cell in row.cells for s in cell if s.attribution)


def _first(op: BlockOp) -> Block:
    return (op.proposed or op.base)[0]


def _text(block: Block) -> str:
    if isinstance(block, Table):
        return " | ".join(c.text for r in block.rows for c in r.cells)
    return block.text


def _summary(op: BlockOp, width: int = 120) -> str:
    if op.kind == "delete":
        text = "Removed: " + " ".join(_text(b) for b in op.base)
    elif op.kind == "insert":
        text = "Added: " + " ".join(_text(b) for b in op.proposed)
    else:
        inserted = [
            s.proposed_text.strip()
            for p in op.paragraphs
            for s in p.ops
            if s.kind == "insert" and s.proposed_text.strip()
        ]
        deleted = [
            s.base_text.strip()
            for p in op.paragraphs
            for s in p.ops
            if s.kind == "delete" and s.base_text.strip()
        ]
        parts = []
        if inserted:
            parts.append("added “" + " … ".join(inserted) + "”")
        if deleted:
            parts.append("removed “" + " … ".join(deleted) + "”")
        text = "; ".join(parts) or f"{KIND_WORDS.get(op.kind, op.kind)}: {_text(_first(op))}"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _quote(op: BlockOp) -> str:
    """Return text to anchor a comment on: inserted words, else deleted words, else the block."""
    for paragraph in op.paragraphs:
        for span in paragraph.ops:
            if span.kind == "insert" and span.proposed_text.strip():
                return span.proposed_text.strip()
    if op.proposed:
        return _text(op.proposed[0]).strip()[:200]
    for paragraph in op.paragraphs:
        for span in paragraph.ops:
            if span.kind == "delete" and span.base_text.strip():
                return span.base_text.strip()
    return _text(op.base[0]).strip()[:80] if op.base else ""
