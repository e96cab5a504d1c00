"""The review service over reviews/<cycle>/cycle.yaml in a real repository."""

from __future__ import annotations

import datetime as dt
import subprocess
from email import message_from_bytes
from pathlib import Path

import pytest
import yaml

from coproduce import review
from coproduce.errors import ConflictError, InvalidInputError, NotFoundError, StateError
from coproduce.models import CycleEvent, CycleState, SignoffDecision
from coproduce.review.context import ReviewContext
from coproduce.review.record import save_cycle
from tests.review.conftest import CLOSES, LEAD, NOW, outbox_files

AUDIENCES = ["practitioners", "partners", "young-people"]


def start(ctx: ReviewContext, **overrides: object) -> review.StartResult:
    """Start a review of the escalation policy with sensible defaults."""
    args: dict[str, object] = {
        "repo": ctx.repo,
        "slug": "escalation-policy",
        "closes": CLOSES,
        "audiences": AUDIENCES,
        "author": LEAD,
        "outreach": ctx.outreach,
        "now": NOW,
    }
    args.update(overrides)
    return review.start_review(**args)  # type: ignore[arg-type]


def git_log(ctx: ReviewContext) -> str:
    return subprocess.run(
        ["git", "log", "--format=%s%n%b"], cwd=ctx.repo.root, capture_output=True, text=True
    ).stdout


def test_starting_a_review_commits_a_draft_cycle_named_by_quarter(ctx: ReviewContext) -> None:
    result = start(ctx)
    assert result.cycle.id == "2026-q4-escalation-policy"
    assert result.cycle.state is CycleState.DRAFT
    assert result.cycle.base == "escalation-policy/v1.0"
    saved = yaml.safe_load((ctx.repo.root / "reviews" / result.cycle.id / "cycle.yaml").read_text())
    assert saved["audiences"] == AUDIENCES
    assert "Review-Cycle: 2026-q4-escalation-policy" in git_log(ctx)


def test_an_audience_without_participants_is_a_warning_not_a_failure(ctx: ReviewContext) -> None:
    result = start(ctx)
    assert result.warnings == [
        "audience 'young-people' has no participants yet; add some before launch"
    ]


def test_a_start_with_several_mistakes_reports_every_one_and_writes_nothing(
    ctx: ReviewContext,
) -> None:
    questions = [{"id": "q1", "text": "Is it clear?", "section": "nowhere"}, {"text": ""}]
    with pytest.raises(InvalidInputError) as caught:
        start(
            ctx,
            closes=dt.date(2026, 1, 1),
            audiences=["practitioners", "police-cadets"],
            questions=questions,
        )
    assert len(caught.value.problems) == 5
    assert any("not in the future" in p for p in caught.value.problems)
    assert any("police-cadets" in p for p in caught.value.problems)
    assert any("nowhere" in p for p in caught.value.problems)
    assert review.list_cycles(repo=ctx.repo) == []


def test_an_unknown_document_is_not_found(ctx: ReviewContext) -> None:
    with pytest.raises(NotFoundError, match="no-such-doc"):
        start(ctx, slug="no-such-doc")


def test_a_document_never_approved_is_reviewed_as_its_first_version(ctx: ReviewContext) -> None:
    ctx.repo.commit_files(
        {"guidance/new-strategy.md": "---\ntitle: New strategy\n---\n\n# New strategy\n"},
        author=LEAD,
        message="Add a draft strategy",
    )
    result = start(ctx, slug="new-strategy")
    assert result.cycle.base is None
    assert result.warnings[0].startswith("new-strategy has never been approved")


FIRST_DRAFT = "---\ntitle: New strategy\n---\n\n# New strategy\n\nOur aim.\n"


def test_a_first_version_changes_page_shows_the_whole_draft_as_new(ctx: ReviewContext) -> None:
    from coproduce.review.materials import render_materials

    ctx.repo.commit_files(
        {"guidance/new-strategy.md": FIRST_DRAFT},
        author=LEAD,
        message="Add a draft strategy",
    )
    cycle = start(ctx, slug="new-strategy").cycle
    review.open_cycle(repo=ctx.repo, cycle_id=cycle.id, author=LEAD)
    files = render_materials(repo=ctx.repo, cycle_id=cycle.id)
    changes = files["changes-html"].read_text(encoding="utf-8")
    body = changes.split('<div class="redline">', 1)[1].split("</section>", 1)[1]  # past legend
    assert "inserted: </span>Our aim.</ins>" in body and "<del" not in body


