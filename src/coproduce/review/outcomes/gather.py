"""What happened to each person's feedback: their words, the outcome, the reason, the change.

Read from the record (feedback items, dispositions, the decision) and the register (who may
be written to, who is young); for an approved version, each accepted item is tied to the
passage it changed through the ``Feedback:`` trailers of the commits that made the change,
and that passage is shown as a small redline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from coproduce.errors import InvalidInputError, NotFoundError
from coproduce.models import (
    DecisionOutcome,
    Disposition,
    FeedbackItem,
    Heading,
    Outcome,
    ParticipantRecord,
    ReviewCycle,
    SignoffDecision,
    Version,
)
from coproduce.pack.consent import Voice, voices
from coproduce.pack.trace import Trace, trace_changes
from coproduce.redline.passage import Passage, render_passage
from coproduce.review import record
from coproduce.triage import load_triage

if TYPE_CHECKING:
    from coproduce.redline.change import ChangeSet
    from coproduce.store import GuidanceRepo
    from coproduce.store.register import Register

ANONYMOUS = "anonymous"
APPROVING = frozenset({DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CHANGES})


@dataclass(frozen=True)
class ItemOutcome:
    """One thing a person said and what happened to it."""

    id: str
    section: str
    words: str
    suggestion: str
    outcome: Outcome | None
    reason: str
    passages: tuple[Passage, ...] = ()

    @property
    def label(self) -> str:
        """Return the outcome as a reader says it ("partly accepted"), or "not decided yet"."""
        return self.outcome.label if self.outcome else "not decided yet"

    @property
    def in_text(self) -> bool:
        """Return whether the changed passage can be shown (the change is in the text)."""
        return bool(self.passages)


@dataclass
class ParticipantOutcomes:
    """Everything one participant is told: their items, and how many were held privately."""

    participant: str
    audience: str
    youth: bool
    items: list[ItemOutcome] = field(default_factory=list)
    private: int = 0


@dataclass
class CycleOutcomes:
    """A cycle's outcomes, per participant, with what the summaries need."""

    cycle: ReviewCycle
    title: str
    decision: SignoffDecision
    next_update: dt.date | None
    revision: str | None
    people: dict[str, ParticipantOutcomes]
    voices: dict[str, Voice]
    headings: dict[str, str]
    trace: Trace | None
    youth_audiences: frozenset[str]
    records: dict[str, ParticipantRecord]

    @property
    def approved(self) -> bool:
        """Return whether the board approved the version (with or without changes)."""
        return self.decision.outcome in APPROVING


