"""Review cycles as idempotent steps on ``reviews/<cycle>/cycle.yaml``.

Every state change goes through ``ReviewCycle.apply`` (the model's transition table) under a
per-cycle lock, and is committed before the function returns. Each step can be re-run after
a crash: opening an open cycle, or sending to someone the message log has seen, does nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.errors import StateError
from coproduce.models import (
    CycleEvent,
    CycleState,
    Person,
    ReviewCycle,
    SignoffDecision,
)
from coproduce.review import record
from coproduce.review.delivery import (
    CLOSED,
    INVITATION,
    Batch,
    Delivered,
    Outreach,
    plan_batches,
    reminder_kind,
    send_batch,
)
from coproduce.review.lifecycle import advance

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

DECISION_EVENTS = {
    "approved": CycleEvent.APPROVE,
    "approved-with-changes": CycleEvent.APPROVE,
    "returned": CycleEvent.RETURN,
    "rejected": CycleEvent.REJECT,
}


@dataclass
class Plan:
    """Messages still to send for one step of a cycle, in batches."""

    cycle_id: str
    kind: str
    batches: list[Batch]
    rounds: list[int] = field(default_factory=list)


def open_cycle(
    *, repo: GuidanceRepo, cycle_id: str, author: Person, now: dt.datetime | None = None
) -> ReviewCycle:
    """Move a draft cycle to open (launch); an already open cycle is returned unchanged."""
    return advance(
        repo=repo,
        cycle_id=cycle_id,
        event=CycleEvent.LAUNCH,
        author=author,
        now=now,
        done={CycleState.OPEN},
        message="Launch review {id}",
    )


def plan_invitations(*, repo: GuidanceRepo, cycle_id: str, outreach: Outreach) -> Plan:
    """Return the invitation batches still to send for an open cycle."""
    cycle = _require_state(repo, cycle_id, CycleState.OPEN, doing="send invitations for")
    recipients = {a: outreach.recipients(a) for a in cycle.audiences}
    already = outreach.sent_to(cycle.id, INVITATION)
    batches = plan_batches(cycle=cycle, kind=INVITATION, recipients=recipients, already=already)
    return Plan(cycle_id=cycle.id, kind=INVITATION, batches=batches)


def plan_reminders(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    outreach: Outreach,
    now: dt.datetime | None = None,
    manual: bool = False,
) -> Plan:
    """Return the reminder batches due for an open cycle (a manual one when none is due).

    After downtime several rounds may be due; one reminder covers them all.
    """
    now = record.as_utc(now or record.utcnow())
    cycle = _require_state(repo, cycle_id, CycleState.OPEN, doing="remind")
    rounds = cycle.due_reminders(now)
    if rounds:
        kind = reminder_kind(min(rounds))
    elif manual:
        # Named by the whole days left, like the scheduled rounds (one per day at most).
        kind = reminder_kind(max(1, (cycle.closes - now).days))
    else:
        return Plan(cycle_id=cycle.id, kind="", batches=[])
    invited = outreach.sent_to(cycle.id, INVITATION) - outreach.responded(cycle.id)
    recipients = {a: [p for p in outreach.recipients(a) if p in invited] for a in cycle.audiences}
    already = outreach.sent_to(cycle.id, kind)
    batches = plan_batches(cycle=cycle, kind=kind, recipients=recipients, already=already)
    return Plan(cycle_id=cycle.id, kind=kind, batches=batches, rounds=rounds)


def plan_closed_notices(*, repo: GuidanceRepo, cycle_id: str, outreach: Outreach) -> Plan:
    """Return the "review closed" notices still to send to everyone who was invited."""
    cycle = record.load_cycle(repo, cycle_id)
    if cycle.state in (CycleState.DRAFT, CycleState.OPEN):
        raise StateError(f"cannot tell participants review {cycle_id} closed: it is still open")
    invited = outreach.sent_to(cycle.id, INVITATION)
    recipients = {a: [p for p in outreach.recipients(a) if p in invited] for a in cycle.audiences}
    already = outreach.sent_to(cycle.id, CLOSED)
    batches = plan_batches(cycle=cycle, kind=CLOSED, recipients=recipients, already=already)
    return Plan(cycle_id=cycle.id, kind=CLOSED, batches=batches)


def notify_closed(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    outreach: Outreach,
    materials: Mapping[str, Path] | None = None,
) -> Delivered:
    """Tell everyone invited to a closed cycle that it has closed (once each)."""
    plan = plan_closed_notices(repo=repo, cycle_id=cycle_id, outreach=outreach)
    if materials is None and plan.batches:
        from coproduce.review.materials import render_materials

        materials = render_materials(repo=repo, cycle_id=cycle_id)  # for the title
    return _deliver_plan(repo=repo, plan=plan, outreach=outreach, materials=materials or {})


def deliver(
    *, repo: GuidanceRepo, batch: Batch, outreach: Outreach, materials: Mapping[str, Path]
) -> Delivered:
    """Send one batch, skipping anyone the message log says was already written to."""
    cycle = record.load_cycle(repo, batch.cycle_id)
    return send_batch(outreach=outreach, batch=batch, cycle=cycle, materials=materials)


def record_reminders(
    *, repo: GuidanceRepo, cycle_id: str, rounds: Sequence[int], author: Person
) -> ReviewCycle:
    """Record reminder rounds as sent in the cycle (rounds already recorded are ignored)."""
    with record.cycle_lock(repo, cycle_id):
        cycle = record.load_cycle(repo, cycle_id)
        new = [d for d in rounds if d not in cycle.reminders_sent]
        if not new:
            return cycle
        cycle = cycle.model_copy(
            update={"reminders_sent": sorted({*cycle.reminders_sent, *new}, reverse=True)}
        )
        days = ", ".join(str(d) for d in new)
        record.save_cycle(
            repo,
            cycle,
            author=author,
            message=f"Record reminders of review {cycle_id} ({days} days before)",
        )
        return cycle


def close(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    author: Person,
    now: dt.datetime | None = None,
    strict: bool = True,
) -> ReviewCycle:
    """Close an open cycle; with ``strict=False`` a cycle already past open is left as it is."""
    done = set() if strict else {CycleState.CLOSED, *_after_close()}
    return advance(
        repo=repo,
        cycle_id=cycle_id,
        event=CycleEvent.CLOSE,
        author=author,
        now=now,
        done=done,
        message="Close review {id}",
    )


def record_decision(
    *, repo: GuidanceRepo, decision: SignoffDecision, author: Person, now: dt.datetime | None = None
) -> ReviewCycle:
    """Record the board's decision on a cycle in sign-off; a repeat of it changes nothing."""
    now = record.as_utc(now or record.utcnow())
    event = DECISION_EVENTS[decision.outcome.value]
    relpath = f"{record.REVIEWS}/{decision.cycle}/{record.DECISION_FILE}"
    with record.cycle_lock(repo, decision.cycle):
        cycle = record.load_cycle(repo, decision.cycle)
        existing = repo.root / relpath
        text = record.dump_yaml(decision.model_dump(mode="json", exclude_none=True))
        if existing.is_file() and existing.read_text(encoding="utf-8") == text:
            return cycle
        cycle = cycle.apply(event, at=now, actor=author.name, note=decision.outcome.value)
        record.save_cycle(
            repo,
            cycle,
            author=author,
            extra={relpath: text},
            message=f"Record board decision on {cycle.id}: {decision.outcome}",
        )
        return cycle


