"""The board's sign-off decision on a review cycle, and what recording it did."""

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

    @property
    def approves(self) -> bool:
        """Return whether this outcome approves a version."""
        return self in (DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CHANGES)


class SignoffDecision(BaseModel):
    """A recorded decision: who decided, when, under which minute, and what version it made.

    Kept in git as ``reviews/<cycle>/decision.yaml`` (the latest decision; earlier ones, such
    as a return before the approval, stay in the history).
    """

    cycle: str
    outcome: DecisionOutcome
    decided_by: str = Field(min_length=1, description="The board or person that decided.")
    recorded_by: str = Field(min_length=1)
    decided: dt.date
    minute: str = Field(default="", description="The minute reference, e.g. SPE 2026/14.")
    notes: str = ""
    conditions: list[str] = Field(default_factory=list)
    version: str | None = Field(default=None, pattern=r"^\d+\.\d+$")
    amendments: list[str] = Field(
        default_factory=list,
        description="Commits made after the pack's proposed commit that the board approved too.",
    )
    next_update: dt.date | None = Field(
        default=None, description="When participants will hear next (returned or rejected)."
    )
    pack_manifest_sha256: str = Field(default="", description="The pack the board decided on.")
    proposed_commit: str = Field(default="", description="The pack's proposed commit.")
    tag: str | None = None
    published: dict[str, str] = Field(
        default_factory=dict, description="Published file name -> sha256."
    )

    @model_validator(mode="after")
    def _approval_has_version(self) -> SignoffDecision:
        if self.outcome.approves and self.version is None:
            raise ValueError("an approval must name the version it approves")
        if self.outcome is DecisionOutcome.APPROVED_WITH_CHANGES and not self.conditions:
            raise ValueError("approval with changes must list the conditions")
        if self.amendments and not self.outcome.approves:
            raise ValueError("amendments are listed only with an approval")
        return self


class SignoffResult(BaseModel):
    """What a decision did: what "you said, we did" tells participants, and where files went."""

    cycle: str
    slug: str
    outcome: DecisionOutcome
    state: str = Field(description="The cycle's state afterwards (returned goes to triaged).")
    decided_by: str
    decided: dt.date
    minute: str = ""
    notes: str = ""
    version: str | None = None
    tag: str | None = None
    commit: str | None = Field(default=None, description="The commit the tag points at.")
    approved_commit: str | None = Field(
        default=None, description="The text approved: the pack's proposed commit, or the last"
        " amendment (the tagged commit adds only the front matter's status and version).",
    )  # fmt: skip
    proposed_commit: str = ""
    amendments: list[str] = Field(default_factory=list)
    next_update: dt.date | None = None
    pack_manifest_sha256: str = ""
    published: list[str] = Field(default_factory=list, description="Published file paths.")
    publication_copy: str | None = Field(default=None, description="The copy's folder, if any.")
    notes_for_reader: list[str] = Field(default_factory=list, description="e.g. PDF skipped.")
    repeated: bool = Field(default=False, description="The same decision was already recorded.")
