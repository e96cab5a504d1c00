"""The review clock: which open cycles are past their deadline or have a reminder due.

Every sweep looks at all open cycles, so a clock that was down catches up on its next run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from coproduce.models import CycleState, Person
from coproduce.review import record
from coproduce.review.delivery import Outreach
from coproduce.review.service import close, notify_closed, remind

if TYPE_CHECKING:
    from coproduce.store import GuidanceRepo


def plan_sweep(*, repo: GuidanceRepo, now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Return which open cycles are past their close date and which have reminders due."""
    now = record.as_utc(now or record.utcnow())
    due: dict[str, list[str]] = {"close": [], "remind": []}
    for cycle in record.iter_cycles(repo):
        if cycle.state is not CycleState.OPEN:
            continue
        if now >= cycle.closes:
            due["close"].append(cycle.id)
        elif cycle.due_reminders(now):
            due["remind"].append(cycle.id)
    return due


def sweep(
    *, repo: GuidanceRepo, outreach: Outreach, author: Person, now: dt.datetime | None = None
) -> dict[str, list[str]]:
    """Close open cycles past their date (telling everyone invited) and send due reminders;
    return what was done."""
    due = plan_sweep(repo=repo, now=now)
    for cycle_id in due["close"]:
        if close(repo=repo, cycle_id=cycle_id, author=author, now=now, strict=False).state is (
            CycleState.CLOSED
        ):
            notify_closed(repo=repo, cycle_id=cycle_id, outreach=outreach)
    for cycle_id in due["remind"]:
        remind(repo=repo, cycle_id=cycle_id, outreach=outreach, author=author, now=now)
    return due