def list_cycles(*, repo: GuidanceRepo, slug: str | None = None) -> list[ReviewCycle]:
    """Return every recorded cycle (of one document when ``slug`` is given)."""
    return [c for c in record.iter_cycles(repo) if slug is None or c.slug == slug]


def require_open(cycle: ReviewCycle, *, doing: str) -> None:
    """Raise StateError unless ``cycle`` is open, naming the commands that move it on."""
    if cycle.state is not CycleState.OPEN:
        raise StateError(_not_in_state(cycle, CycleState.OPEN, doing=doing))


def _require_state(
    repo: GuidanceRepo, cycle_id: str, state: CycleState, *, doing: str
) -> ReviewCycle:
    cycle = record.load_cycle(repo, cycle_id)
    if cycle.state is not state:
        raise StateError(_not_in_state(cycle, state, doing=doing))
    return cycle


def _not_in_state(cycle: ReviewCycle, state: CycleState, *, doing: str) -> str:
    from coproduce.models import next_commands
    from coproduce.models.cycle import DESCRIBED

    line = f"cannot {doing} review {cycle.id}: it is {DESCRIBED[cycle.state]}, not {state.value}"
    commands = next_commands(cycle.state, cycle.id)
    return line + (f"; next: {'; or '.join(commands)}" if commands else "")


def _after_close() -> set[CycleState]:
    return {
        CycleState.TRIAGED,
        CycleState.IN_SIGNOFF,
        CycleState.APPROVED,
        CycleState.RETURNED,
        CycleState.REJECTED,
        CycleState.CANCELLED,
    }


def launch(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    outreach: Outreach,
    author: Person,
    materials: Mapping[str, Path] | None = None,
    now: dt.datetime | None = None,
) -> Delivered:
    """Open a cycle and send every invitation not yet sent (the flow does this in tasks)."""
    open_cycle(repo=repo, cycle_id=cycle_id, author=author, now=now)
    return _deliver_plan(
        repo=repo,
        plan=plan_invitations(repo=repo, cycle_id=cycle_id, outreach=outreach),
        outreach=outreach,
        materials=materials or {},
    )


def remind(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    outreach: Outreach,
    author: Person,
    materials: Mapping[str, Path] | None = None,
    now: dt.datetime | None = None,
    manual: bool = False,
) -> Delivered:
    """Send the due reminder (or, with ``manual``, one now) and record its rounds."""
    plan = plan_reminders(repo=repo, cycle_id=cycle_id, outreach=outreach, now=now, manual=manual)
    result = _deliver_plan(repo=repo, plan=plan, outreach=outreach, materials=materials or {})
    record_reminders(repo=repo, cycle_id=cycle_id, rounds=plan.rounds, author=author)
    return result


def _deliver_plan(
    *, repo: GuidanceRepo, plan: Plan, outreach: Outreach, materials: Mapping[str, Path]
) -> Delivered:
    total = Delivered()
    for batch in plan.batches:
        done = deliver(repo=repo, batch=batch, outreach=outreach, materials=materials)
        total.sent.extend(done.sent)
        total.skipped.extend(done.skipped)
    return total
