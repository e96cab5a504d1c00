"""Feedback items, the anchor that ties each to a passage, and the disposition triage gives it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

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


class Outcome(StrEnum):
    """What triage decided to do with a feedback item."""

    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly-accepted"
    NOT_ACCEPTED = "not-accepted"
    NOTED = "noted"
    ALREADY_COVERED = "already-covered"
    OUT_OF_SCOPE = "out-of-scope"
    REFERRED = "referred"


class Disposition(BaseModel):
    """The outcome of one feedback item and the reason for it."""

    feedback: str = Field(pattern=FEEDBACK_ID_PATTERN)
    outcome: Outcome
    reason: str = Field(min_length=1)
    decided_by: str
    decided: dt.datetime
    commits: list[str] = Field(default_factory=list, description="Commits that acted on it.")
    response_to_participant: str | None = Field(
        default=None, description="Plain-language 'you said, we did' text, when it differs."
    )