def test_a_second_active_cycle_on_one_document_is_a_conflict(ctx: ReviewContext) -> None:
    first = start(ctx)
    with pytest.raises(ConflictError, match="cannot start a review") as caught:
        start(ctx)
    assert first.cycle.id in caught.value.problems[0]
    assert len(review.list_cycles(repo=ctx.repo)) == 1


def test_launching_invites_everyone_once_and_a_rerun_sends_nothing(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    first = review.launch(
        repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW
    )
    again = review.launch(
        repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW
    )
    assert len(first.sent) == 4
    assert again.sent == [] and again.skipped == []
    assert review.load_cycle(ctx.repo, cycle_id).state is CycleState.OPEN
    files = outbox_files(ctx.repo)
    assert len(files) == 4
    message = message_from_bytes(files[0].read_bytes())
    assert "Escalation policy" in str(message["Subject"]) or message["Subject"]


def test_a_due_reminder_goes_once_to_those_who_have_not_responded(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW)
    responder = sorted(ctx.outreach.recipients("practitioners"))[0]
    ctx.outreach.register.add_response(cycle=cycle_id, participant_id=responder)
    late = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)  # 5 days before close: round 7 due
    sent = review.remind(
        repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=late
    )
    again = review.remind(
        repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=late
    )
    assert len(sent.sent) == 3 and responder not in sent.sent
    assert again.sent == []
    assert review.load_cycle(ctx.repo, cycle_id).reminders_sent == [7]


def test_the_clock_catches_up_and_closes_cycles_past_their_deadline(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW)
    after = dt.datetime(2026, 12, 20, tzinfo=dt.UTC)
    done = review.sweep(repo=ctx.repo, outreach=ctx.outreach, author=LEAD, now=after)
    assert done == {"close": [cycle_id], "remind": []}
    assert review.load_cycle(ctx.repo, cycle_id).state is CycleState.CLOSED
    told = [p for p in outbox_files(ctx.repo) if p.name.startswith("closed.")]
    assert len(told) == 4  # everyone invited hears that it closed, once
    assert review.sweep(repo=ctx.repo, outreach=ctx.outreach, author=LEAD, now=after) == {
        "close": [],
        "remind": [],
    }


def test_closing_a_closed_cycle_says_so_and_changes_nothing(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW)
    review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD)
    head = ctx.repo.resolve("HEAD")
    with pytest.raises(StateError, match=r"cannot close review .*: it is closed"):
        review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD)
    assert review.close(repo=ctx.repo, cycle_id=cycle_id, author=LEAD, strict=False).state is (
        CycleState.CLOSED
    )
    assert ctx.repo.resolve("HEAD") == head


def test_status_reports_state_counts_and_days_left(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW)
    data = review.status(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, now=NOW)
    assert data["state"] == "open"
    assert data["invitations_sent"] == 4
    assert data["days_left"] == 43


def test_the_board_decision_is_recorded_once_and_moves_the_cycle(ctx: ReviewContext) -> None:
    cycle = start(ctx).cycle
    for event in (
        CycleEvent.LAUNCH,
        CycleEvent.CLOSE,
        CycleEvent.COMPLETE_TRIAGE,
        CycleEvent.ISSUE_PACK,
    ):
        cycle = cycle.apply(event, at=NOW)
    save_cycle(ctx.repo, cycle, author=LEAD, message="Move to sign-off")
    decision = SignoffDecision(
        cycle=cycle.id,
        outcome="approved",
        decided_by="Board",
        recorded_by="Ola",
        decided=dt.date(2027, 1, 10),
        version="1.1",
    )
    moved = review.record_decision(repo=ctx.repo, decision=decision, author=LEAD)
    head = ctx.repo.resolve("HEAD")
    repeat = review.record_decision(repo=ctx.repo, decision=decision, author=LEAD)
    assert moved.state is CycleState.APPROVED and repeat.state is CycleState.APPROVED
    assert ctx.repo.resolve("HEAD") == head
    assert (ctx.repo.root / "reviews" / cycle.id / "decision.yaml").is_file()


def test_an_unknown_cycle_is_not_found_and_lists_the_known_ones(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    with pytest.raises(NotFoundError, match=cycle_id):
        review.load_cycle(ctx.repo, "2020-q1-nothing")


def test_no_participant_data_reaches_git(ctx: ReviewContext) -> None:
    cycle_id = start(ctx).cycle.id
    review.launch(repo=ctx.repo, cycle_id=cycle_id, outreach=ctx.outreach, author=LEAD, now=NOW)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ctx.repo.root, capture_output=True, text=True
    ).stdout
    assert ".coproduce" not in tracked
    record = Path(ctx.repo.root, "reviews", cycle_id, "cycle.yaml").read_text()
    assert "practitioners.0@example.org" not in record
    assert "Person practitioners" not in record
