"""Carry what a replacement text does not hold over from the version it replaces.

A Word file knows a document's title and, when it was rendered by us, its details; it does not
know the owner a colleague typed into the front matter, nor the section ids other records point
at. Replacing a document keeps both: every front-matter field the new text does not carry, and
the id of every section whose heading reads the same.
"""

from __future__ import annotations

from coproduce.document.sections import assign_sections
from coproduce.models import Document, DocumentMeta, Heading

# Status and version say where the new text stands; they are set by the caller, not carried.
NOT_CARRIED = frozenset({"status", "version"})


def carry_meta(new: DocumentMeta, old: DocumentMeta) -> DocumentMeta:
    """Return ``new`` with every field it does not set (extras included) taken from ``old``."""
    update = {
        name: getattr(old, name)
        for name in old.model_fields_set
        if name not in new.model_fields_set and name not in NOT_CARRIED
    }
    extras = {k: v for k, v in (old.model_extra or {}).items() if k not in (new.model_extra or {})}
    data = {**old.model_dump(include=set(update)), **new.model_dump(exclude_unset=True), **extras}
    data.update((k, v) for k, v in (new.model_extra or {}).items())
    return DocumentMeta.model_validate(data)


def carry_section_ids(new: Document, old: Document) -> Document:
    """Return ``new`` with the section ids of ``old`` wherever a heading's text is unchanged."""
    by_text: dict[str, str] = {}
    for heading in old.iter_headings():
        by_text.setdefault(_key(heading.text), heading.id)
    taken = {h.id for h in new.iter_headings() if h.explicit_id}
    blocks = []
    for block in new.blocks:
        if isinstance(block, Heading) and not block.explicit_id:
            old_id = by_text.get(_key(block.text))
            if old_id is not None and old_id not in taken:
                taken.add(old_id)
                block = block.model_copy(update={"id": old_id, "explicit_id": True})
        blocks.append(block)
    return new.model_copy(update={"blocks": assign_sections(blocks)})


def carry_over(new: Document, old: Document) -> Document:
    """Return ``new`` with ``old``'s front matter fields and section ids carried over."""
    carried = carry_section_ids(new, old)
    return carried.model_copy(update={"meta": carry_meta(new.meta, old.meta)})


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()
