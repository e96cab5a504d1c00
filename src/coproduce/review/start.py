"""Start a review cycle: check everything, report every problem, then record it in draft."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coproduce.errors import ConflictError, CoproduceError, InvalidInputError, NotFoundError
from coproduce.models import BUILT_IN_AUDIENCES, Person, ReviewCycle, next_commands
from coproduce.models.cycle import DESCRIBED
from coproduce.review import record
from coproduce.review.delivery import Outreach
from coproduce.review.lifecycle import closing_time
from coproduce.review.questions import parse_questions

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


@dataclass
class StartResult:
    """A newly recorded cycle, its commit, and warnings that did not stop it."""

    cycle: ReviewCycle
    commit: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Problems:
    lines: list[str] = field(default_factory=list)
    kinds: set[type[CoproduceError]] = field(default_factory=set)

    def add(self, line: str, kind: type[CoproduceError] = InvalidInputError) -> None:
        self.lines.append(line)
        self.kinds.add(kind)

    def raise_if_any(self, what: str) -> None:
        if not self.lines:
            return
        # One kind of problem keeps its own error (and exit code); a mixture is invalid input.
        kind = self.kinds.pop() if len(self.kinds) == 1 else InvalidInputError
        noun = "problem" if len(self.lines) == 1 else "problems"
        raise kind(f"{what} ({len(self.lines)} {noun})", problems=self.lines)


def new_cycle_id(*, slug: str, when: dt.date, taken: Iterable[str]) -> str:
    """Return ``<year>-q<quarter>-<slug>``, with ``-2``, ``-3``... when that id is taken."""
    base = f"{when.year}-q{(when.month - 1) // 3 + 1}-{slug}"
    used = set(taken)
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def blocking_line(other: ReviewCycle) -> str:
    """Return why ``other`` stops a new cycle of its document, and the commands that move it."""
    commands = "; or ".join(next_commands(other.state, other.id))
    if other.awaits_decision:
        return (
            f"{other.slug} has a closed review awaiting a decision: {other.id} "
            f"({DESCRIBED[other.state]}); move it on with: {commands}"
        )
    return (
        f"{other.slug} already has an active review cycle: {other.id} "
        f"({DESCRIBED[other.state]}); move it on with: {commands}"
    )


def start_review(
    *,
    repo: GuidanceRepo,
    slug: str,
    closes: dt.date | dt.datetime,
    audiences: Sequence[str],
    author: Person,
    questions: Sequence[Any] = (),
    reminder_days: Sequence[int] | None = None,
    outreach: Outreach | None = None,
    known_audiences: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> StartResult:
    """Record a new cycle in draft on the latest approved version of ``slug``.

    A document never approved can be reviewed too: its cycle has no base (a warning says so).

    Every problem is collected first and reported together; nothing is written unless all
    is well. An audience with no participants is a warning, not a failure.
    """
    now = record.as_utc(now or record.utcnow())
    problems = _Problems()
    document = base = None
    try:
        document = repo.read_document(slug)
        base = repo.latest_approved(slug)
    except NotFoundError as e:
        problems.add(str(e), NotFoundError)
    closes_at = closing_time(closes)
    if closes_at <= now:
        problems.add(f"close date {closes_at.date().isoformat()} is not in the future")
    known = set(known_audiences or (a.id for a in BUILT_IN_AUDIENCES))
    if not audiences:
        problems.add("name at least one audience")
    for audience in audiences:
        if audience not in known:
            problems.add(f"unknown audience {audience!r} (known: {', '.join(sorted(known))})")
    if reminder_days is not None and any(d <= 0 for d in reminder_days):
        problems.add("reminder days must be positive (days before close)")
    try:
        sections = document.section_ids() if document is not None else None
        parsed = parse_questions(list(questions), sections=sections, audiences=audiences)
    except InvalidInputError as e:
        for line in e.problems or [str(e)]:
            problems.add(line)
        parsed = []
    with record.cycle_lock(repo, f"start-{slug}"):
        cycles = record.iter_cycles(repo)
        for other in cycles:
            if other.slug == slug and other.is_active:
                problems.add(blocking_line(other), ConflictError)
        problems.raise_if_any(f"cannot start a review of {slug}")
        cycle = ReviewCycle(
            id=new_cycle_id(slug=slug, when=now.date(), taken=(c.id for c in cycles)),
            slug=slug,
            base=str(base.tag) if base is not None else None,
            proposed=str(repo.resolve("HEAD")),
            created=now,
            closes=closes_at,
            audiences=list(dict.fromkeys(audiences)),
            questions=parsed,
            **({} if reminder_days is None else {"reminder_days": list(reminder_days)}),
        )
        warnings = [
            f"audience {a!r} has no participants yet; add some before launch"
            for a in cycle.audiences
            if outreach is not None and not outreach.recipients(a)
        ]
        if base is None:
            warnings.insert(
                0,
                f"{slug} has never been approved: this review is of its first version, and "
                "the changes page shows the whole draft as new",
            )
        commit = record.save_cycle(
            repo, cycle, author=author, message=f"Start review {cycle.id} of {slug}"
        )
    return StartResult(cycle=cycle, commit=commit, warnings=warnings)
