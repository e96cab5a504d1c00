import pytest

from coproduce.errors import InvalidInputError
from coproduce.models import DocumentMeta, ParticipantRecord, SignoffDecision, load_model


def test_invalid_front_matter_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_model(
            DocumentMeta,
            {"title": "", "version": "one", "review_date": "soon", "status": "lost"},
            what="front matter",
        )
    error = caught.value
    assert str(error) == "front matter is not valid (4 problems)"
    fields = sorted(p.split(":")[0] for p in error.problems)
    assert fields == ["review_date", "status", "title", "version"]
    assert "  - title:" in error.render()


def test_consent_to_be_named_is_never_taken_for_under_18s() -> None:
    record = ParticipantRecord(
        id="P-0123456789",
        name="Sam Example",
        email="sam@example.org",
        audience="young-people",
        age_band="16-17",
        consent_named=True,
    )
    assert record.consent_named is False
    assert record.is_minor
    assert record.public().model_dump() == {"id": "P-0123456789", "audience": "young-people"}


def test_an_approval_must_name_its_version_and_conditions() -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_model(
            SignoffDecision,
            {
                "cycle": "c",
                "outcome": "approved-with-changes",
                "decided_by": "Board",
                "recorded_by": "Secretary",
                "decided": "2026-12-20",
            },
            what="decision",
        )
    assert "must name the version" in caught.value.problems[0]
