"""Where a cycle stands, as plain JSON-ready data for ``coproduce review status``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coproduce.models import CycleState, ReviewCycle
from coproduce.review import record
from coproduce.review.delivery import INVITATION, Outreach, reminder_days_of, reminder_kind
from coproduce.review.materials import read_manifest
from coproduce.review.twin import find_stale_sections

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo

YOUNG_PEOPLE = "young-people"
COUNTING_DOWN = {CycleState.DRAFT, CycleState.OPEN}


def status(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    outreach: Outreach | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Return where a cycle stands (message counts from the log when ``outreach`` is given)."""
    now = record.as_utc(now or record.utcnow())
    cycle = record.load_cycle(repo, cycle_id)
    sent = outreach.sent_kinds(cycle.id) if outreach else {}
    return {
        "id": cycle.id,
        "slug": cycle.slug,
        "state": cycle.state.value,
        "base": cycle.base,
        "proposed": cycle.proposed,
        "opens": cycle.opens.isoformat() if cycle.opens else None,
        "closes": cycle.closes.isoformat(),
        "days_left": days_left(cycle, now),
        "audiences": cycle.audiences,
        "questions": len(cycle.questions),
        "invitations_sent": sent.get(INVITATION, 0),
        "reminders_sent": reminders_sent(cycle, sent),
        "reminders_due": cycle.due_reminders(now),
        "messages": message_counts(cycle, sent) if outreach else {},
        "stale_twin_sections": stale_twin_sections(repo=repo, cycle=cycle),
    }


def days_left(cycle: ReviewCycle, now: dt.datetime) -> int:
    """Return the whole days until the cycle closes; 0 once it is past open."""
    if cycle.state not in COUNTING_DOWN:
        return 0
    return max(0, int((cycle.closes - now).total_seconds() // 86400))


def reminders_sent(cycle: ReviewCycle, sent: Mapping[str, int]) -> list[int]:
    """Return every reminder round sent: those recorded in the cycle and any in the log."""
    logged = {days for kind, n in sent.items() if n and (days := reminder_days_of(kind))}
    return sorted({*cycle.reminders_sent, *logged}, reverse=True)


def message_counts(cycle: ReviewCycle, sent: Mapping[str, int]) -> dict[str, int]:
    """Return messages sent by kind: invitations, each scheduled round, any other reminder."""
    kinds = [INVITATION, *(reminder_kind(d) for d in cycle.reminder_days)]
    extra = sorted((k for k in sent if k not in kinds), key=lambda k: -(reminder_days_of(k) or 0))
    return {k: sent.get(k, 0) for k in [*kinds, *extra]}


def stale_twin_sections(*, repo: GuidanceRepo, cycle: ReviewCycle) -> list[str]:
    """Return the youth twin sections flagged stale (as at launch once materials exist)."""
    manifest = read_manifest(repo=repo, cycle_id=cycle.id)
    if manifest is not None:
        return list(manifest.get("stale_sections", []))
    if YOUNG_PEOPLE not in cycle.audiences:
        return []
    twin = repo.read_twin(cycle.slug, rev=cycle.proposed)
    if twin is None:
        return []
    parent = repo.read_document(cycle.slug, rev=cycle.proposed)
    return find_stale_sections(
        repo=repo, slug=cycle.slug, rev=cycle.proposed, parent=parent, twin=twin
    )
