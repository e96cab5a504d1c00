"""Review cycles and the one transition table that moves them from state to state."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from coproduce.errors import StateError

CYCLE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"


class CycleState(StrEnum):
    """Where a review cycle stands."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    TRIAGED = "triaged"
    IN_SIGNOFF = "in-signoff"
    APPROVED = "approved"
    RETURNED = "returned"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class CycleEvent(StrEnum):
    """Things that happen to a review cycle."""

    LAUNCH = "launch"
    CLOSE = "close"
    REOPEN = "reopen"
    COMPLETE_TRIAGE = "complete-triage"
    ISSUE_PACK = "issue-pack"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    CANCEL = "cancel"
    EXTEND = "extend"


S, E = CycleState, CycleEvent
TRANSITIONS: dict[tuple[CycleState, CycleEvent], CycleState] = {
    (S.DRAFT, E.LAUNCH): S.OPEN,
    (S.DRAFT, E.CANCEL): S.CANCELLED,
    (S.OPEN, E.CLOSE): S.CLOSED,
    (S.OPEN, E.EXTEND): S.OPEN,
    (S.OPEN, E.CANCEL): S.CANCELLED,
    (S.CLOSED, E.REOPEN): S.OPEN,
    (S.CLOSED, E.COMPLETE_TRIAGE): S.TRIAGED,
    (S.CLOSED, E.CANCEL): S.CANCELLED,
    (S.TRIAGED, E.ISSUE_PACK): S.IN_SIGNOFF,
    (S.TRIAGED, E.REOPEN): S.OPEN,
    (S.TRIAGED, E.CANCEL): S.CANCELLED,
    (S.IN_SIGNOFF, E.ISSUE_PACK): S.IN_SIGNOFF,
    (S.IN_SIGNOFF, E.APPROVE): S.APPROVED,
    (S.IN_SIGNOFF, E.RETURN): S.TRIAGED,
    (S.IN_SIGNOFF, E.REJECT): S.REJECTED,
}
TERMINAL: frozenset[CycleState] = frozenset({S.APPROVED, S.REJECTED, S.CANCELLED})
ACTIVE: frozenset[CycleState] = frozenset({S.DRAFT, S.OPEN, S.CLOSED, S.TRIAGED, S.IN_SIGNOFF})
AWAITING_DECISION: frozenset[CycleState] = frozenset({S.CLOSED, S.TRIAGED, S.IN_SIGNOFF})

# The command a user types for each event ({id} is the cycle): errors name these, never events.
COMMANDS: dict[CycleEvent, str] = {
    E.LAUNCH: "coproduce review launch {id}",
    E.CLOSE: "coproduce review close {id}",
    E.EXTEND: "coproduce review extend {id} --closes DATE",
    E.REOPEN: "coproduce review reopen {id} --closes DATE",
    E.COMPLETE_TRIAGE: "coproduce review finish-triage {id}",
    E.ISSUE_PACK: "coproduce review send-to-board {id}",
    E.APPROVE: "coproduce signoff {id} --decision approved ...",
    E.RETURN: "coproduce signoff {id} --decision returned ...",
    E.REJECT: "coproduce signoff {id} --decision rejected ...",
    E.CANCEL: "coproduce review cancel {id} --reason TEXT",
}
# The board's three outcomes are one command: list it once.
_DECISIONS = (E.APPROVE, E.RETURN, E.REJECT)
_VERBS = {E.APPROVE: "approve", E.RETURN: "return", E.REJECT: "reject"}
DESCRIBED: dict[CycleState, str] = {
    S.DRAFT: "a draft, not yet launched",
    S.OPEN: "open for comments",
    S.CLOSED: "closed and awaiting triage",
    S.TRIAGED: "triaged and awaiting the sign-off pack",
    S.IN_SIGNOFF: "with the board for a decision",
    S.APPROVED: "approved (finished)",
    S.RETURNED: "returned by the board",
    S.REJECTED: "rejected (finished)",
    S.CANCELLED: "cancelled (finished)",
}


