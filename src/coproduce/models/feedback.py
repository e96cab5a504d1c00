"""Feedback items, the anchor that ties each to a passage, and the disposition triage gives it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from coproduce.models.audience import Channel

FEEDBACK_ID_PATTERN = r"^FB-\d{4,}$"
FeedbackKind = Literal["comment", "suggestion", "answer"]


class AnchorStatus(StrEnum):
    """How well an anchor was found again in a later version of the text.

    ``reanchored``: placed on a later text than the one commented on (by quote, by prefix and
    suffix, or fuzzily); ``orphaned``: not placed, kept and shown to the lead, never dropped.
    """

    EXACT = "exact"
    MOVED = "moved"
    FUZZY = "fuzzy"
    REANCHORED = "reanchored"
    ORPHANED = "orphaned"


class Anchor(BaseModel):
    """Where feedback points, in the manner of W3C Web Annotation selectors.

    Section id, then the quoted text with a little context either side, then the character
    position within the section's text as a fallback. A general comment on a section has an
    empty ``exact``.
    """

    section: str
    exact: str = ""
    prefix: str = Field(default="", max_length=64)
    suffix: str = Field(default="", max_length=64)
    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    status: AnchorStatus = AnchorStatus.EXACT


HELD_TEXT = "held as a safeguarding concern"


class Provenance(BaseModel):
    """Who gathered group feedback, from which group, how many people, when.

    ``facilitator`` is a role or organisation ("youth worker, Riverside Youth Club"), never a
    personal name: it goes into git.
    """

    facilitator: str = Field(min_length=1, max_length=200)
    group: str = Field(min_length=1, max_length=200)
    people: int = Field(ge=1, le=100_000)
    date: dt.date


class FeedbackItem(BaseModel):
    """One thing a participant said, pseudonymous, anchored where possible."""

    id: str = Field(pattern=FEEDBACK_ID_PATTERN)
    cycle: str
    participant: str = Field(description="Pseudonymous participant id, or 'anonymous'.")
    audience: str
    channel: Channel
    received: dt.datetime
    text: str = Field(min_length=1, max_length=20_000)
    anchor: Anchor | None = None
    suggestion: str | None = Field(default=None, description="Proposed replacement wording.")
    question: str | None = Field(default=None, description="Id of the question it answers.")
    late: bool = False
    safeguarding_concern: bool = Field(
        default=False,
        description="A possible disclosure of harm: routed to the safeguarding lead, withheld "
        "from published logs (the text in git is then only HELD_TEXT).",
    )
    kind: FeedbackKind = "comment"
    key: str | None = Field(
        default=None, description="Idempotency key of the submission it came from (sha256)."
    )
    provenance: Provenance | None = Field(
        default=None, description="For facilitated group feedback: how it was gathered."
    )
    consent_to_quote: bool | None = Field(
        default=None, description="Whether the person agreed to be quoted (survey consent)."
    )
    response: str | None = Field(
        default=None,
        max_length=64,
        description="Anonymous items sent together (one survey row) share this opaque id, so "
        "they count as one person's response.",
    )


class Outcome(StrEnum):
    """What triage decided to do with a feedback item: one of seven, each with a reason."""

    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly-accepted"
    NOT_ACCEPTED = "not-accepted"
    NOTED = "noted"
    OUT_OF_SCOPE = "out-of-scope"
    DUPLICATE = "duplicate"
    SAFEGUARDING = "safeguarding"

    @property
    def label(self) -> str:
        """Return the outcome as a reader says it ("partly accepted", "duplicate")."""
        return OUTCOME_LABELS[self]

    @property
    def acted_on(self) -> bool:
        """Return whether the outcome promises a change to the text."""
        return self in (Outcome.ACCEPTED, Outcome.PARTLY_ACCEPTED)


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.ACCEPTED: "accepted",
    Outcome.PARTLY_ACCEPTED: "partly accepted",
    Outcome.NOT_ACCEPTED: "not accepted",
    Outcome.NOTED: "noted",
    Outcome.OUT_OF_SCOPE: "out of scope",
    Outcome.DUPLICATE: "duplicate of another item",
    Outcome.SAFEGUARDING: "held as a safeguarding concern",
}


class Disposition(BaseModel):
    """The outcome of one feedback item, the reason given to its author, who set it and when."""

    feedback: str = Field(pattern=FEEDBACK_ID_PATTERN)
    outcome: Outcome
    reason: str = Field(min_length=1, max_length=5_000)
    duplicate_of: str | None = Field(default=None, pattern=FEEDBACK_ID_PATTERN)
    decided_by: str = Field(min_length=1)
    decided: dt.datetime
    response_to_participant: str | None = Field(
        default=None, description="Plain-language 'you said, we did' text, when it differs."
    )

    @model_validator(mode="after")
    def _duplicate_names_its_original(self) -> Disposition:
        if self.outcome is Outcome.DUPLICATE and self.duplicate_of is None:
            raise ValueError("a duplicate must name the item it duplicates (duplicate_of)")
        if self.outcome is not Outcome.DUPLICATE and self.duplicate_of is not None:
            raise ValueError("only a duplicate names another item (duplicate_of)")
        if self.duplicate_of == self.feedback:
            raise ValueError("an item cannot be a duplicate of itself")
        return self
