"""Outcomes and dispositions: seven outcomes, a reason each, duplicates that name the original."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from coproduce.models import Disposition, Outcome, ParticipantRecord

WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def disposition(**changes: object) -> Disposition:
    data: dict[str, object] = {
        "feedback": "FB-0012", "outcome": "accepted", "reason": "Reworded.",
        "decided_by": "Sam Lead", "decided": WHEN,
    }  # fmt: skip
    return Disposition.model_validate({**data, **changes})


def test_there_are_seven_outcomes_and_two_promise_a_change() -> None:
    assert [o.value for o in Outcome] == [
        "accepted", "partly-accepted", "not-accepted", "noted", "out-of-scope", "duplicate",
        "safeguarding",
    ]  # fmt: skip
    assert [o for o in Outcome if o.acted_on] == [Outcome.ACCEPTED, Outcome.PARTLY_ACCEPTED]
    assert Outcome.SAFEGUARDING.label == "held as a safeguarding concern"


def test_a_duplicate_names_another_item_and_nothing_else_does() -> None:
    assert disposition(outcome="duplicate", duplicate_of="FB-0003").duplicate_of == "FB-0003"
    for bad in (
        {"outcome": "duplicate"},
        {"outcome": "duplicate", "duplicate_of": "FB-0012"},
        {"outcome": "noted", "duplicate_of": "FB-0003"},
    ):
        with pytest.raises(ValidationError):
            disposition(**bad)


def test_every_outcome_needs_a_reason() -> None:
    with pytest.raises(ValidationError):
        disposition(reason="")


def person(**changes: object) -> ParticipantRecord:
    data: dict[str, object] = {
        "id": "P-0123456789", "name": "Ada", "email": "ada@example.org",
        "audience": "practitioners", "age_band": "25+", "consent_named": True,
    }  # fmt: skip
    return ParticipantRecord.model_validate({**data, **changes})


def test_a_person_may_be_named_only_with_consent_and_as_an_adult() -> None:
    assert person().may_be_named
    assert not person(consent_named=False).may_be_named
    assert not person(age_band="16-17").may_be_named


def test_do_not_publish_my_words_is_read_from_the_register_extra_field() -> None:
    assert not person().withholds_words
    assert person(extra={"publish_words": "No"}).withholds_words
    assert not person(extra={"publish_words": "yes"}).withholds_words
