"""Feedback intake: anchored, pseudonymous, committed before acknowledged, late kept."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from coproduce import review
from coproduce.errors import InvalidInputError, NotFoundError, StateError
from coproduce.models import AnchorStatus, CycleState
from coproduce.review.context import ReviewContext
from coproduce.review.feedback import Submission, iter_feedback, record_feedback

from .conftest import CLOSES, LEAD, NOW


def launched(ctx: ReviewContext) -> str:
    cycle_id = review.start_review(
        repo=ctx.repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=["practitioners", "partners"],
        author=LEAD,
        outreach=ctx.outreach,
        now=NOW,
    ).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW)
    return cycle_id


def practitioner(ctx: ReviewContext) -> str:
    return sorted(ctx.outreach.recipients("practitioners"))[0]


def test_a_comment_is_anchored_committed_and_counts_as_a_response(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    who = practitioner(ctx)
    item = record_feedback(
        repo=ctx.repo,
        register=ctx.outreach.register,
        cycle_id=cycle_id,
        submission=Submission(
            participant=who,
            channel="portal",
            text="Say who to escalate to.",
            section="when",
            quote="not keeping a young person safe",
        ),
        now=NOW + dt.timedelta(days=1),
    )
    assert item.id == "FB-0001"
    assert item.audience == "practitioners" and not item.late
    assert item.anchor is not None and item.anchor.status is AnchorStatus.EXACT
    assert item.anchor.prefix.endswith("Escalate when a plan is ")
    assert item.anchor.suffix.startswith(".")
    log = subprocess.run(
        ["git", "log", "-1", "--format=%B"], cwd=ctx.repo.root, capture_output=True, text=True
    ).stdout
    assert "Feedback: FB-0001" in log
    assert [i.id for i in iter_feedback(ctx.repo, cycle_id)] == ["FB-0001"]
    assert who in ctx.outreach.register.responders(cycle_id)


def test_a_quote_that_is_not_in_the_text_is_kept_as_an_orphan(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    item = record_feedback(
        repo=ctx.repo,
        register=ctx.outreach.register,
        cycle_id=cycle_id,
        submission=Submission(
            participant=practitioner(ctx),
            channel="docx",
            text="This bit confused me.",
            section="purpose",
            quote="words nobody wrote",
        ),
        now=NOW,
    )
    assert item.anchor is not None and item.anchor.status is AnchorStatus.ORPHANED
    assert item.anchor.exact == "words nobody wrote"


def test_feedback_after_close_is_kept_and_marked_late(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    after = dt.datetime(2026, 12, 20, tzinfo=dt.UTC)
    review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=after)
    assert review.load_cycle(ctx.repo, cycle_id).state is CycleState.CLOSED
    item = record_feedback(
        repo=ctx.repo,
        register=ctx.outreach.register,
        cycle_id=cycle_id,
        submission=Submission(participant="anonymous", channel="survey", text="Too late?"),
        now=after,
    )
    assert item.late
    assert iter_feedback(ctx.repo, cycle_id)[0].text == "Too late?"


def test_bad_submissions_change_nothing(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    head = ctx.repo.resolve("HEAD")
    cases = [
        Submission(participant=practitioner(ctx), channel="portal", text="   "),
        Submission(participant="P-0000000000", channel="portal", text="Who am I?"),
    ]
    for submission in cases:
        with pytest.raises((InvalidInputError, NotFoundError)):
            record_feedback(
                repo=ctx.repo,
                register=ctx.outreach.register,
                cycle_id=cycle_id,
                submission=submission,
                now=NOW,
            )
    assert ctx.repo.resolve("HEAD") == head
    assert iter_feedback(ctx.repo, cycle_id) == []


def test_a_cycle_not_yet_launched_takes_no_feedback(ctx: ReviewContext) -> None:
    draft = review.start_review(
        repo=ctx.repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=["practitioners"],
        author=LEAD,
        outreach=ctx.outreach,
        now=NOW,
    ).cycle.id
    with pytest.raises(StateError, match="takes no feedback"):
        record_feedback(
            repo=ctx.repo,
            register=ctx.outreach.register,
            cycle_id=draft,
            submission=Submission(participant="anonymous", channel="portal", text="Hello"),
            now=NOW,
        )


def test_items_follow_the_text_when_the_proposed_version_moves_on(ctx: ReviewContext) -> None:
    from coproduce.review.reanchor import reanchor_items

    cycle_id = launched(ctx)
    who = practitioner(ctx)
    for quote in ("not keeping a young person safe", "raise a concern"):
        section = "when" if quote.startswith("not") else "purpose"
        record_feedback(
            repo=ctx.repo,
            register=ctx.outreach.register,
            cycle_id=cycle_id,
            submission=Submission(
                participant=who, channel="portal", text="Hm.", section=section, quote=quote
            ),
            now=NOW + dt.timedelta(days=1),
        )
    path = ctx.repo.root / "guidance" / "escalation-policy.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("This policy says how practitioners raise a concern", "It sets out steps")
    text = text.replace("## When to escalate {#when}\n", "## When to escalate {#when}\n\nFirst.\n")
    ctx.repo.commit_files(
        {"guidance/escalation-policy.md": text}, author=LEAD, message="Revise the policy"
    )
    changed = reanchor_items(repo=ctx.repo, cycle_id=cycle_id)
    by_id = {i.id: i for i in iter_feedback(ctx.repo, cycle_id)}
    assert [i.id for i in changed] == ["FB-0001", "FB-0002"]
    assert by_id["FB-0001"].anchor.status is AnchorStatus.REANCHORED  # type: ignore[union-attr]
    assert by_id["FB-0002"].anchor.status is AnchorStatus.ORPHANED  # type: ignore[union-attr]
    assert by_id["FB-0002"].anchor.exact == "raise a concern"  # type: ignore[union-attr]
    assert reanchor_items(repo=ctx.repo, cycle_id=cycle_id) == []
