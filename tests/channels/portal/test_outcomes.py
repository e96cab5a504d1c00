"""The personal link shows "what happened to my feedback" once the board has decided, from the
link in the "you said, we did" email, after the link stopped taking comments."""

from __future__ import annotations

import datetime as dt
import email
import re
from collections.abc import Iterator
from email import policy

import pytest
from fastapi.testclient import TestClient

from coproduce.channels.portal import create_app
from coproduce.review.outcomes import tell_participants
from coproduce.store.tokens import issue_tokens
from tests.channels.portal.conftest import PortalClient
from tests.review.outcomes.conftest import (
    UNNAMED,
    YOUNG,
    YOUNG_NAMES,
    Decided,
    RecordingHandler,
    closed_port,
    decided,
    mailbox,
    smtp_server,
)

__all__ = ["closed_port", "decided", "mailbox", "smtp_server"]


@pytest.fixture
def portal(decided: Decided) -> Iterator[TestClient]:
    """Return a test client of the portal over the decided cycle."""
    with PortalClient(create_app(decided.workspace()), base_url="http://127.0.0.1") as client:
        yield client


def link_in_mail(mailbox: RecordingHandler, address: str) -> str:
    """Return the path of the outcomes link in the message sent to ``address``."""
    for raw in mailbox.received:
        message = email.message_from_bytes(raw, policy=policy.default)
        if address in str(message["To"]):
            body = message.get_body(("plain",))
            assert body is not None
            found = re.search(r"https?://[^\s/]+(/r/[A-Za-z0-9_-]+/outcomes)", body.get_content())
            assert found is not None
            return found.group(1)
    raise AssertionError(f"no message to {address}")


def test_the_link_in_the_email_shows_a_young_person_what_happened(
    decided: Decided, mailbox: RecordingHandler, portal: TestClient
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    page = portal.get(link_in_mail(mailbox, "kayla@example.org"))
    assert page.status_code == 200
    assert "What we did with what you told us" in page.text
    assert "Ask us before you decide what happens to us" in page.text
    assert "We changed part of the guide because of what you said." in page.text
    assert "<ins>, written with young people,</ins>" in page.text
    assert " style=" not in page.text  # the page's style sheet marks changes (CSP: no inline)
    assert "Some words in the guide, and what they mean" in page.text
    for name in YOUNG_NAMES:
        assert name not in page.text
    token = link_in_mail(mailbox, "kayla@example.org").split("/r/")[1].split("/")[0]
    opened = portal.get(f"/r/{token}", follow_redirects=False)  # the invitation's own link
    assert opened.status_code == 303 and opened.headers["location"] == f"/r/{token}/outcomes"


def test_an_adult_sees_each_outcome_and_reason(
    decided: Decided, mailbox: RecordingHandler, portal: TestClient
) -> None:
    decided.decide("approved")
    tell_participants(workspace=decided.workspace(), cycle_id=decided.cycle_id)
    page = portal.get(link_in_mail(mailbox, "oliver@example.org"))
    assert page.status_code == 200
    assert "What happened to your feedback" in page.text
    assert "<strong>Outcome:</strong> not accepted" in page.text
    assert "Escalation protects young people; it stays." in page.text


def test_the_page_works_after_the_link_stopped_taking_comments(
    decided: Decided, portal: TestClient
) -> None:
    decided.decide("returned", next_update=dt.date(2027, 2, 5))
    register = decided.workspace().register
    pid = decided.people[UNNAMED]
    past = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    token = issue_tokens(register, participant_ids=[pid], cycle=decided.cycle_id, expires=past)[pid]
    assert portal.get(f"/r/{token}").status_code == 404  # no more comments
    page = portal.get(f"/r/{token}/outcomes")
    assert page.status_code == 200
    assert "It has not yet been approved" in page.text
    assert "Friday 5 February 2027" in page.text
    assert "Outcome:" not in page.text


def test_before_a_decision_or_for_an_unknown_link_there_is_nothing_to_show(
    decided: Decided, portal: TestClient
) -> None:
    register = decided.workspace().register
    pid = decided.people[YOUNG]
    token = issue_tokens(
        register, participant_ids=[pid], cycle=decided.cycle_id,
        expires=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )[pid]  # fmt: skip
    assert portal.get(f"/r/{token}/outcomes").status_code == 404
    decided.decide("approved")
    assert portal.get(f"/r/{token}/outcomes").status_code == 200
    assert portal.get("/r/not-a-real-link-at-all/outcomes").status_code == 404
