"""A cycle's status: days left, every reminder sent, youth twin sections flagged stale."""

from __future__ import annotations

import datetime as dt

from coproduce import review
from coproduce.models import CycleEvent, SignoffDecision
from coproduce.review.context import ReviewContext
from coproduce.review.record import save_cycle
from tests.review.conftest import CLOSES, LEAD, NOW, POLICY

TWIN = """---
title: Escalation, the short version
twin_of: escalation-policy
---

## Why this matters {#purpose}

Workers speak up when a plan is not working for you.

## When workers act {#when}

If you are not safe, a worker tells someone more senior.
"""


def launched(ctx: ReviewContext, audiences: list[str] | None = None) -> str:
    """Start and launch a review of the escalation policy; return the cycle id."""
    cycle_id = review.start_review(
        repo=ctx.repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=audiences or ["practitioners", "partners"],
        author=LEAD,
        now=NOW,
    ).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW)
    return cycle_id


def status(ctx: ReviewContext, cycle_id: str, now: dt.datetime = NOW) -> dict[str, object]:
    return review.status(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, now=now)


def test_a_draft_cycle_counts_down_to_its_close(ctx: ReviewContext) -> None:
    cycle_id = review.start_review(
        repo=ctx.repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=["partners"],
        author=LEAD,
        now=NOW,
    ).cycle.id
    assert status(ctx, cycle_id)["days_left"] == 43


def test_a_cycle_closed_early_has_no_days_left(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, now=NOW)
    data = status(ctx, cycle_id)
    assert data["state"] == "closed"
    assert data["days_left"] == 0
    assert data["reminders_due"] == []


def test_a_decided_cycle_has_no_days_left(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    cycle = review.load_cycle(ctx.repo, cycle_id)
    for event in (CycleEvent.CLOSE, CycleEvent.COMPLETE_TRIAGE, CycleEvent.ISSUE_PACK):
        cycle = cycle.apply(event, at=NOW)
    save_cycle(ctx.repo, cycle, author=LEAD, message="Move to sign-off")
    decision = SignoffDecision(
        cycle=cycle_id,
        outcome="rejected",
        decided_by="Board",
        recorded_by="Ola",
        decided=dt.date(2026, 11, 20),
    )
    review.record_decision(repo=ctx.repo, decision=decision, author=LEAD, now=NOW)
    data = status(ctx, cycle_id)
    assert data["state"] == "rejected"
    assert data["days_left"] == 0


def test_a_manual_reminder_is_counted_with_the_scheduled_ones(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    manual = review.remind(
        repo=ctx.repo,
        cycle_id=cycle_id,
        outreach=ctx.outreach,
        author=LEAD,
        now=NOW,
        manual=True,
    )
    five_days_left = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
    review.remind(
        repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=five_days_left
    )
    data = status(ctx, cycle_id, now=five_days_left)
    assert len(manual.sent) == 4
    assert data["messages"] == {"invite": 4, "reminder-7": 4, "reminder-2": 0, "reminder-43": 4}
    assert data["reminders_sent"] == [43, 7]
    assert data["invitations_sent"] == 4


def test_status_without_outreach_still_lists_recorded_rounds(ctx: ReviewContext) -> None:
    cycle_id = launched(ctx)
    review.record_reminders(repo=ctx.repo, cycle_id=cycle_id, rounds=[7], author=LEAD)
    data = review.status(repo=ctx.repo, cycle_id=cycle_id, now=NOW)
    assert data["reminders_sent"] == [7]
    assert data["messages"] == {}


def test_status_flags_youth_twin_sections_older_than_their_parent(ctx: ReviewContext) -> None:
    ctx.repo.commit_files(
        {"guidance/escalation-policy.young-people.md": TWIN}, author=LEAD, message="Add twin"
    )
    reworded = POLICY.replace("raise a concern about a plan", "challenge a plan")
    ctx.repo.commit_files(
        {"guidance/escalation-policy.md": reworded}, author=LEAD, message="Reword purpose"
    )
    cycle_id = review.start_review(
        repo=ctx.repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=["young-people", "partners"],
        author=LEAD,
        now=NOW,
    ).cycle.id
    before_launch = status(ctx, cycle_id)["stale_twin_sections"]
    from coproduce.review.materials import render_materials

    render_materials(repo=ctx.repo, cycle_id=cycle_id)
    assert before_launch == ["purpose"]
    assert status(ctx, cycle_id)["stale_twin_sections"] == ["purpose"]


def test_a_cycle_without_young_people_flags_no_twin_sections(ctx: ReviewContext) -> None:
    ctx.repo.commit_files(
        {"guidance/escalation-policy.young-people.md": TWIN}, author=LEAD, message="Add twin"
    )
    ctx.repo.commit_files(
        {"guidance/escalation-policy.md": POLICY.replace("plan", "care plan")},
        author=LEAD,
        message="Say care plan",
    )
    cycle_id = launched(ctx)
    assert status(ctx, cycle_id)["stale_twin_sections"] == []
