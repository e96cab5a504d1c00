"""Telling participants what happened: one message each over real SMTP, never twice, and
nothing to people who opted out or were erased."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest

from coproduce.errors import DeliveryError, InvalidInputError, NotFoundError
from coproduce.models import SignoffDecision
from coproduce.review.outcomes import tell_participants
from tests.pack.scenario import SAFEGUARDING_WORDS
from tests.review.outcomes.conftest import (
    ERASED,
    NAMED,
    OPTED,
    QUIET,
    UNNAMED,
    WORKER_YOUNG,
    YOUNG,
    YOUNG_NAMES,
    Decided,
    RecordingHandler,
)

TOLD = (NAMED, UNNAMED, YOUNG, QUIET, WORKER_YOUNG)


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return (
        str(text.get_content()).replace("\r\n", "\n"),
        str(html.get_content()).replace("\r\n", "\n"),
    )


def by_recipient(mailbox: RecordingHandler) -> dict[str, EmailMessage]:
    found = {}
    for raw in mailbox.received:
        message = parse(raw)
        found[str(message["To"].addresses[0].addr_spec)] = message
    return found


def test_every_participant_with_feedback_gets_exactly_one_message(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    told = tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    assert sorted(told.sent) == sorted(decided.people[n] for n in TOLD)
    assert len(mailbox.received) == len(TOLD)
    assert sorted(by_recipient(mailbox)) == sorted(
        ["kayla@example.org", "morgan@example.org", "oliver@example.org", "priya@example.org",
         "worker@example.org"]
    )  # fmt: skip
    for message in by_recipient(mailbox).values():
        assert message.get_content_type() == "multipart/alternative"
        assert (
            message["Message-ID"]
            .strip()
            .startswith(f"<outcome-approved-20261218.{decided.cycle_id}.")
        )


def test_a_rerun_sends_nothing(decided: Decided, mailbox: RecordingHandler) -> None:
    decided.decide("approved")
    first = tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    again = tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    assert again.sent == []
    assert sorted(again.already) == sorted(first.sent)
    assert len(mailbox.received) == len(TOLD)


def test_people_who_opted_out_or_were_erased_get_nothing(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    told = tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    assert told.opted_out == [decided.people[OPTED]]
    assert told.not_in_register == [decided.people[ERASED]]
    assert not {"olive@example.org", "eric@example.org"} & set(by_recipient(mailbox))
    assert decided.people[OPTED] not in told.sent and decided.people[ERASED] not in told.sent


def test_an_accepted_item_shows_the_passage_as_it_now_reads_with_the_change(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    text, html = bodies(by_recipient(mailbox)["oliver@example.org"])
    assert 'You said: "Add timescales for a response."' in text
    assert "Outcome: accepted" in text and "Why: Added a one working day timescale." in text
    assert 'The passage as it now reads, in "When to escalate"' in text  # not where it was said
    assert "Escalate {+within one working day +}when a plan is not keeping" in text
    assert "within one working day" in html and "<ins " in html
    assert "Outcome: not accepted" in text  # the other item, with its reason
    assert "Escalation protects young people; it stays." in text


def test_an_accepted_item_no_change_names_says_so_instead_of_a_passage(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    text, _ = bodies(by_recipient(mailbox)["priya@example.org"])
    assert "Dear Priya Consenting," in text
    assert "no change in the approved text names this comment yet" in text
    assert "{+" not in text


def test_only_the_change_made_for_the_item_is_marked_in_its_passage(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    text, _ = bodies(by_recipient(mailbox)["kayla@example.org"])
    # "in writing" came from another commit ("Tidy wording"): it reads as the text now is.
    assert (
        "This policy{+, written with young people,+} says how practitioners raise a concern"
        " in writing about a plan." in text
    )


def test_young_people_are_never_named_in_any_message(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    for raw in mailbox.received:
        decoded = raw.decode("utf-8", "replace")
        text, html = bodies(parse(raw))
        for name in YOUNG_NAMES:
            assert name not in decoded and name not in text and name not in html
    young = by_recipient(mailbox)["kayla@example.org"]
    assert young["To"].addresses[0].display_name == ""
    assert bodies(young)[0].startswith("Hi,\n")


def test_a_worker_passing_a_message_on_gets_a_reference_not_a_name(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    text, html = bodies(by_recipient(mailbox)["worker@example.org"])
    assert f"the person with reference {decided.people[WORKER_YOUNG]}" in text
    assert decided.people[WORKER_YOUNG] in html
    assert "What we did: We will keep this in mind." in text


def test_a_safeguarding_concern_is_never_repeated_only_acknowledged(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    for raw in mailbox.received:
        assert SAFEGUARDING_WORDS not in raw.decode("utf-8", "replace")
        assert "safeguarding lead" not in raw.decode("utf-8", "replace")
    text, _ = bodies(by_recipient(mailbox)["kayla@example.org"])
    assert "something we dealt with in private" in text


def test_a_returned_version_says_not_yet_approved_and_the_date_from_the_decision(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    import datetime as dt

    decided.decide("returned", next_update=dt.date(2027, 2, 5))
    told = tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    assert told.kind == "outcome-returned-20261218" and len(told.sent) == len(TOLD)
    adult, _ = bodies(by_recipient(mailbox)["oliver@example.org"])
    assert "returned the draft to us for more work" in adult
    assert "The board has not yet approved it" in adult
    assert "We will write to you again by Friday 5 February 2027." in adult
    assert "Outcome:" not in adult  # nothing is final yet
    young, _ = bodies(by_recipient(mailbox)["kayla@example.org"])
    assert "have not said yes to the new guide yet" in young
    assert "We will write to you again by Friday 5 February 2027." in young


def test_a_rejected_version_dates_the_next_update_from_the_setting(
    decided: Decided, mailbox: RecordingHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COPRODUCE_NEXT_UPDATE_DAYS", "14")
    decided.decide("rejected")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    text, html = bodies(by_recipient(mailbox)["priya@example.org"])
    assert "did not approve the new version" in text
    assert "We will write to you again by Friday 1 January 2027." in text  # 18 Dec + 14 days
    assert "Friday 1 January 2027" in html


def test_an_approval_after_a_return_is_a_new_message_to_everyone(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    decision = decided.decide("returned")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    approved = SignoffDecision.model_validate(
        {**decision.model_dump(), "outcome": "approved", "version": "1.1"}
    )
    told = tell_participants(
        workspace=decided.workspace(), cycle_id=decided.cycle_id, decision=approved
    )
    assert len(told.sent) == len(TOLD)
    assert len(mailbox.received) == 2 * len(TOLD)


def test_a_decision_on_another_cycle_is_refused(decided: Decided) -> None:
    decision = SignoffDecision.model_validate(
        {**decided.decide("approved").model_dump(), "cycle": "2026-q4-other"}
    )
    with pytest.raises(InvalidInputError, match="the decision is on review 2026-q4-other"):
        tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id,
                          decision=decision)  # fmt: skip


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("next_update: soon\n", "decision.yaml is not valid"),
        ("next_update: [unclosed\n", "decision.yaml is not valid YAML"),
    ],
)
def test_a_broken_decision_record_is_one_clear_error_and_sends_nothing(
    decided: Decided, mailbox: RecordingHandler, tail: str, message: str
) -> None:
    decided.decide("returned")
    path = decided.repo.root / "reviews" / decided.cycle_id / "decision.yaml"
    kept = [
        x
        for x in path.read_text(encoding="utf-8").splitlines(True)
        if not x.startswith("next_update")
    ]
    path.write_text("".join(kept) + tail, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message):
        tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    assert mailbox.received == []


def test_no_recorded_decision_is_one_clear_error(decided: Decided) -> None:
    with pytest.raises(NotFoundError, match="no board decision recorded on review"):
        tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)


def test_a_relay_that_is_down_sends_nothing_and_a_later_run_sends_everything(
    decided: Decided,
    smtp_server,  # type: ignore[no-untyped-def]
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decided.decide("approved")
    monkeypatch.setenv("COPRODUCE_SMTP_URL", f"smtp://127.0.0.1:{closed_port}")
    workspace = decided.workspace()
    monkeypatch.setattr("coproduce.channels.email.time.sleep", lambda _s: None)
    with pytest.raises(DeliveryError, match="messages were not sent"):
        tell_participants(workspace=workspace, cycle_id=decided.cycle_id)
    handler, port = smtp_server()
    monkeypatch.setenv("COPRODUCE_SMTP_URL", f"smtp://127.0.0.1:{port}")
    told = tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    assert len(told.sent) == len(TOLD) and len(handler.received) == len(TOLD)


def test_two_runs_side_by_side_send_each_person_one_message(
    decided: Decided, mailbox: RecordingHandler
) -> None:
    import threading

    decided.decide("approved")
    workspace = decided.workspace()
    results: list[object] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        results.append(tell_participants(workspace=workspace, cycle_id=decided.cycle_id))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2
    sent = [pid for told in results for pid in told.sent]  # type: ignore[attr-defined]
    assert sorted(sent) == sorted(decided.people[n] for n in TOLD)
    assert len(mailbox.received) == len(TOLD)
