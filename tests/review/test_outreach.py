"""The register outreach: batches written from the register through real templates to the outbox."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from coproduce import review
from coproduce.docx.package import open_package
from coproduce.docx.properties import stamp_participant
from coproduce.models import ReviewCycle
from coproduce.review.context import ReviewContext
from coproduce.review.delivery import Batch
from coproduce.review.materials import render_materials
from tests.review.conftest import CLOSES, LEAD, NOW, outbox_files


def _open_cycle(ctx: ReviewContext) -> ReviewCycle:
    cycle = review.start_review(
        repo=ctx.repo,
        slug="escalation-policy",
        closes=CLOSES,
        audiences=["practitioners", "partners"],
        author=LEAD,
        outreach=ctx.outreach,
        now=NOW,
    ).cycle
    return review.open_cycle(repo=ctx.repo, cycle_id=cycle.id, author=LEAD, now=NOW)


def _batch(cycle: ReviewCycle, number: int, *people: str) -> Batch:
    return Batch(cycle.id, "invite", "practitioners", number, tuple(people))


def _read(path: Path) -> EmailMessage:
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _text(path: Path) -> str:
    body = _read(path).get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_people_erased_or_opted_out_after_planning_are_left_out_of_the_batch(
    ctx: ReviewContext,
) -> None:
    cycle = _open_cycle(ctx)
    stays, erased, opted = sorted(ctx.outreach.recipients("practitioners"))
    ctx.outreach.register.erase_participant(erased)
    ctx.outreach.register.add_opt_out(opted, cycle=cycle.id)
    ctx.outreach.deliver(_batch(cycle, 1, stays, erased, opted), cycle=cycle, materials={})
    (only,) = outbox_files(ctx.repo)
    assert stays in only.name
    assert ctx.outreach.sent_to(cycle.id, "invite") == {stays}


def test_a_template_added_to_the_repository_between_batches_is_used_by_the_next(
    ctx: ReviewContext,
) -> None:
    cycle = _open_cycle(ctx)
    first, second, _ = sorted(ctx.outreach.recipients("practitioners"))
    ctx.outreach.deliver(_batch(cycle, 1, first), cycle=cycle, materials={})
    own = ctx.repo.root / "templates" / "email" / "invite-practitioners.txt.j2"
    own.parent.mkdir(parents=True)
    own.write_text("Our own words for {{ first_name }}: {{ link }}\n", encoding="utf-8")
    ctx.outreach.deliver(_batch(cycle, 2, second), cycle=cycle, materials={})
    by_person = {p: next(f for f in outbox_files(ctx.repo) if p in f.name) for p in (first, second)}
    assert not _text(by_person[first]).startswith("Our own words")
    assert _text(by_person[second]).startswith("Our own words for Person")


def test_every_batch_attaches_the_draft_as_the_file_now_holds_it(ctx: ReviewContext) -> None:
    cycle = _open_cycle(ctx)
    files = render_materials(repo=ctx.repo, cycle_id=cycle.id)
    first, second, _ = sorted(ctx.outreach.recipients("practitioners"))
    ctx.outreach.deliver(_batch(cycle, 1, first), cycle=cycle, materials=files)
    original = files["draft-docx"].read_bytes()
    files["draft-docx"].write_bytes(original + b"\0")  # a re-rendered draft: other bytes
    ctx.outreach.deliver(_batch(cycle, 2, second), cycle=cycle, materials=files)

    def attached(person: str) -> bytes:
        path = next(f for f in outbox_files(ctx.repo) if person in f.name)
        (part,) = [a for a in _read(path).iter_attachments() if a.get_filename().endswith(".docx")]
        return bytes(part.get_content())

    assert attached(first) == stamp_participant(original, first)
    assert attached(second) == stamp_participant(original + b"\0", second)


def test_each_invitation_draft_names_its_cycle_version_and_participant(ctx: ReviewContext) -> None:
    cycle = _open_cycle(ctx)
    files = render_materials(repo=ctx.repo, cycle_id=cycle.id)
    person = sorted(ctx.outreach.recipients("practitioners"))[0]
    ctx.outreach.deliver(_batch(cycle, 1, person), cycle=cycle, materials=files)
    path = next(f for f in outbox_files(ctx.repo) if person in f.name)
    (part,) = [a for a in _read(path).iter_attachments() if a.get_filename().endswith(".docx")]
    properties = open_package(bytes(part.get_content())).custom
    assert properties["coproduce.cycle"] == cycle.id
    assert properties["coproduce.version"] == cycle.proposed
    assert properties["coproduce.participant"] == person