def next_commands(state: CycleState, cycle_id: str = "ID") -> list[str]:
    """Return the commands that move a cycle on from ``state``, in the table's order."""
    commands: list[str] = []
    for (s, e), _ in TRANSITIONS.items():
        if s != state:
            continue
        command = COMMANDS[e].format(id=cycle_id)
        if e in _DECISIONS:
            command = f"coproduce signoff {cycle_id} --decision DECISION ..."
        if command not in commands:
            commands.append(command)
    return commands


def next_state(state: CycleState, event: CycleEvent, *, cycle_id: str = "ID") -> CycleState:
    """Return the state ``event`` leads to from ``state``; raise StateError when not allowed.

    The error says where the cycle stands and names the commands that can move it on.
    """
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        verb = _VERBS.get(event) or COMMANDS[event].split()[2]
        where = f"cannot {verb} review {cycle_id}: it is {DESCRIBED[state]}"
        commands = next_commands(state, cycle_id)
        hint = f"; next: {'; or '.join(commands)}" if commands else ""
        raise StateError(where + hint) from None


class Question(BaseModel):
    """A focused question put to some or all audiences, optionally about one section."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    text: str = Field(min_length=1)
    section: str | None = None
    audiences: list[str] = Field(default_factory=list, description="Empty means everyone.")
    youth_text: str | None = Field(default=None, description="Plain-language wording.")


class Transition(BaseModel):
    """One recorded step in a cycle's history."""

    at: dt.datetime
    event: CycleEvent
    from_state: CycleState
    to_state: CycleState
    actor: str = ""
    note: str = ""


class ReviewCycle(BaseModel):
    """A review of one document: who is asked, until when, and where it stands."""

    id: str = Field(pattern=CYCLE_ID_PATTERN)
    slug: str
    base: str | None = Field(
        default=None,
        description="Tag of the approved version the draft is compared with; None for a first.",
    )
    proposed: str = Field(description="Commit the participants were sent.")
    state: CycleState = CycleState.DRAFT
    created: dt.datetime
    opens: dt.datetime | None = None
    closes: dt.datetime
    audiences: list[str] = Field(min_length=1)
    questions: list[Question] = Field(default_factory=list)
    reminder_days: list[int] = Field(default_factory=lambda: [7, 2])
    reminders_sent: list[int] = Field(default_factory=list)
    history: list[Transition] = Field(default_factory=list)

    @field_validator("reminder_days")
    @classmethod
    def _positive_sorted(cls, v: list[int]) -> list[int]:
        if any(d <= 0 for d in v):
            raise ValueError("reminder days must be positive (days before close)")
        return sorted(set(v), reverse=True)

    def apply(
        self,
        event: CycleEvent,
        *,
        at: dt.datetime,
        actor: str = "",
        note: str = "",
        closes: dt.datetime | None = None,
    ) -> ReviewCycle:
        """Return a copy of this cycle moved on by ``event``, with the step in its history.

        ``closes`` sets a new deadline; extending and reopening need one in the future.
        """
        to_state = next_state(self.state, event, cycle_id=self.id)
        if event in (CycleEvent.EXTEND, CycleEvent.REOPEN):
            if closes is None or closes <= at:
                raise StateError(
                    f"cannot {event.value} review {self.id}: give a new close date in the future"
                )
            if event is CycleEvent.EXTEND and closes <= self.closes:
                raise StateError(
                    f"cannot extend review {self.id}: the new close date must be after "
                    f"{self.closes.date().isoformat()}"
                )
        step = Transition(
            at=at, event=event, from_state=self.state, to_state=to_state, actor=actor, note=note
        )
        update: dict[str, object] = {"state": to_state, "history": [*self.history, step]}
        if event is CycleEvent.LAUNCH:
            update["opens"] = at
        if closes is not None:
            update["closes"] = closes
        return self.model_copy(update=update)

    @property
    def awaits_decision(self) -> bool:
        """Return whether the cycle is closed and waiting to be triaged, packed or decided."""
        return self.state in AWAITING_DECISION

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE

    def due_reminders(self, now: dt.datetime) -> list[int]:
        """Return reminder rounds (days before close) that are due now and not yet sent."""
        if self.state is not CycleState.OPEN or now >= self.closes:
            return []
        left = self.closes - now
        return [
            d
            for d in self.reminder_days
            if d not in self.reminders_sent and left <= dt.timedelta(days=d)
        ]
