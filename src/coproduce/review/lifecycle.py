"""Every move of the transition table as a service: launch, extend, close, reopen, triage,
send to the board, cancel. Each is committed before it returns, under the cycle's lock.

The commands a user types (``coproduce review <verb> ID``) and the Python calls are one to one;
a move the table does not allow is a StateError that names the commands that would work.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coproduce.errors import InvalidInputError
from coproduce.models import CycleEvent, CycleState, Person, ReviewCycle
from coproduce.review import record

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


def advance(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    event: CycleEvent,
    author: Person,
    now: dt.datetime | None,
    message: str,
    done: frozenset[CycleState] | set[CycleState] = frozenset(),
    note: str = "",
    closes: dt.datetime | None = None,
) -> ReviewCycle:
    """Apply ``event`` to a cycle and commit it; a cycle already in a ``done`` state is kept."""
    now = record.as_utc(now or record.utcnow())
    with record.cycle_lock(repo, cycle_id):
        cycle = record.load_cycle(repo, cycle_id)
        if cycle.state in done:
            return cycle
        cycle = cycle.apply(event, at=now, actor=author.name, note=note, closes=closes)
        record.save_cycle(repo, cycle, author=author, message=message.format(id=cycle_id))
        return cycle


def extend(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    closes: dt.date | dt.datetime,
    author: Person,
    now: dt.datetime | None = None,
) -> ReviewCycle:
    """Give an open cycle a later close date."""
    when = closing_time(closes)
    return advance(
        repo=repo,
        cycle_id=cycle_id,
        event=CycleEvent.EXTEND,
        author=author,
        now=now,
        closes=when,
        note=f"closes {when.date().isoformat()}",
        message=f"Extend review {{id}} to {when.date().isoformat()}",
    )


def reopen(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    closes: dt.date | dt.datetime,
    author: Person,
    now: dt.datetime | None = None,
) -> ReviewCycle:
    """Open a closed (or triaged) cycle again until a new close date."""
    when = closing_time(closes)
    return advance(
        repo=repo,
        cycle_id=cycle_id,
        event=CycleEvent.REOPEN,
        author=author,
        now=now,
        closes=when,
        note=f"closes {when.date().isoformat()}",
        message=f"Reopen review {{id}} until {when.date().isoformat()}",
    )


def finish_triage(
    *, repo: GuidanceRepo, cycle_id: str, author: Person, now: dt.datetime | None = None
) -> ReviewCycle:
    """Record that every item of a closed cycle has been triaged."""
    return advance(
        repo=repo,
        cycle_id=cycle_id,
        event=CycleEvent.COMPLETE_TRIAGE,
        author=author,
        now=now,
        message="Finish triage of review {id}",
    )


def send_to_board(
    *, repo: GuidanceRepo, cycle_id: str, author: Person, now: dt.datetime | None = None
) -> ReviewCycle:
    """Record that the sign-off pack of a triaged cycle went to the board."""
    return advance(
        repo=repo,
        cycle_id=cycle_id,
        event=CycleEvent.ISSUE_PACK,
        author=author,
        now=now,
        message="Send review {id} to the board",
    )


def cancel(
    *,
    repo: GuidanceRepo,
    cycle_id: str,
    reason: str,
    author: Person,
    now: dt.datetime | None = None,
) -> ReviewCycle:
    """Cancel a cycle, recording why; it then blocks no later cycle of its document."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInputError("say why the review is cancelled: --reason TEXT")
    return advance(
        repo=repo,
        cycle_id=cycle_id,
        event=CycleEvent.CANCEL,
        author=author,
        now=now,
        note=reason,
        message=f"Cancel review {{id}}: {reason}",
    )


def closing_time(closes: dt.date | dt.datetime) -> dt.datetime:
    """Return the moment a cycle closes: a bare date means the end of that day (UTC)."""
    if isinstance(closes, dt.datetime):
        return record.as_utc(closes)
    return dt.datetime.combine(closes, dt.time(23, 59, 59), tzinfo=dt.UTC)
