"""Triage: give every feedback item one outcome and a reason, and see what is still to do.

Outcomes are written to git under the cycle's lock, with who set them and when. An item
accepted (or partly accepted) counts as acted on once a commit changing the document names it
in a ``Feedback:`` trailer, whether ``coproduce commit`` or a plain ``git commit`` wrote it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coproduce.errors import ConflictError, InvalidInputError, NotFoundError, StateError
from coproduce.models import (
    CycleState,
    Disposition,
    FeedbackItem,
    Outcome,
    Person,
    ReviewCycle,
    describe_errors,
)
from coproduce.review import record
from coproduce.store.message import feedback_ids
from coproduce.triage.record import iter_dispositions, read_feedback, save_dispositions

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

CLOSED_RECORD = frozenset({CycleState.APPROVED, CycleState.REJECTED, CycleState.CANCELLED})


@dataclass
class Triage:
    """A cycle's feedback with the outcome of each item and the commits that acted on it."""

    cycle: ReviewCycle
    items: list[FeedbackItem]
    dispositions: dict[str, Disposition]
    commits: dict[str, list[str]] = field(default_factory=dict)

    @property
    def undecided(self) -> list[FeedbackItem]:
        """Return the items that still need an outcome, in id order."""
        return [i for i in self.items if i.id not in self.dispositions]

    @property
    def not_acted_on(self) -> list[FeedbackItem]:
        """Return items accepted or partly accepted that no commit names yet."""
        return [
            i
            for i in self.items
            if (d := self.dispositions.get(i.id)) is not None
            and d.outcome.acted_on
            and not self.commits.get(i.id)
        ]

    def state_of(self, item_id: str) -> str:
        """Return an item's standing as a reader says it."""
        disposition = self.dispositions.get(item_id)
        if disposition is None:
            return "needs an outcome"
        if disposition.outcome.acted_on and not self.commits.get(item_id):
            return f"{disposition.outcome.label}, not yet acted on"
        return disposition.outcome.label

    def by_outcome(self) -> dict[str, int]:
        """Return how many items have each outcome ("undecided" for those with none)."""
        counts = {o.value: 0 for o in Outcome}
        counts["undecided"] = 0
        for item in self.items:
            d = self.dispositions.get(item.id)
            counts[d.outcome.value if d else "undecided"] += 1
        return counts


def load_triage(repo: GuidanceRepo, cycle_id: str, *, proposed: str = "HEAD") -> Triage:
    """Return the cycle's items, their outcomes and the commits (base..proposed) naming them."""
    cycle = record.load_cycle(repo, cycle_id)
    items = read_feedback(repo, cycle_id)
    dispositions = iter_dispositions(repo, cycle_id)
    return Triage(cycle, items, dispositions, acted_on(repo, cycle, proposed=proposed))


def acted_on(
    repo: GuidanceRepo, cycle: ReviewCycle, *, proposed: str = "HEAD"
) -> dict[str, list[str]]:
    """Return ``{feedback id: [commit sha, ...]}`` for commits after the base changing the text."""
    found: dict[str, list[str]] = {}
    for version in repo.commits_between(cycle.base, proposed, cycle.slug):
        for feedback_id in feedback_ids(version.message):
            found.setdefault(feedback_id, []).append(version.commit)
    return found


def find_cycle(repo: GuidanceRepo, feedback_id: str) -> str:
    """Return the one cycle still open to triage that holds ``feedback_id``."""
    from coproduce.review.feedback import feedback_path

    holders = [
        c.id
        for c in record.iter_cycles(repo)
        if c.state not in CLOSED_RECORD and (repo.root / feedback_path(c.id, feedback_id)).is_file()
    ]
    if not holders:
        raise NotFoundError(f"no feedback item {feedback_id} in any cycle open to triage")
    if len(holders) > 1:
        raise ConflictError(
            f"{feedback_id} is in several cycles ({', '.join(holders)}): choose one with --cycle"
        )
    return holders[0]


def check_disposition(disposition: Disposition, items: Mapping[str, FeedbackItem]) -> list[str]:
    """Return what is wrong with a disposition against the cycle's items (empty when fine)."""
    problems = []
    if disposition.feedback not in items:
        problems.append(f"{disposition.feedback}: no such feedback item in this cycle")
    if disposition.duplicate_of is not None and disposition.duplicate_of not in items:
        problems.append(
            f"{disposition.feedback}: duplicate of {disposition.duplicate_of}, "
            "which is not an item of this cycle"
        )
    return problems


def make_disposition(
    *,
    feedback_id: str,
    outcome: str,
    reason: str,
    duplicate_of: str | None,
    author: Person,
    now: dt.datetime,
) -> Disposition:
    """Return a validated disposition; an InvalidInputError lists every problem with it."""
    from pydantic import ValidationError

    try:
        return Disposition(
            feedback=feedback_id,
            outcome=Outcome(outcome),
            reason=reason.strip(),
            duplicate_of=duplicate_of or None,
            decided_by=author.name,
            decided=now,
        )
    except ValueError as e:
        if isinstance(e, ValidationError):
            problems = describe_errors(e)
        else:
            problems = [f"outcome {outcome!r} is not one of: {', '.join(o.value for o in Outcome)}"]
        raise InvalidInputError(
            f"cannot record an outcome for {feedback_id}", problems=problems
        ) from e


def set_outcome(
    *,
    repo: GuidanceRepo,
    feedback_id: str,
    outcome: str,
    reason: str,
    author: Person,
    duplicate_of: str | None = None,
    cycle_id: str | None = None,
    now: dt.datetime | None = None,
) -> Disposition:
    """Record one item's outcome and reason in git; return the disposition."""
    now = record.as_utc(now or record.utcnow())
    disposition = make_disposition(
        feedback_id=feedback_id,
        outcome=outcome,
        reason=reason,
        duplicate_of=duplicate_of,
        author=author,
        now=now,
    )
    cycle_id = cycle_id or find_cycle(repo, feedback_id)
    record_dispositions(
        repo=repo,
        cycle_id=cycle_id,
        dispositions=[disposition],
        author=author,
        message=f"Triage {feedback_id}: {disposition.outcome.label}",
    )
    return disposition


def record_dispositions(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    dispositions: Iterable[Disposition],
    author: Person,
    message: str,
) -> str | None:
    """Check every disposition, then commit them all in one commit (none when any is wrong)."""
    wanted = list(dispositions)
    with record.cycle_lock(repo, cycle_id):
        cycle = record.load_cycle(repo, cycle_id)
        if cycle.state in CLOSED_RECORD or cycle.state is CycleState.DRAFT:
            raise StateError(f"cannot triage review {cycle_id}: it is {cycle.state.value}")
        items = {i.id: i for i in read_feedback(repo, cycle_id)}
        problems = [p for d in wanted for p in check_disposition(d, items)]
        if problems:
            raise InvalidInputError(f"cannot record outcomes on {cycle_id}", problems=problems)
        return save_dispositions(repo, cycle_id, wanted, author=author, message=message)
