"""Who may be named and whose words may be shown: the pack's consent rules in one place.

- A person is named only with consent recorded in the register, and never when young (under
  18, or in a youth audience), whatever the register says.
- Someone who chose "do not publish my words" appears as a count and an outcome only.
- An item held as a safeguarding concern (flagged at intake, or given that outcome) appears
  only in a count: no words, no id, no anchor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coproduce.models import Disposition, FeedbackItem, Outcome, ParticipantRecord

WITHHELD_WORDS = "(words withheld at the participant's request)"


@dataclass(frozen=True)
class Voice:
    """How one feedback item may appear in the pack."""

    item: FeedbackItem
    disposition: Disposition | None
    name: str | None
    organisation_type: str
    words_shown: bool
    safeguarding: bool

    @property
    def words(self) -> str:
        """Return the item's words, or the withheld notice."""
        return self.item.text if self.words_shown else WITHHELD_WORDS

    @property
    def suggestion(self) -> str:
        """Return the suggested wording when the words may be shown."""
        return (self.item.suggestion or "") if self.words_shown else ""

    @property
    def outcome_label(self) -> str:
        """Return the outcome as a reader says it, or "no outcome yet"."""
        return self.disposition.outcome.label if self.disposition else "no outcome yet"

    @property
    def reason(self) -> str:
        """Return the reason given for the outcome (withheld with the words)."""
        if self.disposition is None:
            return ""
        return self.disposition.reason if self.words_shown else ""

    @property
    def who(self) -> str:
        """Return the audience, with the person's name only when they may be named."""
        return f"{self.item.audience}, {self.name}" if self.name else self.item.audience


def voices(
    items: Iterable[FeedbackItem],
    dispositions: Mapping[str, Disposition],
    people: Mapping[str, ParticipantRecord],
    *,
    youth_audiences: Iterable[str],
) -> dict[str, Voice]:
    """Return how each item may appear, by item id."""
    youth = set(youth_audiences)
    found = {}
    for item in items:
        disposition = dispositions.get(item.id)
        person = people.get(item.participant)
        young = item.audience in youth or (person is not None and person.is_minor)
        # Someone who withholds their words is not named beside the outcome either.
        named = (
            person is not None and person.may_be_named and not young and not person.withholds_words
        )
        held = item.safeguarding_concern or (
            disposition is not None and disposition.outcome is Outcome.SAFEGUARDING
        )
        organisation = (person.extra.get("organisation_type", "") if person else "") or ""
        found[item.id] = Voice(
            item=item,
            disposition=disposition,
            name=person.name if named and person else None,
            organisation_type=organisation or "not recorded",
            words_shown=not (person is not None and person.withholds_words) and not held,
            safeguarding=held,
        )
    return found
