"""Participants as git sees them (pseudonymous) and as the register holds them (personal)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

PARTICIPANT_ID_PATTERN = r"^P-[0-9a-f]{10}$"
AgeBand = Literal["under-13", "13-15", "16-17", "18-24", "25+", "unknown"]
UNDER_18: frozenset[str] = frozenset({"under-13", "13-15", "16-17"})
PUBLISH_WORDS = "publish_words"
"""The register column (kept in ``extra``) where a person says whether their words may appear."""
NO_WORDS: frozenset[str] = frozenset({"no", "n", "false", "0", "withhold"})


def _valid_email(value: str) -> str:
    # email_validator is imported here, not at module load: most commands never need it.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise ValueError(f"value is not a valid email address: {e}") from None


Email = Annotated[str, AfterValidator(_valid_email)]


class Participant(BaseModel):
    """The only view of a person that may enter git: a pseudonymous id and an audience."""

    id: str = Field(pattern=PARTICIPANT_ID_PATTERN)
    audience: str


class ParticipantRecord(BaseModel):
    """A person's personal data, kept in the register outside git and erasable on request."""

    id: str = Field(pattern=PARTICIPANT_ID_PATTERN)
    name: str = Field(min_length=1)
    email: Email
    audience: str
    organisation: str = ""
    age_band: AgeBand = "unknown"
    consent_named: bool = False
    via_worker_email: Email | None = Field(
        default=None, description="A worker who passes the invitation on to a young person."
    )
    opted_out: bool = False
    extra: dict[str, str] = Field(default_factory=dict)
    added: dt.datetime | None = None

    @model_validator(mode="after")
    def _no_named_consent_under_18(self) -> ParticipantRecord:
        # Consent to be named is never taken for under-18s, whatever the import said.
        if self.age_band in UNDER_18 and self.consent_named:
            object.__setattr__(self, "consent_named", False)
        return self

    @property
    def is_minor(self) -> bool:
        return self.age_band in UNDER_18

    @property
    def may_be_named(self) -> bool:
        """Return whether outputs may name this person: recorded consent, and an adult."""
        return self.consent_named and not self.is_minor

    @property
    def withholds_words(self) -> bool:
        """Return whether the person chose "do not publish my words" (``publish_words: no``)."""
        return self.extra.get(PUBLISH_WORDS, "yes").strip().lower() in NO_WORDS

    def public(self) -> Participant:
        """Return the pseudonymous view of this record."""
        return Participant(id=self.id, audience=self.audience)
