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


S, E = CycleState, CycleEvent
TRANSITIONS: dict[tuple[CycleState, CycleEvent], CycleState] = {
    (S.DRAFT, E.LAUNCH): S.OPEN,
    (S.DRAFT, E.CANCEL): S.CANCELLED,
    (S.OPEN, E.CLOSE): S.CLOSED,
    (S.OPEN, E.CANCEL): S.CANCELLED,
    (S.CLOSED, E.REOPEN): S.OPEN,
    (S.CLOSED, E.COMPLETE_TRIAGE): S.TRIAGED,
    (S.CLOSED, E.CANCEL): S.CANCELLED,
    (S.TRIAGED, E.ISSUE_PACK): S.IN_SIGNOFF,
    (S.TRIAGED, E.REOPEN): S.OPEN,
    (S.IN_SIGNOFF, E.ISSUE_PACK): S.IN_SIGNOFF,
    (S.IN_SIGNOFF, E.APPROVE): S.APPROVED,
    (S.IN_SIGNOFF, E.RETURN): S.TRIAGED,
    (S.IN_SIGNOFF, E.REJECT): S.REJECTED,
}
TERMINAL: frozenset[CycleState] = frozenset({S.APPROVED, S.REJECTED, S.CANCELLED})
ACTIVE: frozenset[CycleState] = frozenset({S.DRAFT, S.OPEN, S.CLOSED, S.TRIAGED, S.IN_SIGNOFF})


def next_state(state: CycleState, event: CycleEvent) -> CycleState:
    """Return the state ``event`` leads to from ``state``; raise StateError when not allowed."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        allowed = sorted(e.value for (s, e) in TRANSITIONS if s == state)
        hint = f"; from {state.value} you can: {', '.join(allowed)}" if allowed else ""
        raise StateError(f"cannot {event.value} a cycle that is {state.value}{hint}") from None


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
    base: str = Field(description="Tag of the approved version the draft is compared with.")
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
        self, event: CycleEvent, *, at: dt.datetime, actor: str = "", note: str = ""
    ) -> ReviewCycle:
        """Return a copy of this cycle moved on by ``event``, with the step in its history."""
        to_state = next_state(self.state, event)
        step = Transition(
            at=at, event=event, from_state=self.state, to_state=to_state, actor=actor, note=note
        )
        update: dict[str, object] = {"state": to_state, "history": [*self.history, step]}
        if event is CycleEvent.LAUNCH:
            update["opens"] = at
        return self.model_copy(update=update)

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
