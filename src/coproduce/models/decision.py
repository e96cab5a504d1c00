"""The board's sign-off decision on a review cycle."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator


class DecisionOutcome(StrEnum):
    """What the board decided."""

    APPROVED = "approved"
    APPROVED_WITH_CHANGES = "approved-with-changes"
    RETURNED = "returned"
    REJECTED = "rejected"


class SignoffDecision(BaseModel):
    """A recorded decision: who decided, when, and what version it made."""

    cycle: str
    outcome: DecisionOutcome
    decided_by: str = Field(min_length=1, description="The board or person that decided.")
    recorded_by: str = Field(min_length=1)
    decided: dt.date
    notes: str = ""
    conditions: list[str] = Field(default_factory=list)
    version: str | None = Field(default=None, pattern=r"^\d+\.\d+$")

    @model_validator(mode="after")
    def _approval_has_version(self) -> SignoffDecision:
        approving = self.outcome in (
            DecisionOutcome.APPROVED,
            DecisionOutcome.APPROVED_WITH_CHANGES,
        )
        if approving and self.version is None:
            raise ValueError("an approval must name the version it approves")
        if self.outcome is DecisionOutcome.APPROVED_WITH_CHANGES and not self.conditions:
            raise ValueError("approval with changes must list the conditions")
        return self
