"""Youth-friendly twins: map a twin's sections to the parent sections they explain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel, Field

from coproduce.models import Document, Heading


class TwinPair(BaseModel):
    """One twin section and the parent section it explains."""

    twin: str
    parent: str
    covers: list[str] = Field(
        default_factory=list,
        description="The parent section and its subsections: a change to any makes it stale.",
    )


class TwinMap(BaseModel):
    """How a youth twin's sections line up with its parent's."""

    parent: str = Field(description="Slug of the parent document.")
    twin: str = Field(description="Slug of the twin document.")
    pairs: list[TwinPair] = Field(default_factory=list)
    unmatched_parent: list[str] = Field(
        default_factory=list, description="Parent sections no twin section covers."
    )
    unmatched_twin: list[str] = Field(
        default_factory=list, description="Twin sections that explain no parent section."
    )
    problems: list[str] = Field(default_factory=list)

    def twin_sections_for(self, parent_section: str) -> list[str]:
        """Return the twin sections that cover ``parent_section``."""
        return [p.twin for p in self.pairs if parent_section in p.covers]


def map_twin(parent: Document, twin: Document) -> TwinMap:
    """Return the section mapping between ``parent`` and its youth twin ``twin``.

    A twin heading pairs with the parent section of the same (explicit) id, unless the twin's
    front matter maps it with ``sections: {twin-id: parent-id}`` (or a list of parent ids).
    """
    extra = twin.meta.model_extra or {}
    problems: list[str] = []
    twin_of = extra.get("twin_of")
    if twin_of != parent.slug:
        problems.append(f"twin_of is {twin_of!r}, expected {parent.slug!r}")
    explicit = _explicit_mapping(extra.get("sections"), problems)
    covers = _covers(parent.iter_headings())
    twin_ids = twin.section_ids()
    for twin_id in explicit:
        if twin_id not in twin_ids:
            problems.append(f"sections maps {twin_id!r}, which is not a section of the twin")
    pairs: list[TwinPair] = []
    unmatched_twin: list[str] = []
    for heading in twin.iter_headings():
        wanted = explicit.get(heading.id)
        if wanted is None:
            wanted = [heading.id] if heading.explicit_id and heading.id in covers else []
        found = [p for p in wanted if p in covers]
        for missing in (p for p in wanted if p not in covers):
            problems.append(f"twin section {heading.id!r} names unknown parent section {missing!r}")
        if not found:
            unmatched_twin.append(heading.id)
            problems.append(f"twin section {heading.id!r} has no parent section")
        pairs.extend(TwinPair(twin=heading.id, parent=p, covers=covers[p]) for p in found)
    covered = {section for pair in pairs for section in pair.covers}
    return TwinMap(
        parent=parent.slug,
        twin=twin.slug,
        pairs=pairs,
        unmatched_parent=[s for s in parent.section_ids() if s not in covered],
        unmatched_twin=unmatched_twin,
        problems=problems,
    )


def _explicit_mapping(value: object, problems: list[str]) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append("sections must map twin section ids to parent section ids")
        return {}
    mapping: dict[str, list[str]] = {}
    for key, target in value.items():
        targets = target if isinstance(target, list) else [target]
        mapping[str(key)] = [str(t) for t in targets]
    return mapping


def _covers(headings: list[Heading]) -> dict[str, list[str]]:
    """Return each parent section id with the ids of the subsections beneath it."""
    covers: dict[str, list[str]] = {}
    for index, heading in enumerate(headings):
        below = [heading.id]
        for later in headings[index + 1 :]:
            if later.level <= heading.level:
                break
            below.append(later.id)
        covers[heading.id] = below
    return covers


def stale_sections(
    twin_map: TwinMap,
    parent_changed: Mapping[str, dt.datetime],
    twin_changed: Mapping[str, dt.datetime],
) -> list[str]:
    """Return twin sections whose parent section (or a subsection) changed after them.

    A twin section with no recorded change is stale as soon as its parent has one.
    """
    stale: list[str] = []
    for pair in twin_map.pairs:
        changes = [parent_changed[s] for s in pair.covers if s in parent_changed]
        if not changes or pair.twin in stale:
            continue
        twin_time = twin_changed.get(pair.twin)
        if twin_time is None or max(changes) > twin_time:
            stale.append(pair.twin)
    return stale