def load_decision(repo: GuidanceRepo, cycle_id: str) -> tuple[SignoffDecision, dt.date | None]:
    """Return the decision recorded on a cycle and its ``next_update`` date, if it names one."""
    from coproduce.models import load_model

    relpath = f"{record.REVIEWS}/{cycle_id}/{record.DECISION_FILE}"
    path = repo.root / relpath
    record.load_cycle(repo, cycle_id)  # an unknown cycle is named as such
    if not path.is_file():
        raise NotFoundError(
            f"no board decision recorded on review {cycle_id}: record it first"
            f" (coproduce signoff {cycle_id} --decision …)"
        )
    try:
        data = record.load_yaml(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{relpath} is not valid YAML: {e}") from e
    decision = load_model(SignoffDecision, data, what=relpath)
    named = data.get("next_update") if isinstance(data, dict) else None
    day = _date(named)
    if named not in (None, "") and day is None:
        raise InvalidInputError(f"{relpath}: next_update {named!r} is not a date (YYYY-MM-DD)")
    return decision, day


def next_update_of(
    decision: SignoffDecision, recorded: dt.date | None, *, days: int
) -> dt.date | None:
    """Return when people hear next after a return or rejection; None after an approval."""
    if decision.outcome in APPROVING:
        return None
    named = _date(getattr(decision, "next_update", None)) or recorded
    return named or decision.decided + dt.timedelta(days=days)


def gather_outcomes(
    *,
    repo: GuidanceRepo,
    register: Register,
    cycle_id: str,
    decision: SignoffDecision,
    next_update: dt.date | None,
    youth_audiences: frozenset[str],
) -> CycleOutcomes:
    """Return what every participant of the cycle is told after ``decision``."""
    triage = load_triage(repo, cycle_id)
    cycle = triage.cycle
    approved = decision.outcome in APPROVING
    revision = approved_revision(repo, cycle, decision) if approved else None
    changes, traced, stamps = (
        _changes_and_commits(repo, cycle, revision) if revision else (None, None, {})
    )
    document = changes.proposed if changes else repo.read_document(cycle.slug)
    headings = {b.id: b.text for b in document.blocks if isinstance(b, Heading)}
    if changes is not None:
        for block in changes.base.blocks:
            if isinstance(block, Heading):
                headings.setdefault(block.id, block.text)
    ids = {i.participant for i in triage.items if i.participant != ANONYMOUS}
    records = register.get_participants(ids)
    found = voices(triage.items, triage.dispositions, records, youth_audiences=youth_audiences)
    people: dict[str, ParticipantOutcomes] = {}
    for item in triage.items:
        if item.participant == ANONYMOUS:
            continue
        person = records.get(item.participant)
        youth = item.audience in youth_audiences or (person is not None and person.is_minor)
        entry = people.setdefault(
            item.participant, ParticipantOutcomes(item.participant, item.audience, youth)
        )
        entry.youth = entry.youth or youth
        if found[item.id].safeguarding:
            entry.private += 1
            continue
        entry.items.append(
            _item_outcome(
                item,
                triage.dispositions.get(item.id),
                headings,
                _passages(item.id, changes, traced, stamps),
            )
        )
    return CycleOutcomes(
        cycle=cycle,
        title=document.meta.title,
        decision=decision,
        next_update=next_update,
        revision=revision,
        people=people,
        voices=found,
        headings=headings,
        trace=traced,
        youth_audiences=youth_audiences,
        records=records,
    )


def approved_revision(repo: GuidanceRepo, cycle: ReviewCycle, decision: SignoffDecision) -> str:
    """Return the revision the board approved: its tag, else the last pack's, else HEAD."""
    from coproduce.pack.record import PACKS_DIR

    if decision.version:
        tag = f"{cycle.slug}/v{decision.version}"
        try:
            return repo.resolve(tag)
        except NotFoundError:
            pass
    folder = repo.root / record.REVIEWS / cycle.id / PACKS_DIR
    packs = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for path in reversed(packs):
        data = record.load_yaml(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and not data.get("draft") and data.get("proposed_commit"):
            return str(data["proposed_commit"])
    return repo.resolve("HEAD")


_CHANGES: dict[tuple[str, str, str, str], tuple[ChangeSet, Trace]] = {}


_STAMPS: dict[tuple[str, str, str, str], dict[str, str]] = {}


def _changes_and_commits(
    repo: GuidanceRepo, cycle: ReviewCycle, revision: str
) -> tuple[ChangeSet, Trace, dict[str, str]]:
    """Return the changes, their trace, and each commit's "author, date" stamp by sha."""
    # Kept per process by commit: the portal shows a page per person from the same redline.
    base = repo.resolve(cycle.base) if cycle.base else revision
    key = (str(repo.root), cycle.slug, base, revision)
    if key not in _CHANGES:
        from coproduce.redline import redline

        result = redline(repo, cycle.slug, base=base, proposed=revision, allow_empty=True)
        commits = repo.commits_between(base, revision, cycle.slug) if cycle.base else []
        if len(_CHANGES) >= 8:
            _STAMPS.pop(next(iter(_CHANGES)), None)
            _CHANGES.pop(next(iter(_CHANGES)))
        _CHANGES[key] = (result.changes, trace_changes(result.changes, commits))
        _STAMPS[key] = {v.commit: _stamp(v) for v in commits}
    return (*_CHANGES[key], _STAMPS[key])


def _stamp(version: Version) -> str:
    from coproduce.redline.change import Attribution
    from coproduce.redline.html import describe

    date = version.date if version.date.tzinfo else version.date.replace(tzinfo=dt.UTC)
    return describe(Attribution(version.author.name, date.astimezone(dt.UTC)))


def _passages(
    item_id: str, changes: ChangeSet | None, traced: Trace | None, stamps: dict[str, str]
) -> tuple[Passage, ...]:
    if changes is None or traced is None:
        return ()
    numbers = traced.changes_of.get(item_id, [])
    ops = [traced.changes[n - 1].op for n in numbers]
    # Mark only what the commits naming this item changed: other edits read as the text now is.
    by = {stamps[c] for c in traced.commits_of.get(item_id, []) if c in stamps}
    return tuple(render_passage(changes, changes.ops[i], by=by) for i in ops if i is not None)


def _item_outcome(
    item: FeedbackItem,
    disposition: Disposition | None,
    headings: dict[str, str],
    passages: tuple[Passage, ...],
) -> ItemOutcome:
    section = item.anchor.section if item.anchor else ""
    outcome = disposition.outcome if disposition else None
    reason = (disposition.response_to_participant or disposition.reason) if disposition else ""
    return ItemOutcome(
        id=item.id,
        section=headings.get(section, section),
        words=item.text,
        suggestion=item.suggestion or "",
        outcome=outcome,
        reason=reason,
        passages=passages if outcome is not None and outcome.acted_on else (),
    )


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None
