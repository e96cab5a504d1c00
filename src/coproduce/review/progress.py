"""Who has been asked and who has answered, per audience, and the status report a lead reads.

Nobody is named: people not yet responded are counted by organisation, so a lead can chase
an organisation without the report naming a young person.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coproduce.models import ReviewCycle
from coproduce.models.cycle import DESCRIBED, CycleState, next_commands
from coproduce.review.delivery import INVITATION

if TYPE_CHECKING:
    from coproduce.store.register import Register


@dataclass
class AudienceProgress:
    """One audience of a cycle: invited, responded, opted out and who is still to respond."""

    audience: str
    invited: int = 0
    responded: int = 0
    opted_out: int = 0
    waiting_by_organisation: dict[str, int] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        return sum(self.waiting_by_organisation.values())


def audience_progress(*, register: Register, cycle: ReviewCycle) -> list[AudienceProgress]:
    """Return each audience's progress from the register's message log and responses."""
    invited = register.messaged(cycle.id, kind=INVITATION)
    responded = register.responders(cycle.id)
    opted = register.opted_out(cycle.id)
    rows = []
    for audience in cycle.audiences:
        row = AudienceProgress(audience=audience)
        waiting: Counter[str] = Counter()
        for person in register.iter_participants(audiences=[audience]):
            if person.id not in invited:
                continue
            row.invited += 1
            if person.id in responded:
                row.responded += 1
            elif person.id in opted or person.opted_out:
                row.opted_out += 1
            else:
                waiting[person.organisation or "no organisation given"] += 1
        row.waiting_by_organisation = dict(sorted(waiting.items()))
        rows.append(row)
    return rows


def late_responses(*, register: Register, cycle: ReviewCycle) -> int:
    """Return how many first responses came in after the cycle's close date."""
    return len(register.late_responders(cycle.id, after=cycle.closes))


def render_report(
    data: Mapping[str, Any],
    *,
    progress: list[AudienceProgress],
    late: int,
    today: dt.date | None = None,
) -> list[str]:
    """Return the status of a cycle as lines a person reads (no Python values shown)."""
    state = CycleState(data["state"])
    closes = dt.datetime.fromisoformat(data["closes"]).date()
    lines = [f"{data['id']}: review of {data['slug']}", f"State: {DESCRIBED[state]}"]
    when = f"Closes {_day(closes)}"
    if state in (CycleState.DRAFT, CycleState.OPEN):
        left = data["days_left"]
        when += f" ({left} day{'s' if left != 1 else ''} left)"
    if data.get("opens"):
        when = f"Opened {_day(dt.datetime.fromisoformat(data['opens']).date())}; {when.lower()}"
    lines.append(when)
    base = data["base"]
    lines.append(f"Compared with: {base}" if base else "Compared with: nothing (first version)")
    lines.append(f"Questions: {data['questions']}")
    lines.append("")
    header = f"{'audience':<18}{'invited':>8}{'responded':>11}{'opted out':>11}  not yet responded"
    lines.append(header)
    for row in progress:
        orgs = ", ".join(f"{org} {n}" for org, n in row.waiting_by_organisation.items())
        waiting = f"{row.waiting}" + (f" ({orgs})" if orgs else "")
        lines.append(
            f"{row.audience:<18}{row.invited:>8}{row.responded:>11}{row.opted_out:>11}  {waiting}"
        )
    lines.append("")
    sent = data["reminders_sent"]
    lines.append("Reminders sent: " + (", ".join(f"{d} days before close" for d in sent) or "none"))
    due = data["reminders_due"]
    lines.append("Reminders due: " + (", ".join(f"{d} days before close" for d in due) or "none"))
    lines.append(f"Late responses (after close): {late}")
    stale = data["stale_twin_sections"]
    if stale:
        lines.append(f"Youth version out of date in: {', '.join(stale)}")
    commands = next_commands(state, data["id"])
    if commands:
        lines.append("Next: " + "; or ".join(commands))
    return lines


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
