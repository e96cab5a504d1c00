"""Section ids for imported blocks, assigned the way Markdown headings get theirs."""

from __future__ import annotations

from coproduce.models import Block, Heading, slugify

PREAMBLE = "preamble"


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def derive_ids(texts: list[str], *, reserved: set[str] | None = None) -> list[str]:
    """Return slugified, unique ids for heading texts (``-2``, ``-3`` on repeats)."""
    used = set(reserved or ())
    return [_unique(slugify(text), used) for text in texts]


def assign_sections(blocks: list[Block], *, bookmarks: list[str | None]) -> list[Block]:
    """Return ``blocks`` with heading ids and every block's ``section`` set.

    ``bookmarks`` holds, per heading in order, the id found in the Word file (a bookmark we
    wrote) or None; it becomes an explicit id when it differs from the derived one.
    """
    headings = [b for b in blocks if isinstance(b, Heading)]
    derived = derive_ids([h.text for h in headings])
    explicit = [
        mark if mark is not None and mark != plain else None
        for mark, plain in zip(bookmarks, derived, strict=True)
    ]
    used = {mark for mark in explicit if mark is not None}
    final_ids = iter(
        mark if mark is not None else _unique(slugify(h.text), used)
        for h, mark in zip(headings, explicit, strict=True)
    )
    explicit_flags = iter(mark is not None for mark in explicit)
    section = PREAMBLE
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            section = next(final_ids)
            block = block.model_copy(update={"id": section, "explicit_id": next(explicit_flags)})
        result.append(block.model_copy(update={"section": section}))
    return result
