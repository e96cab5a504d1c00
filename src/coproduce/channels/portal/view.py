"""What one participant's page shows: the draft section by section, and the questions for them.

Young people get the youth-friendly twin where the cycle's draft has one (each twin section
is commented on as the parent section it explains) and the plain-language wording of the
questions. Documents are parsed once per process and commit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from markupsafe import Markup

from coproduce.document import parse_markdown
from coproduce.document.html import render_blocks_html
from coproduce.document.twin import map_twin
from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import (
    BUILT_IN_AUDIENCES,
    CycleState,
    Document,
    Heading,
    ParticipantRecord,
    ReviewCycle,
)
from coproduce.review import record
from coproduce.store import GuidanceRepo
from coproduce.store.paths import twin_relpath
from coproduce.workspace import Workspace

PREAMBLE = "preamble"  # the section id of text before the first heading


@dataclass(frozen=True)
class SectionView:
    """One section as shown: its heading, body, and the parent section comments go to."""

    id: str
    heading: str
    body: Markup
    text: str
    parent: str | None
    level: int


@dataclass(frozen=True)
class QuestionView:
    """A question put to this participant, in the wording meant for them."""

    id: str
    text: str
    section: str | None


@dataclass
class PageView:
    """Everything one participant's page needs: cycle, person, sections and questions."""

    cycle: ReviewCycle
    person: ParticipantRecord
    youth: bool
    title: str
    sections: list[SectionView]
    questions: list[QuestionView] = field(default_factory=list)
    intro: Markup = field(default_factory=Markup)

    @property
    def closed(self) -> bool:
        """Return whether the cycle no longer takes feedback on time."""
        now = dt.datetime.now(dt.UTC)
        return self.cycle.state is not CycleState.OPEN or now > self.cycle.closes

    @property
    def minor(self) -> bool:
        """Return whether the person may be under 18 (never named, never offered the choice)."""
        return self.person.is_minor or self.youth

    def questions_for(self, section: str | None) -> list[QuestionView]:
        """Return the questions that belong with ``section`` (None: the general ones)."""
        placed = {s.parent for s in self.sections if s.parent}
        if section is None:
            return [q for q in self.questions if q.section is None or q.section not in placed]
        return [q for q in self.questions if q.section == section]

    def questions_in(self, section_id: str) -> list[QuestionView]:
        """Return the questions shown with the shown section ``section_id`` (first one wins)."""
        shown = self.section(section_id)
        if shown is None or shown.parent is None:
            return []
        first = next(s for s in self.sections if s.parent == shown.parent)
        return self.questions_for(shown.parent) if first.id == section_id else []

    def section(self, section_id: str) -> SectionView | None:
        """Return the shown section ``section_id``, or None."""
        return next((s for s in self.sections if s.id == section_id), None)


def build_view(workspace: Workspace, *, cycle_id: str, participant_id: str) -> PageView:
    """Return the page of ``participant_id`` in ``cycle_id``."""
    cycle = record.load_cycle(workspace.repo, cycle_id, copy=False)  # read only
    person = workspace.register.get_participant(participant_id)
    known = [*BUILT_IN_AUDIENCES, *workspace.settings.audiences]
    audience = next((a for a in known if a.id == person.audience), None)
    youth = bool(audience and audience.youth) or person.is_minor
    title, intro, sections = _sections(workspace.repo, cycle.slug, cycle.proposed, youth=youth)
    questions = [
        QuestionView(
            id=q.id,
            text=(q.youth_text or q.text) if youth else q.text,
            section=q.section,
        )
        for q in cycle.questions
        if not q.audiences or person.audience in q.audiences
    ]
    return PageView(
        cycle=cycle,
        person=person,
        youth=youth,
        title=title,
        sections=sections,
        questions=questions,
        intro=intro,
    )


def _sections(
    repo: GuidanceRepo, slug: str, rev: str, *, youth: bool
) -> tuple[str, Markup, list[SectionView]]:
    """Return the title, introduction and sections shown (rendered once per commit)."""
    key = (f"portal-sections:{slug}:{youth}", rev)
    cached = repo.parsed_blobs.get(key)
    if isinstance(cached, tuple):
        return cached
    parent = repo.parsed_document(slug, rev)
    twin = _twin(repo, slug, rev) if youth else None
    shown = twin or parent
    mapping = map_twin(parent, twin) if twin is not None else None
    sections = []
    intro = [b for b in shown.blocks if b.section == PREAMBLE and not isinstance(b, Heading)]
    for heading in shown.iter_headings():
        if mapping is not None:
            parents = [p.parent for p in mapping.pairs if p.twin == heading.id]
            target = parents[0] if parents else None
        else:
            target = heading.id
        sections.append(_section(shown, heading, target))
    found = (shown.meta.title, render_blocks_html(intro), sections)
    repo.parsed_blobs[key] = found
    return found


def _section(document: Document, heading: Heading, parent: str | None) -> SectionView:
    body = [b for b in document.section_blocks(heading.id) if b is not heading]
    return SectionView(
        id=heading.id,
        heading=heading.text,
        body=render_blocks_html(body),
        text="\n\n".join(b.text for b in body),
        parent=parent,
        level=heading.level,
    )


def _twin(repo: GuidanceRepo, slug: str, rev: str) -> Document | None:
    sha = rev if re.fullmatch(r"[0-9a-f]{40}", rev) else repo.resolve(rev)
    key = (f"portal-twin:{slug}", sha)
    if key in repo.parsed_blobs:
        found = repo.parsed_blobs[key]
        return found if isinstance(found, Document) else None
    try:
        text = repo.read_file(twin_relpath(slug), rev=sha)
        twin: Document | None = parse_markdown(text, slug=slug)
    except (NotFoundError, InvalidInputError):
        twin = None
    repo.parsed_blobs[key] = twin
    return twin
