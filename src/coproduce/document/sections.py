"""Section ids: explicit `{#id}` markers on headings, derived unique ids, and block sections."""

from __future__ import annotations

import re
from collections.abc import Sequence

from coproduce.errors import InvalidInputError
from coproduce.models import Block, Heading, ListItem, slugify

PREAMBLE = "preamble"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ID_MARKER = re.compile(r"[ \t]*\{#([^{}\s]*)\}[ \t]*$")
MAX_LIST_LEVEL = 8


def split_explicit_id(source: str) -> tuple[str, str | None]:
    """Return heading source without a trailing unescaped `{#id}` marker, and the id if any."""
    match = _ID_MARKER.search(source)
    if match is None:
        return source, None
    brace = match.start() + match.group(0).index("{")
    backslashes = len(source[:brace]) - len(source[:brace].rstrip("\\"))
    if backslashes % 2:
        return source, None
    return source[: match.start()], match.group(1)


def check_explicit_id(value: str, *, line: int | None = None) -> str | None:
    """Return a problem line when ``value`` cannot be a section id, else None."""
    where = f"line {line}: " if line is not None else ""
    if value == PREAMBLE:
        return f"{where}heading id {value!r} is reserved for text before the first heading"
    if ID_PATTERN.match(value) is None:
        return (
            f"{where}heading id {value!r} is not valid "
            "(use lowercase letters, digits and hyphens, starting with a letter or digit)"
        )
    return None


def heading_ids(headings: Sequence[tuple[str | None, str]]) -> list[str]:
    """Return the id of each ``(explicit id or None, text)`` heading, as assign_sections does."""
    taken = {PREAMBLE, *(explicit for explicit, _ in headings if explicit is not None)}
    ids: list[str] = []
    for explicit, text in headings:
        heading_id = explicit if explicit is not None else _unique(slugify(text), taken)
        taken.add(heading_id)
        ids.append(heading_id)
    return ids


def assign_sections(blocks: Sequence[Block]) -> list[Block]:
    """Return ``blocks`` with unique heading ids, each block's section, and list levels settled.

    Explicit ids are kept (a duplicate is an error); other headings get ``slugify(text)``,
    made unique with ``-2``, ``-3``... A list item is at most one level deeper than the
    list item before it, and starts at level 0 after any other block.
    """
    explicit: dict[str, int] = {}
    problems: list[str] = []
    for position, block in enumerate(blocks):
        if isinstance(block, Heading) and block.explicit_id:
            if block.id in explicit:
                problems.append(f"heading id {block.id!r} is used by more than one heading")
            explicit[block.id] = position
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise InvalidInputError(
            f"document is not valid ({len(problems)} {noun})", problems=problems
        )
    taken = {PREAMBLE, *explicit}
    section = PREAMBLE
    previous_level = -1
    settled: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            heading_id = block.id if block.explicit_id else _unique(slugify(block.text), taken)
            taken.add(heading_id)
            section = heading_id
            if heading_id != block.id:
                block = block.model_copy(update={"id": heading_id})
        if isinstance(block, ListItem):
            level = min(block.level, previous_level + 1, MAX_LIST_LEVEL)
            previous_level = level
            if level != block.level:
                block = block.model_copy(update={"level": level})
        else:
            previous_level = -1
        if block.section != section:
            block = block.model_copy(update={"section": section})
        settled.append(block)
    return settled


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
