"""Participants as git sees them (pseudonymous) and as the register holds them (personal)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

PARTICIPANT_ID_PATTERN = r"^P-[0-9a-f]{10}$"
ADULT = 18
UNKNOWN_AGE = "unknown"
_YEARS = r"(\d{1,3})"
_AGE_FORMS: tuple[tuple[re.Pattern[str], Callable[[int, int], tuple[int, int | None]]], ...] = (
    (re.compile(rf"^{_YEARS}$"), lambda a, _: (a, a)),
    (re.compile(rf"^{_YEARS}\s*(?:-|–|to)\s*{_YEARS}$"), lambda a, b: (a, b)),
    (re.compile(rf"^{_YEARS}\s*(?:\+|plus|and over|or over)$"), lambda a, _: (a, None)),
    (re.compile(rf"^(?:over|older than)[\s-]*{_YEARS}$"), lambda a, _: (a + 1, None)),
    (re.compile(rf"^(?:under|younger than|below)[\s-]*{_YEARS}$"), lambda a, _: (0, a - 1)),
)


def parse_age(text: str) -> tuple[int, int | None] | None:
    """Return the youngest and oldest age (None: no upper bound) an age or band allows.

    Accepts an age in years (``19``) or any band a spreadsheet holds (``14-15``, ``18 to 21``,
    ``under 16``, ``25+``, ``over 18``); ``unknown`` or empty gives None. Raises ValueError for
    anything else.
    """
    value = " ".join(text.strip().lower().split())
    if value in ("", UNKNOWN_AGE):
        return None
    for pattern, bounds in _AGE_FORMS:
        match = pattern.match(value)
        if match:
            numbers = [int(g) for g in match.groups()] + [0]
            low, high = bounds(numbers[0], numbers[1])
            if (high is not None and (high < low or high > 130)) or low > 130:
                break
            return low, high
    raise ValueError(f"age {text!r} is not an age in years or a band like 14-15, under 16 or 25+")


def is_under_18(age_band: str) -> bool:
    """Return whether ``age_band`` allows an age under 18 (a band straddling 18 counts)."""
    bounds = parse_age(age_band)
    return bounds is not None and bounds[0] < ADULT


def _valid_age(value: str) -> str:
    value = " ".join(value.split()) or UNKNOWN_AGE
    if len(value) > 16:
        raise ValueError("an age or age band is at most 16 characters")
    parse_age(value)
    return value


AgeBand = Annotated[str, AfterValidator(_valid_age)]
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
    age_band: AgeBand = Field(
        default=UNKNOWN_AGE, description="An age in years or a band, kept as given."
    )
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
        if self.is_minor and self.consent_named:
            object.__setattr__(self, "consent_named", False)
        return self

    @property
    def is_minor(self) -> bool:
        """Return whether this person may be under 18 (a band straddling 18 counts)."""
        return is_under_18(self.age_band)

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
