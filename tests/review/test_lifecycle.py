"""Every move of the table from Python, the closed notice, and the warnings before launch."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from coproduce import review
from coproduce.config import load_settings
from coproduce.models import CycleState
from coproduce.review.checks import launch_warnings
from coproduce.review.context import ReviewContext
from tests.review.conftest import LEAD, NOW, add_people, outbox_files
from tests.review.test_service import start


def _messages(ctx: ReviewContext) -> list[Message]:
    return [message_from_bytes(p.read_bytes()) for p in outbox_files(ctx.repo)]


def _text(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def test_every_move_is_a_call_from_python(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    review.open_cycle(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    later = dt.date(2027, 1, 10)
    extended = review.extend(repo=ctx.repo, cycle_id=cycle_id, closes=later, author=LEAD, now=NOW)
    assert extended.closes.date() == later
    review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    review.reopen(
        repo=ctx.repo, cycle_id=cycle_id, closes=dt.date(2027, 2, 1), author=LEAD, now=NOW
    )
    review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    review.finish_triage(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    cycle = review.send_to_board(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    assert cycle.state is CycleState.IN_SIGNOFF
    assert [t.event.value for t in cycle.history] == [
        "launch",
        "extend",
        "close",
        "reopen",
        "close",
        "complete-triage",
        "issue-pack",
    ]


def test_everyone_invited_is_told_the_review_closed_young_people_in_their_words(
    ctx: ReviewContext,
) -> None:
    add_people(ctx.repo, {"young-people": 1})
    cycle_id = start(ctx, now=None).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD)
    review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD)
    told = review.notify_closed(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach)
    again = review.notify_closed(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach)
    assert len(told.sent) == 5 and again.sent == []
    closed = [m for m in _messages(ctx) if str(m["Message-ID"]).startswith("<closed.")]
    subjects = sorted(str(m["Subject"]) for m in closed)
    assert subjects.count("The review of Escalation policy has closed") == 4
    assert "Thanks: we have stopped taking comments on Escalation policy" in subjects
    youth = next(m for m in closed if str(m["Subject"]).startswith("Thanks"))
    assert "Childline" in _text(youth)
    assert not any(
        m.is_multipart()
        and m.get_content_maintype() == "multipart"
        and any(p.get_filename() for p in m.walk())
        for m in closed
    )


def test_launch_warns_of_a_loopback_portal_when_mail_goes_over_smtp(ctx: ReviewContext) -> None:
    cycle = start(ctx, audiences=["practitioners"]).cycle
    settings = load_settings(ctx.repo.root, {"COPRODUCE_SMTP_URL": "smtp://relay.example.org:587"})
    warnings = launch_warnings(
        repo=ctx.repo, cycle=cycle, settings=settings, youth=frozenset({"young-people"})
    )
    assert len(warnings) == 1
    assert "the portal address is http://127.0.0.1:8080" in warnings[0]
    quiet = launch_warnings(
        repo=ctx.repo, cycle=cycle, settings=ctx.settings, youth=frozenset({"young-people"})
    )
    assert quiet == []


def test_launch_warns_when_young_people_have_no_youth_version(ctx: ReviewContext) -> None:
    cycle = start(ctx).cycle
    (warning,) = launch_warnings(
        repo=ctx.repo, cycle=cycle, settings=ctx.settings, youth=frozenset({"young-people"})
    )
    assert "has no youth-friendly version" in warning
    assert "they will get the full text" in warning


def test_young_people_without_a_twin_get_the_full_text_attached(
    ctx: ReviewContext, tmp_path: Path
) -> None:
    add_people(ctx.repo, {"young-people": 1})
    cycle_id = start(ctx, now=None).cycle.id
    from coproduce.review.materials import render_materials

    review.open_cycle(repo=ctx.repo, cycle_id=cycle_id, author=LEAD)
    files = render_materials(repo=ctx.repo, cycle_id=cycle_id)
    review.launch(
        repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, materials=files
    )
    youth = next(m for m in _messages(ctx) if "young-people" in str(m["To"]))
    names = [p.get_filename() for p in youth.walk() if p.get_filename()]
    assert names == ["escalation-policy-draft.html"]
