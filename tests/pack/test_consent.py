"""The pack's consent rules on plain models: who is named, whose words are shown."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from coproduce.document import parse_markdown
from coproduce.models import Disposition, FeedbackItem, ParticipantRecord
from coproduce.pack.consent import WITHHELD_WORDS, voices
from coproduce.pack.cover import md

WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def item(n: int, participant: str, audience: str, **changes: object) -> FeedbackItem:
    data: dict[str, object] = {
        "id": f"FB-{n:04d}", "cycle": "c", "participant": participant, "audience": audience,
        "channel": "portal", "received": WHEN, "text": f"Words of item {n}",
    }  # fmt: skip
    return FeedbackItem.model_validate({**data, **changes})


def record(pid: str, audience: str, band: str, **changes: object) -> ParticipantRecord:
    data: dict[str, object] = {
        "id": pid, "name": f"Name {pid}", "email": f"{pid.lower()}@example.org",
        "audience": audience, "age_band": band, "consent_named": True,
    }  # fmt: skip
    return ParticipantRecord.model_validate({**data, **changes})


def test_young_people_are_never_named_whatever_the_register_says() -> None:
    adult = record("P-000000000a", "practitioners", "25+")
    apprentice = record("P-000000000b", "practitioners", "16-17")
    youth = record("P-000000000c", "young-people", "18-24")
    items = [item(1, adult.id, adult.audience), item(2, apprentice.id, apprentice.audience),
             item(3, youth.id, youth.audience)]  # fmt: skip
    people = {p.id: p for p in (adult, apprentice, youth)}
    shown = voices(items, {}, people, youth_audiences=["young-people"])
    assert [v.name for v in shown.values()] == [adult.name, None, None]


def test_withheld_words_leave_a_count_and_an_outcome_only() -> None:
    quiet = record("P-000000000d", "partners", "25+", extra={"publish_words": "no"})
    decided = Disposition(feedback="FB-0001", outcome="noted", reason="Thanks for this idea",
                          decided_by="Lead", decided=WHEN)  # fmt: skip
    said = item(1, quiet.id, "partners", suggestion="Say this")
    (voice,) = voices([said], {"FB-0001": decided}, {quiet.id: quiet}, youth_audiences=[]).values()
    assert (voice.words, voice.suggestion, voice.reason, voice.name) == (
        WITHHELD_WORDS,
        "",
        "",
        None,
    )
    assert voice.outcome_label == "noted"


def test_an_item_flagged_at_intake_is_held_whatever_its_outcome() -> None:
    flagged = item(1, "anonymous", "anonymous", safeguarding_concern=True)
    (voice,) = voices([flagged], {}, {}, youth_audiences=[]).values()
    assert voice.safeguarding and not voice.words_shown


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_text_put_into_the_cover_paper_reads_back_as_written(text: str) -> None:
    wanted = " ".join(text.split())
    if not wanted:
        return
    document = parse_markdown(f"---\ntitle: t\n---\n\nSaid: {md(text)}\n", slug="cover-paper")
    assert document.blocks[0].text == f"Said: {wanted}"
